//! Service names: canonical names, aliases, and the `AWS_MCP_SERVICES` selection.
//!
//! The canonical name is the model directory. Aliases come in tiers, most specific first: the
//! AWS CLI command name, the endpoint prefix, the sdkId (lower-cased, without spaces or with
//! hyphens), then the SigV4 signing name and ARN namespace. An alias claimed by several services
//! in the same tier goes to the one with the most operations (e.g. `events` → eventbridge
//! rather than cloudwatch-events, `elasticloadbalancing` → elastic-load-balancing-v2), and a
//! more specific tier always wins over a less specific one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Error;
use super::smithy::{Model, traits};

/// AWS CLI command names by model directory (botocore names, as the CLI renames them).
const CLI_NAMES: &str = include_str!("../../data/cli-names.tsv");

/// The result of naming: which models are compiled in and the names they answer to.
#[derive(Debug)]
pub struct Named {
    /// Indices into the parsed models, in canonical-name order.
    pub selected: Vec<usize>,
    /// Alias → index into `models`, for the selected services only.
    pub aliases: BTreeMap<String, usize>,
    /// AWS CLI name of each model (empty when unknown).
    pub cli_names: Vec<String>,
    /// A subset was selected.
    pub slim: bool,
}

/// Names every model and applies the selection (names or aliases, any case).
pub fn assign(models: &[Model], selection: Option<&[String]>) -> Result<Named, Error> {
    let cli_names: Vec<String> = models.iter().map(|m| cli_name(&m.dir)).collect();
    let all: Vec<usize> = (0..models.len()).collect();
    let (selected, slim) = match selection {
        None => (all.clone(), false),
        Some(wanted) => {
            let everything = alias_table(models, &cli_names, &all);
            let mut picked = BTreeSet::new();
            let mut unknown = Vec::new();
            for name in wanted {
                let key = name.trim().to_ascii_lowercase();
                if key.is_empty() {
                    continue;
                }
                match models
                    .iter()
                    .position(|m| m.dir == key)
                    .or_else(|| everything.get(&key).copied())
                {
                    Some(i) => {
                        picked.insert(i);
                    }
                    None => unknown.push(name.clone()),
                }
            }
            if !unknown.is_empty() {
                let valid: Vec<&str> = models.iter().map(|m| m.dir.as_str()).collect();
                return Err(Error(format!(
                    "AWS_MCP_SERVICES names unknown service(s): {}. Valid names (aliases such as \
                     `logs`, `s3api`, `elbv2` work too): {}",
                    unknown.join(", "),
                    valid.join(", ")
                )));
            }
            if picked.is_empty() {
                return Err(Error(
                    "AWS_MCP_SERVICES is set but names no service; unset it for the full catalog \
                     or list services, e.g. AWS_MCP_SERVICES=ec2,s3"
                        .into(),
                ));
            }
            (picked.into_iter().collect(), true)
        }
    };
    let aliases = alias_table(models, &cli_names, &selected);
    Ok(Named {
        selected,
        aliases,
        cli_names,
        slim,
    })
}

fn cli_name(dir: &str) -> String {
    CLI_NAMES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(d, _)| *d == dir)
        .map(|(_, c)| c.trim().to_string())
        .unwrap_or_default()
}

/// The alias candidates of one model, by tier (0 = most specific).
pub fn alias_tiers(model: &Model, cli_name: &str) -> [Vec<String>; 4] {
    let service = model.service();
    let t = traits(service);
    let api = t.get("aws.api#service");
    let s = |v: Option<&Value>, key: &str| {
        v.and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let sdk_id = s(api, "sdkId");
    let mut tiers: [Vec<String>; 4] = Default::default();
    tiers[0].push(cli_name.to_ascii_lowercase());
    tiers[1].push(s(api, "endpointPrefix"));
    tiers[2].push(sdk_id.replace(' ', ""));
    tiers[2].push(sdk_id.replace(' ', "-"));
    tiers[3].push(s(t.get("aws.auth#sigv4"), "name"));
    tiers[3].push(s(api, "arnNamespace"));
    for tier in &mut tiers {
        tier.retain(|a| !a.is_empty() && a != &model.dir);
        tier.sort();
        tier.dedup();
    }
    tiers
}

/// Alias → model index over the `subset`, resolving clashes as the module doc says.
fn alias_table(
    models: &[Model],
    cli_names: &[String],
    subset: &[usize],
) -> BTreeMap<String, usize> {
    let canonical: BTreeSet<&str> = models.iter().map(|m| m.dir.as_str()).collect();
    let op_count = |i: usize| operation_count(&models[i]);
    let tiers: Vec<[Vec<String>; 4]> = subset
        .iter()
        .map(|&i| alias_tiers(&models[i], &cli_names[i]))
        .collect();
    let mut table: BTreeMap<String, usize> = BTreeMap::new();
    for tier in 0..4 {
        let mut claims: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (&i, service_tiers) in subset.iter().zip(&tiers) {
            for alias in &service_tiers[tier] {
                claims.entry(alias.as_str()).or_default().push(i);
            }
        }
        for (alias, mut who) in claims {
            // Never shadow another service's canonical name or an alias a stronger tier took.
            if canonical.contains(alias) || table.contains_key(alias) {
                continue;
            }
            who.sort_by(|&a, &b| {
                op_count(b)
                    .cmp(&op_count(a))
                    .then(models[a].dir.cmp(&models[b].dir))
            });
            table.insert(alias.to_string(), who[0]);
        }
    }
    table
}

/// Number of operations the service declares directly (a proxy for its size when breaking ties).
fn operation_count(model: &Model) -> usize {
    model
        .shapes
        .values()
        .filter(|s| s.get("type").and_then(Value::as_str) == Some("operation"))
        .count()
}

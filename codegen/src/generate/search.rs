//! Builds the search index ([`SearchIndex`]) over the catalog's operations at build time.
//!
//! Every text goes through `search_terms` (the same words/stems the query side uses). See
//! `search_format` for the layout and `src/catalog/search.rs` for the ranking.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::usage::Usage;
use crate::format::{Catalog, OP_DEPRECATED};
use crate::search_format::{
    BM25_B, BM25_K1, NO_TERM, OpInfo, SUMMARY_TF_SCALE, SearchIndex, TERM_ASPECT, TERM_SURFACE,
    TYPO_MAX_LEN, letter_mask, pack,
};
use crate::search_terms::{
    VERBS, glued, is_aspect_word, is_name_filler, is_plural, is_stop_word, is_verb_prefix, stem,
    words,
};

/// Strength (out of 255) of a one-word service name that other services also use as an
/// operation-name word (`backup`, `config`, `logs`): it may mean the service or the thing.
const AMBIGUOUS_STRENGTH: u8 = 150;
/// Other services using the word in operation names before a name counts as ambiguous.
const AMBIGUOUS_SERVICES: usize = 2;

#[derive(Default)]
struct TermPostings {
    name: BTreeSet<u32>,
    summary: BTreeMap<u32, u32>,
    usage: BTreeMap<u32, u32>,
    exact: BTreeSet<u32>,
    service: BTreeMap<u32, u8>,
    service_word: BTreeSet<u32>,
}

/// The index over `catalog.services` and `catalog.operations`.
pub fn build_index(catalog: &Catalog, usage: &Usage) -> SearchIndex {
    let mut vocab: BTreeMap<String, TermPostings> = BTreeMap::new();
    // (surface word, term) pairs for the typo dictionary.
    let mut typo: BTreeSet<(String, String)> = BTreeSet::new();

    // Operations: name stems, exact glued name, summary stems.
    let mut op_names: Vec<Vec<String>> = Vec::with_capacity(catalog.operations.len());
    let mut op_surfaces: Vec<Vec<String>> = Vec::with_capacity(catalog.operations.len());
    let mut op_summary_len = Vec::with_capacity(catalog.operations.len());
    for (i, op) in catalog.operations.iter().enumerate() {
        let id = i as u32;
        let mut stems = Vec::new();
        let mut surface = Vec::new();
        for w in words(&op.name) {
            let s = stem(&w);
            typo.insert((w.clone(), s.clone()));
            vocab.entry(s.clone()).or_default().name.insert(id);
            vocab.entry(w.clone()).or_default();
            stems.push(s);
            surface.push(w);
        }
        op_names.push(stems);
        op_surfaces.push(surface);
        vocab.entry(glued(&op.name)).or_default().exact.insert(id);
        let mut len = 0u32;
        for w in words(&op.summary) {
            if is_stop_word(&w) {
                continue;
            }
            len += 1;
            *vocab
                .entry(stem(&w))
                .or_default()
                .summary
                .entry(id)
                .or_default() += 1;
        }
        op_summary_len.push(len.min(u16::MAX as u32) as u16);
    }

    // Usage text (the CLI's examples and commands): stems with their frequency, like summaries;
    // CLI commands named otherwise than their operation count as exact names.
    let mut op_usage_len: HashMap<u32, u32> = HashMap::new();
    for (&id, text) in &usage.texts {
        let mut len = 0u32;
        for w in words(text) {
            if is_stop_word(&w) || is_usage_filler(&w) {
                continue;
            }
            len += 1;
            *vocab
                .entry(stem(&w))
                .or_default()
                .usage
                .entry(id)
                .or_default() += 1;
        }
        op_usage_len.insert(id, len);
    }
    for (&id, commands) in &usage.commands {
        for c in commands {
            vocab.entry(c.clone()).or_default().exact.insert(id);
        }
    }

    // Which services use a stem in their operation names (for the ambiguity of service names).
    let mut name_services: HashMap<&str, BTreeSet<u32>> = HashMap::new();
    for (i, op) in catalog.operations.iter().enumerate() {
        for s in &op_names[i] {
            name_services
                .entry(s.as_str())
                .or_default()
                .insert(op.service);
        }
    }

    // Services: name keys (strong) and title words (weak).
    let canonical: HashMap<String, u32> = catalog
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (glued(&s.name), i as u32))
        .collect();
    let verbs: BTreeSet<String> = VERBS.iter().map(|(v, _)| stem(v)).collect();
    let mut service_keys: Vec<(String, u32, u8)> = Vec::new();
    let mut service_words: Vec<(String, u32)> = Vec::new();
    for (i, svc) in catalog.services.iter().enumerate() {
        let id = i as u32;
        let title = strip_brand(&svc.title);
        let mut sources: Vec<&str> = vec![
            &svc.name,
            &svc.sdk_id,
            &svc.endpoint_prefix,
            &svc.cli_name,
            &title,
        ];
        sources.extend(svc.aliases.iter().map(String::as_str));
        let trimmed_title = strip_suffix_word(&title, &["service", "api"]);
        sources.push(&trimmed_title);
        let mut keys: BTreeSet<String> = BTreeSet::new();
        for src in sources {
            let ws = words(src);
            if ws.is_empty() {
                continue;
            }
            for w in &ws {
                typo.insert((w.clone(), stem(w)));
                if !is_stop_word(w) {
                    service_words.push((stem(w), id));
                }
            }
            // Glued raw words ("apigateway", "cloudwatchlogs") and glued stems without stop
            // words ("cloudwatchlog", "stepfunction"), as long as two or more words remain.
            let raw: String = ws.concat();
            typo.insert((raw.clone(), raw.clone()));
            keys.insert(raw);
            let content: Vec<String> = ws
                .iter()
                .filter(|w| !is_stop_word(w))
                .map(|w| stem(w))
                .collect();
            // Not the verb of a one-word gerund ("tagging" → "tag"): "tag a bucket" names the
            // action, not the Resource Groups Tagging API.
            let gerund_verb = ws.len() == 1
                && ws[0].ends_with("ing")
                && content.first().is_some_and(|s| verbs.contains(s));
            if (content.len() == ws.len() || content.len() >= 2) && !gerund_verb {
                keys.insert(content.concat());
            }
        }
        for key in keys {
            // An alias that is another service's own name belongs to that service
            // (dynamodb-streams signs as "dynamodb").
            if canonical
                .get(key.as_str())
                .is_some_and(|&other| other != id)
            {
                continue;
            }
            let others = name_services
                .get(key.as_str())
                .map_or(0, |set| set.iter().filter(|&&s| s != id).count());
            // A service named by a common verb ("deploy", "translate", "transcribe") may just
            // be the verb.
            let strength = if others > AMBIGUOUS_SERVICES || verbs.contains(&key) {
                AMBIGUOUS_STRENGTH
            } else {
                255
            };
            service_keys.push((key, id, strength));
        }
    }
    for (key, id, strength) in service_keys {
        let e = vocab.entry(key).or_default().service.entry(id).or_insert(0);
        *e = (*e).max(strength);
    }
    for (w, id) in service_words {
        vocab.entry(w).or_default().service_word.insert(id);
    }

    let total: u64 = op_summary_len.iter().map(|&l| l as u64).sum();
    let avg_summary_len = (total as f32 / op_summary_len.len().max(1) as f32).max(1.0);
    let total: u64 = op_usage_len.values().map(|&l| l as u64).sum();
    let avg_usage_len = (total as f32 / op_usage_len.len().max(1) as f32).max(1.0);

    // Flatten.
    let mut index = SearchIndex::default();
    let term_id: HashMap<&str, u32> = vocab
        .keys()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i as u32))
        .collect();
    for field in [
        &mut index.name_offsets,
        &mut index.summary_offsets,
        &mut index.usage_offsets,
        &mut index.exact_offsets,
        &mut index.service_offsets,
        &mut index.service_word_offsets,
    ] {
        field.push(0);
    }
    let aspects: BTreeSet<String> = op_surfaces
        .iter()
        .flatten()
        .filter(|w| is_aspect_word(w))
        .map(|w| stem(w))
        .collect();
    let surfaces: BTreeSet<&str> = op_surfaces.iter().flatten().map(String::as_str).collect();
    for (term, p) in &vocab {
        index.terms.push(term.clone());
        let mut flags = 0;
        if aspects.contains(term) {
            flags |= TERM_ASPECT;
        }
        if surfaces.contains(term.as_str()) {
            flags |= TERM_SURFACE;
        }
        index.term_flags.push(flags);
        index.name_postings.extend(p.name.iter().copied());
        index.name_offsets.push(index.name_postings.len() as u32);
        index
            .summary_postings
            .extend(p.summary.iter().map(|(&op, &tf)| {
                let len = op_summary_len.get(op as usize).copied().unwrap_or(1) as f32;
                pack(op, bm25_factor(tf as f32, len, avg_summary_len))
            }));
        index
            .summary_offsets
            .push(index.summary_postings.len() as u32);
        index
            .usage_postings
            .extend(p.usage.iter().map(|(&op, &tf)| {
                let len = op_usage_len.get(&op).copied().unwrap_or(1) as f32;
                pack(op, bm25_factor(tf as f32, len, avg_usage_len))
            }));
        index.usage_offsets.push(index.usage_postings.len() as u32);
        index.exact_postings.extend(p.exact.iter().copied());
        index.exact_offsets.push(index.exact_postings.len() as u32);
        index
            .service_postings
            .extend(p.service.iter().map(|(&svc, &s)| pack(svc, s)));
        index
            .service_offsets
            .push(index.service_postings.len() as u32);
        index
            .service_word_postings
            .extend(p.service_word.iter().copied());
        index
            .service_word_offsets
            .push(index.service_word_postings.len() as u32);
    }

    index.op_name_offsets.push(0);
    index.op_surface_offsets.push(0);
    let priors = priors(catalog);
    let service_prior: HashMap<&str, f32> = SERVICE_PRIOR.iter().copied().collect();
    index.service_prior = catalog
        .services
        .iter()
        .map(|s| service_prior.get(s.name.as_str()).copied().unwrap_or(0.0))
        .collect();
    for (i, (stems, surface)) in op_names.iter().zip(&op_surfaces).enumerate() {
        let id = |w: &String| term_id.get(w.as_str()).copied();
        let verb_at = stems.iter().position(|s| !is_verb_prefix(s));
        let head_at =
            verb_at.and_then(|v| head_noun(&stems[v + 1..], &surface[v + 1..]).map(|h| v + 1 + h));
        index.ops.push(OpInfo {
            service: catalog.operations[i].service,
            verb: verb_at.and_then(|i| id(&stems[i])).unwrap_or(NO_TERM),
            head: head_at.and_then(|h| id(&stems[h])).unwrap_or(NO_TERM),
            prior: priors.get(i).copied().unwrap_or(0.0),
            // "DomainNames": as many domains as names.
            head_plural: head_at.is_some_and(|h| {
                is_plural(&surface[h], &stems[h])
                    || surface
                        .get(h + 1)
                        .is_some_and(|w| matches!(w.as_str(), "names" | "ids" | "arns"))
            }),
        });
        let mut cover: Vec<u32> = Vec::new();
        for t in stems.iter().filter(|s| !is_name_filler(s)).filter_map(id) {
            if !cover.contains(&t) {
                cover.push(t);
            }
        }
        index.op_name_terms.extend(cover);
        index.op_name_offsets.push(index.op_name_terms.len() as u32);
        let mut words: Vec<u32> = Vec::new();
        for t in surface.iter().filter_map(id) {
            if !words.contains(&t) {
                words.push(t);
            }
        }
        index.op_surface_terms.extend(words);
        index
            .op_surface_offsets
            .push(index.op_surface_terms.len() as u32);
    }

    // Typo dictionary: ASCII words of 3..=TYPO_MAX_LEN letters, by length.
    let mut by_len: Vec<Vec<(String, u32)>> = vec![Vec::new(); TYPO_MAX_LEN + 1];
    for (word, term) in typo {
        if word.len() < 3
            || word.len() > TYPO_MAX_LEN
            || !word.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            continue;
        }
        if let Some(&t) = term_id.get(term.as_str()) {
            by_len[word.len()].push((word, t));
        }
    }
    index.typo_len_offsets.push(0);
    for bucket in by_len {
        for (word, t) in bucket {
            index.typo_masks.push(letter_mask(&word));
            index.typo_words.push(word);
            index.typo_terms.push(t);
        }
        index.typo_len_offsets.push(index.typo_words.len() as u32);
    }
    index
}

/// BM25's term-frequency factor with length normalisation, scaled to a byte
/// ([`SUMMARY_TF_SCALE`]).
fn bm25_factor(tf: f32, len: f32, avg_len: f32) -> u8 {
    let norm = tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * (1.0 - BM25_B + BM25_B * len / avg_len));
    (norm * SUMMARY_TF_SCALE).round().clamp(1.0, 255.0) as u8
}

/// Words of the CLI's example prose that say nothing about the operation ("The following
/// `purge-queue` example ...").
fn is_usage_filler(word: &str) -> bool {
    matches!(
        word,
        "following" | "example" | "examples" | "command" | "commands" | "specified" | "output"
    )
}

/// The position of the head noun among the words after an operation's verb: the last word
/// before the first preposition that is not an aspect word (`Secret` `Value` → secret; `Table`
/// `From` `Backup` → table), else the last word.
fn head_noun(stems: &[String], surface: &[String]) -> Option<usize> {
    let end = stems
        .iter()
        .position(|s| is_name_filler(s) && !matches!(s.as_str(), "and" | "or"))
        .unwrap_or(stems.len());
    (0..end)
        .rev()
        .find(|&i| !surface.get(i).is_some_and(|w| is_aspect_word(w)) && !is_name_filler(&stems[i]))
        .or_else(|| end.checked_sub(1))
}

/// A title without its leading "Amazon"/"AWS" ("Amazon Simple Queue Service" → "Simple Queue
/// Service").
fn strip_brand(title: &str) -> String {
    let mut t = title.trim();
    loop {
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("amazon ") || lower.starts_with("aws ") {
            t = t.split_once(' ').map_or("", |(_, rest)| rest).trim_start();
        } else {
            return t.to_string();
        }
    }
}

/// `text` without a trailing word from `suffixes` (case-insensitive); unchanged otherwise.
fn strip_suffix_word(text: &str, suffixes: &[&str]) -> String {
    match text.trim().rsplit_once(' ') {
        Some((head, last)) if suffixes.iter().any(|s| last.eq_ignore_ascii_case(s)) => {
            head.to_string()
        }
        _ => String::new(),
    }
}

/// Popularity of services (by canonical name): how often people work with them. Positive for
/// the widely used services, negative for legacy ones superseded by a newer service. Other
/// services: 0.
const SERVICE_PRIOR: &[(&str, f32)] = &[
    ("s3", 1.5),
    ("ec2", 1.5),
    ("iam", 1.4),
    ("lambda", 1.4),
    ("sts", 1.2),
    ("dynamodb", 1.3),
    ("sqs", 1.2),
    ("sns", 1.2),
    ("cloudwatch", 1.2),
    ("cloudwatch-logs", 1.2),
    ("rds", 1.2),
    ("kms", 1.1),
    ("ecs", 1.1),
    ("eks", 1.1),
    ("cloudformation", 1.1),
    ("secrets-manager", 1.1),
    ("ssm", 1.1),
    ("route-53", 1.0),
    ("ecr", 1.0),
    ("sfn", 0.9),
    ("api-gateway", 0.9),
    ("apigatewayv2", 0.6),
    ("elastic-load-balancing-v2", 0.9),
    ("auto-scaling", 0.9),
    ("cloudfront", 0.9),
    ("organizations", 0.8),
    ("cost-explorer", 0.8),
    ("athena", 0.8),
    ("glue", 0.8),
    ("kinesis", 0.8),
    ("firehose", 0.6),
    ("eventbridge", 0.8),
    ("cognito-identity-provider", 0.8),
    ("cognito-identity", 0.4),
    ("elasticache", 0.8),
    ("efs", 0.7),
    ("acm", 0.8),
    ("bedrock", 0.8),
    ("bedrock-runtime", 0.8),
    ("bedrock-agent", 0.5),
    ("bedrock-agent-runtime", 0.5),
    ("sagemaker", 0.8),
    ("sagemaker-runtime", 0.5),
    ("cloudtrail", 0.8),
    ("config-service", 0.6),
    ("guardduty", 0.6),
    ("securityhub", 0.6),
    ("inspector2", 0.4),
    ("redshift", 0.6),
    ("redshift-data", 0.3),
    ("emr", 0.6),
    ("opensearch", 0.6),
    ("backup", 0.5),
    ("sesv2", 0.6),
    ("ses", 0.5),
    ("appsync", 0.5),
    ("batch", 0.5),
    ("codebuild", 0.6),
    ("codepipeline", 0.6),
    ("codecommit", 0.4),
    ("codedeploy", 0.5),
    ("elastic-beanstalk", 0.4),
    ("wafv2", 0.5),
    ("shield", 0.3),
    ("sso-admin", 0.4),
    ("identitystore", 0.3),
    ("organizations", 0.8),
    ("budgets", 0.5),
    ("pricing", 0.4),
    ("service-quotas", 0.5),
    ("kafka", 0.5),
    ("mq", 0.4),
    ("docdb", 0.4),
    ("neptune", 0.3),
    ("memorydb", 0.3),
    ("timestream-write", 0.2),
    ("timestream-query", 0.2),
    ("lightsail", 0.3),
    ("transfer", 0.3),
    ("datasync", 0.3),
    ("fsx", 0.4),
    ("glacier", 0.3),
    ("storage-gateway", 0.2),
    ("textract", 0.4),
    ("rekognition", 0.5),
    ("comprehend", 0.4),
    ("translate", 0.4),
    ("polly", 0.4),
    ("transcribe", 0.4),
    ("resource-groups-tagging-api", 0.4),
    ("application-auto-scaling", 0.4),
    ("ec2-instance-connect", 0.2),
    ("dynamodb-streams", 0.2),
    ("xray", 0.4),
    ("scheduler", 0.4),
    ("account", 0.3),
    ("health", 0.3),
    ("trustedadvisor", 0.2),
    ("support", 0.2),
    ("ram", 0.3),
    ("directory-service", 0.2),
    ("amplify", 0.3),
    ("apprunner", 0.3),
    ("mwaa", 0.3),
    ("quicksight", 0.3),
    ("lakeformation", 0.3),
    ("s3-control", 0.3),
    ("network-firewall", 0.3),
    ("route-53-domains", 0.5),
    ("route53resolver", 0.3),
    ("elastic-load-balancing", 0.3),
    // Legacy services superseded by newer ones, and near-retired ones.
    ("elasticsearch-service", -0.3),
    ("waf", -0.6),
    ("waf-regional", -0.6),
    ("lex-model-building-service", -0.4),
    ("lex-runtime-service", -0.4),
    ("kinesis-analytics", -0.3),
    ("pinpoint-email", -0.4),
    ("opsworks", -0.6),
    ("opsworkscm", -0.6),
    ("sms", -0.6),
    ("robomaker", -0.4),
    ("data-pipeline", -0.4),
    ("elastic-transcoder", -0.4),
    ("machine-learning", -0.6),
    ("cognito-sync", -0.4),
    ("iotthingsgraph", -0.5),
    ("iotanalytics", -0.3),
    ("mobile", -0.5),
    ("cloudsearch", -0.3),
    ("cloudsearch-domain", -0.3),
    ("simspaceweaver", -0.3),
    ("workdocs", -0.3),
    ("honeycode", -0.5),
    ("alexa-for-business", -0.5),
    ("lookoutmetrics", -0.3),
    ("lookoutvision", -0.3),
    ("lookoutequipment", -0.3),
    ("evidently", -0.3),
    ("qldb", -0.2),
    ("qldb-session", -0.3),
    ("mturk", -0.3),
    ("cloudhsm", -0.4),
    ("marketplace-commerce-analytics", -0.3),
    ("migration-hub", -0.1),
    ("codestar-connections", -0.2),
    ("chime", -0.3),
    ("finspace-data", -0.2),
    ("iotfleethub", -0.3),
];

/// Widely used operations (how often people call them). A small nudge among operations that
/// otherwise score alike (ListObjectsV2 over ListObjectVersions, CreateDBInstance over
/// CreateDBParameterGroup).
const OPERATION_PRIOR: &[(&str, &str, f32)] = &[
    ("s3", "ListBuckets", 1.0),
    ("s3", "ListObjectsV2", 1.0),
    ("s3", "GetObject", 1.0),
    ("s3", "PutObject", 1.0),
    ("s3", "DeleteObject", 0.8),
    ("s3", "CreateBucket", 0.8),
    ("s3", "DeleteBucket", 0.6),
    ("s3", "HeadObject", 0.6),
    ("s3", "CopyObject", 0.6),
    ("s3", "GetBucketPolicy", 0.5),
    ("s3", "PutBucketPolicy", 0.5),
    ("ec2", "DescribeInstances", 1.0),
    ("ec2", "RunInstances", 1.0),
    ("ec2", "StartInstances", 0.8),
    ("ec2", "StopInstances", 0.8),
    ("ec2", "TerminateInstances", 0.8),
    ("ec2", "RebootInstances", 0.5),
    ("ec2", "DescribeVolumes", 0.8),
    ("ec2", "CreateVolume", 0.6),
    ("ec2", "AttachVolume", 0.5),
    ("ec2", "DescribeSecurityGroups", 0.8),
    ("ec2", "AuthorizeSecurityGroupIngress", 0.7),
    ("ec2", "CreateSecurityGroup", 0.6),
    ("ec2", "DescribeVpcs", 0.8),
    ("ec2", "DescribeSubnets", 0.8),
    ("ec2", "DescribeImages", 0.8),
    ("ec2", "CreateImage", 0.5),
    ("ec2", "DescribeKeyPairs", 0.6),
    ("ec2", "CreateKeyPair", 0.5),
    ("ec2", "DescribeSnapshots", 0.6),
    ("ec2", "CreateSnapshot", 0.6),
    ("ec2", "DescribeRegions", 0.6),
    ("ec2", "DescribeAvailabilityZones", 0.5),
    ("ec2", "AllocateAddress", 0.4),
    ("ec2", "DescribeAddresses", 0.5),
    ("ec2", "CreateTags", 0.6),
    ("ec2", "DescribeInstanceStatus", 0.5),
    ("ec2", "DescribeInstanceTypes", 0.5),
    ("ec2", "DescribeNetworkInterfaces", 0.4),
    ("ec2", "DescribeRouteTables", 0.4),
    ("iam", "ListUsers", 0.9),
    ("iam", "ListRoles", 0.9),
    ("iam", "GetUser", 0.7),
    ("iam", "GetRole", 0.7),
    ("iam", "CreateUser", 0.8),
    ("iam", "CreateRole", 0.8),
    ("iam", "ListPolicies", 0.7),
    ("iam", "CreatePolicy", 0.6),
    ("iam", "AttachRolePolicy", 0.7),
    ("iam", "AttachUserPolicy", 0.6),
    ("iam", "ListAttachedRolePolicies", 0.5),
    ("iam", "ListAttachedUserPolicies", 0.5),
    ("iam", "PutRolePolicy", 0.5),
    ("iam", "CreateAccessKey", 0.6),
    ("iam", "ListAccessKeys", 0.6),
    ("iam", "ListGroups", 0.5),
    ("iam", "CreateGroup", 0.4),
    ("iam", "AddUserToGroup", 0.5),
    ("iam", "DeleteUser", 0.5),
    ("iam", "DeleteRole", 0.5),
    ("sts", "GetCallerIdentity", 1.0),
    ("sts", "AssumeRole", 1.0),
    ("sts", "GetSessionToken", 0.6),
    ("lambda", "ListFunctions", 1.0),
    ("lambda", "Invoke", 1.0),
    ("lambda", "GetFunction", 0.9),
    ("lambda", "CreateFunction", 0.9),
    ("lambda", "UpdateFunctionCode", 0.8),
    ("lambda", "UpdateFunctionConfiguration", 0.7),
    ("lambda", "DeleteFunction", 0.6),
    ("lambda", "GetFunctionConfiguration", 0.5),
    ("lambda", "AddPermission", 0.4),
    ("lambda", "PublishVersion", 0.4),
    ("lambda", "CreateEventSourceMapping", 0.4),
    ("dynamodb", "GetItem", 1.0),
    ("dynamodb", "PutItem", 1.0),
    ("dynamodb", "Query", 1.0),
    ("dynamodb", "Scan", 0.9),
    ("dynamodb", "UpdateItem", 0.9),
    ("dynamodb", "DeleteItem", 0.8),
    ("dynamodb", "ListTables", 1.0),
    ("dynamodb", "DescribeTable", 0.9),
    ("dynamodb", "CreateTable", 0.9),
    ("dynamodb", "DeleteTable", 0.7),
    ("dynamodb", "UpdateTable", 0.5),
    ("dynamodb", "BatchWriteItem", 0.6),
    ("dynamodb", "BatchGetItem", 0.5),
    ("dynamodb", "CreateBackup", 0.4),
    ("sqs", "SendMessage", 1.0),
    ("sqs", "ReceiveMessage", 1.0),
    ("sqs", "DeleteMessage", 0.8),
    ("sqs", "ListQueues", 1.0),
    ("sqs", "CreateQueue", 0.9),
    ("sqs", "GetQueueUrl", 0.7),
    ("sqs", "GetQueueAttributes", 0.7),
    ("sqs", "PurgeQueue", 0.5),
    ("sqs", "DeleteQueue", 0.6),
    ("sns", "Publish", 1.0),
    ("sns", "ListTopics", 1.0),
    ("sns", "CreateTopic", 0.9),
    ("sns", "Subscribe", 0.9),
    ("sns", "ListSubscriptions", 0.6),
    ("sns", "ListSubscriptionsByTopic", 0.6),
    ("cloudwatch", "GetMetricData", 1.0),
    ("cloudwatch", "GetMetricStatistics", 0.9),
    ("cloudwatch", "PutMetricData", 0.9),
    ("cloudwatch", "PutMetricAlarm", 0.9),
    ("cloudwatch", "DescribeAlarms", 1.0),
    ("cloudwatch", "ListMetrics", 0.8),
    ("cloudwatch", "DeleteAlarms", 0.5),
    ("cloudwatch", "PutDashboard", 0.5),
    ("cloudwatch-logs", "DescribeLogGroups", 1.0),
    ("cloudwatch-logs", "DescribeLogStreams", 0.8),
    ("cloudwatch-logs", "FilterLogEvents", 1.0),
    ("cloudwatch-logs", "GetLogEvents", 0.9),
    ("cloudwatch-logs", "CreateLogGroup", 0.7),
    ("cloudwatch-logs", "PutLogEvents", 0.7),
    ("cloudwatch-logs", "StartQuery", 0.7),
    ("cloudwatch-logs", "GetQueryResults", 0.6),
    ("cloudwatch-logs", "PutRetentionPolicy", 0.5),
    ("cloudwatch-logs", "DeleteLogGroup", 0.5),
    ("rds", "DescribeDBInstances", 1.0),
    ("rds", "CreateDBInstance", 0.9),
    ("rds", "DescribeDBClusters", 0.8),
    ("rds", "CreateDBCluster", 0.6),
    ("rds", "DeleteDBInstance", 0.6),
    ("rds", "ModifyDBInstance", 0.6),
    ("rds", "CreateDBSnapshot", 0.6),
    ("rds", "DescribeDBSnapshots", 0.6),
    ("rds", "RebootDBInstance", 0.5),
    ("rds", "StartDBInstance", 0.5),
    ("rds", "StopDBInstance", 0.5),
    ("rds", "RestoreDBInstanceFromDBSnapshot", 0.5),
    ("kms", "Encrypt", 1.0),
    ("kms", "Decrypt", 1.0),
    ("kms", "ListKeys", 0.9),
    ("kms", "CreateKey", 0.8),
    ("kms", "DescribeKey", 0.8),
    ("kms", "GenerateDataKey", 0.8),
    ("kms", "ListAliases", 0.6),
    ("kms", "ScheduleKeyDeletion", 0.4),
    ("ecs", "ListClusters", 0.9),
    ("ecs", "DescribeServices", 0.8),
    ("ecs", "ListServices", 0.8),
    ("ecs", "ListTasks", 0.8),
    ("ecs", "DescribeTasks", 0.8),
    ("ecs", "RunTask", 0.9),
    ("ecs", "UpdateService", 0.8),
    ("ecs", "RegisterTaskDefinition", 0.7),
    ("ecs", "CreateService", 0.7),
    ("ecs", "CreateCluster", 0.6),
    ("ecs", "DescribeClusters", 0.6),
    ("eks", "ListClusters", 0.9),
    ("eks", "DescribeCluster", 0.9),
    ("eks", "CreateCluster", 0.7),
    ("eks", "ListNodegroups", 0.6),
    ("eks", "CreateNodegroup", 0.5),
    ("eks", "UpdateNodegroupConfig", 0.4),
    ("cloudformation", "CreateStack", 1.0),
    ("cloudformation", "DescribeStacks", 1.0),
    ("cloudformation", "UpdateStack", 0.8),
    ("cloudformation", "DeleteStack", 0.8),
    ("cloudformation", "ListStacks", 0.8),
    ("cloudformation", "DescribeStackEvents", 0.7),
    ("cloudformation", "DescribeStackResources", 0.6),
    ("cloudformation", "CreateChangeSet", 0.6),
    ("cloudformation", "ValidateTemplate", 0.5),
    ("secrets-manager", "GetSecretValue", 1.0),
    ("secrets-manager", "CreateSecret", 0.9),
    ("secrets-manager", "PutSecretValue", 0.8),
    ("secrets-manager", "ListSecrets", 0.9),
    ("secrets-manager", "UpdateSecret", 0.7),
    ("secrets-manager", "RotateSecret", 0.6),
    ("secrets-manager", "DeleteSecret", 0.6),
    ("secrets-manager", "DescribeSecret", 0.6),
    ("ssm", "GetParameter", 1.0),
    ("ssm", "GetParameters", 0.8),
    ("ssm", "PutParameter", 0.9),
    ("ssm", "GetParametersByPath", 0.8),
    ("ssm", "SendCommand", 0.9),
    ("ssm", "StartSession", 0.7),
    ("ssm", "DescribeInstanceInformation", 0.6),
    ("ssm", "GetCommandInvocation", 0.5),
    ("ssm", "DescribeParameters", 0.6),
    ("ssm", "DeleteParameter", 0.5),
    ("route-53", "ListHostedZones", 1.0),
    ("route-53", "ChangeResourceRecordSets", 1.0),
    ("route-53", "ListResourceRecordSets", 1.0),
    ("route-53", "CreateHostedZone", 0.7),
    ("route-53", "GetHostedZone", 0.6),
    ("route-53-domains", "RegisterDomain", 0.6),
    ("route-53-domains", "ListDomains", 0.5),
    ("ecr", "DescribeRepositories", 1.0),
    ("ecr", "CreateRepository", 0.8),
    ("ecr", "DescribeImages", 0.8),
    ("ecr", "ListImages", 0.7),
    ("ecr", "GetAuthorizationToken", 0.9),
    ("ecr", "BatchDeleteImage", 0.5),
    ("sfn", "StartExecution", 1.0),
    ("sfn", "ListStateMachines", 0.9),
    ("sfn", "DescribeExecution", 0.8),
    ("sfn", "CreateStateMachine", 0.7),
    ("sfn", "ListExecutions", 0.7),
    ("sfn", "GetExecutionHistory", 0.6),
    ("api-gateway", "GetRestApis", 0.9),
    ("api-gateway", "CreateRestApi", 0.7),
    ("api-gateway", "CreateDeployment", 0.6),
    ("api-gateway", "GetResources", 0.5),
    ("apigatewayv2", "GetApis", 0.7),
    ("apigatewayv2", "CreateApi", 0.6),
    ("elastic-load-balancing-v2", "DescribeLoadBalancers", 1.0),
    ("elastic-load-balancing-v2", "DescribeTargetGroups", 0.8),
    ("elastic-load-balancing-v2", "DescribeTargetHealth", 0.8),
    ("elastic-load-balancing-v2", "CreateLoadBalancer", 0.7),
    ("elastic-load-balancing-v2", "RegisterTargets", 0.7),
    ("elastic-load-balancing-v2", "CreateTargetGroup", 0.6),
    ("elastic-load-balancing-v2", "DescribeListeners", 0.6),
    ("auto-scaling", "DescribeAutoScalingGroups", 1.0),
    ("auto-scaling", "UpdateAutoScalingGroup", 0.8),
    ("auto-scaling", "SetDesiredCapacity", 0.8),
    ("auto-scaling", "CreateAutoScalingGroup", 0.7),
    ("cloudfront", "CreateInvalidation", 1.0),
    ("cloudfront", "ListDistributions", 0.9),
    ("cloudfront", "GetDistribution", 0.7),
    ("cloudfront", "CreateDistribution", 0.6),
    ("cloudfront", "UpdateDistribution", 0.6),
    ("organizations", "ListAccounts", 1.0),
    ("organizations", "DescribeOrganization", 0.8),
    ("organizations", "CreateAccount", 0.7),
    ("organizations", "ListOrganizationalUnitsForParent", 0.5),
    ("organizations", "ListPolicies", 0.5),
    ("organizations", "ListRoots", 0.4),
    ("cost-explorer", "GetCostAndUsage", 1.0),
    ("cost-explorer", "GetCostForecast", 0.7),
    ("cost-explorer", "GetDimensionValues", 0.4),
    ("cost-explorer", "GetReservationUtilization", 0.3),
    ("budgets", "DescribeBudgets", 0.6),
    ("budgets", "CreateBudget", 0.6),
    ("athena", "StartQueryExecution", 1.0),
    ("athena", "GetQueryResults", 0.9),
    ("athena", "GetQueryExecution", 0.8),
    ("athena", "ListWorkGroups", 0.4),
    ("glue", "StartJobRun", 0.9),
    ("glue", "GetTables", 0.8),
    ("glue", "GetDatabases", 0.8),
    ("glue", "StartCrawler", 0.8),
    ("glue", "GetJobRuns", 0.6),
    ("glue", "GetTable", 0.6),
    ("glue", "CreateCrawler", 0.5),
    ("glue", "GetJobs", 0.5),
    ("kinesis", "PutRecord", 1.0),
    ("kinesis", "PutRecords", 0.9),
    ("kinesis", "GetRecords", 0.9),
    ("kinesis", "GetShardIterator", 0.7),
    ("kinesis", "ListStreams", 0.8),
    ("kinesis", "DescribeStream", 0.7),
    ("kinesis", "CreateStream", 0.7),
    ("firehose", "PutRecord", 0.8),
    ("firehose", "PutRecordBatch", 0.6),
    ("eventbridge", "PutEvents", 1.0),
    ("eventbridge", "PutRule", 0.9),
    ("eventbridge", "PutTargets", 0.8),
    ("eventbridge", "ListRules", 0.8),
    ("scheduler", "CreateSchedule", 0.6),
    ("cognito-identity-provider", "AdminCreateUser", 0.7),
    ("cognito-identity-provider", "ListUsers", 0.7),
    ("cognito-identity-provider", "SignUp", 0.6),
    ("cognito-identity-provider", "InitiateAuth", 0.7),
    ("cognito-identity-provider", "ListUserPools", 0.6),
    ("cognito-identity-provider", "CreateUserPool", 0.5),
    ("elasticache", "DescribeCacheClusters", 0.9),
    ("elasticache", "DescribeReplicationGroups", 0.7),
    ("elasticache", "CreateCacheCluster", 0.6),
    ("elasticache", "CreateReplicationGroup", 0.6),
    ("efs", "DescribeFileSystems", 1.0),
    ("efs", "CreateFileSystem", 0.8),
    ("efs", "CreateMountTarget", 0.6),
    ("efs", "DescribeMountTargets", 0.5),
    ("acm", "ListCertificates", 1.0),
    ("acm", "RequestCertificate", 0.9),
    ("acm", "DescribeCertificate", 0.8),
    ("acm", "ImportCertificate", 0.5),
    ("bedrock", "ListFoundationModels", 1.0),
    ("bedrock", "GetFoundationModel", 0.7),
    ("bedrock-runtime", "InvokeModel", 1.0),
    ("bedrock-runtime", "Converse", 0.9),
    ("bedrock-runtime", "InvokeModelWithResponseStream", 0.7),
    ("bedrock-runtime", "ConverseStream", 0.6),
    ("bedrock-agent-runtime", "InvokeAgent", 0.6),
    ("bedrock-agent-runtime", "Retrieve", 0.5),
    ("sagemaker", "CreateTrainingJob", 0.9),
    ("sagemaker", "ListTrainingJobs", 0.8),
    ("sagemaker", "DescribeTrainingJob", 0.8),
    ("sagemaker", "CreateEndpoint", 0.8),
    ("sagemaker", "ListEndpoints", 0.7),
    ("sagemaker", "CreateModel", 0.7),
    ("sagemaker", "ListModels", 0.6),
    ("sagemaker", "CreateNotebookInstance", 0.5),
    ("sagemaker-runtime", "InvokeEndpoint", 1.0),
    ("cloudtrail", "LookupEvents", 1.0),
    ("cloudtrail", "DescribeTrails", 0.8),
    ("cloudtrail", "CreateTrail", 0.6),
    ("cloudtrail", "StartLogging", 0.5),
    ("config-service", "DescribeComplianceByConfigRule", 0.8),
    ("config-service", "GetComplianceDetailsByConfigRule", 0.7),
    ("config-service", "DescribeConfigRules", 0.7),
    ("config-service", "PutConfigRule", 0.6),
    ("config-service", "GetResourceConfigHistory", 0.5),
    ("guardduty", "ListFindings", 0.9),
    ("guardduty", "GetFindings", 0.9),
    ("guardduty", "ListDetectors", 0.7),
    ("guardduty", "CreateDetector", 0.6),
    ("securityhub", "GetFindings", 0.9),
    ("securityhub", "BatchImportFindings", 0.5),
    ("inspector2", "ListFindings", 0.7),
    ("redshift", "DescribeClusters", 0.9),
    ("redshift", "CreateCluster", 0.6),
    ("redshift-data", "ExecuteStatement", 0.8),
    ("rds-data", "ExecuteStatement", 0.7),
    ("emr", "ListClusters", 0.8),
    ("emr", "RunJobFlow", 0.8),
    ("emr", "AddJobFlowSteps", 0.6),
    ("emr", "DescribeCluster", 0.6),
    ("opensearch", "CreateDomain", 0.7),
    ("opensearch", "DescribeDomain", 0.7),
    ("opensearch", "ListDomainNames", 0.7),
    ("backup", "StartBackupJob", 0.8),
    ("backup", "ListBackupVaults", 0.8),
    ("backup", "ListBackupPlans", 0.7),
    ("backup", "CreateBackupPlan", 0.7),
    ("backup", "ListBackupJobs", 0.6),
    ("backup", "StartRestoreJob", 0.6),
    ("sesv2", "SendEmail", 1.0),
    ("ses", "SendEmail", 0.9),
    ("ses", "SendRawEmail", 0.6),
    ("sesv2", "CreateEmailIdentity", 0.7),
    ("ses", "VerifyEmailIdentity", 0.6),
    ("batch", "SubmitJob", 1.0),
    ("batch", "DescribeJobs", 0.8),
    ("batch", "ListJobs", 0.7),
    ("batch", "CreateComputeEnvironment", 0.5),
    ("batch", "CreateJobQueue", 0.5),
    ("codebuild", "StartBuild", 1.0),
    ("codebuild", "BatchGetBuilds", 0.7),
    ("codebuild", "ListProjects", 0.7),
    ("codebuild", "CreateProject", 0.6),
    ("codepipeline", "StartPipelineExecution", 1.0),
    ("codepipeline", "GetPipelineState", 0.8),
    ("codepipeline", "ListPipelines", 0.8),
    ("codepipeline", "CreatePipeline", 0.6),
    ("codecommit", "CreateRepository", 0.6),
    ("codecommit", "ListRepositories", 0.6),
    ("codedeploy", "CreateDeployment", 0.8),
    ("elastic-beanstalk", "DescribeEnvironments", 0.6),
    ("elastic-beanstalk", "CreateEnvironment", 0.5),
    ("wafv2", "CreateWebACL", 0.7),
    ("wafv2", "ListWebACLs", 0.7),
    ("wafv2", "CreateIPSet", 0.5),
    ("sso-admin", "ListPermissionSets", 0.6),
    ("sso-admin", "CreateAccountAssignment", 0.6),
    ("identitystore", "ListUsers", 0.4),
    ("service-quotas", "GetServiceQuota", 0.8),
    ("service-quotas", "ListServiceQuotas", 0.8),
    ("service-quotas", "RequestServiceQuotaIncrease", 0.8),
    ("pricing", "GetProducts", 0.8),
    ("kafka", "ListClustersV2", 0.6),
    ("kafka", "GetBootstrapBrokers", 0.6),
    ("textract", "DetectDocumentText", 0.9),
    ("textract", "AnalyzeDocument", 0.8),
    ("textract", "StartDocumentTextDetection", 0.6),
    ("rekognition", "DetectLabels", 1.0),
    ("rekognition", "DetectFaces", 0.9),
    ("rekognition", "DetectText", 0.7),
    ("rekognition", "CompareFaces", 0.7),
    ("rekognition", "IndexFaces", 0.6),
    ("rekognition", "SearchFacesByImage", 0.6),
    ("comprehend", "DetectSentiment", 1.0),
    ("comprehend", "DetectEntities", 0.9),
    ("comprehend", "DetectDominantLanguage", 0.8),
    ("comprehend", "DetectKeyPhrases", 0.8),
    ("translate", "TranslateText", 1.0),
    ("polly", "SynthesizeSpeech", 1.0),
    ("polly", "DescribeVoices", 0.7),
    ("transcribe", "StartTranscriptionJob", 1.0),
    ("transcribe", "GetTranscriptionJob", 0.8),
    ("resource-groups-tagging-api", "GetResources", 0.9),
    ("resource-groups-tagging-api", "TagResources", 0.7),
    ("application-auto-scaling", "RegisterScalableTarget", 0.7),
    ("application-auto-scaling", "PutScalingPolicy", 0.7),
    ("ec2-instance-connect", "SendSSHPublicKey", 0.8),
    ("dynamodb-streams", "GetRecords", 0.7),
    ("xray", "GetTraceSummaries", 0.8),
    ("xray", "BatchGetTraces", 0.7),
    ("account", "ListRegions", 0.6),
    ("account", "GetContactInformation", 0.4),
    ("health", "DescribeEvents", 0.8),
    ("support", "CreateCase", 0.8),
    ("support", "DescribeCases", 0.7),
    ("ram", "CreateResourceShare", 0.7),
    ("ram", "GetResourceShares", 0.6),
    ("mwaa", "CreateCliToken", 0.4),
    ("appsync", "CreateGraphqlApi", 0.7),
    ("appsync", "ListGraphqlApis", 0.7),
    ("amplify", "ListApps", 0.5),
    ("apprunner", "ListServices", 0.5),
    ("lightsail", "GetInstances", 0.6),
    ("transfer", "ListServers", 0.5),
    ("datasync", "StartTaskExecution", 0.6),
    ("fsx", "DescribeFileSystems", 0.7),
    ("glacier", "UploadArchive", 0.5),
    ("lakeformation", "GrantPermissions", 0.6),
    ("s3-control", "ListAccessPoints", 0.4),
    ("network-firewall", "ListFirewalls", 0.5),
    ("route53resolver", "ListResolverEndpoints", 0.4),
    ("mq", "ListBrokers", 0.6),
    ("docdb", "DescribeDBClusters", 0.6),
    ("memorydb", "DescribeClusters", 0.5),
    ("quicksight", "ListDashboards", 0.5),
    ("timestream-write", "WriteRecords", 0.6),
    ("timestream-query", "Query", 0.6),
    ("iot-data-plane", "Publish", 0.5),
    ("iot", "ListThings", 0.6),
    ("iot", "CreateThing", 0.5),
    ("sagemaker-featurestore-runtime", "GetRecord", 0.4),
];

/// Operation priors: operation popularity, minus a little for deprecated operations.
fn priors(catalog: &Catalog) -> Vec<f32> {
    let op_prior: HashMap<(&str, &str), f32> = OPERATION_PRIOR
        .iter()
        .map(|&(s, o, p)| ((s, o), p))
        .collect();
    catalog
        .operations
        .iter()
        .map(|op| {
            let svc = catalog
                .services
                .get(op.service as usize)
                .map_or("", |s| s.name.as_str());
            let mut p = op_prior
                .get(&(svc, op.name.as_str()))
                .copied()
                .unwrap_or(0.0);
            if op.flags & OP_DEPRECATED != 0 {
                p -= 1.0;
            }
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Operation, Service};
    use crate::search_format::unpack;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        for (name, sdk, title, ops) in [
            (
                "s3",
                "S3",
                "Amazon Simple Storage Service",
                vec![
                    ("ListBuckets", "Returns a list of all buckets."),
                    ("GetObject", "Retrieves an object."),
                ],
            ),
            (
                "cloudwatch-logs",
                "CloudWatch Logs",
                "Amazon CloudWatch Logs",
                vec![("DescribeLogGroups", "Lists log groups.")],
            ),
            (
                "backup",
                "Backup",
                "AWS Backup",
                vec![("ListBackupVaults", "Lists backup vaults.")],
            ),
            (
                "dynamodb",
                "DynamoDB",
                "Amazon DynamoDB",
                vec![("CreateBackup", "Creates a backup.")],
            ),
            (
                "fsx",
                "FSx",
                "Amazon FSx",
                vec![("CreateBackup", "Creates a backup.")],
            ),
            (
                "rds",
                "RDS",
                "Amazon Relational Database Service",
                vec![("DescribeDBInstances", "Describes DB instances.")],
            ),
        ] {
            let first = c.operations.len() as u32;
            let service = c.services.len() as u32;
            for (op, summary) in &ops {
                c.operations.push(Operation {
                    service,
                    name: op.to_string(),
                    summary: summary.to_string(),
                    ..Default::default()
                });
            }
            c.services.push(Service {
                name: name.into(),
                sdk_id: sdk.into(),
                title: title.into(),
                endpoint_prefix: name.into(),
                cli_name: if name == "cloudwatch-logs" {
                    "logs".into()
                } else {
                    name.into()
                },
                first_op: first,
                op_count: ops.len() as u32,
                ..Default::default()
            });
        }
        c
    }

    fn term(ix: &SearchIndex, t: &str) -> usize {
        ix.terms
            .binary_search_by(|x| x.as_str().cmp(t))
            .unwrap_or_else(|_| panic!("no term {t}"))
    }

    #[test]
    fn indexes_names_summaries_and_services() {
        let c = catalog();
        let ix = build_index(&c, &Usage::default());
        assert!(ix.terms.windows(2).all(|w| w[0] < w[1]));
        let t = term(&ix, &stem("buckets"));
        assert_eq!(
            &ix.name_postings[ix.name_offsets[t] as usize..ix.name_offsets[t + 1] as usize],
            &[0]
        );
        let t = term(&ix, "listbuckets");
        assert_eq!(
            &ix.exact_postings[ix.exact_offsets[t] as usize..ix.exact_offsets[t + 1] as usize],
            &[0]
        );
        // Service keys: glued raw words and glued stems.
        for key in [
            "cloudwatchlogs",
            "cloudwatchlog",
            "logs",
            "simplestorageservice",
            "s3",
        ] {
            let t = term(&ix, key);
            assert!(ix.service_offsets[t + 1] > ix.service_offsets[t], "{key}");
        }
        // "db" is used in rds op names only by rds itself: unambiguous; "backup" is used by two
        // other services: still unambiguous at the threshold of 2.
        let t = term(&ix, "backup");
        let (svc, strength) = unpack(ix.service_postings[ix.service_offsets[t] as usize]);
        assert_eq!(svc, 2);
        assert_eq!(strength, 255);
        assert_eq!(ix.op_name_offsets.len(), c.operations.len() + 1);
        assert_eq!(ix.op_surface_offsets.len(), c.operations.len() + 1);
        assert_eq!(ix.terms[ix.ops[0].verb as usize], "list");
        assert_eq!(ix.terms[ix.ops[0].head as usize], "bucket");
        assert!(ix.ops[0].head_plural);
        assert!(!ix.ops[1].head_plural);
        assert_eq!(ix.term_flags.len(), ix.terms.len());
        assert!(ix.term_flags[term(&ix, "buckets")] & TERM_SURFACE != 0);
        assert!(ix.term_flags[term(&ix, "bucket")] & TERM_SURFACE == 0);
        let surface: Vec<&str> = ix.op_surface_terms[..ix.op_surface_offsets[1] as usize]
            .iter()
            .map(|&t| ix.terms[t as usize].as_str())
            .collect();
        assert_eq!(surface, ["list", "buckets"]);
        assert_eq!(ix.ops.len(), c.operations.len());
        assert_eq!(ix.ops[2].service, 1);
        assert!(ix.ops[0].prior > 0.0, "s3:ListBuckets is popular");
        assert_eq!(ix.service_prior.len(), c.services.len());
        assert!(ix.service_prior[0] > 1.0, "s3 is popular");
        assert_eq!(
            *ix.typo_len_offsets.last().unwrap() as usize,
            ix.typo_words.len()
        );
        assert!(ix.typo_words.iter().any(|w| w == "buckets"));
    }

    #[test]
    fn head_nouns() {
        let head = |name: &str| {
            let surface = words(name);
            let stems: Vec<String> = surface.iter().map(|w| stem(w)).collect();
            head_noun(&stems[1..], &surface[1..])
                .map(|h| stems[1 + h].clone())
                .unwrap_or_default()
        };
        assert_eq!(head("GetSecretValue"), "secret");
        assert_eq!(head("ListUserPools"), "pool");
        assert_eq!(head("RestoreTableFromBackup"), "tabl");
        assert_eq!(head("GetQueueAttributes"), "queu");
        assert_eq!(head("DescribeInstanceStatus"), "instanc");
        assert_eq!(head("ListObjectsV2"), "object");
        assert_eq!(head("GetCostAndUsage"), "usag");
        assert_eq!(head("Publish"), "");
    }

    #[test]
    fn brand_and_suffix() {
        assert_eq!(
            strip_brand("Amazon Simple Queue Service"),
            "Simple Queue Service"
        );
        assert_eq!(strip_brand("AWS Lambda"), "Lambda");
        assert_eq!(
            strip_suffix_word("Simple Queue Service", &["service"]),
            "Simple Queue"
        );
        assert_eq!(strip_suffix_word("Lambda", &["service"]), "");
    }
}

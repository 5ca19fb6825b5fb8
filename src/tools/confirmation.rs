//! The confirmation gate of `aws_execute` (invoke and presign): a call that needs the user's
//! consent runs only with a valid `options.confirmationToken`, or after the user said yes in
//! the client's own prompt (MCP elicitation, when the client declared it).
//!
//! Without consent the answer is `ConfirmationRequired`: a human summary of what will happen
//! and as whom (account, caller ARN, profile or role, region, the resources the payload
//! names), and a token bound to exactly this call (see [`crate::confirm`]). A decline, a
//! dismissed prompt or no answer within `AWS_MCP_ELICITATION_TIMEOUT` is never consent: the
//! answer says what happened and falls back to the token.

use serde_json::{Map, Value, json};

use super::context::{Answer, ToolContext};
use super::execute::{RegionArg, Request};
use super::options::ExecOptions;
use super::{ErrorType, ToolError};
use crate::catalog;
use crate::confirm::{Binding, TokenError, canonical_hash, options_for_binding};

/// Members whose values name the resources a call acts on (shown in the summary).
fn names_a_resource(member: &str) -> bool {
    let m = member.to_ascii_lowercase();
    [
        "id",
        "ids",
        "name",
        "names",
        "arn",
        "arns",
        "bucket",
        "key",
        "url",
        "identifier",
    ]
    .iter()
    .any(|s| m.ends_with(s))
}

/// Top-level payload members that name resources (strings and lists of strings), at most
/// ten, long values shortened.
fn resources(payload: &Map<String, Value>) -> Map<String, Value> {
    let short = |s: &str| crate::validate::truncate(s, 200).to_string();
    payload
        .iter()
        .filter(|(k, _)| names_a_resource(k))
        .filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), Value::from(short(s)))),
            Value::Array(items) if items.iter().all(Value::is_string) => Some((
                k.clone(),
                Value::Array(
                    items
                        .iter()
                        .take(20)
                        .filter_map(|i| i.as_str().map(|s| Value::from(short(s))))
                        .collect(),
                ),
            )),
            _ => None,
        })
        .take(10)
        .collect()
}

/// The region label a confirmation is bound to.
pub fn region_label(region: &RegionArg, resolved_first: &str) -> String {
    match region {
        RegionArg::Default | RegionArg::One(_) => resolved_first.to_string(),
        RegionArg::Many(list) => list.join(","),
        RegionArg::All => "*".to_string(),
    }
}

fn identity_label(o: &ExecOptions) -> String {
    match (&o.profile, &o.role) {
        (None, None) => "default".to_string(),
        (Some(p), None) => format!("profile={p}"),
        (None, Some(r)) => format!("role={}", r.arn),
        (Some(p), Some(r)) => format!("profile={p},role={}", r.arn),
    }
}

/// Checks consent for the call; `Ok(Some(id))` names the confirmation (token id, or
/// `elicitation:<uuid>`), `Ok(None)` when none was needed.
#[allow(clippy::too_many_arguments)]
pub async fn gate(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    payload: &Map<String, Value>,
    region: &str,
    identity: &Value,
    reasons: &[String],
) -> Result<Option<String>, ToolError> {
    let service = catalog::service(r.service).name.as_str();
    let operation = catalog::operation(r.operation).name.as_str();
    let binding = Binding {
        principal: ctx.principal.label(),
        identity: identity_label(o),
        service: service.to_string(),
        operation: operation.to_string(),
        region: region.to_string(),
        payload_hash: canonical_hash(&Value::Object(payload.clone())),
        options_hash: canonical_hash(&options_for_binding(&r.raw_options)),
    };
    let confirmations = &ctx.shared.confirmations;
    if let Some(token) = &o.confirmation_token {
        return match confirmations.redeem(token, &binding) {
            Ok(id) => Ok(Some(id)),
            Err(e) => Err(invalid_token(&e, service, operation)),
        };
    }
    let mut summary = Map::new();
    summary.insert("service".into(), service.into());
    summary.insert("operation".into(), operation.into());
    summary.insert("region".into(), region.into());
    for key in ["account", "arn", "profile", "roleArn"] {
        if let Some(v) = identity.get(key) {
            summary.insert(key.into(), v.clone());
        }
    }
    let named = resources(payload);
    if !named.is_empty() {
        summary.insert("resources".into(), Value::Object(named.clone()));
    }
    let who = match (
        identity.get("arn").and_then(Value::as_str),
        identity.get("account").and_then(Value::as_str),
    ) {
        (Some(arn), Some(account)) => format!("as {arn} (account {account})"),
        _ => "with the server's credentials".to_string(),
    };
    let what = if named.is_empty() {
        String::new()
    } else {
        format!(
            " on {}",
            named
                .iter()
                .map(|(k, v)| format!(
                    "{k}={}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let text = format!("AWS {service} {operation}{what}, {who}, in {region}.");
    let why = if reasons.is_empty() {
        String::new()
    } else {
        format!(" Why confirmation is needed: {}.", reasons.join("; "))
    };

    let mut outcome = "The client cannot ask the user (no MCP elicitation).";
    if let Some(asker) = &ctx.asker {
        let answer = asker
            .confirm(
                format!("Confirm this call: {text}{why}"),
                ctx.config().elicitation_timeout,
            )
            .await;
        match answer {
            Answer::Accepted => {
                return Ok(Some(format!(
                    "elicitation:{}",
                    uuid::Uuid::new_v4().simple()
                )));
            }
            Answer::Declined => {
                outcome = "The user declined in the client's prompt: that is not consent."
            }
            Answer::Cancelled => {
                outcome = "The user dismissed the client's prompt: that is not consent."
            }
            Answer::TimedOut => outcome = "The client's prompt got no answer in time.",
            Answer::Failed(_) => outcome = "The client could not show the prompt.",
        }
    }
    let token = confirmations.issue(&binding);
    Err(ToolError::new(
        ErrorType::ConfirmationRequired,
        format!("This call needs the user's confirmation: {text}{why}"),
        format!(
            "{outcome} Show the user the summary, ask them explicitly, and only if they agree \
             repeat exactly the same call with options.confirmationToken set to `token` (valid \
             {} s, for this call only).",
            confirmations.ttl().as_secs()
        ),
    )
    .with("token", token)
    .with("expiresIn", confirmations.ttl().as_secs())
    .with("summary", Value::Object(summary))
    .with("reasons", json!(reasons)))
}

fn invalid_token(e: &TokenError, service: &str, operation: &str) -> ToolError {
    ToolError::new(
        ErrorType::InvalidConfirmationToken,
        format!("The confirmation token cannot be used for this {service} {operation} call: {e}"),
        "Call again without confirmationToken to get a new token for exactly this call, and ask \
         the user to confirm it.",
    )
    .with("reason", e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_the_identifying_members() {
        let p = json!({"Bucket": "b", "Key": "k", "MaxKeys": 5, "InstanceIds": ["i-1", "i-2"], "Body": "x"});
        let r = resources(p.as_object().unwrap());
        assert_eq!(
            r.keys().collect::<Vec<_>>(),
            ["Bucket", "Key", "InstanceIds"]
        );
    }
}

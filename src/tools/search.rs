//! `aws_search_operations`: ranked search over every compiled operation
//! (see [`crate::catalog::search`] for the ranking).
//!
//! Arguments: `query` (string, 1..=256 characters, required), `serviceHint` (a service name or
//! alias, optional), `limit` (integer 1..=50, default 5). Result:
//! `{"count", "query", "results": [{"service", "operation", "summary", "required"?,
//! "readOnly"?, "destructive"?, "requiresConfirmation"?, "score"}]}`, plus `serviceHint`
//! (canonical) when one was given and a `hint` when nothing matched. Each hit carries what an
//! agent needs to choose, in few bytes: a one-line summary, the members a call must give, and
//! the flags only when they hold.
//!
//! Only what the policy lets someone call is searched (`Policy::exposure`); an operation every
//! call of which needs confirmation carries `"requiresConfirmation": true`.

use serde_json::{Map, Value};

use crate::catalog;
use crate::policy::Exposure;
use crate::tools::{ErrorType, ToolContext, ToolError, ToolResult};
use catalog_format::format::OP_READONLY;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// Default and maximum number of results.
pub const DEFAULT_LIMIT: usize = 5;
pub const MAX_LIMIT: usize = 50;
/// Longest summary returned, in characters (ten hits stay under 3 KB).
const SUMMARY_CHARS: usize = 110;

const ARGUMENTS: [&str; 3] = ["query", "serviceHint", "limit"];

fn invalid(message: impl Into<String>, hint: impl Into<String>) -> ToolError {
    ToolError::new(ErrorType::InvalidArguments, message, hint)
}

/// The service `serviceHint` names, if any.
#[allow(clippy::result_large_err)]
fn hinted_service(args: &Args) -> Result<Option<u32>, ToolError> {
    match &args.service_hint {
        Some(name) => Ok(Some(catalog::resolve_service(name)?)),
        None => Ok(None),
    }
}

/// The ranking for the same arguments as [`run`], with each hit's score components
/// (`aws-exec-mcp search --explain`; the policy does not filter here).
#[allow(clippy::result_large_err)]
pub fn explain(args: &Value) -> Result<String, ToolError> {
    let args = parse_args(args)?;
    let service = hinted_service(&args)?;
    Ok(catalog::search::explain(&args.query, service, args.limit))
}

/// Runs the tool.
// The signature is the tools' contract (`ToolResult`); ToolError is large but rare.
#[allow(clippy::result_large_err)]
pub fn run(ctx: &ToolContext, args: &Value) -> ToolResult {
    let args = parse_args(args)?;
    let service = hinted_service(&args)?;
    let policy = ctx.policy();
    let hits = catalog::search::search_where(&args.query, service, args.limit, &|op| {
        policy.exposure(op) != Exposure::Hidden
    });
    let cat = catalog::get();
    let mut results = Vec::with_capacity(hits.len());
    for hit in &hits {
        let Some(op) = cat.operations.get(hit.op as usize) else {
            continue;
        };
        let Some(svc) = cat.services.get(op.service.to_native() as usize) else {
            continue;
        };
        let mut entry = Map::new();
        entry.insert("service".into(), svc.name.as_str().into());
        entry.insert("operation".into(), op.name.as_str().into());
        entry.insert(
            "summary".into(),
            catalog_format::text::cut_at_word(op.summary.as_str(), SUMMARY_CHARS).into(),
        );
        let required = required_members(hit.op);
        if !required.is_empty() {
            entry.insert("required".into(), required.into());
        }
        // Flags only when they hold: ten hits stay small.
        if op.has(OP_READONLY) {
            entry.insert("readOnly".into(), true.into());
        }
        if policy.is_destructive(hit.op) {
            entry.insert("destructive".into(), true.into());
        }
        let config = ctx.config();
        if policy.always_confirms(
            hit.op,
            config.require_approval,
            config.auto_approve_destructive,
        ) {
            entry.insert("requiresConfirmation".into(), true.into());
        }
        entry.insert(
            "score".into(),
            ((f64::from(hit.score) * 10.0).round() / 10.0).into(),
        );
        let entry = Value::Object(entry);
        results.push(entry);
    }
    let mut out = Map::new();
    out.insert("count".into(), results.len().into());
    out.insert("query".into(), args.query.clone().into());
    if let Some(s) = service.and_then(|s| cat.services.get(s as usize)) {
        out.insert("serviceHint".into(), s.name.as_str().into());
    }
    if results.is_empty() {
        let hint = match service {
            Some(s) if !policy.service_visible(s) => format!(
                "The server's policy ({}) allows no operation of {}.",
                policy.source(),
                catalog::service(s).name.as_str()
            ),
            _ => no_match_hint(service.is_some()),
        };
        out.insert("hint".into(), hint.into());
    }
    out.insert("results".into(), Value::Array(results));
    Ok(Value::Object(out).into())
}

/// The input members a call must give, by name (idempotency tokens are filled in).
fn required_members(op: u32) -> Vec<&'static str> {
    let Some(input) = catalog::operation(op).input.as_ref() else {
        return Vec::new();
    };
    catalog::shape(input.to_native())
        .members
        .iter()
        .filter(|m| crate::validate::member_required(m, true))
        .map(|m| m.name.as_str())
        .collect()
}

fn no_match_hint(filtered: bool) -> String {
    let mut hint = String::from(
        "No operation matched. Try other words: an operation name ('ListBuckets', \
         'describe-instances'), a service and a verb ('s3 list', 'lambda create function'), or \
         the task in plain words ('stop an ec2 instance').",
    );
    if filtered {
        hint.push_str(" serviceHint limits the search to one service: omit it to search all.");
    }
    hint
}

#[derive(Debug, PartialEq)]
struct Args {
    query: String,
    service_hint: Option<String>,
    limit: usize,
}

#[allow(clippy::result_large_err)]
fn parse_args(args: &Value) -> Result<Args, ToolError> {
    let empty = Map::new();
    let obj = match args {
        Value::Object(o) => o,
        Value::Null => &empty,
        other => {
            return Err(invalid(
                format!("Arguments must be a JSON object, not {}", type_name(other)),
                "Call with {\"query\": \"list s3 buckets\"}.",
            ));
        }
    };
    let unknown: Vec<&str> = obj
        .keys()
        .map(String::as_str)
        .filter(|k| !ARGUMENTS.contains(k))
        .collect();
    if !unknown.is_empty() {
        let hint = if unknown == ["payload"] {
            "Pass 'query' (and optionally 'serviceHint', 'limit') at the top level, not inside \
             'payload'."
                .to_string()
        } else {
            format!(
                "aws_search_operations takes only {}.",
                ARGUMENTS.map(|a| format!("'{a}'")).join(", ")
            )
        };
        let list: Vec<String> = unknown.iter().map(|k| format!("'{k}'")).collect();
        return Err(invalid(
            format!("Unknown argument(s): {}", list.join(", ")),
            hint,
        ));
    }

    let query = match obj.get("query") {
        None | Some(Value::Null) => {
            return Err(invalid(
                "Missing required argument 'query'",
                "Give 'query': a few words describing the task, e.g. 'list s3 buckets'.",
            ));
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            return Err(invalid(
                format!("'query' must be a string, not {}", type_name(other)),
                "Give 'query' as text, e.g. 'list s3 buckets'.",
            ));
        }
    };
    if query.trim().is_empty() {
        return Err(invalid(
            "'query' is empty",
            "Give a few words describing the task, e.g. 'list s3 buckets'.",
        ));
    }
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(invalid(
            format!("'query' is too long ({chars} characters; at most {MAX_QUERY_CHARS})"),
            "Use a few keywords, e.g. 'stop ec2 instance'.",
        ));
    }

    let service_hint = match obj.get("serviceHint") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) if s.chars().count() > 128 => {
            return Err(invalid(
                "'serviceHint' is too long (at most 128 characters)",
                "Give a service name such as 's3', 'ec2' or 'lambda'.",
            ));
        }
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(other) => {
            return Err(invalid(
                format!("'serviceHint' must be a string, not {}", type_name(other)),
                "Give a service name such as 's3', 'ec2' or 'lambda', or omit it.",
            ));
        }
    };

    let limit = match obj.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(v @ Value::Number(n)) => {
            let int = n
                .as_u64()
                .or_else(|| n.as_i64().map(|i| if i < 0 { 0 } else { i as u64 }))
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 1e9)
                        .map(|f| f as u64)
                });
            match int {
                Some(i) if (1..=MAX_LIMIT as u64).contains(&i) => i as usize,
                Some(_) => {
                    return Err(invalid(
                        format!("'limit' must be between 1 and {MAX_LIMIT}, got {v}"),
                        format!("Use a 'limit' from 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."),
                    ));
                }
                None => {
                    return Err(invalid(
                        format!("'limit' must be an integer, got {v}"),
                        format!("Use a whole number from 1 to {MAX_LIMIT}."),
                    ));
                }
            }
        }
        Some(other) => {
            return Err(invalid(
                format!("'limit' must be an integer, not {}", type_name(other)),
                format!("Use a whole number from 1 to {MAX_LIMIT}, e.g. 'limit': 5."),
            ));
        }
    };

    Ok(Args {
        query: query.clone(),
        service_hint,
        limit,
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(args: Value) -> ToolError {
        match run(&ToolContext::local_default(), &args) {
            Err(e) => e,
            Ok(v) => panic!("expected an error for {args}, got {}", v.to_json_text()),
        }
    }

    fn ok(args: Value) -> Value {
        match run(&ToolContext::local_default(), &args) {
            Ok(v) => v.into_value().unwrap(),
            Err(e) => panic!("unexpected error for {args}: {}", e.to_text()),
        }
    }

    fn first(v: &Value) -> (String, String) {
        let r = &v["results"][0];
        (
            r["service"].as_str().unwrap_or_default().to_string(),
            r["operation"].as_str().unwrap_or_default().to_string(),
        )
    }

    #[test]
    fn validates_arguments() {
        for (args, needle) in [
            (json!({}), "Missing"),
            (json!({"query": ""}), "empty"),
            (json!({"query": "   "}), "empty"),
            (json!({"query": 5}), "must be a string"),
            (json!({"query": "x".repeat(257)}), "too long"),
            (json!({"query": "s3", "limit": 0}), "between 1 and 50"),
            (json!({"query": "s3", "limit": 51}), "between 1 and 50"),
            (json!({"query": "s3", "limit": -3}), "between 1 and 50"),
            (json!({"query": "s3", "limit": 2.5}), "integer"),
            (json!({"query": "s3", "limit": "5"}), "integer"),
            (json!({"query": "s3", "limit": true}), "integer"),
            (json!({"query": "s3", "serviceHint": 3}), "must be a string"),
            (json!({"query": "s3", "services": "s3"}), "Unknown argument"),
            (json!([1, 2]), "JSON object"),
        ] {
            let e = err(args.clone());
            assert_eq!(e.error_type, ErrorType::InvalidArguments, "{args}");
            assert!(e.message.contains(needle), "{args}: {}", e.message);
            assert!(!e.hint.is_empty());
        }
        let e = err(json!({"payload": {"query": "s3"}}));
        assert!(e.hint.contains("top level"), "{}", e.hint);
    }

    #[test]
    fn accepts_limits_and_whole_floats() {
        assert_eq!(ok(json!({"query": "list buckets", "limit": 3}))["count"], 3);
        assert_eq!(
            ok(json!({"query": "list buckets", "limit": 2.0}))["count"],
            2
        );
        assert_eq!(ok(json!({"query": "list", "limit": 50}))["count"], 50);
        let v = ok(json!({"query": "list buckets"}));
        assert!(
            v["count"]
                .as_u64()
                .is_some_and(|c| c <= DEFAULT_LIMIT as u64)
        );
    }

    #[test]
    fn finds_and_shapes_results() {
        let v = ok(json!({"query": "list my s3 buckets"}));
        assert_eq!(first(&v), ("s3".to_string(), "ListBuckets".to_string()));
        let r = &v["results"][0];
        assert_eq!(r["readOnly"], true);
        // Flags appear only when they hold; a read needs nothing.
        assert!(
            r.get("destructive").is_none() && r.get("required").is_none(),
            "{r}"
        );
        assert!(
            r["summary"]
                .as_str()
                .is_some_and(|s| s.chars().count() <= SUMMARY_CHARS)
        );
        assert!(r["score"].is_number());
        // One decimal, not f32 noise.
        let score = r["score"].to_string();
        assert!(
            score.split('.').nth(1).is_none_or(|d| d.len() <= 1),
            "{score}"
        );
        let v = ok(json!({"query": "s3 put object"}));
        let r = &v["results"][0];
        assert_eq!(r["operation"], "PutObject");
        assert_eq!(r["required"], json!(["Bucket", "Key"]), "{r}");
        let v = ok(json!({"query": "terminate instances"}));
        let r = v["results"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["operation"] == "TerminateInstances"));
        assert!(r.is_some_and(|r| r["destructive"] == true));
    }

    #[test]
    fn ten_results_stay_small() {
        // The text an agent pays for: ten hits under 3 KB.
        for q in [
            "list",
            "describe instances",
            "create",
            "delete bucket policy",
            "create a lambda function",
            "send a message to an sqs queue",
            "run an ec2 instance",
            "put an item in a dynamodb table",
        ] {
            let v = ok(json!({"query": q, "limit": 10}));
            assert_eq!(v["count"], 10, "{q}");
            let size = serde_json::to_string(&v).map_or(0, |s| s.len());
            assert!(size < 3072, "{q}: {size} bytes");
        }
    }

    #[test]
    fn service_hint_filters_and_resolves_aliases() {
        let v = ok(json!({"query": "list", "serviceHint": "logs"}));
        assert_eq!(v["serviceHint"], "cloudwatch-logs");
        let results = v["results"].as_array().cloned().unwrap_or_default();
        assert!(!results.is_empty());
        assert!(results.iter().all(|r| r["service"] == "cloudwatch-logs"));
        let e = err(json!({"query": "list", "serviceHint": "nosuchservice"}));
        assert_eq!(e.error_type, ErrorType::ServiceNotFound);
        // Blank hint = no hint.
        let v = ok(json!({"query": "list buckets", "serviceHint": "  "}));
        assert!(v.get("serviceHint").is_none());
    }

    #[test]
    fn no_match_has_a_hint() {
        let v = ok(json!({"query": "zzqqxxv wwkkjj"}));
        assert_eq!(v["count"], 0);
        assert!(v["hint"].as_str().is_some_and(|h| !h.is_empty()));
        let v = ok(json!({"query": "the a of"}));
        assert_eq!(v["count"], 0);
    }

    #[test]
    fn never_panics_on_odd_queries() {
        for q in [
            "!!!",
            "😀😀😀",
            "Überprüfe die Größe",
            "a",
            "s3",
            "--",
            "::::",
            "ListBuckets ListBuckets ListBuckets",
            "\u{0}\u{1}",
            "ĳ ǅ ß ﬃ",
            "aws aws aws",
        ] {
            let _ = ok(json!({"query": q}));
        }
        let long = "describe ".repeat(28);
        let _ = ok(json!({"query": long}));
    }
}

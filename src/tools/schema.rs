//! `aws_get_operation_schema`: the input JSON Schema of one operation.
//!
//! Arguments `service` and `operation` (REFERENCE-BEHAVIOUR.md §1.3 names, kept); both are
//! resolved leniently by the catalog (aliases, any case, kebab/snake case) and answered with
//! their canonical names. Returns `{service, operation, description, schema}` where the schema
//! comes from [`crate::schema`]. Also home of the small argument checks the execute tool shares.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

use super::{ErrorType, ToolContext, ToolError, ToolOutput, ToolResult, cache::ReplyCache};
use crate::catalog;
use crate::policy::Exposure;

/// The tool's name, for messages.
const TOOL: &str = "aws_get_operation_schema";
/// The arguments this tool takes.
const ARGS: &[&str] = &["service", "operation", "path", "detail"];
/// The most a default (compact) reply takes, in bytes of JSON text.
pub const COMPACT_REPLY_BYTES: usize = 12 * 1024;
/// Longest operation description returned (characters; the full text can be long, and an agent
/// pays for every byte: the search already gave the summary).
const DESCRIPTION_CHARS: usize = 500;
/// Bytes of serialised replies kept (the largest, ec2 RunInstances, is about 45 KB).
const CACHE_BUDGET_BYTES: usize = 8 * 1024 * 1024;

pub fn run(ctx: &ToolContext, args: &Value) -> ToolResult {
    let example = r#"{"service": "s3", "operation": "PutObject"}"#;
    let map = object_args(TOOL, args, example)?;
    reject_unknown(TOOL, map, ARGS, example)?;
    let service = name_arg(TOOL, map, "service", example)?;
    let operation = name_arg(TOOL, map, "operation", example)?;
    let detail = detail_arg(map)?;
    let path = path_arg(map)?;
    let (_, op) = catalog::resolve_operation(service, operation)?;
    if ctx.policy().exposure(op) == Exposure::Hidden {
        return Err(not_allowed(ctx, op));
    }
    let text = match path {
        Some(p) => path_reply(op, &p, detail)?,
        None => reply_json(op, detail),
    };
    let config = ctx.config();
    if !ctx
        .policy()
        .always_confirms(op, config.require_approval, config.auto_approve_destructive)
    {
        return Ok(ToolOutput::Json(text));
    }
    // The reply is an object: the flag goes first.
    let body = text.strip_prefix('{').unwrap_or(&text);
    Ok(ToolOutput::Json(
        format!("{{\"requiresConfirmation\":true,{body}").into(),
    ))
}

/// How much of the schema to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Within [`COMPACT_REPLY_BYTES`] (see [`crate::schema::compact`]).
    Compact,
    /// Everything.
    Full,
}

fn detail_arg(map: &Map<String, Value>) -> Result<Detail, ToolError> {
    match map.get("detail") {
        None | Some(Value::Null) => Ok(Detail::Compact),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("compact") => Ok(Detail::Compact),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("full") => Ok(Detail::Full),
        Some(other) => Err(ToolError::new(
            ErrorType::InvalidArguments,
            format!("`detail` must be \"compact\" or \"full\", got {other}"),
            "Leave `detail` out for a compact schema, or give \"full\" for everything.",
        )
        .with("argument", "detail")),
    }
}

fn path_arg(map: &Map<String, Value>) -> Result<Option<String>, ToolError> {
    match map.get("path") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() || s.trim() == "/" => Ok(None),
        Some(Value::String(s)) if s.len() <= 1024 => {
            let s = s.trim();
            Ok(Some(if s.starts_with('/') {
                s.to_string()
            } else {
                format!("/{s}")
            }))
        }
        Some(other) => Err(ToolError::new(
            ErrorType::InvalidArguments,
            format!(
                "`path` must be a JSON pointer string such as \"/Tags/items\", got {}",
                crate::validate::type_name(other)
            ),
            "Give the path of an input member, e.g. \"/Definition/Sheets/items\".",
        )
        .with("argument", "path")),
    }
}

/// The reply for the input part at `path`: `{service, operation, path, schema}`.
fn path_reply(op: u32, path: &str, detail: Detail) -> Result<Arc<str>, ToolError> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native()).name.as_str();
    let schema = crate::schema::sub_schema(op, path).map_err(|e| {
        ToolError::new(
            ErrorType::InvalidArguments,
            format!(
                "The path is not part of {svc} {}'s input: {e}",
                o.name.as_str()
            ),
            "Give a path along the schema: member names, `items` for list items, \
             `additionalProperties` for map values, e.g. \"/Tags/items\".",
        )
        .with("argument", "path")
        .with("expected", e.expected.clone())
    })?;
    let mut out = Map::new();
    out.insert("service".into(), svc.into());
    out.insert("operation".into(), o.name.as_str().into());
    out.insert("path".into(), path.into());
    // An enum asked for by its path comes whole: that is how its full list is read.
    let schema = if detail == Detail::Full || schema.get("enum").is_some() {
        schema
    } else {
        let (schema, done) = crate::schema::compact::compact(schema, COMPACT_REPLY_BYTES - 512);
        note_compaction(&mut out, &done);
        schema
    };
    out.insert("schema".into(), schema);
    Ok(Value::Object(out).to_string().into())
}

fn note_compaction(out: &mut Map<String, Value>, done: &crate::schema::compact::Compaction) {
    if done.is_empty() {
        return;
    }
    out.insert(
        "compacted".into(),
        serde_json::json!({
            "enums": done.enums,
            "structures": done.structures,
            "descriptions": done.descriptions,
            "members": done.members,
            "note": "Parts are summarised to fit the context: ask again with `path` for one \
                     part, or detail \"full\" for all.",
        }),
    );
}

/// `OperationNotAllowed`: the policy refuses every call of `op` (REFERENCE-BEHAVIOUR §1.4.1
/// step 8), so search does not list it and schema does not describe it.
pub fn not_allowed(ctx: &ToolContext, op: u32) -> ToolError {
    let o = catalog::operation(op);
    let service = catalog::service(o.service.to_native()).name.as_str();
    ToolError::new(
        ErrorType::OperationNotAllowed,
        format!(
            "Operation is not allowlisted: {service}:{} (the server's policy refuses every call \
             of it)",
            o.name.as_str()
        ),
        format!(
            "Use aws_search_operations to find an allowed operation; the policy is {}.",
            ctx.policy().source()
        ),
    )
    .with("service", service)
    .with("operation", o.name.as_str())
}

/// The reply for operation `op` as compact JSON, from the cache or rendered and cached.
fn reply_json(op: u32, detail: Detail) -> Arc<str> {
    static COMPACT: OnceLock<Mutex<ReplyCache>> = OnceLock::new();
    static FULL: OnceLock<Mutex<ReplyCache>> = OnceLock::new();
    let cache = match detail {
        Detail::Compact => &COMPACT,
        Detail::Full => &FULL,
    }
    .get_or_init(|| Mutex::new(ReplyCache::new(CACHE_BUDGET_BYTES)));
    if let Ok(mut c) = cache.lock()
        && let Some(hit) = c.get(op)
    {
        return hit;
    }
    let text: Arc<str> = reply(op, detail).to_string().into();
    if let Ok(mut c) = cache.lock() {
        c.insert(op, Arc::clone(&text));
    }
    text
}

/// `{service, operation, description, schema}` for operation `op`, plus `compacted` when the
/// compact schema summarises parts.
fn reply(op: u32, detail: Detail) -> Value {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let mut out = Map::new();
    out.insert("service".into(), svc.name.as_str().into());
    out.insert("operation".into(), o.name.as_str().into());
    out.insert(
        "description".into(),
        operation_description(o.documentation.as_str(), o.summary.as_str()).into(),
    );
    let schema = crate::schema::operation_input_schema(op);
    let schema = match detail {
        Detail::Full => schema,
        Detail::Compact => {
            // The rest of the reply, the `compacted` note and the confirmation flag share
            // the budget with the schema.
            let rest = Value::Object(out.clone()).to_string().len() + 400;
            let (schema, done) =
                crate::schema::compact::compact(schema, COMPACT_REPLY_BYTES.saturating_sub(rest));
            note_compaction(&mut out, &done);
            schema
        }
    };
    out.insert("schema".into(), schema);
    Value::Object(out)
}

/// The operation's documentation, cut at a sentence (or word) near [`DESCRIPTION_CHARS`].
fn operation_description(doc: &str, summary: &str) -> String {
    let doc = doc.trim();
    if doc.is_empty() {
        return summary.to_string();
    }
    if doc.chars().count() <= DESCRIPTION_CHARS {
        return doc.to_string();
    }
    let cut = doc
        .char_indices()
        .nth(DESCRIPTION_CHARS)
        .map_or(doc.len(), |(i, _)| i);
    let head = &doc[..cut];
    let end = head
        .rfind(". ")
        .or_else(|| head.rfind('\n'))
        .filter(|&i| i > cut / 2)
        .map(|i| i + 1)
        .or_else(|| head.rfind(' '))
        .unwrap_or(cut);
    format!("{} …", head[..end].trim_end())
}

/// The arguments as an object (`null` counts as `{}`).
pub(crate) fn object_args<'a>(
    tool: &str,
    args: &'a Value,
    example: &str,
) -> Result<&'a Map<String, Value>, ToolError> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match args {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(EMPTY.get_or_init(Map::new)),
        other => Err(ToolError::new(
            ErrorType::InvalidArguments,
            format!(
                "{tool} takes a JSON object of arguments, got {}",
                crate::validate::type_name(other)
            ),
            format!("Call it with an object, e.g. {example}."),
        )),
    }
}

/// Fails on arguments the tool does not take, naming the closest known one.
pub(crate) fn reject_unknown(
    tool: &str,
    map: &Map<String, Value>,
    known: &[&str],
    example: &str,
) -> Result<(), ToolError> {
    let Some(key) = map.keys().find(|k| !known.contains(&k.as_str())) else {
        return Ok(());
    };
    let wrapped = matches!(key.as_str(), "payload" | "params" | "arguments" | "input")
        && map.len() == 1
        && map.get(key).is_some_and(Value::is_object);
    let hint = if wrapped {
        format!("Do not wrap the arguments in `{key}`: pass them at the top level, e.g. {example}.")
    } else if let Some(s) = crate::validate::suggest(key, known.iter().copied()) {
        format!("Did you mean `{s}`? {tool} takes: {}.", known.join(", "))
    } else if matches!(key.as_str(), "serviceName" | "service_name") {
        format!("Use `service`. {tool} takes: {}.", known.join(", "))
    } else if matches!(
        key.as_str(),
        "operationName" | "operation_name" | "op" | "action_name"
    ) {
        format!("Use `operation`. {tool} takes: {}.", known.join(", "))
    } else {
        format!("Remove it. {tool} takes: {}.", known.join(", "))
    };
    Err(ToolError::new(
        ErrorType::InvalidArguments,
        format!("Unknown argument `{key}` for {tool}"),
        hint,
    )
    .with("argument", key.as_str()))
}

/// A required service/operation name: a non-empty string of at most 128 characters.
pub(crate) fn name_arg<'a>(
    tool: &str,
    map: &'a Map<String, Value>,
    key: &str,
    example: &str,
) -> Result<&'a str, ToolError> {
    let invalid = |message: String, hint: String| {
        ToolError::new(ErrorType::InvalidArguments, message, hint).with("argument", key)
    };
    match map.get(key) {
        None | Some(Value::Null) => Err(invalid(
            format!("Missing required argument `{key}` for {tool}"),
            format!("Add `{key}`, e.g. {example}."),
        )),
        Some(Value::String(s)) => {
            let t = s.trim();
            if t.is_empty() {
                Err(invalid(
                    format!("Argument `{key}` is empty"),
                    format!("Give a name, e.g. {example}."),
                ))
            } else if t.chars().count() > 128 {
                Err(invalid(
                    format!("Argument `{key}` is longer than 128 characters"),
                    "Give just the name, e.g. 's3' or 'PutObject'.".to_string(),
                ))
            } else {
                Ok(t)
            }
        }
        Some(other) => Err(invalid(
            format!(
                "Argument `{key}` must be a string, got {}",
                crate::validate::type_name(other)
            ),
            format!("Give it as a string, e.g. {example}."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_descriptions_are_cut_at_a_sentence() {
        let doc = "First sentence here. ".repeat(100);
        let d = operation_description(&doc, "summary");
        assert!(d.chars().count() <= DESCRIPTION_CHARS + 2);
        assert!(d.ends_with("here. …"), "{d}");
        assert_eq!(operation_description("", "summary"), "summary");
        assert_eq!(operation_description("Short.", "s"), "Short.");
    }

    #[test]
    fn argument_errors_are_typed_and_helpful() {
        let e = run(&ToolContext::local_default(), &json!({"service": "s3"})).unwrap_err();
        assert_eq!(e.error_type, ErrorType::InvalidArguments);
        assert!(e.message.contains("`operation`"));
        let e = run(
            &ToolContext::local_default(),
            &json!({"service": 3, "operation": "x"}),
        )
        .unwrap_err();
        assert!(e.message.contains("must be a string"));
        let e = run(
            &ToolContext::local_default(),
            &json!({"service": "s3", "operation": "ListBuckets", "operaton": 1}),
        )
        .unwrap_err();
        assert!(e.message.contains("Unknown argument `operaton`"));
        let e = run(
            &ToolContext::local_default(),
            &json!({"payload": {"service": "s3", "operation": "ListBuckets"}}),
        )
        .unwrap_err();
        assert!(e.hint.contains("Do not wrap"));
        let e = run(&ToolContext::local_default(), &json!([1])).unwrap_err();
        assert_eq!(e.error_type, ErrorType::InvalidArguments);
    }
}

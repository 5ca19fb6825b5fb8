//! `aws_execute`: validate (and, once the invoker lands, invoke) one AWS operation.
//!
//! Arguments as in REFERENCE-BEHAVIOUR.md §1.4 (names kept): `action` (`validate` | `invoke`),
//! `service`, `operation`, `payload` (an object, or a string holding one; absent or null = `{}`),
//! `region` (string), `options` (an object, or a string holding one). Processing follows §1.4.1:
//! arguments → payload (`InvalidPayload`) → region → options (`InvalidOptions`) → catalog lookup
//! (`ServiceNotFound` / `OperationNotFound` with the closest names) → payload validation against
//! the shape graph (`ValidationError` listing every issue) → the action.
//!
//! `validate` stops there and describes the call; `invoke` answers `NotAvailable` in this build
//! (the invoker is the next piece of work and plugs in at [`invoke`]).

use serde_json::{Map, Value};

use super::schema::{name_arg, object_args, reject_unknown};
use super::{ErrorType, Principal, ToolError, ToolResult};
use crate::catalog;
use crate::validate::{ValidationIssue, member_required, suggest, type_name, validate_input};
use catalog_format::format::{OP_DESTRUCTIVE, OP_IDEMPOTENT, OP_READONLY, T_IDEMPOTENCY_TOKEN};

const TOOL: &str = "aws_execute";
const ARGS: &[&str] = &[
    "action",
    "service",
    "operation",
    "payload",
    "region",
    "options",
];
const EXAMPLE: &str = r#"{"action": "validate", "service": "s3", "operation": "ListObjectsV2", "payload": {"Bucket": "my-bucket"}}"#;
/// Options the server understands (§1.4); anything else is rejected with a suggestion.
const OPTION_KEYS: &[&str] = &[
    "confirmationToken",
    "accountId",
    "roleName",
    "roleArn",
    "responseMode",
    "maxResultItems",
    "omitResponseFields",
];
/// Issues summarised in the error's hint.
const HINT_ISSUES: usize = 3;

/// What to do with the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Validate,
    Invoke,
}

/// A checked `aws_execute` request: everything the action needs, resolved.
#[derive(Debug, Clone)]
pub struct Request {
    pub action: Action,
    pub service: u32,
    pub operation: u32,
    /// The operation's parameters (a JSON object).
    pub payload: Map<String, Value>,
    /// The caller's region, when given (non-blank).
    pub region: Option<String>,
    /// Execution options (validated keys).
    pub options: Map<String, Value>,
}

pub fn run(principal: &Principal, args: &Value) -> ToolResult {
    let request = parse(args)?;
    match request.action {
        Action::Validate => Ok(validated(&request).into()),
        Action::Invoke => invoke(principal, &request),
    }
}

/// Steps 1–9 of §1.4.1: the request, checked and with a payload that validates.
pub fn parse(args: &Value) -> Result<Request, ToolError> {
    let map = object_args(TOOL, args, EXAMPLE)?;
    reject_unknown(TOOL, map, ARGS, EXAMPLE)?;
    let action = action_arg(map)?;
    let service = name_arg(TOOL, map, "service", EXAMPLE)?;
    let operation = name_arg(TOOL, map, "operation", EXAMPLE)?;
    let payload = object_or_json(map.get("payload"), "payload", ErrorType::InvalidPayload)?;
    let region = region_arg(map)?;
    let options = object_or_json(map.get("options"), "options", ErrorType::InvalidOptions)?;
    check_options(&options)?;
    let (s, op) = catalog::resolve_operation(service, operation)?;
    let payload_value = Value::Object(payload);
    let issues = validate_input(op, &payload_value);
    if !issues.is_empty() {
        return Err(validation_error(s, op, &issues));
    }
    let Value::Object(payload) = payload_value else {
        return Err(ToolError::new(
            ErrorType::InvalidPayload,
            "payload must be a JSON object",
            "Provide payload as a JSON object.",
        ));
    };
    Ok(Request {
        action,
        service: s,
        operation: op,
        payload,
        region,
        options,
    })
}

/// The `validate` answer: the call is well-formed; what kind of call it is.
fn validated(r: &Request) -> Value {
    let op = catalog::operation(r.operation);
    let mut out = Map::new();
    out.insert(
        "service".into(),
        catalog::service(r.service).name.as_str().into(),
    );
    out.insert("operation".into(), op.name.as_str().into());
    out.insert("valid".into(), true.into());
    out.insert("readOnly".into(), op.has(OP_READONLY).into());
    out.insert("destructive".into(), op.has(OP_DESTRUCTIVE).into());
    out.insert("idempotent".into(), op.has(OP_IDEMPOTENT).into());
    let filled: Vec<Value> = auto_filled(r).into_iter().map(Value::from).collect();
    if !filled.is_empty() {
        out.insert("autoFilled".into(), Value::Array(filled));
    }
    if let Some(region) = &r.region {
        out.insert("region".into(), region.as_str().into());
    }
    let mut message = "The payload is valid for this operation.".to_string();
    if op.has(OP_DESTRUCTIVE) {
        message.push_str(" The operation changes or removes existing resources.");
    }
    message.push_str(" Calling AWS (action 'invoke') is not available in this build yet.");
    out.insert("message".into(), message.into());
    Value::Object(out)
}

/// Top-level idempotency tokens the caller left out (the invoker fills them in).
fn auto_filled(r: &Request) -> Vec<&'static str> {
    let Some(input) = catalog::operation(r.operation).input.as_ref() else {
        return Vec::new();
    };
    catalog::shape(input.to_native())
        .members
        .iter()
        .filter(|m| m.has(T_IDEMPOTENCY_TOKEN) && !r.payload.contains_key(m.name.as_str()))
        .map(|m| m.name.as_str())
        .collect()
}

/// `invoke`: not in this build. The invoker (next issue) replaces this with the call.
fn invoke(_principal: &Principal, r: &Request) -> ToolResult {
    let op = catalog::operation(r.operation);
    Err(ToolError::new(
        ErrorType::NotAvailable,
        format!(
            "Invoking AWS operations is not available in this build of aws-exec-mcp (asked for {} {})",
            catalog::service(r.service).name.as_str(),
            op.name.as_str()
        ),
        "Use action 'validate' to check payloads (this one is valid). Calling AWS \
         arrives in a later version.",
    )
    .with("service", catalog::service(r.service).name.as_str())
    .with("operation", op.name.as_str()))
}

fn action_arg(map: &Map<String, Value>) -> Result<Action, ToolError> {
    let invalid = |message: String, hint: &str| {
        ToolError::new(ErrorType::InvalidArguments, message, hint).with("argument", "action")
    };
    match map.get("action") {
        None | Some(Value::Null) => Err(invalid(
            "Missing required argument `action` for aws_execute".to_string(),
            "Add \"action\": \"validate\" (check the payload) or \"invoke\" (call AWS).",
        )),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "validate" => Ok(Action::Validate),
            "invoke" => Ok(Action::Invoke),
            other => Err(invalid(
                format!("Unknown action `{}`", crate::validate::truncate(other, 40)),
                "Use \"validate\" to check a payload or \"invoke\" to call AWS.",
            )),
        },
        Some(other) => Err(invalid(
            format!(
                "Argument `action` must be a string, got {}",
                type_name(other)
            ),
            "Use \"validate\" or \"invoke\".",
        )),
    }
}

fn region_arg(map: &Map<String, Value>) -> Result<Option<String>, ToolError> {
    match map.get("region") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let r = s.trim();
            // Region codes (`us-east-1`, `us-gov-west-1`, `aws-global`): lower-case words
            // joined by dashes. Whether the region exists is AWS's to say.
            let ok = r.len() <= 32
                && r.contains('-')
                && !r.starts_with('-')
                && !r.ends_with('-')
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if ok {
                Ok(Some(r.to_string()))
            } else {
                Err(ToolError::new(
                    ErrorType::InvalidArguments,
                    format!(
                        "`{}` is not an AWS region code",
                        crate::validate::truncate(r, 40)
                    ),
                    "Give a region code such as 'us-east-1' or 'eu-west-1', or leave region out \
                     to use the default.",
                )
                .with("argument", "region"))
            }
        }
        Some(other) => Err(ToolError::new(
            ErrorType::InvalidArguments,
            format!(
                "Argument `region` must be a string, got {}",
                type_name(other)
            ),
            "Give a region code such as 'us-east-1'.",
        )
        .with("argument", "region")),
    }
}

/// `payload` / `options`: an object, a string holding a JSON object, or absent/null (`{}`).
fn object_or_json(
    value: Option<&Value>,
    name: &str,
    error_type: ErrorType,
) -> Result<Map<String, Value>, ToolError> {
    let example = if name == "payload" {
        r#"{"Bucket": "my-bucket"}"#
    } else {
        r#"{"responseMode": "compact"}"#
    };
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Map::new()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Ok(m),
            Ok(other) => Err(ToolError::new(
                error_type,
                format!(
                    "`{name}` must be a JSON object; the string holds {} {}",
                    article_for(type_name(&other)),
                    type_name(&other)
                ),
                format!("Provide {name} as a JSON object, e.g. {example}."),
            )),
            Err(e) => Err(ToolError::new(
                error_type,
                format!("Failed to parse `{name}` as JSON: {e}"),
                format!("Provide {name} as a JSON object (not a string), e.g. {example}."),
            )),
        },
        Some(other) => Err(ToolError::new(
            error_type,
            format!(
                "Expected a JSON object for `{name}`, got {}",
                type_name(other)
            ),
            format!("Provide {name} as a JSON object, e.g. {example}."),
        )),
    }
}

fn article_for(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Checks the known options' types and values; unknown options are rejected.
fn check_options(options: &Map<String, Value>) -> Result<(), ToolError> {
    let bad =
        |message: String, hint: String| ToolError::new(ErrorType::InvalidOptions, message, hint);
    for (key, value) in options {
        match key.as_str() {
            "confirmationToken" | "roleName" | "roleArn" => {
                if !value.is_string() {
                    return Err(bad(
                        format!("Option `{key}` must be a string, got {}", type_name(value)),
                        format!("Give `{key}` as a string."),
                    ));
                }
            }
            "accountId" => {
                let ok = value
                    .as_str()
                    .is_some_and(|s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    return Err(bad(
                        "Option `accountId` must be a 12-digit AWS account id string".to_string(),
                        "Give it as a string, e.g. \"123456789012\".".to_string(),
                    ));
                }
            }
            "responseMode" => {
                if !matches!(value.as_str(), Some("auto" | "compact" | "full")) {
                    return Err(bad(
                        "Option `responseMode` must be 'auto', 'compact' or 'full'".to_string(),
                        "Use \"auto\" (the default), \"compact\" or \"full\".".to_string(),
                    ));
                }
            }
            "maxResultItems" => {
                if value.as_u64().is_none_or(|n| n < 1) {
                    return Err(bad(
                        "Option `maxResultItems` must be a positive integer".to_string(),
                        "Give a whole number such as 20.".to_string(),
                    ));
                }
            }
            "omitResponseFields" => {
                let ok = value
                    .as_array()
                    .is_some_and(|a| a.iter().all(Value::is_string));
                if !ok {
                    return Err(bad(
                        "Option `omitResponseFields` must be an array of strings".to_string(),
                        "Give field names, e.g. [\"ResponseMetadata\"].".to_string(),
                    ));
                }
            }
            _ => {
                let hint = match suggest(key, OPTION_KEYS.iter().copied()) {
                    Some(s) => format!(
                        "Did you mean `{s}`? Known options: {}.",
                        OPTION_KEYS.join(", ")
                    ),
                    None => format!(
                        "Remove it; operation parameters belong in `payload`. Known options: {}.",
                        OPTION_KEYS.join(", ")
                    ),
                };
                return Err(bad(format!("Unknown option `{key}`"), hint));
            }
        }
    }
    Ok(())
}

/// The `ValidationError` for a payload with issues: every issue, the missing members, and a
/// hint summarising the first few.
fn validation_error(s: u32, op: u32, issues: &[ValidationIssue]) -> ToolError {
    let svc = catalog::service(s).name.as_str();
    let name = catalog::operation(op).name.as_str();
    let missing: Vec<Value> = issues
        .iter()
        .filter(|i| i.kind == crate::validate::IssueKind::MissingRequired)
        .map(|i| Value::from(i.path.as_str()))
        .collect();
    let mut hint: Vec<String> = issues
        .iter()
        .take(HINT_ISSUES)
        .map(|i| {
            if i.path.is_empty() {
                i.hint.clone()
            } else {
                format!("{}: {}", i.path, i.hint)
            }
        })
        .collect();
    if issues.len() > HINT_ISSUES {
        hint.push(format!(
            "({} more issue(s) in `errors`.)",
            issues.len() - HINT_ISSUES
        ));
    }
    let first = issues
        .first()
        .map(|i| format!(": {}", i.message))
        .unwrap_or_default();
    let required = catalog::operation(op)
        .input
        .as_ref()
        .map(|i| {
            catalog::shape(i.to_native())
                .members
                .iter()
                .filter(|m| member_required(m, true))
                .map(|m| Value::from(m.name.as_str()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    ToolError::new(
        ErrorType::ValidationError,
        format!(
            "Payload validation failed for {svc} {name}: {} issue(s){first}",
            issues.len()
        ),
        hint.join(" "),
    )
    .with("service", svc)
    .with("operation", name)
    .with(
        "errors",
        Value::Array(issues.iter().map(ValidationIssue::to_json).collect()),
    )
    .with("missing", Value::Array(missing))
    .with("required", Value::Array(required))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_strings_are_parsed_and_must_hold_objects() {
        let m = object_or_json(
            Some(&json!("{\"a\": 1}")),
            "payload",
            ErrorType::InvalidPayload,
        )
        .unwrap();
        assert_eq!(m.len(), 1);
        let e =
            object_or_json(Some(&json!("[1]")), "payload", ErrorType::InvalidPayload).unwrap_err();
        assert_eq!(e.error_type, ErrorType::InvalidPayload);
        assert!(e.message.contains("an array"));
        let e = object_or_json(Some(&json!("{oops")), "options", ErrorType::InvalidOptions)
            .unwrap_err();
        assert_eq!(e.error_type, ErrorType::InvalidOptions);
        assert!(object_or_json(None, "payload", ErrorType::InvalidPayload).is_ok());
        assert!(object_or_json(Some(&json!(5)), "payload", ErrorType::InvalidPayload).is_err());
    }

    #[test]
    fn options_are_checked() {
        let ok = json!({"responseMode": "compact", "maxResultItems": 20});
        assert!(check_options(ok.as_object().unwrap()).is_ok());
        let bad = json!({"responseMod": "compact"});
        let e = check_options(bad.as_object().unwrap()).unwrap_err();
        assert!(e.hint.contains("responseMode"));
        let bad = json!({"maxResultItems": 0});
        assert!(check_options(bad.as_object().unwrap()).is_err());
    }
}

//! `aws_execute`: validate, invoke or presign one AWS operation.
//!
//! Arguments as in REFERENCE-BEHAVIOUR.md §1.4 (names kept): `action` (`validate` | `invoke`),
//! `service`, `operation`, `payload` (an object, or a string holding one; absent or null = `{}`),
//! `region` (string), `options` (an object, or a string holding one). Processing follows §1.4.1:
//! arguments → payload (`InvalidPayload`) → region → options (`InvalidOptions`) → catalog lookup
//! (`ServiceNotFound` / `OperationNotFound` with the closest names) → payload validation against
//! the shape graph (`ValidationError` listing every issue) → the action.
//!
//! `validate` stops there and describes the call; `invoke` and `presign` go on in
//! [`super::invoke`].

use serde_json::{Map, Value};

use super::context::ToolContext;
use super::options::{self, ExecOptions};
use super::schema::{name_arg, object_args, reject_unknown};
use super::{ErrorType, ToolError, ToolResult};
use crate::catalog;
use crate::validate::{ValidationIssue, member_required, type_name, validate_input};
use catalog_format::format::{OP_IDEMPOTENT, OP_READONLY, T_IDEMPOTENCY_TOKEN};

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
/// Issues summarised in the error's hint.
const HINT_ISSUES: usize = 3;

/// What to do with the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Validate,
    Invoke,
    /// A presigned URL for the call, to be used by someone else (no call is made).
    Presign,
}

/// The `region` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionArg {
    /// Not given: the configured default.
    Default,
    One(String),
    /// A list: the call is made in each (fan-out).
    Many(Vec<String>),
    /// `"*"`: every region of the partition where the service has an endpoint.
    All,
}

/// The most regions a list may name.
const MAX_REGIONS: usize = 64;

/// A checked `aws_execute` request: everything the action needs, resolved.
#[derive(Debug, Clone)]
pub struct Request {
    pub action: Action,
    pub service: u32,
    pub operation: u32,
    /// The operation's parameters (a JSON object).
    pub payload: Map<String, Value>,
    pub region: RegionArg,
    /// Execution options, checked.
    pub options: ExecOptions,
    /// The options as given (what a confirmation is bound to).
    pub raw_options: Map<String, Value>,
}

pub async fn run(ctx: &ToolContext, args: &Value) -> ToolResult {
    let request = parse(args)?;
    match request.action {
        Action::Validate => Ok(validated(ctx, &request).into()),
        Action::Invoke | Action::Presign => {
            let span = tracing::info_span!(
                "aws_call",
                service = catalog::service(request.service).name.as_str(),
                operation = catalog::operation(request.operation).name.as_str(),
                principal = %ctx.principal.label(),
            );
            tracing::Instrument::instrument(
                super::invoke::run(ctx, &request, &request.options),
                span,
            )
            .await
        }
    }
}

/// Checks the request and answers as `validate` does, whatever its action: the synchronous
/// entry for the CLI, benchmarks and tests.
pub fn validate(ctx: &ToolContext, args: &Value) -> ToolResult {
    let request = parse(args)?;
    Ok(validated(ctx, &request).into())
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
    let raw_options = object_or_json(map.get("options"), "options", ErrorType::InvalidOptions)?;
    let options = options::parse(&raw_options)?;
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
        raw_options,
    })
}

/// The `validate` answer: the call is well-formed; what kind of call it is, and the policy's
/// decision on it (REFERENCE-BEHAVIOUR §1.4.2: evaluated, never enforced, nothing counted).
fn validated(ctx: &ToolContext, r: &Request) -> Value {
    let op = catalog::operation(r.operation);
    // The region the call would go to; a list or `*` leaves it open (region rules apply).
    let region = match &r.region {
        RegionArg::One(region) => Some(region.as_str()),
        RegionArg::Default => ctx.config().env_region.as_deref(),
        RegionArg::Many(_) | RegionArg::All => None,
    };
    let payload_bytes = crate::policy::payload_size(&r.payload);
    let decision =
        ctx.policy()
            .decide_for_validate(&super::guard::facts(ctx, r, region, payload_bytes));
    let config = ctx.config();
    let confirm =
        decision.confirmation_gate(config.require_approval, config.auto_approve_destructive);
    let mut out = Map::new();
    out.insert(
        "service".into(),
        catalog::service(r.service).name.as_str().into(),
    );
    out.insert("operation".into(), op.name.as_str().into());
    out.insert("valid".into(), true.into());
    out.insert("readOnly".into(), op.has(OP_READONLY).into());
    out.insert("destructive".into(), decision.destructive.into());
    out.insert("idempotent".into(), op.has(OP_IDEMPOTENT).into());
    out.insert("requiresConfirmation".into(), confirm.into());
    out.insert("policy".into(), decision.to_json());
    let filled: Vec<Value> = auto_filled(r).into_iter().map(Value::from).collect();
    if !filled.is_empty() {
        out.insert("autoFilled".into(), Value::Array(filled));
    }
    match &r.region {
        RegionArg::Default => {}
        RegionArg::One(region) => {
            out.insert("region".into(), region.as_str().into());
        }
        RegionArg::Many(list) => {
            out.insert("region".into(), list.clone().into());
        }
        RegionArg::All => {
            out.insert("region".into(), "*".into());
        }
    }
    let mut message = "The payload is valid for this operation.".to_string();
    if decision.destructive {
        message.push_str(" The operation changes or removes existing resources.");
    }
    if !decision.allowed {
        message.push_str(&format!(
            " But the server's policy refuses this call: {}",
            decision.reasons.join("; ")
        ));
    } else if confirm {
        message.push_str(
            " Calling it with action 'invoke' needs the user's confirmation (see policy.reasons).",
        );
    } else {
        message.push_str(" Call it with action 'invoke'.");
    }
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
            "presign" => Ok(Action::Presign),
            other => Err(invalid(
                format!("Unknown action `{}`", crate::validate::truncate(other, 40)),
                "Use \"validate\" to check a payload, \"invoke\" to call AWS or \"presign\" \
                 for a presigned URL.",
            )),
        },
        Some(other) => Err(invalid(
            format!(
                "Argument `action` must be a string, got {}",
                type_name(other)
            ),
            "Use \"validate\", \"invoke\" or \"presign\".",
        )),
    }
}

fn region_arg(map: &Map<String, Value>) -> Result<RegionArg, ToolError> {
    let invalid = |message: String| {
        ToolError::new(
            ErrorType::InvalidArguments,
            message,
            "Give a region code such as 'us-east-1', a list of them, or \"*\" for every \
             region; leave region out to use the default.",
        )
        .with("argument", "region")
    };
    let one = |s: &str| -> Result<String, ToolError> {
        let r = s.trim();
        crate::config::check_region(r).map_err(|problem| {
            invalid(format!(
                "`{}` is {problem}",
                crate::validate::truncate(r, 40)
            ))
        })?;
        Ok(r.to_string())
    };
    match map.get("region") {
        None | Some(Value::Null) => Ok(RegionArg::Default),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(RegionArg::Default),
        Some(Value::String(s)) if s.trim() == "*" => Ok(RegionArg::All),
        Some(Value::String(s)) => Ok(RegionArg::One(one(s)?)),
        Some(Value::Array(items)) => {
            if items.is_empty() || items.len() > MAX_REGIONS {
                return Err(invalid(format!(
                    "A region list must hold 1 to {MAX_REGIONS} regions, got {}",
                    items.len()
                )));
            }
            let mut list: Vec<String> = Vec::with_capacity(items.len());
            for item in items {
                let Some(s) = item.as_str() else {
                    return Err(invalid(format!(
                        "Region list items must be strings, got {}",
                        type_name(item)
                    )));
                };
                let r = one(s)?;
                if !list.contains(&r) {
                    list.push(r);
                }
            }
            if list.len() == 1 {
                return Ok(RegionArg::One(list.remove(0)));
            }
            Ok(RegionArg::Many(list))
        }
        Some(other) => Err(invalid(format!(
            "Argument `region` must be a string or a list of strings, got {}",
            type_name(other)
        ))),
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
    hint.push(format!(
        "Fix the payload and validate again; aws_get_operation_schema {{\"service\": \"{svc}\", \
         \"operation\": \"{name}\"}} shows every member."
    ));
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
    fn regions_one_many_or_all() {
        let arg = |v: Value| region_arg(json!({ "region": v }).as_object().unwrap());
        assert_eq!(
            arg(json!("us-east-1")).unwrap(),
            RegionArg::One("us-east-1".into())
        );
        assert_eq!(arg(json!(" ")).unwrap(), RegionArg::Default);
        assert_eq!(arg(json!("*")).unwrap(), RegionArg::All);
        assert_eq!(
            arg(json!(["us-east-1", "eu-west-1", "us-east-1"])).unwrap(),
            RegionArg::Many(vec!["us-east-1".into(), "eu-west-1".into()])
        );
        assert_eq!(
            arg(json!(["eu-west-1"])).unwrap(),
            RegionArg::One("eu-west-1".into())
        );
        for bad in [
            json!("US_EAST_1"),
            json!("moon-base-1"),
            json!([]),
            json!([1]),
            json!(5),
        ] {
            let e = arg(bad.clone()).unwrap_err();
            assert_eq!(e.error_type, ErrorType::InvalidArguments, "{bad}");
        }
    }
}

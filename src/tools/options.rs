//! `aws_execute`'s `options`, checked and typed. Unknown keys are refused with the closest
//! known one; a wrong type or value names the option and what it takes.

use std::time::Duration;

use serde_json::{Map, Value};

use super::{ErrorType, ToolError};
use crate::config::MAX_CALL_TIMEOUT_SECONDS;
use crate::credentials::RoleRequest;
use crate::validate::{suggest, type_name};

/// Every option the server understands.
pub const OPTION_KEYS: &[&str] = &[
    "profile",
    "roleArn",
    "externalId",
    "sessionName",
    "accountId",
    "roleName",
    "timeoutSeconds",
    "paginate",
    "maxPages",
    "maxItems",
    "query",
    "preview",
    "expiresIn",
    "bodyFile",
    "confirmationToken",
    "cursor",
    "responseMode",
    "maxResultItems",
    "omitResponseFields",
];

/// Pages fetched by `paginate: true` when `maxPages` is not given.
pub const DEFAULT_MAX_PAGES: u32 = 100;
/// `expiresIn` of presigned URLs: default and maximum (7 days, SigV4's limit).
pub const DEFAULT_EXPIRES_IN: u64 = 900;
pub const MAX_EXPIRES_IN: u64 = 604_800;

/// `options.query`: a compiled JMESPath expression.
#[derive(Clone)]
pub struct Query(pub jmespath::Expression<'static>);

impl std::fmt::Debug for Query {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Query({:?})", self.0.as_str())
    }
}

/// Checked options.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub profile: Option<String>,
    pub role: Option<RoleRequest>,
    pub timeout: Option<Duration>,
    pub paginate: bool,
    pub max_pages: Option<u32>,
    pub max_items: Option<u64>,
    pub query: Option<Query>,
    pub preview: bool,
    pub expires_in: Option<u64>,
    pub body_file: Option<String>,
    pub confirmation_token: Option<String>,
    /// Continue a trimmed result (see [`super::cursor`]).
    pub cursor: Option<String>,
    pub response_mode: super::budget::Mode,
    pub max_result_items: Option<u64>,
    pub omit_response_fields: Vec<String>,
}

fn bad(message: String, hint: impl Into<String>) -> ToolError {
    ToolError::new(ErrorType::InvalidOptions, message, hint)
}

fn string(key: &str, value: &Value) -> Result<String, ToolError> {
    match value.as_str().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        Some(_) => Err(bad(
            format!("Option `{key}` is empty"),
            format!("Give `{key}` a value, or leave it out."),
        )),
        None => Err(bad(
            format!("Option `{key}` must be a string, got {}", type_name(value)),
            format!("Give `{key}` as a string."),
        )),
    }
}

fn boolean(key: &str, value: &Value) -> Result<bool, ToolError> {
    value.as_bool().ok_or_else(|| {
        bad(
            format!(
                "Option `{key}` must be true or false, got {}",
                type_name(value)
            ),
            format!("Give `{key}` as a JSON boolean: true or false."),
        )
    })
}

fn whole(key: &str, value: &Value, min: u64, max: u64) -> Result<u64, ToolError> {
    match value.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            format!("Option `{key}` must be a whole number from {min} to {max}"),
            format!("Give `{key}` as a number such as {min}."),
        )),
    }
}

/// `[\w+=,.@-]{2,64}`: what STS accepts as a role session name.
fn session_name_ok(s: &str) -> bool {
    (2..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
}

/// Parses and checks `options`.
pub fn parse(options: &Map<String, Value>) -> Result<ExecOptions, ToolError> {
    let mut o = ExecOptions::default();
    let mut role_arn = None;
    let mut external_id = None;
    let mut session_name = None;
    let mut account_id = None;
    let mut role_name = None;
    for (key, value) in options {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "profile" => o.profile = Some(string(key, value)?),
            "roleArn" => {
                let arn = string(key, value)?;
                if !(arn.starts_with("arn:") && arn.contains(":role/")) {
                    return Err(bad(
                        format!(
                            "Option `roleArn` is not a role ARN: `{}`",
                            crate::validate::truncate(&arn, 80)
                        ),
                        "Give it as arn:aws:iam::123456789012:role/RoleName.",
                    ));
                }
                role_arn = Some(arn);
            }
            "externalId" => external_id = Some(string(key, value)?),
            "sessionName" => {
                let name = string(key, value)?;
                if !session_name_ok(&name) {
                    return Err(bad(
                        "Option `sessionName` must be 2-64 characters of letters, digits and _+=,.@-".to_string(),
                        "Use a name such as \"agent-task-42\".",
                    ));
                }
                session_name = Some(name);
            }
            "accountId" => {
                let ok = value
                    .as_str()
                    .is_some_and(|s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()));
                if !ok {
                    return Err(bad(
                        "Option `accountId` must be a 12-digit AWS account id string".to_string(),
                        "Give it as a string, e.g. \"123456789012\".",
                    ));
                }
                account_id = value.as_str().map(str::to_string);
            }
            "roleName" => role_name = Some(string(key, value)?),
            "timeoutSeconds" => {
                o.timeout = Some(Duration::from_secs(whole(
                    key,
                    value,
                    1,
                    MAX_CALL_TIMEOUT_SECONDS,
                )?))
            }
            "paginate" => o.paginate = boolean(key, value)?,
            "maxPages" => o.max_pages = Some(whole(key, value, 1, 10_000)? as u32),
            "maxItems" => o.max_items = Some(whole(key, value, 1, 10_000_000)?),
            "query" => {
                let text = string(key, value)?;
                let expr = jmespath::compile(&text).map_err(|e| {
                    bad(
                        format!("Option `query` is not a JMESPath expression: {e}"),
                        "Use the AWS CLI's --query syntax, e.g. \"Contents[].Key\" or \
                         \"Reservations[].Instances[].{id: InstanceId, state: State.Name}\".",
                    )
                })?;
                o.query = Some(Query(expr));
            }
            "preview" => o.preview = boolean(key, value)?,
            "expiresIn" => o.expires_in = Some(whole(key, value, 1, MAX_EXPIRES_IN)?),
            "bodyFile" => o.body_file = Some(string(key, value)?),
            "confirmationToken" => o.confirmation_token = Some(string(key, value)?),
            "cursor" => o.cursor = Some(string(key, value)?),
            "responseMode" => {
                o.response_mode = value
                    .as_str()
                    .and_then(super::budget::Mode::parse)
                    .ok_or_else(|| {
                        bad(
                            "Option `responseMode` must be 'auto', 'compact' or 'full'".to_string(),
                            "Use \"auto\" (the default: trimmed only when over the size budget), \
                             \"compact\" (lists capped at maxResultItems, 20 by default) or \
                             \"full\" (never trimmed).",
                        )
                    })?;
            }
            "maxResultItems" => o.max_result_items = Some(whole(key, value, 1, 1_000_000)?),
            "omitResponseFields" => {
                let list = value
                    .as_array()
                    .filter(|a| a.iter().all(Value::is_string))
                    .ok_or_else(|| {
                        bad(
                            "Option `omitResponseFields` must be an array of strings".to_string(),
                            "Give field names, e.g. [\"ResponseMetadata\"].",
                        )
                    })?;
                o.omit_response_fields = list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect();
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
    // accountId + roleName name a role as the reference's Identity Center options do; on the
    // local transport it is the IAM role of that name in that account.
    match (&role_arn, account_id, role_name) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(bad(
                "Give either `roleArn` or `accountId` + `roleName`, not both".to_string(),
                "Keep roleArn and drop accountId/roleName.",
            ));
        }
        (None, Some(account), Some(name)) => {
            role_arn = Some(format!("arn:aws:iam::{account}:role/{name}"));
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            return Err(bad(
                "`accountId` and `roleName` go together".to_string(),
                "Give both, or give `roleArn`.",
            ));
        }
        _ => {}
    }
    match role_arn {
        Some(arn) => {
            o.role = Some(RoleRequest {
                arn,
                external_id,
                session_name,
            })
        }
        None if external_id.is_some() || session_name.is_some() => {
            return Err(bad(
                "`externalId` and `sessionName` apply to an assumed role".to_string(),
                "Add `roleArn`, or remove them.",
            ));
        }
        None => {}
    }
    if !o.paginate && (o.max_pages.is_some() || o.max_items.is_some()) {
        return Err(bad(
            "`maxPages` and `maxItems` apply with `paginate: true`".to_string(),
            "Add \"paginate\": true, or remove them.",
        ));
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> Result<ExecOptions, ToolError> {
        parse(v.as_object().unwrap())
    }

    #[test]
    fn typed_options() {
        let o = opts(json!({
            "profile": "dev", "roleArn": "arn:aws:iam::123456789012:role/ops",
            "externalId": "x", "sessionName": "agent-1", "timeoutSeconds": 900,
            "paginate": true, "maxItems": 10, "query": "Contents[].Key", "preview": false
        }))
        .unwrap();
        assert_eq!(o.profile.as_deref(), Some("dev"));
        assert_eq!(
            o.role.as_ref().unwrap().session_name.as_deref(),
            Some("agent-1")
        );
        assert_eq!(o.timeout, Some(Duration::from_secs(900)));
        assert!(o.paginate && o.query.is_some());
        let o = opts(json!({"accountId": "123456789012", "roleName": "ReadOnly"})).unwrap();
        assert_eq!(
            o.role.unwrap().arn,
            "arn:aws:iam::123456789012:role/ReadOnly"
        );
    }

    #[test]
    fn bad_options_say_what_to_do() {
        for (v, needle) in [
            (json!({"timeoutSeconds": 901}), "1 to 900"),
            (json!({"query": "Contents[?"}), "JMESPath"),
            (json!({"roleArn": "ops"}), "role ARN"),
            (json!({"sessionName": "a b"}), "sessionName"),
            (json!({"externalId": "x"}), "assumed role"),
            (json!({"maxItems": 5}), "paginate"),
            (json!({"paginate": "yes"}), "true or false"),
            (json!({"profle": "dev"}), "Unknown option"),
            (json!({"roleName": "r"}), "go together"),
        ] {
            let e = opts(v.clone()).unwrap_err();
            assert_eq!(e.error_type, ErrorType::InvalidOptions);
            assert!(e.message.contains(needle), "{v}: {}", e.message);
        }
        let e = opts(json!({"profle": "dev"})).unwrap_err();
        assert!(e.hint.contains("`profile`"), "{}", e.hint);
    }
}

//! Masking: the one place that decides what is secret, used for everything the audit log stores
//! (rows, artifact files, their metadata) and for log lines that quote payloads or messages.
//!
//! A value is replaced by [`MASK`] (`"** masked **"`, the key is kept) when:
//! 1. **the model says so**: the member, or the shape it targets, has the Smithy `sensitive`
//!    trait. The walk follows the operation's input or output shape through structures,
//!    unions, lists and maps at any depth ([`Masker::mask_input`], [`Masker::mask_output`]);
//!    a map whose key shape is sensitive is masked whole;
//! 2. **its key names a secret**, whatever the shape (many models do not mark credentials:
//!    sts `Credentials.SessionToken`, iam `AccessKey.AccessKeyId`, ecr `authorizationToken`,
//!    ec2 `ModifyInstanceAttribute.UserData` are not `sensitive`). Keys are compared
//!    case-insensitively without `-`, `_`, `.` and spaces, against [`BUILTIN_KEYS`] (minus the
//!    identifiers and metadata of [`BUILTIN_EXCEPTIONS`]: `SecretArn`, `PasswordPolicy`,
//!    `AccessTokenExpiration`...) and the operator's `AWS_MCP_MASK_KEYS` globs (which have no
//!    exceptions). A secret-named key keeps a boolean, number or null value
//!    (`PasswordResetRequired: true`, `AccessTokenValidity: 60`): secrets are strings, blobs
//!    or structures;
//! 3. **the string carries a credential** whatever its key: an `Authorization` value
//!    (`AWS4-HMAC-SHA256 Credential=...`), the `X-Amz-Signature`, `X-Amz-Credential` and
//!    `X-Amz-Security-Token` parameters of a presigned URL (only those parameters are
//!    masked), a PEM private key.
//!
//! Streaming blobs (s3 `PutObject.Body`) are not recorded: their text becomes a short note
//! with its length. Nesting deeper than [`MAX_DEPTH`] is masked whole.
//!
//! Free text (AWS error messages, policy reasons, log lines) goes through
//! [`Masker::mask_text`]: `key=value` and `"key": "value"` pairs with a secret key, the
//! credential forms of 3, and the secret values the call's own payload carried (an error
//! message may quote them: "Value 'hunter2' at 'password' failed to satisfy...").
//!
//! Not caught: secrets under neutral keys that the model does not mark (a Lambda `Invoke`
//! payload, DynamoDB item attributes, SQS message bodies, object contents). Operators add
//! key patterns for their own conventions with `AWS_MCP_MASK_KEYS`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use catalog_format::format::{ArchivedShapeKind, T_SENSITIVE, T_STREAMING};
use regex::Regex;
use serde_json::{Map, Value};
use wildmatch::WildMatch;

use crate::catalog;

/// What a masked value becomes.
pub const MASK: &str = "** masked **";

/// Deeper subtrees are masked whole (no AWS shape nests this deep; a crafted document might).
pub const MAX_DEPTH: usize = 32;

/// The shortest payload value collected for scrubbing free text: shorter ones would mask
/// ordinary words of error messages.
const MIN_SECRET_LEN: usize = 4;

/// Key names masked whatever the model says: normalised globs (lower case, no `-`, `_`, `.`,
/// spaces). Chosen against the member names of every model in the catalog.
pub const BUILTIN_KEYS: &[&str] = &[
    // Passwords and passphrases (rds MasterUserPassword, mq Password, redshift DbPassword).
    "*password*",
    "*passphrase*",
    // Secret values and keys (ClientSecret, SharedSecret, SecretString, SecretAccessKey).
    "*secret",
    "*secretkey*",
    "*secretaccesskey*",
    "secretstring",
    "secretbinary",
    "*clientsecret*",
    // Tokens that grant access (SessionToken, X-Amz-Security-Token, AccessToken,
    // RefreshToken, IdToken, ecr/codeartifact authorizationToken); not NextToken or
    // ClientToken, which are not secrets.
    "*sessiontoken*",
    "*securitytoken*",
    "*accesstoken*",
    "*refreshtoken*",
    "idtoken",
    "*authtoken*",
    "*authorizationtoken*",
    "*bearertoken*",
    "token",
    "tokencode",
    // Headers.
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "*apikey",
    // Credentials and key material (an access key id is half a credential).
    "accesskeyid",
    "*privatekey*",
    "keymaterial",
    // EC2 user data carries bootstrap secrets and is not always marked.
    "userdata",
];

/// Identifiers and metadata that the [`BUILTIN_KEYS`] would otherwise catch (`SecretArn`,
/// `MasterPasswordSecretKmsKeyId`, `AccessTokenExpiration`, `PasswordPolicy`,
/// `AuthTokenStatus`...). Operator patterns are not subject to them.
pub const BUILTIN_EXCEPTIONS: &[&str] = &[
    "*arn",
    "*arns",
    "*kmskeyid",
    "*expiration*",
    "*expiresat",
    "*validity",
    "*status",
    "*type",
    "*policy",
];

/// The masking rules: the built-in key names plus the operator's patterns. Cheap to clone.
#[derive(Clone)]
pub struct Masker {
    inner: Arc<Rules>,
}

struct Rules {
    builtin: Vec<WildMatch>,
    exceptions: Vec<WildMatch>,
    extra: Vec<WildMatch>,
    extra_source: Vec<String>,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker")
            .field("extra_keys", &self.inner.extra_source)
            .finish_non_exhaustive()
    }
}

impl Default for Masker {
    fn default() -> Self {
        Masker::new(&[])
    }
}

/// A key name as compared: lower case, without `-`, `_`, `.` and spaces.
pub fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Masker {
    /// The built-in rules plus `extra` key-name globs (`AWS_MCP_MASK_KEYS`; `*` any run of
    /// characters, `?` one; compared like keys, so `db_pass*` also catches `DbPassword`).
    pub fn new(extra: &[String]) -> Masker {
        let compile = |list: &mut dyn Iterator<Item = &str>| -> Vec<WildMatch> {
            list.map(|p| WildMatch::new(&normalize_key(p))).collect()
        };
        Masker {
            inner: Arc::new(Rules {
                builtin: compile(&mut BUILTIN_KEYS.iter().copied()),
                exceptions: compile(&mut BUILTIN_EXCEPTIONS.iter().copied()),
                extra: compile(&mut extra.iter().map(String::as_str)),
                extra_source: extra.to_vec(),
            }),
        }
    }

    /// Whether values under `key` are masked by name.
    pub fn is_secret_key(&self, key: &str) -> bool {
        let k = normalize_key(key);
        let r = &self.inner;
        r.extra.iter().any(|p| p.matches(&k))
            || (r.builtin.iter().any(|p| p.matches(&k))
                && !r.exceptions.iter().any(|p| p.matches(&k)))
    }

    /// The operation's input with its secrets masked.
    pub fn mask_input(&self, op: u32, value: &Value) -> Value {
        self.mask_shape(
            catalog::operation(op).input.as_ref().map(|s| s.to_native()),
            value,
        )
    }

    /// The operation's output (as the invoke returns it, before any `query` projection) with
    /// its secrets masked.
    pub fn mask_output(&self, op: u32, value: &Value) -> Value {
        self.mask_shape(
            catalog::operation(op)
                .output
                .as_ref()
                .map(|s| s.to_native()),
            value,
        )
    }

    /// `value` read as shape `shape` (none: by key names only).
    pub fn mask_shape(&self, shape: Option<u32>, value: &Value) -> Value {
        Walk::new(self, None).value(shape, value, 0)
    }

    /// `value` masked by key names and credential forms only (no model): headers, policy
    /// reasons, identities, documents.
    pub fn mask_value(&self, value: &Value) -> Value {
        Walk::new(self, None).value(None, value, 0)
    }

    /// The operation's input masked, and the secret strings it carried (for
    /// [`Masker::mask_text_with`] on the call's error messages). The strings stay in memory.
    pub fn mask_input_collect(&self, op: u32, value: &Value) -> (Value, Secrets) {
        let mut found = Vec::new();
        let shape = catalog::operation(op).input.as_ref().map(|s| s.to_native());
        let masked = Walk::new(self, Some(&mut found)).value(shape, value, 0);
        (masked, Secrets::new(found))
    }

    /// Free text with its secrets masked: `key=value` / `"key": "value"` pairs whose key is
    /// secret, `Authorization` values, presigned-URL credentials and PEM private keys.
    pub fn mask_text(&self, text: &str) -> String {
        self.mask_text_with(text, &Secrets::default())
    }

    /// [`Masker::mask_text`], and every occurrence of the call's own secret values.
    pub fn mask_text_with(&self, text: &str, secrets: &Secrets) -> String {
        let mut out = text.to_string();
        for s in &secrets.values {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), MASK);
            }
        }
        let out = scrub_credentials(&out).into_owned();
        KEY_VALUE
            .replace_all(&out, |c: &regex::Captures<'_>| {
                let key = &c["key"];
                let value = &c["value"];
                if !self.is_secret_key(key.trim_matches(|c| c == '"' || c == '\'')) {
                    return c[0].to_string();
                }
                let quoted = match value.chars().next() {
                    Some(q @ ('"' | '\'')) => format!("{q}{MASK}{q}"),
                    _ => MASK.to_string(),
                };
                format!("{key}{}{quoted}", &c["sep"])
            })
            .into_owned()
    }
}

/// Secret strings of one call's payload, longest first (kept in memory only).
#[derive(Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

impl Secrets {
    fn new(mut values: Vec<String>) -> Secrets {
        values.retain(|v| v.chars().count() >= MIN_SECRET_LEN);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        Secrets { values }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// `key: value` / `key=value` / `"key": "value"` in free text.
static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    Regex::new(
        r#"(?P<key>["']?[A-Za-z][A-Za-z0-9_.\-]*["']?)(?P<sep>\s*[:=]\s*)(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}\]"')]+)"#,
    )
    .expect("static regex")
});

/// The credential forms of free text and string values.
static CREDENTIALS: LazyLock<[(Regex, &'static str); 3]> = LazyLock::new(|| {
    #[allow(clippy::expect_used)]
    let re = |s: &str| Regex::new(s).expect("static regex");
    [
        // A SigV4 Authorization header value.
        (
            re(
                r"AWS4-(?:HMAC-SHA256|ECDSA-P256-SHA256)\s+Credential=[^\s,]*(?:,\s*SignedHeaders=[^\s,]*)?(?:,\s*Signature=[0-9A-Fa-f]*)?",
            ),
            MASK,
        ),
        // Presigned URL parameters (raw or percent-encoded `=`).
        (
            re(r#"(?i)(X-Amz-(?:Signature|Credential|Security-Token)(?:=|%3D))[^&\s"'<>]+"#),
            "${1}** masked **",
        ),
        // PEM private keys.
        (
            re(
                r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
            ),
            MASK,
        ),
    ]
});

/// Masks the credential forms in `s`; borrowed when there are none.
fn scrub_credentials(s: &str) -> std::borrow::Cow<'_, str> {
    // Cheap pre-check: most strings contain none of the markers.
    if !(s.contains("AWS4-")
        || s.contains("PRIVATE KEY")
        || s.contains("X-Amz-")
        || s.contains("x-amz-")
        || s.contains("X-AMZ-"))
    {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = std::borrow::Cow::Borrowed(s);
    for (re, with) in CREDENTIALS.iter() {
        if let std::borrow::Cow::Owned(o) = re.replace_all(&out, *with) {
            out = std::borrow::Cow::Owned(o);
        }
    }
    out
}

/// One masking walk; remembers key decisions (a large response repeats a few keys).
struct Walk<'m, 'v> {
    masker: &'m Masker,
    keys: HashMap<&'v str, bool>,
    found: Option<&'m mut Vec<String>>,
}

impl<'m, 'v> Walk<'m, 'v> {
    fn new(masker: &'m Masker, found: Option<&'m mut Vec<String>>) -> Walk<'m, 'v> {
        Walk {
            masker,
            keys: HashMap::new(),
            found,
        }
    }

    fn secret_key(&mut self, key: &'v str) -> bool {
        if let Some(&b) = self.keys.get(key) {
            return b;
        }
        let b = self.masker.is_secret_key(key);
        self.keys.insert(key, b);
        b
    }

    /// The mask for `v`, remembering its strings.
    fn masked(&mut self, v: &Value) -> Value {
        if let Some(found) = self.found.as_deref_mut() {
            collect_strings(v, found);
        }
        Value::String(MASK.to_string())
    }

    fn value(&mut self, shape: Option<u32>, v: &'v Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return self.masked(v);
        }
        let s = shape.map(catalog::shape);
        if s.is_some_and(|s| s.has(T_SENSITIVE)) && !v.is_null() {
            return self.masked(v);
        }
        match v {
            Value::Object(map) => {
                let kind = s.map(|s| s.kind);
                match (s, kind) {
                    (Some(s), Some(ArchivedShapeKind::Structure | ArchivedShapeKind::Union)) => {
                        let mut out = Map::with_capacity(map.len());
                        for (k, item) in map {
                            let member = s.members.iter().find(|m| m.name.as_str() == k);
                            let masked = match member {
                                Some(m) => {
                                    let target = m.target.to_native();
                                    let t = catalog::shape(target);
                                    let sensitive = (m.has(T_SENSITIVE) || t.has(T_SENSITIVE))
                                        && !item.is_null();
                                    if sensitive || (self.secret_key(k) && maskable(item)) {
                                        self.masked(item)
                                    } else if t.kind == ArchivedShapeKind::Blob
                                        && t.has(T_STREAMING)
                                        && let Value::String(text) = item
                                    {
                                        Value::String(format!(
                                            "** streaming body, {} characters, not recorded **",
                                            text.len()
                                        ))
                                    } else {
                                        self.value(Some(target), item, depth + 1)
                                    }
                                }
                                None => self.by_key(k, item, depth),
                            };
                            out.insert(k.clone(), masked);
                        }
                        Value::Object(out)
                    }
                    (Some(s), Some(ArchivedShapeKind::Map)) => {
                        let key_shape = s.members.iter().find(|m| m.name.as_str() == "key");
                        if key_shape.is_some_and(|m| {
                            m.has(T_SENSITIVE)
                                || catalog::shape(m.target.to_native()).has(T_SENSITIVE)
                        }) {
                            return self.masked(v);
                        }
                        let value_member = s.members.iter().find(|m| m.name.as_str() == "value");
                        let value_sensitive = value_member.is_some_and(|m| m.has(T_SENSITIVE));
                        let target = value_member.map(|m| m.target.to_native());
                        let mut out = Map::with_capacity(map.len());
                        for (k, item) in map {
                            let masked = if (value_sensitive && !item.is_null())
                                || (self.secret_key(k) && maskable(item))
                            {
                                self.masked(item)
                            } else {
                                self.value(target, item, depth + 1)
                            };
                            out.insert(k.clone(), masked);
                        }
                        Value::Object(out)
                    }
                    // A document, or no shape: key names only.
                    _ => {
                        let mut out = Map::with_capacity(map.len());
                        for (k, item) in map {
                            out.insert(k.clone(), self.by_key(k, item, depth));
                        }
                        Value::Object(out)
                    }
                }
            }
            Value::Array(items) => {
                let member = s
                    .filter(|s| s.kind == ArchivedShapeKind::List)
                    .and_then(|s| s.members.first());
                if member.is_some_and(|m| m.has(T_SENSITIVE)) {
                    return self.masked(v);
                }
                let target = member.map(|m| m.target.to_native());
                Value::Array(
                    items
                        .iter()
                        .map(|item| self.value(target, item, depth + 1))
                        .collect(),
                )
            }
            Value::String(text) => match scrub_credentials(text) {
                std::borrow::Cow::Borrowed(_) => v.clone(),
                std::borrow::Cow::Owned(o) => {
                    if let Some(found) = self.found.as_deref_mut() {
                        found.push(text.clone());
                    }
                    Value::String(o)
                }
            },
            _ => v.clone(),
        }
    }

    /// A member the shape does not describe: masked by its key, else walked by key names.
    fn by_key(&mut self, key: &'v str, item: &'v Value, depth: usize) -> Value {
        if self.secret_key(key) && maskable(item) {
            self.masked(item)
        } else {
            self.value(None, item, depth + 1)
        }
    }
}

/// Whether a secret-named key's value is masked: strings, blobs and structures are; booleans,
/// numbers and null (`PasswordResetRequired`, `AccessTokenValidity`) are not secrets.
fn maskable(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Array(_) | Value::Object(_))
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn op(service: &str, operation: &str) -> u32 {
        catalog::resolve_operation(service, operation).unwrap().1
    }

    fn text(v: &Value) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn secretsmanager_secret_values_are_sensitive_in_the_model() {
        let m = Masker::default();
        let create = op("secretsmanager", "CreateSecret");
        let input = json!({
            "Name": "prod/db",
            "SecretString": "s3cr3t-Create-value",
            "Description": "the db",
            "Tags": [{"Key": "team", "Value": "data"}],
        });
        let out = m.mask_input(create, &input);
        assert_eq!(out["SecretString"], MASK);
        assert_eq!(out["Name"], "prod/db");
        assert_eq!(out["Tags"][0]["Value"], "data");
        let get = op("secretsmanager", "GetSecretValue");
        let output = json!({
            "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            "Name": "prod/db",
            "SecretString": "s3cr3t-Get-value",
            "SecretBinary": "c2VjcmV0LWJpbmFyeQ==",
            "VersionId": "v1",
        });
        let out = m.mask_output(get, &output);
        assert_eq!(out["SecretString"], MASK);
        assert_eq!(out["SecretBinary"], MASK);
        assert_eq!(out["VersionId"], "v1");
        assert!(!text(&out).contains("s3cr3t"));
    }

    #[test]
    fn iam_access_keys_are_masked() {
        let m = Masker::default();
        let create = op("iam", "CreateAccessKey");
        let output = json!({"AccessKey": {
            "UserName": "bob",
            "AccessKeyId": "AKIAEXAMPLEKEYID0001",
            "Status": "Active",
            "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "CreateDate": "2025-01-01T00:00:00Z",
        }});
        let out = m.mask_output(create, &output);
        // SecretAccessKey: sensitive in the model; AccessKeyId: by its name.
        assert_eq!(out["AccessKey"]["SecretAccessKey"], MASK);
        assert_eq!(out["AccessKey"]["AccessKeyId"], MASK);
        assert_eq!(out["AccessKey"]["UserName"], "bob");
        assert_eq!(out["AccessKey"]["Status"], "Active");
    }

    #[test]
    fn sts_credentials_are_masked_though_the_token_is_not_sensitive() {
        let m = Masker::default();
        let assume = op("sts", "AssumeRole");
        // The model marks only the secret key; the session token is caught by its name.
        let creds = catalog::shape(
            catalog::operation(assume)
                .output
                .as_ref()
                .unwrap()
                .to_native(),
        )
        .members
        .iter()
        .find(|m| m.name.as_str() == "Credentials")
        .unwrap();
        let creds = catalog::shape(creds.target.to_native());
        let token = creds
            .members
            .iter()
            .find(|m| m.name.as_str() == "SessionToken")
            .unwrap();
        assert!(
            !token.has(T_SENSITIVE) && !catalog::shape(token.target.to_native()).has(T_SENSITIVE)
        );
        let output = json!({
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLEKEYID0002",
                "SecretAccessKey": "assumed-secret-key-value",
                "SessionToken": "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
                "Expiration": "2025-01-01T01:00:00Z",
            },
            "AssumedRoleUser": {"Arn": "arn:aws:sts::123456789012:assumed-role/r/s", "AssumedRoleId": "AROA:s"},
        });
        let out = m.mask_output(assume, &output);
        for k in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
            assert_eq!(out["Credentials"][k], MASK, "{k}");
        }
        assert_eq!(out["Credentials"]["Expiration"], "2025-01-01T01:00:00Z");
        assert_eq!(
            out["AssumedRoleUser"]["Arn"],
            "arn:aws:sts::123456789012:assumed-role/r/s"
        );
    }

    #[test]
    fn sensitive_members_are_found_at_depth() {
        let m = Masker::default();
        // lambda CreateFunction: Environment.Variables is a map of sensitive values.
        let create = op("lambda", "CreateFunction");
        let input = json!({
            "FunctionName": "f",
            "Environment": {"Variables": {"PLAIN": "neutral-but-sensitive-value"}},
            "Code": {"ZipFile": "UEsDBA=="},
        });
        let out = m.mask_input(create, &input);
        // The map itself is `sensitive`: masked whole.
        assert_eq!(out["Environment"]["Variables"], MASK);
        assert_eq!(out["FunctionName"], "f");
        // ssm GetParameters: Value is sensitive (any parameter type), in a list of structures.
        let get = op("ssm", "GetParameters");
        let output = json!({"Parameters": [
            {"Name": "/app/a", "Type": "SecureString", "Value": "deep-secret-1"},
            {"Name": "/app/b", "Type": "String", "Value": "deep-secret-2"},
        ], "InvalidParameters": []});
        let out = m.mask_output(get, &output);
        assert_eq!(out["Parameters"][0]["Value"], MASK);
        assert_eq!(out["Parameters"][1]["Value"], MASK);
        assert_eq!(out["Parameters"][1]["Name"], "/app/b");
        // ec2 RunInstances: a list of structures holding a sensitive member? UserData by name
        // and by model; the launch template's nested data too.
        let run = op("ec2", "RequestSpotFleet");
        let input = json!({"SpotFleetRequestConfig": {"LaunchSpecifications": [
            {"ImageId": "ami-1", "UserData": "IyEvYmluL3NoCmV4cG9ydCBQVz1odW50ZXIy"}
        ]}});
        let out = m.mask_input(run, &input);
        assert_eq!(
            out["SpotFleetRequestConfig"]["LaunchSpecifications"][0]["UserData"],
            MASK
        );
        assert_eq!(
            out["SpotFleetRequestConfig"]["LaunchSpecifications"][0]["ImageId"],
            "ami-1"
        );
    }

    #[test]
    fn keys_name_secrets_but_not_identifiers_or_pagination() {
        let m = Masker::default();
        for k in [
            "Password",
            "MasterUserPassword",
            "db_password",
            "ClientSecret",
            "SessionToken",
            "x-amz-security-token",
            "Authorization",
            "authorizationToken",
            "AccessKeyId",
            "aws_secret_access_key",
            "PrivateKey",
            "apiKey",
            "Token",
        ] {
            assert!(m.is_secret_key(k), "{k}");
        }
        for k in [
            "NextToken",
            "ClientToken",
            "SecretId",
            "SecretArn",
            "Name",
            "PasswordPolicy",
            "AccessTokenExpiration",
            "MasterUserSecretKmsKeyId",
            "AuthTokenStatus",
            "ContinuationToken",
        ] {
            assert!(!m.is_secret_key(k), "{k}");
        }
        let v =
            json!({"PasswordResetRequired": true, "AccessTokenValidity": 60, "Password": "x1234"});
        let out = m.mask_value(&v);
        assert_eq!(out["PasswordResetRequired"], true);
        assert_eq!(out["AccessTokenValidity"], 60);
        assert_eq!(out["Password"], MASK);
    }

    #[test]
    fn operator_patterns_add_keys() {
        let m = Masker::new(&["*_pin".to_string(), "Internal*".to_string()]);
        assert!(m.is_secret_key("card_pin"));
        assert!(m.is_secret_key("CardPin"));
        assert!(m.is_secret_key("internalNote"));
        assert!(!Masker::default().is_secret_key("CardPin"));
        let out = m.mask_value(&json!({"a": [{"CardPin": "9876"}], "b": "ok"}));
        assert_eq!(out, json!({"a": [{"CardPin": MASK}], "b": "ok"}));
    }

    #[test]
    fn credential_forms_in_strings_and_text() {
        let m = Masker::default();
        let url = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-Security-Token=FwoGZXIvTOKEN&X-Amz-Signature=abcdef0123&X-Amz-SignedHeaders=host";
        let out = m.mask_value(&json!({"url": url}));
        let s = out["url"].as_str().unwrap();
        assert!(
            !s.contains("AKIAEXAMPLE") && !s.contains("FwoGZXIvTOKEN") && !s.contains("abcdef0123"),
            "{s}"
        );
        assert!(s.contains("X-Amz-Expires=900") && s.starts_with("https://b.s3.amazonaws.com/k?"));
        let auth = "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd";
        let t = m.mask_text(&format!("sent with {auth} and more"));
        assert!(!t.contains("AKIAEXAMPLE") && !t.contains("0123abcd"), "{t}");
        assert!(t.ends_with("and more"));
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----";
        assert_eq!(m.mask_value(&json!(pem)), json!(MASK));
    }

    #[test]
    fn text_pairs_and_the_calls_own_secrets_are_masked() {
        let m = Masker::default();
        let t = m.mask_text(r#"bad input: {"Password": "hunter2", "Name": "x"} password=swordfish token: abc123, NextToken=keep"#);
        assert!(
            !t.contains("hunter2") && !t.contains("swordfish") && !t.contains("abc123"),
            "{t}"
        );
        assert!(
            t.contains(r#""Name": "x""#) && t.contains("NextToken=keep"),
            "{t}"
        );
        let create = op("secretsmanager", "CreateSecret");
        let (masked, secrets) = m.mask_input_collect(
            create,
            &json!({"Name": "n", "SecretString": "pa55-w0rd-value"}),
        );
        assert_eq!(masked["SecretString"], MASK);
        let t = m.mask_text_with(
            "Value 'pa55-w0rd-value' at 'secretString' failed to satisfy constraint",
            &secrets,
        );
        assert!(!t.contains("pa55-w0rd-value"), "{t}");
    }

    #[test]
    fn streaming_bodies_are_not_recorded_and_depth_is_capped() {
        let m = Masker::default();
        let put = op("s3", "PutObject");
        let out = m.mask_input(put, &json!({"Bucket": "b", "Key": "k", "Body": "aGVsbG8="}));
        assert_eq!(out["Bucket"], "b");
        assert!(out["Body"].as_str().unwrap().contains("not recorded"));
        let mut deep = json!("leaf-secret");
        for _ in 0..(MAX_DEPTH + 5) {
            deep = json!({ "a": deep });
        }
        assert!(!text(&m.mask_value(&deep)).contains("leaf-secret"));
    }
}

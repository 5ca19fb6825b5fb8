//! The server's configuration: every environment variable it reads, read once at start and
//! checked. A bad value stops the server with a message that names the variable, instead of
//! being ignored and surprising the user later.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `AWS_MCP_LOG` | `warn,rmcp=error` | log filter (stderr), `RUST_LOG` syntax; `RUST_LOG` is read when unset |
//! | `AWS_REGION`, `AWS_DEFAULT_REGION` | none | default region of calls (a region code) |
//! | `AWS_MCP_ALLOWED_PROFILES` | `*` | profiles `options.profile` may name: comma-separated globs |
//! | `AWS_MCP_ALLOWED_ROLES` | none | role ARNs `options.roleArn` may name: comma-separated globs |
//! | `AWS_MCP_CALL_TIMEOUT_SECONDS` | 60 | a call's time limit, retries included (1-900); `options.timeoutSeconds` overrides it |
//! | `AWS_MCP_CONNECT_TIMEOUT_SECONDS` | 10 | TCP + TLS connect limit (1-60) |
//! | `AWS_MAX_ATTEMPTS` | 3 | attempts per call in the SDKs' standard retry mode (1-10) |
//! | `AWS_MCP_ASSUME_ROLE_SECONDS` | 3600 | session length of roles assumed for `options.roleArn` (900-43200) |
//! | `ARTIFACT_PATH` | `<data>/artifacts` (`<data>`: `$XDG_DATA_HOME/aws-exec-mcp`, else `~/.local/share/aws-exec-mcp`, else `./data`) | where streaming outputs (S3 objects, Lambda payloads) are written |
//! | `AWS_MCP_FILE_ROOT` | none | the only directory `options.bodyFile` may read from; unset: `bodyFile` is refused |
//! | `AWS_MCP_INLINE_TEXT_BYTES` | 4096 | a streaming output this small and UTF-8 is also returned inline |
//! | `AWS_MCP_MAX_BODY_BYTES` | 67108864 | the largest non-streaming response body read into memory |
//! | `AWS_MCP_FANOUT_CONCURRENCY` | 8 | regions called at once when `region` is a list or `*` (1-64) |
//! | `AWS_MCP_CONFIRM_TTL_SECONDS` | the policy's `approval.ttl_seconds` (300) | how long a confirmation token stays valid (10-86400) |
//! | `AWS_MCP_CONFIRM_KEY` | random per process | the HMAC key of confirmation tokens (at least 32 characters), shared by replicas |
//! | `AWS_MCP_ELICITATION_TIMEOUT` | 60 | seconds to wait for the user's answer in the client (1-600) |
//! | `AWS_MCP_AUTO_APPROVE_DESTRUCTIVE` | false | destructive calls run without confirmation (unless the policy's risk rules or MCP_REQUIRE_APPROVAL ask for it) |
//! | `MCP_REQUIRE_APPROVAL` | false | every invoke needs a confirmation, reads too |
//! | `AWS_MCP_MAX_RESPONSE_BYTES` | 51200 | an invoke answer's budget: larger results are trimmed, the full result kept as an artifact |
//! | `AWS_MCP_RESULT_TTL_HOURS` | 24 | how long those full results (secrets masked) stay under `ARTIFACT_PATH/results` for their cursor (0: kept) |
//! | `POLICY_PATH` | `./policy.yaml` | the policy file (docs/POLICY.md); when unset and `./policy.yaml` does not exist, the built-in default |
//! | `AUDIT_ENABLED` | `true` | record every call in the audit log (`false`: nothing is recorded) |
//! | `SQLITE_PATH` | `<data>/aws_mcp.sqlite` | the audit database (SQLite); its directory is created |
//! | `SQLITE_WAL` | `true` | WAL journal (`false` for file systems without shared memory) |
//! | `AUDIT_FAIL_MODE` | `closed` | `closed`: a call the audit log cannot record is refused; `open`: it runs, and the failure is logged |
//! | `AUDIT_RETENTION_DAYS` | 90 | audit rows and artifact files older than this are removed (0 keeps everything; up to 36500) |
//! | `AUDIT_QUEUE_CAPACITY` | 1024 | audit rows waiting to be written before calls are refused (1-1000000) |
//! | `AUDIT_WRITE_TIMEOUT_MS` | 3000 | how long a call waits for its audit row (10-60000) |
//! | `AUDIT_ARTIFACT_MAX_BYTES` | 1048576 | largest masked request/response file under `ARTIFACT_PATH/audit` (0: none) |
//! | `AWS_MCP_MASK_KEYS` | none | more key names to mask in the audit log and logs: comma-separated globs, case-insensitive, `-`/`_` ignored |
//!
//! The AWS SDK variables (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL`...) are read by
//! the credential chain and [`crate::invoke::settings`] as the SDKs read them.

use std::path::PathBuf;
use std::time::Duration;

use crate::audit::{AuditConfig, FailMode};

/// A variable with a value the server does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub problem: String,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The log filter (`AWS_MCP_LOG`, else `RUST_LOG`), already checked.
    pub log_filter: Option<String>,
    /// The default region (`AWS_REGION`, else `AWS_DEFAULT_REGION`).
    pub env_region: Option<String>,
    /// The profile selected by `AWS_PROFILE` (the policy's `profiles:` rules see it when a
    /// call names none).
    pub env_profile: Option<String>,
    pub allowed_profiles: Vec<String>,
    pub allowed_roles: Vec<String>,
    pub call_timeout: Duration,
    pub connect_timeout: Duration,
    pub max_attempts: u32,
    pub assume_role_duration: Duration,
    pub artifact_dir: PathBuf,
    pub file_root: Option<PathBuf>,
    pub inline_text_bytes: usize,
    pub max_body_bytes: usize,
    pub fanout_concurrency: usize,
    /// The byte budget of an invoke answer's `result` (see `tools::budget`).
    pub max_response_bytes: usize,
    /// How long a trimmed answer's full result stays on disk for its cursor
    /// (`AWS_MCP_RESULT_TTL_HOURS`; `None`: kept).
    pub result_ttl: Option<Duration>,
    /// `AWS_MCP_CONFIRM_TTL_SECONDS`; `None`: the policy's `approval.ttl_seconds` (300 s by
    /// default).
    pub confirm_ttl: Option<Duration>,
    /// The HMAC key of confirmation tokens; `None`: random per process.
    pub confirm_key: Option<Vec<u8>>,
    pub elicitation_timeout: Duration,
    pub auto_approve_destructive: bool,
    pub require_approval: bool,
    /// `POLICY_PATH`: the policy file, which must exist; `None`: `./policy.yaml` if it exists,
    /// else the built-in default (see [`crate::policy::Policy::load`]).
    pub policy_path: Option<PathBuf>,
    /// The audit log (`AUDIT_*`, `SQLITE_*`, `AWS_MCP_MASK_KEYS`; artifacts under
    /// `ARTIFACT_PATH/audit`).
    pub audit: AuditConfig,
}

/// The longest a call may take (a synchronous Lambda invoke runs up to 15 minutes).
pub const MAX_CALL_TIMEOUT_SECONDS: u64 = 900;

impl Default for Config {
    fn default() -> Self {
        Config {
            log_filter: None,
            env_region: None,
            env_profile: None,
            allowed_profiles: vec!["*".to_string()],
            allowed_roles: Vec::new(),
            call_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_attempts: 3,
            assume_role_duration: Duration::from_secs(3600),
            artifact_dir: PathBuf::from("./data/artifacts"),
            file_root: None,
            inline_text_bytes: 4096,
            max_body_bytes: 64 * 1024 * 1024,
            fanout_concurrency: 8,
            max_response_bytes: 50 * 1024,
            result_ttl: Some(Duration::from_secs(24 * 3600)),
            confirm_ttl: None,
            confirm_key: None,
            elicitation_timeout: Duration::from_secs(60),
            auto_approve_destructive: false,
            require_approval: false,
            policy_path: None,
            audit: AuditConfig::default(),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `get` (the environment, or a map in tests). Blank values
    /// count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let mut c = Config::default();
        // Clients start servers in any directory (`/` for some): the defaults live in the
        // user's data directory, not in the working directory.
        let data = data_dir(&get);
        c.artifact_dir = data.join("artifacts");
        c.audit.sqlite_path = data.join("aws_mcp.sqlite");
        for var in ["AWS_MCP_LOG", "RUST_LOG"] {
            if let Some(v) = get(var) {
                if let Err(e) = tracing_subscriber::EnvFilter::try_new(&v) {
                    return Err(bad(
                        if var == "AWS_MCP_LOG" {
                            "AWS_MCP_LOG"
                        } else {
                            "RUST_LOG"
                        },
                        &v,
                        format!("not a log filter ({e}); example: aws_exec_mcp=debug,rmcp=info"),
                    ));
                }
                c.log_filter = Some(v);
                break;
            }
        }
        for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let Some(v) = get(var) {
                let v = v.trim().to_string();
                check_region(&v).map_err(|problem| {
                    bad(
                        if var == "AWS_REGION" {
                            "AWS_REGION"
                        } else {
                            "AWS_DEFAULT_REGION"
                        },
                        &v,
                        problem,
                    )
                })?;
                c.env_region = Some(v);
                break;
            }
        }
        if let Some(v) = get("AWS_PROFILE").filter(|v| !v.trim().is_empty()) {
            c.env_profile = Some(v.trim().to_string());
        }
        if let Some(v) = get("AWS_MCP_ALLOWED_PROFILES") {
            c.allowed_profiles = globs("AWS_MCP_ALLOWED_PROFILES", &v)?;
        }
        if let Some(v) = get("AWS_MCP_ALLOWED_ROLES") {
            c.allowed_roles = globs("AWS_MCP_ALLOWED_ROLES", &v)?;
        }
        if let Some(v) = get("AWS_MCP_CALL_TIMEOUT_SECONDS") {
            let n = number(
                "AWS_MCP_CALL_TIMEOUT_SECONDS",
                &v,
                1,
                MAX_CALL_TIMEOUT_SECONDS,
            )?;
            c.call_timeout = Duration::from_secs(n);
        }
        if let Some(v) = get("AWS_MCP_CONNECT_TIMEOUT_SECONDS") {
            let n = number("AWS_MCP_CONNECT_TIMEOUT_SECONDS", &v, 1, 60)?;
            c.connect_timeout = Duration::from_secs(n);
        }
        if let Some(v) = get("AWS_MAX_ATTEMPTS") {
            c.max_attempts = number("AWS_MAX_ATTEMPTS", &v, 1, 10)? as u32;
        }
        if let Some(v) = get("AWS_MCP_ASSUME_ROLE_SECONDS") {
            let n = number("AWS_MCP_ASSUME_ROLE_SECONDS", &v, 900, 43_200)?;
            c.assume_role_duration = Duration::from_secs(n);
        }
        if let Some(v) = get("ARTIFACT_PATH") {
            c.artifact_dir = PathBuf::from(v.trim());
        }
        if let Some(v) = get("AWS_MCP_FILE_ROOT") {
            let root = PathBuf::from(v.trim());
            let root = std::fs::canonicalize(&root).map_err(|e| {
                bad(
                    "AWS_MCP_FILE_ROOT",
                    &v,
                    format!("cannot open the directory: {e}"),
                )
            })?;
            if !root.is_dir() {
                return Err(bad("AWS_MCP_FILE_ROOT", &v, "not a directory".into()));
            }
            c.file_root = Some(root);
        }
        if let Some(v) = get("AWS_MCP_INLINE_TEXT_BYTES") {
            c.inline_text_bytes = number("AWS_MCP_INLINE_TEXT_BYTES", &v, 0, 1 << 20)? as usize;
        }
        if let Some(v) = get("AWS_MCP_MAX_BODY_BYTES") {
            c.max_body_bytes = number("AWS_MCP_MAX_BODY_BYTES", &v, 1024, 1 << 32)? as usize;
        }
        if let Some(v) = get("AWS_MCP_MAX_RESPONSE_BYTES") {
            c.max_response_bytes =
                number("AWS_MCP_MAX_RESPONSE_BYTES", &v, 1024, 64 << 20)? as usize;
        }
        if let Some(v) = get("AWS_MCP_RESULT_TTL_HOURS") {
            let hours = number("AWS_MCP_RESULT_TTL_HOURS", &v, 0, 87_600)?;
            c.result_ttl = (hours > 0).then(|| Duration::from_secs(hours * 3600));
        }
        if let Some(v) = get("AWS_MCP_CONFIRM_TTL_SECONDS") {
            c.confirm_ttl = Some(Duration::from_secs(number(
                "AWS_MCP_CONFIRM_TTL_SECONDS",
                &v,
                10,
                86_400,
            )?));
        }
        if let Some(v) = get("AWS_MCP_CONFIRM_KEY") {
            if v.trim().len() < 32 {
                return Err(bad(
                    "AWS_MCP_CONFIRM_KEY",
                    "(hidden)",
                    "too short: use at least 32 random characters".into(),
                ));
            }
            c.confirm_key = Some(v.trim().as_bytes().to_vec());
        }
        if let Some(v) = get("AWS_MCP_ELICITATION_TIMEOUT") {
            c.elicitation_timeout =
                Duration::from_secs(number("AWS_MCP_ELICITATION_TIMEOUT", &v, 1, 600)?);
        }
        if let Some(v) = get("AWS_MCP_AUTO_APPROVE_DESTRUCTIVE") {
            c.auto_approve_destructive = boolean("AWS_MCP_AUTO_APPROVE_DESTRUCTIVE", &v)?;
        }
        if let Some(v) = get("MCP_REQUIRE_APPROVAL") {
            c.require_approval = boolean("MCP_REQUIRE_APPROVAL", &v)?;
        }
        if let Some(v) = get("AWS_MCP_FANOUT_CONCURRENCY") {
            c.fanout_concurrency = number("AWS_MCP_FANOUT_CONCURRENCY", &v, 1, 64)? as usize;
        }
        c.policy_path = Config::policy_path_from(get);
        if let Some(v) = get("AUDIT_ENABLED") {
            c.audit.enabled = boolean("AUDIT_ENABLED", &v)?;
        }
        if let Some(v) = get("SQLITE_PATH") {
            c.audit.sqlite_path = PathBuf::from(v.trim());
        }
        if let Some(v) = get("SQLITE_WAL") {
            c.audit.wal = boolean("SQLITE_WAL", &v)?;
        }
        if let Some(v) = get("AUDIT_FAIL_MODE") {
            c.audit.fail_mode = match v.trim().to_ascii_lowercase().as_str() {
                "closed" => FailMode::Closed,
                "open" => FailMode::Open,
                _ => {
                    return Err(bad(
                        "AUDIT_FAIL_MODE",
                        &v,
                        "expected `closed` (refuse calls that cannot be recorded) or `open` \
                         (run them and log the failure)"
                            .to_string(),
                    ));
                }
            };
        }
        if let Some(v) = get("AUDIT_RETENTION_DAYS") {
            c.audit.retention_days = number("AUDIT_RETENTION_DAYS", &v, 0, 36_500)? as u32;
        }
        if let Some(v) = get("AUDIT_QUEUE_CAPACITY") {
            c.audit.queue_capacity = number("AUDIT_QUEUE_CAPACITY", &v, 1, 1_000_000)? as usize;
        }
        if let Some(v) = get("AUDIT_WRITE_TIMEOUT_MS") {
            c.audit.write_timeout =
                Duration::from_millis(number("AUDIT_WRITE_TIMEOUT_MS", &v, 10, 60_000)?);
        }
        if let Some(v) = get("AUDIT_ARTIFACT_MAX_BYTES") {
            c.audit.artifact_max_bytes =
                number("AUDIT_ARTIFACT_MAX_BYTES", &v, 0, 1 << 30)? as usize;
        }
        if let Some(v) = get("AWS_MCP_MASK_KEYS") {
            c.audit.mask_keys = globs("AWS_MCP_MASK_KEYS", &v)?;
        }
        c.audit.artifact_dir = c.artifact_dir.join("audit");
        Ok(c)
    }

    /// `POLICY_PATH` alone, for `check-config` when another variable is wrong (it still checks
    /// the policy).
    pub fn policy_path_from(get: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
        get("POLICY_PATH")
            .filter(|v| !v.trim().is_empty())
            .map(|v| PathBuf::from(v.trim()))
    }
}

fn bad(variable: &'static str, value: &str, problem: String) -> ConfigError {
    ConfigError {
        variable,
        value: value.chars().take(200).collect(),
        problem,
    }
}

/// Where the audit database and artifacts go by default: `$XDG_DATA_HOME/aws-exec-mcp`, else
/// `$HOME/.local/share/aws-exec-mcp`, else `./data` (no home: a container).
fn data_dir(get: &impl Fn(&str) -> Option<String>) -> PathBuf {
    let absolute = |v: String| Some(PathBuf::from(v.trim())).filter(|p| p.is_absolute());
    if let Some(xdg) = get("XDG_DATA_HOME").and_then(absolute) {
        return xdg.join("aws-exec-mcp");
    }
    if let Some(home) = get("HOME").and_then(absolute) {
        return home.join(".local/share/aws-exec-mcp");
    }
    PathBuf::from("./data")
}

/// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`, any case.
fn boolean(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(bad(variable, value, "expected true or false".into())),
    }
}

fn number(variable: &'static str, value: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    match value.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(bad(
            variable,
            value,
            format!("expected a whole number from {min} to {max}"),
        )),
    }
}

/// Comma-separated glob patterns (`*` any run of characters, `?` one character).
fn globs(variable: &'static str, value: &str) -> Result<Vec<String>, ConfigError> {
    let list: Vec<String> = value
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    if let Some(p) = list.iter().find(|p| p.chars().any(char::is_whitespace)) {
        return Err(bad(
            variable,
            value,
            format!("pattern `{p}` contains white space; separate patterns with commas"),
        ));
    }
    Ok(list)
}

/// Whether `value` matches one of the glob `patterns`.
pub fn matches_any(patterns: &[String], value: &str) -> bool {
    patterns
        .iter()
        .any(|p| wildmatch::WildMatch::new(p).matches(value))
}

/// Checks a region code before it is used in a host name: lower-case words and digits joined
/// by dashes, of a known partition's pattern (`us-east-1`, `cn-north-1`, `us-gov-west-1`).
pub fn check_region(region: &str) -> Result<(), String> {
    let well_formed = region.len() <= 32
        && region.contains('-')
        && !region.starts_with('-')
        && !region.ends_with('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err("not an AWS region code (lower-case, e.g. us-east-1)".to_string());
    }
    if !crate::invoke::endpoint::partitions::is_known_region(region) {
        return Err(
            "not a region of any AWS partition (e.g. us-east-1, eu-west-1, cn-north-1)".to_string(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_without_variables() {
        let c = from(&[]).unwrap();
        assert_eq!(c.allowed_profiles, ["*"]);
        assert!(c.allowed_roles.is_empty());
        assert_eq!(c.max_attempts, 3);
        assert!(c.env_region.is_none());
        assert!(c.policy_path.is_none());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = from(&[("AWS_MCP_LOG", "aws_exec_mcp=loud")]).unwrap_err();
        assert_eq!(e.variable, "AWS_MCP_LOG");
        let e = from(&[("AWS_REGION", "US_EAST_1")]).unwrap_err();
        assert_eq!(e.variable, "AWS_REGION");
        let e = from(&[("AWS_DEFAULT_REGION", "moon-base-1")]).unwrap_err();
        assert_eq!(e.variable, "AWS_DEFAULT_REGION");
        let e = from(&[("AWS_MCP_CALL_TIMEOUT_SECONDS", "901")]).unwrap_err();
        assert!(e.problem.contains("1 to 900"), "{e}");
        let e = from(&[("AWS_MAX_ATTEMPTS", "three")]).unwrap_err();
        assert_eq!(e.variable, "AWS_MAX_ATTEMPTS");
        let e = from(&[("AWS_MCP_FILE_ROOT", "/no/such/dir/here")]).unwrap_err();
        assert_eq!(e.variable, "AWS_MCP_FILE_ROOT");
        let e = from(&[("AWS_MCP_ALLOWED_ROLES", "arn:aws:iam::1:role/a b")]).unwrap_err();
        assert_eq!(e.variable, "AWS_MCP_ALLOWED_ROLES");
        let e = from(&[("AUDIT_FAIL_MODE", "ajar")]).unwrap_err();
        assert_eq!(e.variable, "AUDIT_FAIL_MODE");
        let e = from(&[("AUDIT_ENABLED", "maybe")]).unwrap_err();
        assert_eq!(e.variable, "AUDIT_ENABLED");
        let e = from(&[("AUDIT_RETENTION_DAYS", "-1")]).unwrap_err();
        assert_eq!(e.variable, "AUDIT_RETENTION_DAYS");
        let e = from(&[("AUDIT_QUEUE_CAPACITY", "0")]).unwrap_err();
        assert_eq!(e.variable, "AUDIT_QUEUE_CAPACITY");
        let e = from(&[("AWS_MCP_MASK_KEYS", "a b")]).unwrap_err();
        assert_eq!(e.variable, "AWS_MCP_MASK_KEYS");
    }

    #[test]
    fn defaults_live_in_the_user_data_directory() {
        let c = from(&[("HOME", "/home/u")]).unwrap();
        let base = PathBuf::from("/home/u/.local/share/aws-exec-mcp");
        assert_eq!(c.audit.sqlite_path, base.join("aws_mcp.sqlite"));
        assert_eq!(c.artifact_dir, base.join("artifacts"));
        assert_eq!(c.audit.artifact_dir, base.join("artifacts/audit"));
        let c = from(&[("HOME", "/home/u"), ("XDG_DATA_HOME", "/xdg")]).unwrap();
        assert_eq!(
            c.audit.sqlite_path,
            PathBuf::from("/xdg/aws-exec-mcp/aws_mcp.sqlite")
        );
        // A relative XDG_DATA_HOME is ignored, as the XDG spec says.
        let c = from(&[("HOME", "/home/u"), ("XDG_DATA_HOME", "rel")]).unwrap();
        assert_eq!(c.artifact_dir, base.join("artifacts"));
        let c = from(&[("HOME", "/home/u"), ("SQLITE_PATH", "/db.sqlite")]).unwrap();
        assert_eq!(c.audit.sqlite_path, PathBuf::from("/db.sqlite"));
    }

    #[test]
    fn audit_settings_are_read() {
        let c = from(&[]).unwrap();
        assert!(c.audit.enabled);
        assert_eq!(c.audit.sqlite_path, PathBuf::from("./data/aws_mcp.sqlite"));
        assert_eq!(c.audit.fail_mode, FailMode::Closed);
        assert_eq!(c.audit.retention_days, 90);
        assert_eq!(
            c.audit.artifact_dir,
            PathBuf::from("./data/artifacts/audit")
        );
        let c = from(&[
            ("AUDIT_ENABLED", "False"),
            ("SQLITE_PATH", "/var/lib/mcp/audit.db"),
            ("SQLITE_WAL", "0"),
            ("AUDIT_FAIL_MODE", "OPEN"),
            ("AUDIT_RETENTION_DAYS", "0"),
            ("AUDIT_WRITE_TIMEOUT_MS", "500"),
            ("AUDIT_ARTIFACT_MAX_BYTES", "0"),
            ("ARTIFACT_PATH", "/tmp/a"),
            ("AWS_MCP_MASK_KEYS", "*_pin, internal*"),
        ])
        .unwrap();
        assert!(!c.audit.enabled && !c.audit.wal);
        assert_eq!(c.audit.sqlite_path, PathBuf::from("/var/lib/mcp/audit.db"));
        assert_eq!(c.audit.fail_mode, FailMode::Open);
        assert_eq!(c.audit.retention_days, 0);
        assert_eq!(c.audit.write_timeout, Duration::from_millis(500));
        assert_eq!(c.audit.artifact_max_bytes, 0);
        assert_eq!(c.audit.artifact_dir, PathBuf::from("/tmp/a/audit"));
        assert_eq!(c.audit.mask_keys, ["*_pin", "internal*"]);
    }

    #[test]
    fn good_values_are_read() {
        let c = from(&[
            ("AWS_REGION", " eu-west-1 "),
            ("AWS_DEFAULT_REGION", "us-east-1"),
            (
                "AWS_MCP_ALLOWED_ROLES",
                "arn:aws:iam::123456789012:role/*, arn:aws:iam::*:role/ReadOnly",
            ),
            ("AWS_MCP_ALLOWED_PROFILES", "dev,prod-*"),
            ("AWS_MCP_CALL_TIMEOUT_SECONDS", "900"),
            ("AWS_MCP_LOG", ""),
            ("POLICY_PATH", " /etc/aws-exec-mcp/policy.yaml "),
        ])
        .unwrap();
        assert_eq!(c.env_region.as_deref(), Some("eu-west-1"));
        assert_eq!(c.call_timeout, Duration::from_secs(900));
        assert!(matches_any(
            &c.allowed_roles,
            "arn:aws:iam::123456789012:role/deploy"
        ));
        assert!(matches_any(
            &c.allowed_roles,
            "arn:aws:iam::999999999999:role/ReadOnly"
        ));
        assert!(!matches_any(
            &c.allowed_roles,
            "arn:aws:iam::999999999999:role/Admin"
        ));
        assert!(matches_any(&c.allowed_profiles, "prod-eu"));
        assert!(!matches_any(&c.allowed_profiles, "staging"));
        assert!(c.log_filter.is_none());
        assert_eq!(
            c.policy_path.as_deref(),
            Some(std::path::Path::new("/etc/aws-exec-mcp/policy.yaml"))
        );
    }
}

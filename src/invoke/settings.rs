//! Endpoint and wire settings from the environment and the shared config file, as the AWS SDKs
//! and CLI define them (<https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html>),
//! read with the SDKs' own reader (`aws-runtime`'s `env_config`): a service-specific value
//! (`AWS_ENDPOINT_URL_DYNAMODB`, or the profile's `services` section) wins over the global one,
//! an environment variable over the profile (`AWS_PROFILE`, else `default`, in
//! `AWS_CONFIG_FILE` / `~/.aws/config`).
//!
//! | variable | profile key | setting |
//! |---|---|---|
//! | `AWS_ENDPOINT_URL[_<SERVICE>]` | `endpoint_url` | custom endpoint; `<SERVICE>` is the sdkId upper-cased, spaces as `_` |
//! | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `ignore_configured_endpoint_urls` | `true`: ignore the custom endpoints |
//! | `AWS_USE_FIPS_ENDPOINT` | `use_fips_endpoint` | FIPS endpoints |
//! | `AWS_USE_DUALSTACK_ENDPOINT` | `use_dualstack_endpoint` | dual-stack (IPv6) endpoints |
//! | `AWS_ACCOUNT_ID_ENDPOINT_MODE` | `account_id_endpoint_mode` | `preferred` (default), `required`, `disabled` |
//! | `AWS_REQUEST_CHECKSUM_CALCULATION` | `request_checksum_calculation` | `when_supported` (default), `when_required` |
//! | `AWS_S3_USE_ARN_REGION` | `s3_use_arn_region` | S3 ARNs may name another region |
//! | `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS` | `s3_disable_multiregion_access_points` | refuse S3 multi-region access points |
//! | `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` | `s3_us_east_1_regional_endpoint` | `regional`: `s3.us-east-1.amazonaws.com` instead of `s3.amazonaws.com` |
//! | `AWS_STS_REGIONAL_ENDPOINTS` | `sts_regional_endpoints` | `regional`: STS's regional endpoint in the legacy global regions |
//! | `AWS_MCP_S3_FORCE_PATH_STYLE` | `aws_mcp_s3_force_path_style` | S3 path-style URLs |
//! | `AWS_MCP_S3_USE_ACCELERATE_ENDPOINT` | `aws_mcp_s3_use_accelerate_endpoint` | S3 Transfer Acceleration |
//!
//! A value that is not one of the accepted words is an error that says where it came from.

use std::future::Future;
use std::task::{Context, Poll, Waker};

use aws_runtime::env_config::EnvConfigValue;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_runtime::env_config::section::EnvConfigSections;
use aws_types::os_shim_internal::{Env, Fs};
use serde_json::Value;

use super::request::{ChecksumPolicy, ClientSettings};

/// A setting with a value it does not accept, or a config file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(pub String);

/// A value outside the accepted words.
#[derive(Debug, thiserror::Error)]
#[error("{value:?} is not valid: expected {expected}")]
struct BadValue {
    value: String,
    expected: &'static str,
}

/// The shared config file's sections (the selected profile, `services` sections), read once
/// at start. A missing file is no error (no profile settings); a malformed one is.
pub fn load_shared_config(env: &Env, fs: &Fs) -> Result<EnvConfigSections, SettingError> {
    load_shared_config_for(env, fs, None)
}

/// [`load_shared_config`] with `profile` selected instead of `AWS_PROFILE` (or `default`).
pub fn load_shared_config_for(
    env: &Env,
    fs: &Fs,
    profile: Option<&str>,
) -> Result<EnvConfigSections, SettingError> {
    let files = EnvConfigFiles::default();
    let mut source = run_ready(aws_runtime::env_config::source::load(env, fs, &files))
        .ok_or_else(|| SettingError("reading the AWS config files did not complete".into()))?
        .map_err(|e| SettingError(format!("AWS config file: {e}")))?;
    if let Some(p) = profile {
        source.profile = p.to_string().into();
    }
    EnvConfigSections::parse(source).map_err(|e| SettingError(format!("AWS config file: {e}")))
}

/// Runs a future that never waits (the config reader reads files with `std::fs`).
fn run_ready<F: Future>(f: F) -> Option<F::Output> {
    let mut f = std::pin::pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

/// The settings for calls to the service with `sdk_id` (`CloudWatch Logs`).
pub fn from_env(
    sdk_id: &str,
    env: &Env,
    profiles: Option<&EnvConfigSections>,
) -> Result<ClientSettings, SettingError> {
    let get = |var: &str, key: &str, allowed: &'static [&'static str], expected: &'static str| {
        EnvConfigValue::new()
            .env(var)
            .profile(key)
            .service_id(sdk_id)
            .validate(env, profiles, |v| {
                let v = v.trim().to_ascii_lowercase();
                if allowed.is_empty() || allowed.contains(&v.as_str()) {
                    Ok(v)
                } else {
                    Err(BadValue { value: v, expected })
                }
            })
            .map_err(|e| SettingError(format!("{var} (or profile key `{key}`): {e}")))
    };
    let flag = |var: &str, key: &str| -> Result<Option<bool>, SettingError> {
        Ok(get(var, key, &["true", "false"], "true or false")?.map(|v| v == "true"))
    };

    let mut s = ClientSettings::default();
    if flag(
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ignore_configured_endpoint_urls",
    )? != Some(true)
    {
        let url = EnvConfigValue::new()
            .env("AWS_ENDPOINT_URL")
            .profile("endpoint_url")
            .service_id(sdk_id)
            .validate(env, profiles, |v| {
                let v = v.trim();
                if (v.starts_with("https://") || v.starts_with("http://")) && v.len() > 8 {
                    Ok(v.to_string())
                } else {
                    Err(BadValue {
                        value: v.to_string(),
                        expected: "an http:// or https:// URL",
                    })
                }
            })
            .map_err(|e| {
                SettingError(format!(
                    "AWS_ENDPOINT_URL_{} or AWS_ENDPOINT_URL (or profile key `endpoint_url`): {e}",
                    sdk_id.to_uppercase().replace(' ', "_")
                ))
            })?;
        s.endpoint_url = url;
    }
    s.use_fips = flag("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?.unwrap_or(false);
    s.use_dualstack =
        flag("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?.unwrap_or(false);
    s.account_id_endpoint_mode = get(
        "AWS_ACCOUNT_ID_ENDPOINT_MODE",
        "account_id_endpoint_mode",
        &["preferred", "required", "disabled"],
        "preferred, required or disabled",
    )?;
    if let Some(c) = get(
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        "request_checksum_calculation",
        &["when_supported", "when_required"],
        "when_supported or when_required",
    )? {
        s.checksums = if c == "when_required" {
            ChecksumPolicy::WhenRequired
        } else {
            ChecksumPolicy::WhenSupported
        };
    }
    for (var, key, param) in [
        ("AWS_S3_USE_ARN_REGION", "s3_use_arn_region", "UseArnRegion"),
        (
            "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
            "s3_disable_multiregion_access_points",
            "DisableMultiRegionAccessPoints",
        ),
        (
            "AWS_MCP_S3_FORCE_PATH_STYLE",
            "aws_mcp_s3_force_path_style",
            "ForcePathStyle",
        ),
        (
            "AWS_MCP_S3_USE_ACCELERATE_ENDPOINT",
            "aws_mcp_s3_use_accelerate_endpoint",
            "Accelerate",
        ),
    ] {
        if let Some(b) = flag(var, key)? {
            s.client_params.insert(param.to_string(), Value::Bool(b));
        }
    }
    if let Some(v) = get(
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
        "s3_us_east_1_regional_endpoint",
        &["regional", "legacy"],
        "regional or legacy",
    )? {
        s.s3_us_east_1_global = v == "legacy";
    }
    if let Some(v) = get(
        "AWS_STS_REGIONAL_ENDPOINTS",
        "sts_regional_endpoints",
        &["regional", "legacy"],
        "regional or legacy",
    )? {
        s.sts_global = v == "legacy";
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(
        sdk_id: &str,
        vars: &[(&str, &str)],
        config: &str,
    ) -> Result<ClientSettings, SettingError> {
        let mut all: Vec<(&str, &str)> = vec![("HOME", "/home/u")];
        all.extend_from_slice(vars);
        let env = Env::from_slice(&all);
        let fs = Fs::from_slice(&[("/home/u/.aws/config", config)]);
        let profiles = load_shared_config(&env, &fs)?;
        from_env(sdk_id, &env, Some(&profiles))
    }

    #[test]
    fn service_endpoint_wins_over_the_global_one() {
        let vars = [
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:4566"),
        ];
        let logs = settings("CloudWatch Logs", &vars, "").unwrap();
        assert_eq!(logs.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        let s3 = settings("S3", &vars, "").unwrap();
        assert_eq!(s3.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        let ignored = settings(
            "S3",
            &[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ],
            "",
        )
        .unwrap();
        assert_eq!(ignored.endpoint_url, None);
    }

    /// The shared config file: the selected profile's keys and its `services` section.
    #[test]
    fn shared_config_profiles_and_services_sections() {
        let config = "[default]\nregion = us-east-1\n\n\
                      [profile dev]\nendpoint_url = http://127.0.0.1:9000\nuse_fips_endpoint = true\n\
                      services = local\n\n\
                      [services local]\ndynamodb =\n  endpoint_url = http://127.0.0.1:8000\n";
        let dev = [("AWS_PROFILE", "dev")];
        let ddb = settings("DynamoDB", &dev, config).unwrap();
        assert_eq!(ddb.endpoint_url.as_deref(), Some("http://127.0.0.1:8000"));
        assert!(ddb.use_fips);
        let s3 = settings("S3", &dev, config).unwrap();
        assert_eq!(s3.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        // The environment wins over the profile.
        let env_wins = settings(
            "S3",
            &[("AWS_PROFILE", "dev"), ("AWS_USE_FIPS_ENDPOINT", "false")],
            config,
        )
        .unwrap();
        assert!(!env_wins.use_fips);
        // Another profile: none of it.
        let default = settings("DynamoDB", &[], config).unwrap();
        assert_eq!(default.endpoint_url, None);
        assert!(!default.use_fips);
    }

    #[test]
    fn flags_and_words() {
        let s = settings(
            "S3",
            &[
                ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
                ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
                ("AWS_MCP_S3_FORCE_PATH_STYLE", "true"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional"),
            ],
            "",
        )
        .unwrap();
        assert!(s.use_fips && !s.use_dualstack);
        assert_eq!(s.checksums, ChecksumPolicy::WhenRequired);
        assert_eq!(s.client_params["ForcePathStyle"], Value::Bool(true));
        assert!(!s.sts_global && !s.s3_us_east_1_global);
    }

    #[test]
    fn bad_values_say_where_they_came_from() {
        let e = settings("S3", &[("AWS_USE_FIPS_ENDPOINT", "yes")], "").unwrap_err();
        assert!(
            e.0.contains("AWS_USE_FIPS_ENDPOINT") && e.0.contains("true or false"),
            "{e}"
        );
        let e = settings("S3", &[("AWS_ENDPOINT_URL_S3", "localhost:9000")], "").unwrap_err();
        assert!(e.0.contains("AWS_ENDPOINT_URL_S3"), "{e}");
        let e = settings(
            "S3",
            &[("AWS_PROFILE", "p")],
            "[profile p]\naccount_id_endpoint_mode = sometimes\n",
        )
        .unwrap_err();
        assert!(
            e.0.contains("account_id_endpoint_mode")
                && e.0.contains("preferred, required or disabled"),
            "{e}"
        );
    }

    /// The settings reach the endpoint rules: a custom endpoint, FIPS, S3 path style.
    #[test]
    fn settings_shape_the_request_url() {
        use crate::invoke::request::prepare;
        let get_item = crate::catalog::resolve_operation("dynamodb", "GetItem")
            .unwrap()
            .1;
        let input = serde_json::json!({"TableName": "t", "Key": {"pk": {"S": "a"}}});
        let mut s = settings(
            "DynamoDB",
            &[("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")],
            "",
        )
        .unwrap();
        s.region = Some("eu-west-1".into());
        assert_eq!(
            prepare(get_item, &input, &s).unwrap().url,
            "http://127.0.0.1:8000/"
        );

        let mut s = settings("DynamoDB", &[("AWS_USE_FIPS_ENDPOINT", "true")], "").unwrap();
        s.region = Some("us-west-2".into());
        assert_eq!(
            prepare(get_item, &input, &s).unwrap().url,
            "https://dynamodb-fips.us-west-2.amazonaws.com/"
        );

        let get_object = crate::catalog::resolve_operation("s3", "GetObject")
            .unwrap()
            .1;
        let mut s = settings("S3", &[("AWS_MCP_S3_FORCE_PATH_STYLE", "true")], "").unwrap();
        s.region = Some("eu-west-1".into());
        let input = serde_json::json!({"Bucket": "my-bucket", "Key": "a b/c"});
        assert_eq!(
            prepare(get_object, &input, &s).unwrap().url,
            "https://s3.eu-west-1.amazonaws.com/my-bucket/a%20b/c"
        );
    }
}

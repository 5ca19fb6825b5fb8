//! Endpoint and wire settings from the environment, as the AWS SDKs and CLI define them
//! (<https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html>):
//!
//! | variable | setting |
//! |---|---|
//! | `AWS_ENDPOINT_URL_<SERVICE>` | custom endpoint of one service; `<SERVICE>` is the sdkId upper-cased, spaces as `_` (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`) |
//! | `AWS_ENDPOINT_URL` | custom endpoint of every service |
//! | `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` | `true`: ignore the two above |
//! | `AWS_USE_FIPS_ENDPOINT` | `true`: FIPS endpoints |
//! | `AWS_USE_DUALSTACK_ENDPOINT` | `true`: dual-stack (IPv6) endpoints |
//! | `AWS_ACCOUNT_ID_ENDPOINT_MODE` | `preferred` (default), `required`, `disabled` |
//! | `AWS_REQUEST_CHECKSUM_CALCULATION` | `when_supported` (default), `when_required` |
//! | `AWS_S3_USE_ARN_REGION` | `true`/`false`: S3 ARNs may name another region |
//! | `AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS` | `true`: refuse S3 multi-region access points |
//! | `AWS_S3_US_EAST_1_REGIONAL_ENDPOINT` | `regional`: `s3.us-east-1.amazonaws.com` instead of the global `s3.amazonaws.com` |
//! | `AWS_STS_REGIONAL_ENDPOINTS` | `regional`: STS's regional endpoint instead of the global one in legacy regions |
//! | `AWS_MCP_S3_FORCE_PATH_STYLE` | `true`: S3 path-style URLs (`https://s3.region.amazonaws.com/bucket/key`) |
//! | `AWS_MCP_S3_USE_ACCELERATE_ENDPOINT` | `true`: S3 Transfer Acceleration |
//!
//! The same keys in the shared config file (`endpoint_url`, `services` sections, ...) come with
//! the credential chain (aws-config). A value that is not one of the accepted words is an error
//! that names the variable.

use serde_json::Value;

use super::request::{ChecksumPolicy, ClientSettings};

/// A setting with a value it does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}={value:?} is not valid: expected {expected}")]
pub struct SettingError {
    pub variable: String,
    pub value: String,
    pub expected: &'static str,
}

/// The settings for calls to the service with `sdk_id` (`CloudWatch Logs`), read through `var`
/// (the environment in the server, a map in tests).
pub fn from_env(
    sdk_id: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Result<ClientSettings, SettingError> {
    let var = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let flag = |name: &str| -> Result<Option<bool>, SettingError> {
        match var(name) {
            None => Ok(None),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(SettingError {
                    variable: name.to_string(),
                    value: v,
                    expected: "true or false",
                }),
            },
        }
    };
    let word =
        |name: &str, allowed: &'static [&'static str], expected: &'static str| match var(name) {
            None => Ok(None),
            Some(v) if allowed.contains(&v.trim().to_ascii_lowercase().as_str()) => {
                Ok(Some(v.trim().to_ascii_lowercase()))
            }
            Some(v) => Err(SettingError {
                variable: name.to_string(),
                value: v,
                expected,
            }),
        };

    let mut s = ClientSettings::default();
    if flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")? != Some(true) {
        let service_var = format!("AWS_ENDPOINT_URL_{}", env_suffix(sdk_id));
        let (name, url) = match var(&service_var) {
            Some(u) => (service_var, Some(u)),
            None => ("AWS_ENDPOINT_URL".to_string(), var("AWS_ENDPOINT_URL")),
        };
        if let Some(url) = url {
            let url = url.trim().to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
                return Err(SettingError {
                    variable: name,
                    value: url,
                    expected: "an http:// or https:// URL",
                });
            }
            s.endpoint_url = Some(url);
        }
    }
    s.use_fips = flag("AWS_USE_FIPS_ENDPOINT")?.unwrap_or(false);
    s.use_dualstack = flag("AWS_USE_DUALSTACK_ENDPOINT")?.unwrap_or(false);
    s.account_id_endpoint_mode = word(
        "AWS_ACCOUNT_ID_ENDPOINT_MODE",
        &["preferred", "required", "disabled"],
        "preferred, required or disabled",
    )?;
    if let Some(c) = word(
        "AWS_REQUEST_CHECKSUM_CALCULATION",
        &["when_supported", "when_required"],
        "when_supported or when_required",
    )? {
        s.checksums = if c == "when_required" {
            ChecksumPolicy::WhenRequired
        } else {
            ChecksumPolicy::WhenSupported
        };
    }
    for (variable, param) in [
        ("AWS_S3_USE_ARN_REGION", "UseArnRegion"),
        (
            "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS",
            "DisableMultiRegionAccessPoints",
        ),
        ("AWS_MCP_S3_FORCE_PATH_STYLE", "ForcePathStyle"),
        ("AWS_MCP_S3_USE_ACCELERATE_ENDPOINT", "Accelerate"),
    ] {
        if let Some(b) = flag(variable)? {
            s.client_params.insert(param.to_string(), Value::Bool(b));
        }
    }
    if let Some(v) = word(
        "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
        &["regional", "legacy"],
        "regional or legacy",
    )? {
        s.s3_us_east_1_global = v == "legacy";
    }
    if let Some(v) = word(
        "AWS_STS_REGIONAL_ENDPOINTS",
        &["regional", "legacy"],
        "regional or legacy",
    )? {
        s.sts_global = v == "legacy";
    }
    Ok(s)
}

/// `CloudWatch Logs` → `CLOUDWATCH_LOGS`, as the SDKs name service-specific variables.
pub fn env_suffix(sdk_id: &str) -> String {
    sdk_id
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn service_endpoint_wins_over_the_global_one() {
        let e = env(&[
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
            ("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "http://127.0.0.1:4566"),
        ]);
        let logs = from_env("CloudWatch Logs", &e).unwrap();
        assert_eq!(logs.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
        let s3 = from_env("S3", &e).unwrap();
        assert_eq!(s3.endpoint_url.as_deref(), Some("http://127.0.0.1:5000"));
        let ignored = from_env(
            "S3",
            env(&[
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ]),
        )
        .unwrap();
        assert_eq!(ignored.endpoint_url, None);
    }

    #[test]
    fn flags_and_words() {
        let s = from_env(
            "S3",
            env(&[
                ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
                ("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
                ("AWS_MCP_S3_FORCE_PATH_STYLE", "true"),
                ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                ("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT", "regional"),
            ]),
        )
        .unwrap();
        assert!(s.use_fips && !s.use_dualstack);
        assert_eq!(s.checksums, ChecksumPolicy::WhenRequired);
        assert_eq!(s.client_params["ForcePathStyle"], Value::Bool(true));
        assert!(!s.sts_global && !s.s3_us_east_1_global);
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = from_env("S3", env(&[("AWS_USE_FIPS_ENDPOINT", "yes")])).unwrap_err();
        assert_eq!(e.variable, "AWS_USE_FIPS_ENDPOINT");
        assert!(e.to_string().contains("true or false"), "{e}");
        let e = from_env("S3", env(&[("AWS_ENDPOINT_URL_S3", "localhost:9000")])).unwrap_err();
        assert_eq!(e.variable, "AWS_ENDPOINT_URL_S3");
        let e = from_env("S3", env(&[("AWS_ACCOUNT_ID_ENDPOINT_MODE", "sometimes")])).unwrap_err();
        assert!(
            e.to_string().contains("preferred, required or disabled"),
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
        let mut s = from_env(
            "DynamoDB",
            env(&[("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")]),
        )
        .unwrap();
        s.region = Some("eu-west-1".into());
        assert_eq!(
            prepare(get_item, &input, &s).unwrap().url,
            "http://127.0.0.1:8000/"
        );

        let mut s = from_env("DynamoDB", env(&[("AWS_USE_FIPS_ENDPOINT", "true")])).unwrap();
        s.region = Some("us-west-2".into());
        assert_eq!(
            prepare(get_item, &input, &s).unwrap().url,
            "https://dynamodb-fips.us-west-2.amazonaws.com/"
        );

        let get_object = crate::catalog::resolve_operation("s3", "GetObject")
            .unwrap()
            .1;
        let mut s = from_env("S3", env(&[("AWS_MCP_S3_FORCE_PATH_STYLE", "true")])).unwrap();
        s.region = Some("eu-west-1".into());
        let input = serde_json::json!({"Bucket": "my-bucket", "Key": "a b/c"});
        assert_eq!(
            prepare(get_object, &input, &s).unwrap().url,
            "https://s3.eu-west-1.amazonaws.com/my-bucket/a%20b/c"
        );
    }

    #[test]
    fn sdk_ids_become_variable_suffixes() {
        assert_eq!(env_suffix("CloudWatch Logs"), "CLOUDWATCH_LOGS");
        assert_eq!(env_suffix("Secrets Manager"), "SECRETS_MANAGER");
        assert_eq!(env_suffix("S3"), "S3");
    }
}

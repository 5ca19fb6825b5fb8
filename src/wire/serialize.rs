//! `wire` commands `serialize` and `endpoint`: the request we would send, with the oracle's
//! fields in and out.

use std::time::{Duration, SystemTime};

use base64::Engine;
use serde_json::{Map, Value, json};

use super::failure;
use crate::catalog;
use crate::invoke::endpoint::{self, EndpointError};
use crate::invoke::request::{self, Auth, ChecksumPolicy, ClientSettings, PrepareError, TokenFill};
use crate::invoke::serialize::{BlobInput, SerializeError};
use crate::invoke::sign::{self, Credentials, SignatureMode};

/// The token botocore's oracle fills missing idempotency tokens with (`fixed` mode).
const FIXED_TOKEN: &str = "00000000-0000-4000-8000-000000000000";

/// `serialize`: the signed request for `service` `operation` `params`.
pub fn serialize_command(req: &Map<String, Value>) -> Value {
    let op = match lookup(req) {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let settings = match settings(req) {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let params = req.get("params").cloned().unwrap_or_else(|| json!({}));
    let mut prepared = match request::prepare(op, &params, &settings) {
        Ok(p) => p,
        Err(e) => return prepare_failure(&e),
    };
    let time = match req.get("time") {
        None => SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600),
        Some(v) => match crate::timestamp::parse(v) {
            Ok(dt) => SystemTime::try_from(dt).unwrap_or(SystemTime::UNIX_EPOCH),
            Err(e) => return failure("BadRequest", &format!("time: {e}")),
        },
    };
    let creds = credentials(req.get("credentials"));
    let unsigned = req
        .get("config")
        .and_then(|c| c.get("signature_version"))
        .and_then(Value::as_str)
        == Some("UNSIGNED");
    if unsigned {
        prepared.auth = Auth::None;
    }
    let expires = req.get("presign_expires_in").and_then(Value::as_u64);
    let mode = match expires {
        Some(secs) => SignatureMode::Presign {
            expires_in: Duration::from_secs(secs),
        },
        None => SignatureMode::Headers,
    };
    let details_wanted = req.get("signing_details").and_then(Value::as_bool) == Some(true);
    let details = match sign::sign_request(&mut prepared, Some(&creds), time, mode, details_wanted)
    {
        Ok(d) => d,
        Err(e) => return failure("SigningError", &e.to_string()),
    };

    let o = catalog::operation(op);
    let s = catalog::service(o.service.to_native());
    let mut headers = Map::new();
    for (k, v) in &prepared.headers {
        match headers.get_mut(k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(v);
            }
            _ => {
                headers.insert(k.clone(), Value::String(v.clone()));
            }
        }
    }
    let mut answer = json!({
        "ok": true,
        "service": s.name.as_str(),
        "operation": o.name.as_str(),
        "protocol": s.protocol.as_ref().map(|p| super::botocore_protocol(*p)),
        "smithy_protocol": s.protocol.as_ref().map(|p| p.smithy_name()),
        "method": prepared.method,
        "url": prepared.url,
        "headers": headers,
        "auth": auth_json(&prepared.auth),
    });
    let Some(a) = answer.as_object_mut() else {
        return answer;
    };
    match String::from_utf8(prepared.body) {
        Ok(text) => {
            a.insert("body".into(), Value::String(text));
        }
        Err(e) => {
            a.insert(
                "body_b64".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(e.as_bytes())),
            );
        }
    }
    if details_wanted {
        a.insert("signature".into(), Value::String(details.signature));
        if let Some(c) = details.canonical_request {
            a.insert("canonical_request".into(), Value::String(c));
        }
        if let Some(s) = details.string_to_sign {
            a.insert("string_to_sign".into(), Value::String(s));
        }
    }
    answer
}

/// `endpoint`: the endpoint the rules resolve for raw parameters, or for an operation call.
pub fn endpoint_command(req: &Map<String, Value>) -> Value {
    let Some(name) = req.get("service").and_then(Value::as_str) else {
        return failure("BadRequest", "missing `service`");
    };
    let Some(svc) = catalog::find_service(name) else {
        return failure("UnknownService", &format!("unknown service `{name}`"));
    };
    let settings = match settings(req) {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let overrides = req
        .get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut params = match req.get("operation").and_then(Value::as_str) {
        Some(op_name) => {
            let Some(op) = catalog::find_operation(svc, op_name) else {
                return failure(
                    "UnknownOperation",
                    &format!("`{name}` has no operation `{op_name}`"),
                );
            };
            let input = req
                .get("op_params")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            match endpoint::params::operation_params(
                op,
                &input,
                &settings.client_params,
                &request::built_ins(&settings, catalog::service(svc).name.as_str()),
            ) {
                Ok(p) => p,
                Err(e) => return endpoint_failure(&e),
            }
        }
        None => {
            let mut p = Map::new();
            if let Some(r) = &settings.region {
                p.insert("Region".into(), Value::String(r.clone()));
            }
            p
        }
    };
    params.extend(overrides);
    match endpoint::resolve_service(svc, &params) {
        Ok(e) => json!({
            "ok": true,
            "service": catalog::service(svc).name.as_str(),
            "url": e.url,
            "properties": e.properties,
            "headers": e.headers,
            "params": params,
        }),
        Err(e) => {
            let mut a = endpoint_failure(&e);
            a["params"] = Value::Object(params);
            a
        }
    }
}

fn endpoint_failure(e: &EndpointError) -> Value {
    failure("EndpointResolutionError", &e.to_string())
}

fn prepare_failure(e: &PrepareError) -> Value {
    let kind = match e {
        PrepareError::Serialize(SerializeError::Unsupported(_)) => "Unsupported",
        PrepareError::Serialize(_) | PrepareError::InputNotObject | PrepareError::HostLabel(..) => {
            "ParamValidationError"
        }
        PrepareError::Endpoint(_) => "EndpointResolutionError",
        PrepareError::NoRegion => "NoRegionError",
        PrepareError::ChecksumAlgorithm(_) => "ParamValidationError",
        PrepareError::AuthScheme(_) => "UnsupportedSignatureVersionError",
        PrepareError::Compression(_) => "CompressionError",
    };
    failure(kind, &e.to_string())
}

/// The catalog operation a request names.
fn lookup(req: &Map<String, Value>) -> Result<u32, Value> {
    let Some(name) = req.get("service").and_then(Value::as_str) else {
        return Err(failure("BadRequest", "missing `service`"));
    };
    let Some(svc) = catalog::find_service(name) else {
        return Err(failure(
            "UnknownService",
            &format!("unknown service `{name}`"),
        ));
    };
    let Some(op_name) = req.get("operation").and_then(Value::as_str) else {
        return Err(failure("BadRequest", "missing `operation`"));
    };
    match catalog::find_operation(svc, op_name) {
        Some(op) => Ok(op),
        None => Err(failure(
            "UnknownOperation",
            &format!("`{name}` has no operation `{op_name}`"),
        )),
    }
}

/// Client settings from the oracle's request fields (`region`, `endpoint_url`, `checksums`,
/// `idempotency_token_autofill`, `config`).
fn settings(req: &Map<String, Value>) -> Result<ClientSettings, Value> {
    let config = req.get("config").and_then(Value::as_object);
    let cfg = |k: &str| config.and_then(|c| c.get(k));
    let cfg_bool = |k: &str| cfg(k).and_then(Value::as_bool).unwrap_or(false);
    let mut s = ClientSettings {
        region: Some(
            req.get("region")
                .and_then(Value::as_str)
                .unwrap_or("us-east-1")
                .to_string(),
        ),
        endpoint_url: req
            .get("endpoint_url")
            .and_then(Value::as_str)
            .map(str::to_string),
        use_fips: cfg_bool("use_fips_endpoint"),
        use_dualstack: cfg_bool("use_dualstack_endpoint"),
        blobs: BlobInput::Text,
        gzip_mtime: 1_735_689_600,
        ..ClientSettings::default()
    };
    s.checksums = match req.get("checksums").and_then(Value::as_str) {
        None | Some("when_supported") => ChecksumPolicy::WhenSupported,
        Some("when_required") => ChecksumPolicy::WhenRequired,
        Some(other) => {
            return Err(failure(
                "BadRequest",
                &format!("checksums: `{other}` is not when_supported or when_required"),
            ));
        }
    };
    s.idempotency_token = match req
        .get("idempotency_token_autofill")
        .and_then(Value::as_str)
    {
        None | Some("fixed") => TokenFill::Fixed(FIXED_TOKEN.to_string()),
        Some("off") => TokenFill::Off,
        Some("random") => TokenFill::Random,
        Some(other) => {
            return Err(failure(
                "BadRequest",
                &format!("idempotency_token_autofill: `{other}` is not fixed, off or random"),
            ));
        }
    };
    if let Some(false) = cfg("inject_host_prefix").and_then(Value::as_bool) {
        s.inject_host_prefix = false;
    }
    s.disable_request_compression = cfg_bool("disable_request_compression");
    if let Some(n) = cfg("request_min_compression_size_bytes").and_then(Value::as_u64) {
        s.request_min_compression_size_bytes = n as usize;
    }
    if let Some(mode) = cfg("account_id_endpoint_mode").and_then(Value::as_str) {
        s.account_id_endpoint_mode = Some(mode.to_string());
    }
    if let Some(account) = req
        .get("credentials")
        .and_then(|c| c.get("account_id"))
        .and_then(Value::as_str)
    {
        s.account_id = Some(account.to_string());
    }
    if let Some(Value::Object(ccp)) = cfg("client_context_params") {
        for (k, v) in ccp {
            // botocore spells them snake_case; the rules use PascalCase.
            s.client_params.insert(pascal_case(k), v.clone());
        }
    }
    if let Some(s3) = cfg("s3").and_then(Value::as_object) {
        if s3.get("addressing_style").and_then(Value::as_str) == Some("path") {
            s.client_params
                .insert("ForcePathStyle".into(), Value::Bool(true));
        }
        if let Some(b) = s3.get("use_accelerate_endpoint").and_then(Value::as_bool) {
            s.client_params.insert("Accelerate".into(), Value::Bool(b));
        }
        if let Some(b) = s3.get("use_arn_region").and_then(Value::as_bool) {
            s.client_params
                .insert("UseArnRegion".into(), Value::Bool(b));
        }
        if let Some(r) = s3
            .get("us_east_1_regional_endpoint")
            .and_then(Value::as_str)
        {
            s.s3_us_east_1_global = r != "regional";
        }
    }
    Ok(s)
}

/// `force_path_style` → `ForcePathStyle`.
fn pascal_case(s: &str) -> String {
    if !s.contains('_') {
        return s.to_string();
    }
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn credentials(v: Option<&Value>) -> Credentials {
    let get = |k: &str| {
        v.and_then(|c| c.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Credentials {
        access_key_id: get("access_key").unwrap_or_else(|| "AKIDEXAMPLE".to_string()),
        secret_access_key: get("secret_key")
            .unwrap_or_else(|| "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string()),
        session_token: get("token"),
        bearer_token: Some(
            get("bearer_token").unwrap_or_else(|| "EXAMPLE-BEARER-TOKEN".to_string()),
        ),
    }
}

fn auth_json(auth: &Auth) -> Value {
    match auth {
        Auth::SigV4 {
            signing_name,
            signing_region,
            s3,
            ..
        } => json!({
            "signature_version": if *s3 { "s3v4" } else { "v4" },
            "signing_name": signing_name,
            "signing_region": signing_region,
        }),
        Auth::SigV4a {
            signing_name,
            region_set,
            ..
        } => json!({
            "signature_version": "v4a",
            "signing_name": signing_name,
            "signing_region_set": region_set,
        }),
        Auth::Bearer => json!({"signature_version": "bearer"}),
        Auth::None => json!({"signature_version": "none"}),
    }
}

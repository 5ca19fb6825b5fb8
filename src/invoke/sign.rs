//! Signing a prepared request with `aws-sigv4`: SigV4 (headers or presigned query string),
//! SigV4a, bearer tokens, or nothing for operations that take no auth.
//!
//! S3 is signed as its SDKs sign it: the path as sent (no second encoding, no normalisation)
//! and an `x-amz-content-sha256` header. `UNSIGNED-PAYLOAD` is used for operations marked
//! `aws.auth#unsignedPayload` and for streaming bodies that carry a trailing checksum.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::{v4, v4a};
use aws_smithy_runtime_api::client::identity::Identity;

use super::request::{Auth, PreparedRequest};

/// The secrets a request is signed with. Never logged (`Debug` hides them).
#[derive(Clone, Default)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// For services that take a bearer token (CodeCatalyst).
    pub bearer_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureMode {
    /// `Authorization` header (a normal call).
    Headers,
    /// Query string with an expiry: a presigned URL anyone can use until it expires.
    Presign { expires_in: Duration },
}

/// What the signer computed, for `wire`'s `signing_details` and for debugging. The canonical
/// request is as `aws-sigv4` builds it (sensitive header values such as the session token
/// redacted).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SigningDetails {
    pub signature: String,
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SignError {
    #[error("no credentials to sign with")]
    NoCredentials,
    #[error("this operation needs a bearer token (set one for the service)")]
    NoBearerToken,
    #[error("signing failed: {0}")]
    Signing(String),
    #[error("a presigned URL needs SigV4 signing; this operation uses {0}")]
    PresignUnsupported(&'static str),
}

/// Signs `req` in place for `time`.
pub fn sign_request(
    req: &mut PreparedRequest,
    creds: Option<&Credentials>,
    time: SystemTime,
    mode: SignatureMode,
    capture_details: bool,
) -> Result<SigningDetails, SignError> {
    let (name, region, no_double_encoding, s3, v4a_set) = match &req.auth {
        Auth::None => {
            if let SignatureMode::Presign { .. } = mode {
                return Err(SignError::PresignUnsupported("no auth"));
            }
            return Ok(SigningDetails::default());
        }
        Auth::Bearer => {
            if let SignatureMode::Presign { .. } = mode {
                return Err(SignError::PresignUnsupported("a bearer token"));
            }
            let token = creds
                .and_then(|c| c.bearer_token.as_deref())
                .ok_or(SignError::NoBearerToken)?;
            req.headers
                .push(("Authorization".to_string(), format!("Bearer {token}")));
            return Ok(SigningDetails::default());
        }
        Auth::SigV4 {
            signing_name,
            signing_region,
            disable_double_encoding,
            s3,
        } => (
            signing_name.clone(),
            signing_region.clone(),
            *disable_double_encoding,
            *s3,
            None,
        ),
        Auth::SigV4a {
            signing_name,
            region_set,
            disable_double_encoding,
            s3,
        } => (
            signing_name.clone(),
            String::new(),
            *disable_double_encoding,
            *s3,
            Some(region_set.join(",")),
        ),
    };
    let creds = creds.ok_or(SignError::NoCredentials)?;
    let identity: Identity = AwsCredentials::new(
        &creds.access_key_id,
        &creds.secret_access_key,
        creds.session_token.clone(),
        None,
        "aws-exec-mcp",
    )
    .into();

    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = if no_double_encoding {
        PercentEncodingMode::Single
    } else {
        PercentEncodingMode::Double
    };
    settings.uri_path_normalization_mode = if s3 {
        UriPathNormalizationMode::Disabled
    } else {
        UriPathNormalizationMode::Enabled
    };
    let trailer = req
        .header("Content-Encoding")
        .is_some_and(|v| v.split(',').any(|e| e.trim() == "aws-chunked"))
        && req.header("X-Amz-Trailer").is_some();
    if s3 || trailer {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    // Headers botocore leaves unsigned (added after signing or changed by proxies).
    if let Some(excluded) = settings.excluded_headers.as_mut() {
        excluded.extend(["content-length".into(), "expect".into()]);
    }
    if let SignatureMode::Presign { expires_in } = mode {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires_in);
    }

    let body = if trailer {
        SignableBody::StreamingUnsignedPayloadTrailer
    } else if req.unsigned_payload || matches!(mode, SignatureMode::Presign { .. }) && s3 {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&req.body)
    };
    let signable = SignableRequest::new(
        &req.method,
        req.url.as_str(),
        req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        body,
    )
    .map_err(|e| SignError::Signing(e.to_string()))?;

    let params: aws_sigv4::http_request::SigningParams<'_> = match &v4a_set {
        None => v4::SigningParams::builder()
            .identity(&identity)
            .region(&region)
            .name(&name)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| SignError::Signing(e.to_string()))?
            .into(),
        Some(set) => v4a::SigningParams::builder()
            .identity(&identity)
            .region_set(set)
            .name(&name)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| SignError::Signing(e.to_string()))?
            .into(),
    };
    let (output, canonical) = if capture_details {
        capture::canonical_request(|| sign(signable, &params))
    } else {
        (sign(signable, &params), None)
    };
    let (instructions, signature) = output
        .map_err(|e| SignError::Signing(e.to_string()))?
        .into_parts();
    let (headers, query) = instructions.into_parts();
    for h in headers {
        let name = canonical_header_name(h.name());
        req.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        req.headers.push((name.to_string(), h.value().to_string()));
    }
    if !query.is_empty() {
        let mut url = std::mem::take(&mut req.url);
        for (k, v) in query {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(k);
            url.push('=');
            url.push_str(
                &percent_encoding::utf8_percent_encode(
                    &v,
                    super::serialize::http_binding::UNRESERVED,
                )
                .to_string(),
            );
        }
        req.url = url;
    }
    let string_to_sign = canonical
        .as_ref()
        .map(|c| string_to_sign(c, req, &name, &region, &v4a_set));
    Ok(SigningDetails {
        signature,
        canonical_request: canonical,
        string_to_sign,
    })
}

/// The spelling botocore uses for the headers the signer adds.
fn canonical_header_name(name: &str) -> &str {
    match name {
        "x-amz-date" => "X-Amz-Date",
        "authorization" => "Authorization",
        "x-amz-content-sha256" => "X-Amz-Content-SHA256",
        "x-amz-security-token" => "X-Amz-Security-Token",
        "x-amz-region-set" => "X-Amz-Region-Set",
        other => other,
    }
}

/// The SigV4 string to sign for a canonical request (for `signing_details`).
fn string_to_sign(
    canonical: &str,
    req: &PreparedRequest,
    name: &str,
    region: &str,
    v4a_set: &Option<String>,
) -> String {
    let date_time = req
        .header("X-Amz-Date")
        .map(str::to_string)
        .or_else(|| {
            req.url
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("X-Amz-Date="))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let date = date_time.get(..8).unwrap_or_default();
    let digest = super::hex(&super::sha256(canonical.as_bytes()));
    match v4a_set {
        None => {
            format!("AWS4-HMAC-SHA256\n{date_time}\n{date}/{region}/{name}/aws4_request\n{digest}")
        }
        Some(_) => {
            format!("AWS4-ECDSA-P256-SHA256\n{date_time}\n{date}/{name}/aws4_request\n{digest}")
        }
    }
}

/// Reads the canonical request `aws-sigv4` logs at trace level while it signs: the crate does
/// not expose it otherwise. Only used for `wire`'s `signing_details`.
mod capture {
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    #[derive(Default)]
    struct Capture(Arc<Mutex<Option<String>>>);

    struct Visitor<'a>(&'a Mutex<Option<String>>);

    impl Visit for Visitor<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "canonical_request"
                && let Ok(mut slot) = self.0.lock()
            {
                *slot = Some(format!("{value:?}"));
            }
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, metadata: &Metadata<'_>) -> bool {
            metadata.target().starts_with("aws_sigv4")
        }
        fn new_span(&self, _: &Attributes<'_>) -> Id {
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            event.record(&mut Visitor(&self.0));
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    /// Runs `f` and returns its result with the canonical request it logged, if any.
    pub fn canonical_request<T>(f: impl FnOnce() -> T) -> (T, Option<String>) {
        let slot = Arc::new(Mutex::new(None));
        let subscriber = Capture(slot.clone());
        let out = tracing::subscriber::with_default(subscriber, f);
        let text = slot.lock().ok().and_then(|mut s| s.take());
        (out, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoke::request::{ClientSettings, prepare};

    fn creds() -> Credentials {
        Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("TOKEN".into()),
            bearer_token: None,
        }
    }

    fn s3_get_object() -> PreparedRequest {
        let op = crate::catalog::resolve_operation("s3", "GetObject")
            .unwrap()
            .1;
        let settings = ClientSettings {
            region: Some("eu-west-1".into()),
            ..ClientSettings::default()
        };
        prepare(
            op,
            &serde_json::json!({"Bucket": "my-bucket", "Key": "k"}),
            &settings,
        )
        .unwrap()
    }

    #[test]
    fn presigned_urls_carry_the_signature_and_expiry_in_the_query() {
        let mut req = s3_get_object();
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
        let mode = SignatureMode::Presign {
            expires_in: Duration::from_secs(900),
        };
        let d = sign_request(&mut req, Some(&creds()), t, mode, false).unwrap();
        assert!(
            req.url
                .starts_with("https://my-bucket.s3.eu-west-1.amazonaws.com/k?"),
            "{}",
            req.url
        );
        for part in [
            "X-Amz-Algorithm=AWS4-HMAC-SHA256",
            "X-Amz-Credential=AKIDEXAMPLE%2F20250101%2Feu-west-1%2Fs3%2Faws4_request",
            "X-Amz-Date=20250101T000000Z",
            "X-Amz-Expires=900",
            "X-Amz-SignedHeaders=host",
            "X-Amz-Security-Token=TOKEN",
        ] {
            assert!(req.url.contains(part), "{part} missing in {}", req.url);
        }
        assert!(
            req.url
                .contains(&format!("X-Amz-Signature={}", d.signature))
        );
        assert!(req.header("Authorization").is_none());
    }

    #[test]
    fn sigv4a_signs_with_the_region_set() {
        let mut req = s3_get_object();
        req.auth = Auth::SigV4a {
            signing_name: "s3".into(),
            region_set: vec!["*".into()],
            disable_double_encoding: true,
            s3: true,
        };
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
        sign_request(&mut req, Some(&creds()), t, SignatureMode::Headers, false).unwrap();
        let auth = req.header("Authorization").unwrap();
        assert!(
            auth.starts_with(
                "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20250101/s3/aws4_request"
            ),
            "{auth}"
        );
        assert_eq!(req.header("X-Amz-Region-Set"), Some("*"));
    }

    #[test]
    fn no_credentials_and_bearer_errors_are_clear() {
        let mut req = s3_get_object();
        let t = SystemTime::UNIX_EPOCH;
        assert_eq!(
            sign_request(&mut req, None, t, SignatureMode::Headers, false),
            Err(SignError::NoCredentials)
        );
        req.auth = Auth::Bearer;
        assert_eq!(
            sign_request(&mut req, Some(&creds()), t, SignatureMode::Headers, false),
            Err(SignError::NoBearerToken)
        );
    }
}

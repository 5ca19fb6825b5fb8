//! An operation call → the HTTP request to send, before signing: idempotency tokens, endpoint
//! resolution, the protocol's serialisation, the URL, the host prefix, request checksums and
//! compression. [`super::sign`] signs the result.

use std::io::Write as _;

use catalog_format::format::{
    ArchivedTrait, OP_CHECKSUM_REQUIRED, T_HOST_LABEL, T_IDEMPOTENCY_TOKEN,
};
use serde_json::{Map, Value};

use super::endpoint::{self, Endpoint, EndpointError};
use super::serialize::{self, BlobInput, SerializeError, SerializeOptions, Serialized};
use crate::catalog;

/// When request checksums are computed (botocore's `request_checksum_calculation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChecksumPolicy {
    /// Whenever the operation supports one (botocore ≥ 1.36 and the AWS SDKs' default).
    #[default]
    WhenSupported,
    /// Only when the operation requires one.
    WhenRequired,
}

/// How missing idempotency tokens are filled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TokenFill {
    /// A fresh UUID v4 per call.
    #[default]
    Random,
    /// This value (deterministic tests).
    Fixed(String),
    /// Left out.
    Off,
}

/// The settings of a client that shape a request: region, endpoint settings, checksums.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub region: Option<String>,
    /// A custom endpoint (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`).
    pub endpoint_url: Option<String>,
    pub use_fips: bool,
    pub use_dualstack: bool,
    /// Values of the service's client context params, by parameter name
    /// (`ForcePathStyle`, `Accelerate`, `DisableMultiRegionAccessPoints`...).
    pub client_params: Map<String, Value>,
    /// The account of the credentials (`AWS::Auth::AccountId`).
    pub account_id: Option<String>,
    /// `preferred` (default), `required` or `disabled`.
    pub account_id_endpoint_mode: Option<String>,
    /// S3 in us-east-1 uses the global endpoint `s3.amazonaws.com` (botocore's `legacy`
    /// `us_east_1_regional_endpoint`).
    pub s3_us_east_1_global: bool,
    /// STS in us-east-1 and the other legacy global regions uses `sts.amazonaws.com`
    /// (botocore's `legacy` `sts_regional_endpoints`; `AWS_STS_REGIONAL_ENDPOINTS=regional`
    /// turns it off).
    pub sts_global: bool,
    pub checksums: ChecksumPolicy,
    pub idempotency_token: TokenFill,
    /// Prepend the operation's `hostPrefix` (botocore's `inject_host_prefix`).
    pub inject_host_prefix: bool,
    pub disable_request_compression: bool,
    /// Bodies at least this large are compressed when the operation asks for it.
    pub request_min_compression_size_bytes: usize,
    /// How blob values given as strings are read.
    pub blobs: BlobInput,
    /// Seconds since the epoch stamped in gzip headers (0 = none, as the SDKs write).
    pub gzip_mtime: u32,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            region: None,
            endpoint_url: None,
            use_fips: false,
            use_dualstack: false,
            client_params: Map::new(),
            account_id: None,
            account_id_endpoint_mode: None,
            s3_us_east_1_global: true,
            sts_global: true,
            checksums: ChecksumPolicy::WhenSupported,
            idempotency_token: TokenFill::Random,
            inject_host_prefix: true,
            disable_request_compression: false,
            request_min_compression_size_bytes: 10_240,
            blobs: BlobInput::Base64,
            gzip_mtime: 0,
        }
    }
}

/// A request ready to be signed.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Headers in order; `Host` is derived from `url` by the HTTP client (and signed).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How to sign it, from the endpoint's auth schemes and the operation's traits.
    pub auth: Auth,
    pub endpoint: Endpoint,
    /// The payload is sent unsigned (`UNSIGNED-PAYLOAD`: `aws.auth#unsignedPayload`, or a
    /// streaming body sent over TLS with a trailing checksum).
    pub unsigned_payload: bool,
    /// The catalog index of the operation.
    pub operation: u32,
}

impl PreparedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        super::find_header(&self.headers, name)
    }
}

/// How a request is authenticated.
#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    SigV4 {
        signing_name: String,
        signing_region: String,
        /// S3: the path is signed as sent, not encoded a second time.
        disable_double_encoding: bool,
        /// S3: no path normalisation; `x-amz-content-sha256` header.
        s3: bool,
    },
    SigV4a {
        signing_name: String,
        region_set: Vec<String>,
        disable_double_encoding: bool,
        s3: bool,
    },
    /// `smithy.api#httpBearerAuth` (CodeCatalyst).
    Bearer,
    /// Sent without credentials (`optionalAuth`, `smithy.api#auth([])`, STS AssumeRoleWith*).
    None,
}

/// Why a request could not be prepared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PrepareError {
    #[error(transparent)]
    Serialize(#[from] SerializeError),
    #[error("endpoint: {0}")]
    Endpoint(#[from] EndpointError),
    #[error("the input must be a JSON object")]
    InputNotObject,
    #[error("no region: set AWS_REGION or pass `region`")]
    NoRegion,
    #[error("host label `{0}`: {1}")]
    HostLabel(String, String),
    #[error("unsupported checksum algorithm `{0}` (CRC32, CRC32C, CRC64NVME, SHA1, SHA256)")]
    ChecksumAlgorithm(String),
    #[error("the endpoint's auth schemes are not supported: {0}")]
    AuthScheme(String),
    #[error("compressing the request body: {0}")]
    Compression(String),
}

/// Prepares the request of operation `op` for `input`.
pub fn prepare(
    op: u32,
    input: &Value,
    settings: &ClientSettings,
) -> Result<PreparedRequest, PrepareError> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let Value::Object(given) = input else {
        return Err(PrepareError::InputNotObject);
    };
    let mut owned = fill_idempotency_tokens(op, given, &settings.idempotency_token);
    if crate::invoke::customize::needs_input_change(op, given) {
        let input = owned.get_or_insert_with(|| given.clone());
        crate::invoke::customize::adjust_input(op, input);
    }
    let input = owned.as_ref().unwrap_or(given);

    // Endpoint.
    let built_ins = built_ins(settings, svc.name.as_str());
    let params =
        endpoint::params::operation_params(op, input, &settings.client_params, &built_ins)?;
    let endpoint = endpoint::resolve_service(o.service.to_native(), &params)?;

    // Protocol.
    let mut req = serialize::serialize(
        op,
        input,
        SerializeOptions {
            blobs: settings.blobs,
        },
    )?;

    // URL: the endpoint, the operation's path under the endpoint's own path, the query.
    // S3 Control's endpoint rules already put the account id in the host.
    let host_prefix = if settings.inject_host_prefix && svc.name.as_str() != "s3-control" {
        host_prefix(op, input)?
    } else {
        None
    };
    let mut url = join_url(&endpoint.url, &req.path, host_prefix.as_deref());
    let query = encode_query(&req.query);
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&query);
    }
    for (name, values) in &endpoint.headers {
        req.headers.push((name.clone(), values.join(",")));
    }
    crate::invoke::customize::apply(op, &mut req);

    let auth = auth_of(op, &endpoint, settings)?;
    let mut unsigned_payload = o.has(catalog_format::format::OP_UNSIGNED_PAYLOAD);
    compress(op, &mut req, settings)?;
    checksum(op, input, &mut req, settings, &url, &mut unsigned_payload)?;
    // `Content-Length` on methods with a body (`0` when empty), as botocore sets it.
    // The length of what is sent, whatever the input said (a wrong one breaks the framing).
    req.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("Content-Length"));
    if !matches!(req.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        req.headers
            .push(("Content-Length".to_string(), req.body.len().to_string()));
    }
    Ok(PreparedRequest {
        method: req.method,
        url,
        headers: req.headers,
        body: req.body,
        auth,
        endpoint,
        unsigned_payload,
        operation: op,
    })
}

/// The SDK built-in values the endpoint rules read.
pub fn built_ins(s: &ClientSettings, service: &str) -> Map<String, Value> {
    let mut b = Map::new();
    if let Some(r) = &s.region {
        b.insert("AWS::Region".into(), Value::String(r.clone()));
    }
    b.insert("AWS::UseFIPS".into(), Value::Bool(s.use_fips));
    b.insert("AWS::UseDualStack".into(), Value::Bool(s.use_dualstack));
    if let Some(e) = &s.endpoint_url {
        b.insert("SDK::Endpoint".into(), Value::String(e.clone()));
    }
    if let Some(a) = &s.account_id {
        b.insert("AWS::Auth::AccountId".into(), Value::String(a.clone()));
    }
    b.insert(
        "AWS::Auth::AccountIdEndpointMode".into(),
        Value::String(
            s.account_id_endpoint_mode
                .clone()
                .unwrap_or_else(|| "preferred".into()),
        ),
    );
    let flag = |name: &str| {
        s.client_params
            .get(name)
            .cloned()
            .unwrap_or(Value::Bool(false))
    };
    b.insert("AWS::S3::ForcePathStyle".into(), flag("ForcePathStyle"));
    b.insert("AWS::S3::Accelerate".into(), flag("Accelerate"));
    b.insert(
        "AWS::S3::DisableMultiRegionAccessPoints".into(),
        flag("DisableMultiRegionAccessPoints"),
    );
    b.insert(
        "AWS::S3::UseArnRegion".into(),
        s.client_params
            .get("UseArnRegion")
            .cloned()
            .unwrap_or(Value::Bool(true)),
    );
    b.insert(
        "AWS::S3Control::UseArnRegion".into(),
        s.client_params
            .get("UseArnRegion")
            .cloned()
            .unwrap_or(Value::Bool(false)),
    );
    let us_east_1 = s.region.as_deref() == Some("us-east-1");
    b.insert(
        "AWS::S3::UseGlobalEndpoint".into(),
        Value::Bool(service == "s3" && us_east_1 && s.s3_us_east_1_global),
    );
    b.insert(
        "AWS::STS::UseGlobalEndpoint".into(),
        Value::Bool(service == "sts" && s.sts_global),
    );
    b
}

/// A copy of the input with top-level idempotency-token members filled, or `None` when nothing
/// needed filling.
fn fill_idempotency_tokens(
    op: u32,
    input: &Map<String, Value>,
    fill: &TokenFill,
) -> Option<Map<String, Value>> {
    let shape = catalog::operation(op)
        .input
        .as_ref()
        .map(|s| catalog::shape(s.to_native()))?;
    let mut out: Option<Map<String, Value>> = None;
    for m in shape.members.iter() {
        let token = m.has(T_IDEMPOTENCY_TOKEN)
            || catalog::shape(m.target.to_native()).has(T_IDEMPOTENCY_TOKEN);
        if !token || input.get(m.name.as_str()).is_some_and(|v| !v.is_null()) {
            continue;
        }
        let value = match fill {
            TokenFill::Random => uuid::Uuid::new_v4().to_string(),
            TokenFill::Fixed(v) => v.clone(),
            TokenFill::Off => continue,
        };
        out.get_or_insert_with(|| input.clone())
            .insert(m.name.to_string(), Value::String(value));
    }
    out
}

/// The operation's `hostPrefix` with its `{Label}`s filled from `hostLabel` input members.
fn host_prefix(op: u32, input: &Map<String, Value>) -> Result<Option<String>, PrepareError> {
    let o = catalog::operation(op);
    let Some(template) = o.host_prefix.as_ref() else {
        return Ok(None);
    };
    let mut out = String::new();
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let name = &after[..close];
        let bound = o
            .input
            .as_ref()
            .map(|s| catalog::shape(s.to_native()))
            .and_then(|s| s.members.iter().find(|m| m.name.as_str() == name))
            .is_some_and(|m| m.has(T_HOST_LABEL));
        let value = input.get(name).and_then(Value::as_str).unwrap_or_default();
        if !bound || value.is_empty() {
            return Err(PrepareError::HostLabel(
                name.to_string(),
                "required: it is part of the endpoint's host name".to_string(),
            ));
        }
        if !is_host_label(value) {
            return Err(PrepareError::HostLabel(
                name.to_string(),
                format!("`{value}` is not a valid host name label"),
            ));
        }
        out.push_str(value);
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(Some(out))
}

/// Whether `value` can stand in a host name (a `@hostLabel` member's value): one or more
/// dot-separated labels of 1 to 63 letters, digits and `-`, none starting with `-`.
pub fn is_host_label(value: &str) -> bool {
    value.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
    })
}

/// The endpoint URL joined with a request path, as botocore joins them: the endpoint's own
/// path (`https://s3.amazonaws.com/bucket`) comes first; a bare `/` adds nothing to a path.
pub fn join_url(endpoint: &str, path: &str, host_prefix: Option<&str>) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("https", endpoint));
    let (authority, ep_path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let new_path = if path.is_empty() || path == "/" {
        if ep_path.is_empty() {
            "/".to_string()
        } else {
            ep_path.to_string()
        }
    } else if ep_path.ends_with('/') && path.starts_with('/') {
        format!("{}{path}", &ep_path[..ep_path.len() - 1])
    } else {
        format!("{ep_path}{path}")
    };
    format!(
        "{scheme}://{}{authority}{new_path}",
        host_prefix.unwrap_or_default()
    )
}

/// `k=v&k` with every character but the unreserved ones percent-encoded (space as `%20`).
fn encode_query(pairs: &[(String, Option<String>)]) -> String {
    use percent_encoding::utf8_percent_encode as enc;
    let unreserved = super::serialize::http_binding::UNRESERVED;
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&enc(k, unreserved).to_string());
        if let Some(v) = v {
            out.push('=');
            out.push_str(&enc(v, unreserved).to_string());
        }
    }
    out
}

/// The signing scheme: the first auth scheme of the endpoint we support, else SigV4 with the
/// service's signing name; none for operations that take no auth.
fn auth_of(op: u32, endpoint: &Endpoint, settings: &ClientSettings) -> Result<Auth, PrepareError> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let op_auth: Vec<&str> = o.auth.iter().map(|a| a.as_str()).collect();
    if (o.has(catalog_format::format::OP_OPTIONAL_AUTH) && op_auth.is_empty())
        || crate::invoke::customize::unsigned(svc.name.as_str(), o.name.as_str())
    {
        return Ok(Auth::None);
    }
    if op_auth.first() == Some(&"smithy.api#httpBearerAuth")
        || (op_auth.is_empty()
            && svc.signing_name.is_empty()
            && svc.name.as_str() == "codecatalyst")
    {
        return Ok(Auth::Bearer);
    }
    let s3 = matches!(svc.name.as_str(), "s3" | "s3-control" | "s3outposts");
    let region = settings.region.clone().unwrap_or_default();
    let schemes = endpoint
        .properties
        .get("authSchemes")
        .and_then(Value::as_array);
    let Some(schemes) = schemes.filter(|s| !s.is_empty()) else {
        if region.is_empty() {
            return Err(PrepareError::NoRegion);
        }
        let name = if svc.signing_name.is_empty() {
            svc.endpoint_prefix.to_string()
        } else {
            svc.signing_name.to_string()
        };
        return Ok(Auth::SigV4 {
            signing_name: name,
            signing_region: region,
            disable_double_encoding: s3,
            s3,
        });
    };
    let mut names = Vec::new();
    for scheme in schemes {
        let get = |k: &str| scheme.get(k).and_then(Value::as_str);
        let signing_name = get("signingName")
            .map(str::to_string)
            .unwrap_or_else(|| svc.signing_name.to_string());
        let no_double_encoding = scheme
            .get("disableDoubleEncoding")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let is_s3 = s3 || signing_name.starts_with("s3");
        match get("name").unwrap_or_default() {
            "sigv4" | "sigv4-s3express" => {
                return Ok(Auth::SigV4 {
                    signing_region: get("signingRegion")
                        .map(str::to_string)
                        .unwrap_or_else(|| region.clone()),
                    signing_name,
                    disable_double_encoding: no_double_encoding,
                    s3: is_s3,
                });
            }
            "sigv4a" => {
                let set = scheme
                    .get("signingRegionSet")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_else(|| vec!["*".to_string()]);
                return Ok(Auth::SigV4a {
                    signing_name,
                    region_set: set,
                    disable_double_encoding: no_double_encoding,
                    s3: is_s3,
                });
            }
            "none" => return Ok(Auth::None),
            other => names.push(other.to_string()),
        }
    }
    Err(PrepareError::AuthScheme(names.join(", ")))
}

/// gzip-compresses the body when the operation asks for it (`requestCompression`), the body
/// is at least the minimum size and not streamed.
fn compress(op: u32, req: &mut Serialized, s: &ClientSettings) -> Result<(), PrepareError> {
    let o = catalog::operation(op);
    if s.disable_request_compression
        || req.streaming
        || req.body.len() < s.request_min_compression_size_bytes
        || !o.request_compression.iter().any(|e| e.as_str() == "gzip")
    {
        return Ok(());
    }
    let mut gz = flate2::GzBuilder::new()
        .mtime(s.gzip_mtime)
        .write(Vec::new(), flate2::Compression::new(9));
    gz.write_all(&req.body)
        .map_err(|e| PrepareError::Compression(e.to_string()))?;
    req.body = gz
        .finish()
        .map_err(|e| PrepareError::Compression(e.to_string()))?;
    match req
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Encoding"))
    {
        Some((_, v)) => v.push_str(",gzip"),
        None => req
            .headers
            .push(("Content-Encoding".to_string(), "gzip".to_string())),
    }
    Ok(())
}

/// Request checksums (`httpChecksum`, `httpChecksumRequired`), as botocore computes them: the
/// algorithm the input names, else CRC32 when required or (policy `WhenSupported`) supported.
/// A streaming body sent over TLS carries it as a trailer of an `aws-chunked` body.
fn checksum(
    op: u32,
    input: &Map<String, Value>,
    req: &mut Serialized,
    s: &ClientSettings,
    url: &str,
    unsigned_payload: &mut bool,
) -> Result<(), PrepareError> {
    let o = catalog::operation(op);
    if req.headers.iter().any(|(n, _)| {
        let n = n.to_ascii_lowercase();
        n.starts_with("x-amz-checksum-") && n != "x-amz-checksum-mode"
    }) {
        // The caller's checksum protects a streamed body: over TLS it is not hashed again.
        if req.streaming && url.starts_with("https://") {
            *unsigned_payload = true;
        }
        return Ok(());
    }
    let trait_ = o.http_checksum.as_ref();
    // Ask for response checksums where the operation offers them (the SDKs' default).
    if let Some(member) = trait_.and_then(|t| t.request_validation_mode_member.as_ref())
        && s.checksums == ChecksumPolicy::WhenSupported
        && !input.contains_key(member.as_str())
        && let Some(header) = header_of_member(op, member.as_str())
        && !req.has_header(&header)
    {
        req.headers.push((header, "ENABLED".to_string()));
    }
    let required =
        o.has(OP_CHECKSUM_REQUIRED) || trait_.is_some_and(|t| t.request_checksum_required);
    let algorithm_member = trait_.and_then(|t| t.request_algorithm_member.as_ref());
    let named = algorithm_member
        .and_then(|m| input.get(m.as_str()))
        .and_then(Value::as_str);
    let algorithm = match named {
        Some(a) => a.to_ascii_lowercase(),
        None if required
            || (algorithm_member.is_some() && s.checksums == ChecksumPolicy::WhenSupported) =>
        {
            // The algorithm member's header says which one was chosen.
            if let Some(member) = algorithm_member
                && let Some(header) = header_of_member(op, member.as_str())
                && !req.has_header(&header)
            {
                req.headers.push((header, "CRC32".to_string()));
            }
            "crc32".to_string()
        }
        None => return Ok(()),
    };
    let mut hasher = algorithm
        .parse::<aws_smithy_checksums::ChecksumAlgorithm>()
        .map_err(|_| PrepareError::ChecksumAlgorithm(algorithm.clone()))?
        .into_impl();
    hasher.update(&req.body);
    let header = hasher.header_name().to_string();
    let value = String::from_utf8_lossy(hasher.header_value().as_bytes()).into_owned();
    if req.streaming && url.starts_with("https://") {
        aws_chunked(req, &header, &value);
        *unsigned_payload = true;
    } else {
        req.headers.push((header, value));
    }
    Ok(())
}

/// The `httpHeader` of an input member.
fn header_of_member(op: u32, member: &str) -> Option<String> {
    let shape = catalog::operation(op)
        .input
        .as_ref()
        .map(|s| catalog::shape(s.to_native()))?;
    let m = shape.members.iter().find(|m| m.name.as_str() == member)?;
    m.find_trait(|t| match t {
        ArchivedTrait::HttpHeader(h) => Some(h.to_string()),
        _ => None,
    })
}

/// Re-frames the body as one `aws-chunked` chunk with the checksum as a trailer (unsigned
/// streaming payload with trailer, as the SDKs send S3 uploads).
fn aws_chunked(req: &mut Serialized, header: &str, value: &str) {
    let decoded_len = req.body.len();
    let mut body = Vec::with_capacity(decoded_len + 96);
    if decoded_len > 0 {
        body.extend_from_slice(format!("{decoded_len:x}\r\n").as_bytes());
        body.extend_from_slice(&req.body);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("0\r\n{header}:{value}\r\n\r\n").as_bytes());
    req.body = body;
    match req
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("Content-Encoding"))
    {
        Some((_, v)) => *v = format!("aws-chunked,{v}"),
        None => req
            .headers
            .push(("Content-Encoding".to_string(), "aws-chunked".to_string())),
    }
    req.headers
        .push(("X-Amz-Trailer".to_string(), header.to_string()));
    req.headers.push((
        "X-Amz-Decoded-Content-Length".to_string(),
        decoded_len.to_string(),
    ));
}

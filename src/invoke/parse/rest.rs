//! HTTP bindings of restJson1 and restXml responses: `httpHeader`, `httpPrefixHeaders`,
//! `httpResponseCode` and `httpPayload` members; the other members come from the body.
//!
//! - header values by target type: lists split at commas, timestamps in any form (http-date by
//!   default), strings with a `mediaType` are base64-encoded JSON (read into the value);
//! - prefix headers: every header starting with the prefix (any case), keyed by the rest of
//!   its name;
//! - payload: a blob is the body's bytes (streaming or not), a string its text, a structure or
//!   union the parsed body (an empty body is `{}`, as botocore gives it); event streams are
//!   [`AwsError::Unsupported`].

use catalog_format::format::{
    ArchivedMember, ArchivedProtocol, ArchivedShapeKind as K, T_HTTP_PAYLOAD, T_HTTP_RESPONSE_CODE,
    T_STREAMING,
};
use serde_json::{Map, Value};

use super::value::{self, target};
use super::{AwsError, BodyError, HttpResponse, ParseOptions, json, xml};

/// A rest protocol's success output: bound members plus the body's.
pub fn parse_output(
    op: u32,
    shape: u32,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    opts: &ParseOptions,
) -> Result<Value, AwsError> {
    let mut out = Map::new();
    if let Some(v) = s3_bucket_location(op, shape, resp) {
        out.insert("LocationConstraint".into(), v);
        return Ok(Value::Object(out));
    }
    parse_shape(shape, protocol, resp, opts, &mut out)?;
    Ok(Value::Object(out))
}

/// Reads the members of `shape` (an output or error structure) from the whole response.
pub fn parse_shape(
    shape: u32,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    opts: &ParseOptions,
    out: &mut Map<String, Value>,
) -> Result<(), AwsError> {
    let s = crate::catalog::shape(shape);
    let payload = s.members.iter().find(|m| m.has(T_HTTP_PAYLOAD));
    match payload {
        Some(m) => {
            if let Some(v) = payload_member(m, protocol, resp, opts)? {
                out.insert(m.name.as_str().to_string(), v);
            }
        }
        None => {
            let body = body_members(shape, protocol, &resp.body, opts, true)
                .map_err(|e| e.at(protocol, resp))?;
            out.extend(body);
        }
    }
    bound_members(shape, protocol, resp, opts, out).map_err(|e| e.at(protocol, resp))
}

/// The members of `shape` found in a JSON or XML body (the HTTP-bound ones skipped). With
/// `error_root`, an XML `<ErrorResponse>` is read from its `<Error>` child.
pub fn body_members(
    shape: u32,
    protocol: ArchivedProtocol,
    body: &[u8],
    opts: &ParseOptions,
    error_root: bool,
) -> Result<Map<String, Value>, BodyError> {
    let parsed = if protocol == ArchivedProtocol::RestJson1 {
        let doc = json::read_body(body)?;
        let Value::Object(obj) = &doc else {
            return Err(BodyError::new("expected a JSON object body"));
        };
        let mut out = Map::new();
        let s = crate::catalog::shape(shape);
        for m in s.members.iter().filter(|m| is_body(m)) {
            let Some(raw) = obj.get(value::json_name(m)) else {
                continue;
            };
            if let Some(v) = json::from_json(m.target.to_native(), raw, opts)
                .map_err(|e| e.under(m.name.as_str()))?
            {
                out.insert(m.name.as_str().to_string(), v);
            }
        }
        Value::Object(out)
    } else {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Map::new());
        }
        let root = xml::read_document(body)?;
        let start = if error_root && root.name == "ErrorResponse" {
            root.child("Error").unwrap_or(&root)
        } else {
            &root
        };
        xml::structure(shape, start, opts, is_body)?
    };
    match parsed {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// A member that lives in the body (no HTTP binding).
fn is_body(m: &ArchivedMember) -> bool {
    !(m.has(T_HTTP_PAYLOAD)
        || m.has(T_HTTP_RESPONSE_CODE)
        || value::http_header(m).is_some()
        || value::http_prefix_headers(m).is_some())
}

/// The `httpPayload` member's value.
fn payload_member(
    m: &ArchivedMember,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    opts: &ParseOptions,
) -> Result<Option<Value>, AwsError> {
    let t = target(m);
    Ok(Some(match t.kind {
        K::Blob if opts.omit_streaming_payload && t.has(T_STREAMING) => return Ok(None),
        K::Blob => value::blob(&resp.body, opts),
        K::String | K::Enum => {
            Value::String(String::from_utf8(resp.body.clone()).map_err(|_| {
                BodyError::new("string payload is not UTF-8")
                    .under(m.name.as_str())
                    .at(protocol, resp)
            })?)
        }
        K::Union if t.has(T_STREAMING) => {
            return Err(AwsError::Unsupported {
                what: format!(
                    "event stream output (`{}`): event streams are not supported yet",
                    m.name.as_str()
                ),
            });
        }
        K::Document => json::read_body(&resp.body).map_err(|e| e.at(protocol, resp))?,
        K::Structure | K::Union => {
            if resp.body.iter().all(u8::is_ascii_whitespace) {
                if t.kind == K::Union {
                    return Ok(None);
                }
                Value::Object(Map::new())
            } else if protocol == ArchivedProtocol::RestJson1 {
                json::parse_body(m.target.to_native(), &resp.body, opts)
                    .map_err(|e| e.under(m.name.as_str()).at(protocol, resp))?
            } else {
                let root = xml::read_document(&resp.body).map_err(|e| e.at(protocol, resp))?;
                xml::from_xml(m.target.to_native(), &root, opts)
                    .map_err(|e| e.under(m.name.as_str()).at(protocol, resp))?
            }
        }
        _ => {
            let text = String::from_utf8_lossy(&resp.body);
            xml::scalar(m.target.to_native(), &text, opts)
                .map_err(|e| e.under(m.name.as_str()).at(protocol, resp))?
        }
    }))
}

/// Header-, prefix-header- and status-bound members.
pub(crate) fn bound_members(
    shape: u32,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    opts: &ParseOptions,
    out: &mut Map<String, Value>,
) -> Result<(), BodyError> {
    let s = crate::catalog::shape(shape);
    for m in s.members.iter() {
        let name = m.name.as_str();
        if m.has(T_HTTP_RESPONSE_CODE) {
            out.insert(name.to_string(), Value::from(resp.status));
        } else if let Some(h) = value::http_header(m) {
            if let Some(v) = resp.header(h) {
                out.insert(
                    name.to_string(),
                    header_value(m.target.to_native(), v, protocol, opts)
                        .map_err(|e| e.under(name))?,
                );
            }
        } else if let Some(prefix) = value::http_prefix_headers(m) {
            let prefix = prefix.to_ascii_lowercase();
            let vt = target(m).members.iter().find(|x| x.name == "value");
            let mut map = Map::new();
            for (k, v) in &resp.headers {
                if k.to_ascii_lowercase().starts_with(&prefix) {
                    let key = k[prefix.len()..].to_string();
                    let parsed = match vt {
                        Some(vt) => header_value(vt.target.to_native(), v, protocol, opts)
                            .map_err(|e| e.under(name))?,
                        None => Value::String(v.clone()),
                    };
                    map.insert(key, parsed);
                }
            }
            // botocore always sets a prefix-header map, empty or not.
            out.insert(name.to_string(), Value::Object(map));
        }
    }
    Ok(())
}

/// A header value of shape `shape`.
fn header_value(
    shape: u32,
    text: &str,
    protocol: ArchivedProtocol,
    opts: &ParseOptions,
) -> Result<Value, BodyError> {
    let s = crate::catalog::shape(shape);
    match s.kind {
        K::List => {
            let Some(member) = s.members.first() else {
                return Ok(Value::Array(Vec::new()));
            };
            let items = text
                .split(',')
                .map(|part| header_value(member.target.to_native(), part.trim(), protocol, opts))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::Array(items))
        }
        K::String if value::media_type(s).is_some_and(|t| t.contains("json")) => {
            let bytes = value::decode_base64(text)?;
            serde_json::from_slice(&bytes)
                .map_err(|e| BodyError::new(format!("JSON header value is not JSON: {e}")))
        }
        K::Boolean if protocol == ArchivedProtocol::RestJson1 => {
            Ok(Value::Bool(value::parse_header_bool(text)))
        }
        _ => xml::scalar(shape, text.trim(), opts),
    }
}

/// S3 GetBucketLocation: the body is `<LocationConstraint>region</LocationConstraint>`, the
/// output member itself rather than a wrapper (botocore and smithy-rs special-case it too).
fn s3_bucket_location(op: u32, shape: u32, resp: &HttpResponse) -> Option<Value> {
    let operation = crate::catalog::operation(op);
    if operation.name != "GetBucketLocation"
        || crate::catalog::service(operation.service.to_native()).name != "s3"
    {
        return None;
    }
    let _ = shape;
    let root = xml::read_document(&resp.body).ok()?;
    // An empty element (us-east-1) is null, as in botocore (it reads the element's text).
    (root.name == "LocationConstraint").then(|| {
        if root.text.is_empty() {
            Value::Null
        } else {
            Value::String(root.text.clone())
        }
    })
}

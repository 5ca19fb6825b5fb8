//! The REST protocols' HTTP bindings (restJson1, restXml): each input member goes to a URI
//! label (`httpLabel`), a query parameter (`httpQuery`, `httpQueryParams`), a header
//! (`httpHeader`, `httpPrefixHeaders`), the payload (`httpPayload`) or, when it has no binding,
//! the body document.

use std::fmt::Write as _;

use base64::Engine;
use catalog_format::format::{
    ArchivedMember, ArchivedShape, ArchivedShapeKind, ArchivedTrait, ArchivedUriSegment,
    T_HTTP_LABEL, T_HTTP_PAYLOAD, T_HTTP_QUERY_PARAMS,
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Map, Value};

use super::{
    Ctx, Result, SerializeError, Serialized, check_known_members, scalar_text, type_error,
};
use crate::catalog;
use crate::timestamp::TimestampFormat;

/// Everything but the unreserved characters of RFC 3986 (`A-Z a-z 0-9 - . _ ~`).
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// The same, keeping `/` (greedy labels).
const UNRESERVED_AND_SLASH: &AsciiSet = &UNRESERVED.remove(b'/');

/// restJson1 (`json = true`) or restXml.
pub(super) fn serialize_rest(
    ctx: &Ctx,
    op: u32,
    input: &Map<String, Value>,
    json: bool,
) -> Result<Serialized> {
    let o = catalog::operation(op);
    let Some(http) = o.http.as_ref() else {
        return Err(SerializeError::Unsupported(format!(
            "`{}` has no HTTP binding (smithy.api#http)",
            o.name
        )));
    };
    let shape = o.input.as_ref().map(|s| catalog::shape(s.to_native()));
    if let Some(shape) = shape {
        check_known_members(shape, input)?;
    }
    let mut req = Serialized {
        method: http.method.to_string(),
        query: http
            .query
            .iter()
            // `x-id=<Operation>` only labels S3 requests for routing; botocore leaves it out.
            .filter(|q| !(ctx.strip_bucket_label && q.key.as_str() == "x-id"))
            .map(|q| (q.key.to_string(), q.value.as_ref().map(|v| v.to_string())))
            .collect(),
        ..Serialized::default()
    };

    // Labels.
    let label = |name: &str| -> Result<String> {
        let (m, target, v) = shape
            .and_then(|s| s.members.iter().find(|m| m.name.as_str() == name))
            .and_then(|m| {
                let v = input.get(name).filter(|v| !v.is_null())?;
                Some((m, catalog::shape(m.target.to_native()), v))
            })
            .ok_or_else(|| SerializeError::MissingLabel(name.to_string()))?;
        let text = scalar_text(ctx, Some(m), target, v, TimestampFormat::DateTime)
            .map_err(|e| e.within(name))?;
        if text.is_empty() {
            return Err(SerializeError::Value {
                path: format!("/{name}"),
                reason: "must not be empty: it is part of the request URI".to_string(),
            });
        }
        Ok(text)
    };
    let mut path = String::with_capacity(http.uri.len() + 32);
    let mut segments = http.path.as_slice();
    if ctx.strip_bucket_label {
        // S3: the endpoint rules put the bucket in the host or the endpoint's path.
        if let [
            ArchivedUriSegment::Literal(slash),
            ArchivedUriSegment::Label(b),
            rest @ ..,
        ] = segments
            && slash.as_str() == "/"
            && b.as_str() == "Bucket"
        {
            segments = rest;
        }
    }
    for seg in segments {
        match seg {
            ArchivedUriSegment::Literal(s) => path.push_str(s),
            ArchivedUriSegment::Label(name) => {
                let _ = write!(path, "{}", utf8_percent_encode(&label(name)?, UNRESERVED));
            }
            ArchivedUriSegment::GreedyLabel(name) => {
                let _ = write!(
                    path,
                    "{}",
                    utf8_percent_encode(&label(name)?, UNRESERVED_AND_SLASH)
                );
            }
        }
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    req.path = path;

    let Some(shape) = shape else {
        return Ok(req); // no input at all: nothing to send
    };

    // Query parameters, headers, payload; the rest is the body.
    let mut explicit_query: Vec<(String, Option<String>)> = Vec::new();
    let mut query_maps: Vec<(String, Option<String>)> = Vec::new();
    let mut payload: Option<(&'static ArchivedMember, &'static ArchivedShape)> = None;
    let mut body_members = Vec::new();
    let mut has_unbound = false;
    for m in shape.members.iter() {
        let bound = is_bound(m);
        let target = catalog::shape(m.target.to_native());
        if m.has(T_HTTP_PAYLOAD) {
            payload = Some((m, target));
        }
        if !bound {
            has_unbound = true;
        }
        let Some(v) = input.get(m.name.as_str()).filter(|v| !v.is_null()) else {
            continue;
        };
        let name = m.name.as_str();
        if m.has(T_HTTP_LABEL) || m.has(T_HTTP_PAYLOAD) {
            continue;
        }
        if let Some(key) = m.find_trait(|t| match t {
            ArchivedTrait::HttpQuery(k) => Some(k.as_str()),
            _ => None,
        }) {
            query_values(ctx, m, target, v, &mut |text| {
                explicit_query.push((key.to_string(), Some(text)))
            })
            .map_err(|e| e.within(name))?;
        } else if m.has(T_HTTP_QUERY_PARAMS) {
            let Value::Object(map) = v else {
                return Err(type_error("an object", v).within(name));
            };
            let value_member = target.members.iter().find(|m| m.name.as_str() == "value");
            for (k, item) in map {
                let Some(vm) = value_member else { break };
                let vs = catalog::shape(vm.target.to_native());
                query_values(ctx, vm, vs, item, &mut |text| {
                    query_maps.push((k.clone(), Some(text)))
                })
                .map_err(|e| e.within(name).within(k))?;
            }
        } else if let Some(header) = m.find_trait(|t| match t {
            ArchivedTrait::HttpHeader(h) => Some(h.as_str()),
            _ => None,
        }) {
            let text = header_value(ctx, m, target, v).map_err(|e| e.within(name))?;
            req.headers.push((header.to_string(), text));
        } else if let Some(prefix) = m.find_trait(|t| match t {
            ArchivedTrait::HttpPrefixHeaders(p) => Some(p.as_str()),
            _ => None,
        }) {
            let Value::Object(map) = v else {
                return Err(type_error("an object", v).within(name));
            };
            for (k, item) in map {
                match item {
                    Value::String(s) => req.headers.push((format!("{prefix}{k}"), s.clone())),
                    Value::Null => {}
                    other => return Err(type_error("a string", other).within(name).within(k)),
                }
            }
        } else {
            body_members.push((m, target, v));
        }
    }
    // httpQueryParams never override an explicit httpQuery of the same name.
    for (k, v) in query_maps {
        if !explicit_query.iter().any(|(e, _)| *e == k) {
            explicit_query.push((k, v));
        }
    }
    req.query.extend(explicit_query);

    if let Some((m, target)) = payload {
        let value = input.get(m.name.as_str()).filter(|v| !v.is_null());
        write_payload(ctx, &mut req, m, target, value, json)?;
    } else if !body_members.is_empty() {
        if json {
            let mut body = String::new();
            super::json::write_members(
                ctx,
                aws_smithy_json::serialize::JsonObjectWriter::new(&mut body),
                body_members.into_iter(),
                true,
            )?;
            req.body = body.into_bytes();
            req.default_header("Content-Type", "application/json");
        } else {
            req.body = super::xml::write_root(ctx, shape, input, None)?.into_bytes();
        }
    } else if json && has_unbound {
        // The input has body members, none set: an empty JSON object, as botocore sends.
        req.body = b"{}".to_vec();
        req.default_header("Content-Type", "application/json");
    }
    Ok(req)
}

/// Whether a member is bound to the URI, the query, a header or the payload (else it belongs
/// to the body document).
pub(super) fn is_bound(m: &ArchivedMember) -> bool {
    m.has(T_HTTP_LABEL)
        || m.has(T_HTTP_PAYLOAD)
        || m.has(T_HTTP_QUERY_PARAMS)
        || m.find_trait(|t| match t {
            ArchivedTrait::HttpQuery(_)
            | ArchivedTrait::HttpHeader(_)
            | ArchivedTrait::HttpPrefixHeaders(_) => Some(()),
            _ => None,
        })
        .is_some()
}

/// The body of an `httpPayload` member: a blob or string as is (streaming or not), a
/// structure/union/document as JSON or XML.
fn write_payload(
    ctx: &Ctx,
    req: &mut Serialized,
    m: &'static ArchivedMember,
    target: &'static ArchivedShape,
    value: Option<&Value>,
    json: bool,
) -> Result<()> {
    use ArchivedShapeKind as K;
    let name = m.name.as_str();
    let media_type = super::member_trait(m, |t| match t {
        ArchivedTrait::MediaType(mt) => Some(mt.as_str()),
        _ => None,
    });
    match target.kind {
        K::Blob => {
            req.streaming = target.has(catalog_format::format::T_STREAMING);
            if let Some(v) = value {
                req.body = ctx.blob(v).map_err(|e| e.within(name))?.into_owned();
                // No Content-Type for a raw payload unless the model gives one (botocore).
                if let Some(mt) = media_type {
                    req.default_header("Content-Type", mt);
                }
            }
        }
        K::String | K::Enum => {
            if let Some(v) = value {
                let Value::String(s) = v else {
                    return Err(type_error("a string", v).within(name));
                };
                req.body = s.clone().into_bytes();
                if let Some(mt) = media_type {
                    req.default_header("Content-Type", mt);
                }
            }
        }
        K::Structure | K::Union | K::Document if json => {
            let body = match value {
                Some(v) => {
                    let mut out = String::new();
                    super::json::write_value(
                        ctx,
                        aws_smithy_json::serialize::JsonValueWriter::new(&mut out),
                        Some(m),
                        target,
                        v,
                        true,
                    )
                    .map_err(|e| e.within(name))?;
                    out
                }
                None => "{}".to_string(),
            };
            req.body = body.into_bytes();
            req.default_header("Content-Type", "application/json");
        }
        K::Structure | K::Union => {
            if let Some(v) = value {
                let Value::Object(o) = v else {
                    return Err(type_error("an object", v).within(name));
                };
                req.body = super::xml::write_root(ctx, target, o, Some(m))
                    .map_err(|e| e.within(name))?
                    .into_bytes();
            }
        }
        _ => {
            return Err(SerializeError::Unsupported(format!(
                "payload member `{name}` of type {:?} is not supported",
                target.kind
            )));
        }
    }
    Ok(())
}

/// Calls `push` with the text of each query value: one for a scalar, one per item of a list.
fn query_values(
    ctx: &Ctx,
    m: &ArchivedMember,
    target: &'static ArchivedShape,
    v: &Value,
    push: &mut dyn FnMut(String),
) -> Result<()> {
    if target.kind == ArchivedShapeKind::List {
        let (item, item_shape, items) = super::list_of(target, v)?;
        for (i, value) in items.iter().enumerate() {
            if value.is_null() {
                continue;
            }
            push(
                scalar_text(
                    ctx,
                    Some(item),
                    item_shape,
                    value,
                    TimestampFormat::DateTime,
                )
                .map_err(|e| e.within(&i.to_string()))?,
            );
        }
        return Ok(());
    }
    push(scalar_text(
        ctx,
        Some(m),
        target,
        v,
        TimestampFormat::DateTime,
    )?);
    Ok(())
}

/// A header's value: scalars as text (timestamps as HTTP dates by default), lists joined with
/// `,` (strings quoted when they hold `,` or `"`), JSON strings with a `mediaType` base64.
fn header_value(
    ctx: &Ctx,
    m: &ArchivedMember,
    target: &'static ArchivedShape,
    v: &Value,
) -> Result<String> {
    match target.kind {
        ArchivedShapeKind::List => {
            let (item, item_shape, items) = super::list_of(target, v)?;
            let mut parts = Vec::with_capacity(items.len());
            for (i, value) in items.iter().enumerate() {
                if value.is_null() {
                    continue;
                }
                let text = header_scalar(ctx, Some(item), item_shape, value)
                    .map_err(|e| e.within(&i.to_string()))?;
                let quoted = matches!(
                    item_shape.kind,
                    ArchivedShapeKind::String | ArchivedShapeKind::Enum
                ) && (text.contains(',') || text.contains('"'));
                parts.push(if quoted {
                    format!("\"{}\"", text.replace('"', "\\\""))
                } else {
                    text
                });
            }
            Ok(parts.join(","))
        }
        _ => header_scalar(ctx, Some(m), target, v),
    }
}

fn header_scalar(
    ctx: &Ctx,
    m: Option<&ArchivedMember>,
    target: &'static ArchivedShape,
    v: &Value,
) -> Result<String> {
    let json_media = target.kind == ArchivedShapeKind::String
        && target
            .find_trait(|t| match t {
                ArchivedTrait::MediaType(_) => Some(()),
                _ => None,
            })
            .is_some();
    if json_media {
        // A JSON value in a header: compact JSON, base64 (botocore's jsonvalue headers).
        // Text that already is a JSON object or array is sent as it is; anything else is
        // encoded as JSON first (botocore's `json.dumps`).
        let text = match v {
            Value::String(s)
                if serde_json::from_str::<Value>(s)
                    .is_ok_and(|j| j.is_object() || j.is_array()) =>
            {
                s.clone()
            }
            other => other.to_string(),
        };
        return Ok(base64::engine::general_purpose::STANDARD.encode(text));
    }
    scalar_text(ctx, m, target, v, TimestampFormat::HttpDate)
}

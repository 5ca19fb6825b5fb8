//! Request serialisation: an operation's JSON input → the protocol's HTTP request parts
//! (method, path, query, headers, body), driven by the compiled shape graph.
//!
//! One module per wire format, shared by the protocols that use it:
//! - [`json`]: JSON bodies of awsJson1_0, awsJson1_1 and restJson1;
//! - [`xml`]: XML bodies of restXml;
//! - [`query`]: form bodies of awsQuery and ec2Query (their naming rules differ);
//! - [`http_binding`]: URI labels, query parameters, headers and payload members of the REST
//!   protocols (restJson1, restXml).
//!
//! The protocol entry points ([`serialize`]) decide which members go where. Endpoint
//! resolution, host prefixes, checksums, compression and signing are applied afterwards by
//! [`crate::invoke::request`], the same for every protocol.

pub mod http_binding;
pub mod json;
pub mod query;
pub mod xml;

use std::borrow::Cow;

use aws_smithy_types::DateTime;
use base64::Engine;
use catalog_format::format::{
    ArchivedMember, ArchivedProtocol, ArchivedShape, ArchivedShapeKind, ArchivedTimestampFormat,
    ArchivedTrait, OP_EVENT_STREAM, T_STREAMING,
};
use serde_json::{Map, Value};

use crate::catalog;
use crate::timestamp::TimestampFormat;

/// How blob values given as JSON strings are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlobInput {
    /// Base64 text (the tools' schemas describe blobs this way).
    #[default]
    Base64,
    /// UTF-8 text taken as the bytes themselves (botocore's reading of a `str` blob).
    Text,
}

/// Options of the serialisers.
#[derive(Debug, Clone, Copy, Default)]
pub struct SerializeOptions {
    pub blobs: BlobInput,
}

/// The protocol-specific parts of an HTTP request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Serialized {
    pub method: String,
    /// The path, percent-encoded, starting with `/`.
    pub path: String,
    /// Query parameters, not encoded, in order: the URI template's literals first.
    pub query: Vec<(String, Option<String>)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body is a streaming blob payload (S3 PutObject, Lambda Invoke...).
    pub streaming: bool,
}

impl Serialized {
    /// Adds a header unless one of that name is present.
    pub fn default_header(&mut self, name: &str, value: impl Into<String>) {
        if !self.has_header(name) {
            self.headers.push((name.to_string(), value.into()));
        }
    }

    pub fn has_header(&self, name: &str) -> bool {
        crate::invoke::find_header(&self.headers, name).is_some()
    }
}

/// Why an input could not be serialised. `path` is a JSON pointer into the input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SerializeError {
    #[error("{path}: expected {expected}, got {got}")]
    Type {
        path: String,
        expected: &'static str,
        got: &'static str,
    },
    #[error("{path}: {reason}")]
    Value { path: String, reason: String },
    #[error("missing required member `{0}` (it is part of the request URI or host)")]
    MissingLabel(String),
    #[error("{0}")]
    Unsupported(String),
}

impl SerializeError {
    /// The same error one level deeper: `segment` is prepended to the path.
    pub fn within(self, segment: &str) -> Self {
        let prefix = |path: String| format!("/{segment}{path}");
        match self {
            SerializeError::Type {
                path,
                expected,
                got,
            } => SerializeError::Type {
                path: prefix(path),
                expected,
                got,
            },
            SerializeError::Value { path, reason } => SerializeError::Value {
                path: prefix(path),
                reason,
            },
            other => other,
        }
    }

    fn value(reason: impl Into<String>) -> Self {
        SerializeError::Value {
            path: String::new(),
            reason: reason.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, SerializeError>;

/// Serialises `input` for catalog operation `op` in its service's protocol.
pub fn serialize(
    op: u32,
    input: &Map<String, Value>,
    opts: SerializeOptions,
) -> Result<Serialized> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let Some(protocol) = svc.protocol.as_ref() else {
        return Err(SerializeError::Unsupported(format!(
            "service `{}` declares no protocol this server speaks ({:?})",
            svc.name,
            svc.protocols.iter().map(|p| p.as_str()).collect::<Vec<_>>()
        )));
    };
    if o.has(OP_EVENT_STREAM)
        && o.input
            .as_ref()
            .is_some_and(|i| has_event_stream(catalog::shape(i.to_native())))
    {
        return Err(SerializeError::Unsupported(format!(
            "`{}` `{}` sends an event stream, which this server does not support",
            svc.name, o.name
        )));
    }
    let ctx = Ctx {
        opts,
        xml_namespace: svc.xml_namespace.as_str(),
        strip_bucket_label: svc.name.as_str() == "s3",
    };
    match protocol {
        ArchivedProtocol::AwsJson1_0 | ArchivedProtocol::AwsJson1_1 => {
            json::serialize_aws_json(&ctx, op, *protocol, input)
        }
        ArchivedProtocol::RestJson1 => http_binding::serialize_rest(&ctx, op, input, true),
        ArchivedProtocol::RestXml => http_binding::serialize_rest(&ctx, op, input, false),
        ArchivedProtocol::AwsQuery => query::serialize_query(&ctx, op, input, false),
        ArchivedProtocol::Ec2Query => query::serialize_query(&ctx, op, input, true),
    }
}

fn has_event_stream(input: &ArchivedShape) -> bool {
    input.members.iter().any(|m| {
        let t = catalog::shape(m.target.to_native());
        t.kind == ArchivedShapeKind::Union && t.has(T_STREAMING)
    })
}

/// What every serialiser needs besides the shape graph.
pub(crate) struct Ctx {
    pub opts: SerializeOptions,
    /// The service's `xmlNamespace`: the default namespace of a restXml root element.
    pub xml_namespace: &'static str,
    /// S3: the `{Bucket}` label leaves the path, the endpoint carries the bucket.
    pub strip_bucket_label: bool,
}

impl Ctx {
    /// The bytes of a blob value: `{"$bytes": base64}`, or a string read as [`BlobInput`] says.
    pub fn blob<'v>(&self, v: &'v Value) -> Result<Cow<'v, [u8]>> {
        match v {
            Value::String(s) => match self.opts.blobs {
                BlobInput::Text => Ok(Cow::Borrowed(s.as_bytes())),
                BlobInput::Base64 => base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map(Cow::Owned)
                    .map_err(|e| SerializeError::value(format!("not valid base64: {e}"))),
            },
            Value::Object(o) if o.len() == 1 && o.contains_key("$bytes") => {
                let b64 = o["$bytes"].as_str().unwrap_or_default();
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map(Cow::Owned)
                    .map_err(|e| SerializeError::value(format!("$bytes is not valid base64: {e}")))
            }
            other => Err(type_error("a blob (base64 string)", other)),
        }
    }
}

/// The error for a value of the wrong JSON type.
pub(crate) fn type_error(expected: &'static str, got: &Value) -> SerializeError {
    SerializeError::Type {
        path: String::new(),
        expected,
        got: crate::validate::type_name(got),
    }
}

/// A timestamp value.
pub(crate) fn timestamp(v: &Value) -> Result<DateTime> {
    crate::timestamp::parse(v).map_err(SerializeError::value)
}

/// The `timestampFormat` of a member (its own trait, else its target's), else `default`.
pub(crate) fn timestamp_format(
    member: Option<&ArchivedMember>,
    target: &ArchivedShape,
    default: TimestampFormat,
) -> TimestampFormat {
    let of = |t: &ArchivedTrait| match t {
        ArchivedTrait::TimestampFormat(f) => Some(match f {
            ArchivedTimestampFormat::DateTime => TimestampFormat::DateTime,
            ArchivedTimestampFormat::HttpDate => TimestampFormat::HttpDate,
            ArchivedTimestampFormat::EpochSeconds => TimestampFormat::EpochSeconds,
        }),
        _ => None,
    };
    member
        .and_then(|m| m.find_trait(of))
        .or_else(|| target.find_trait(of))
        .unwrap_or(default)
}

/// A float value: a JSON number, or `{"$float": "NaN" | "Infinity" | "-Infinity"}` / the same
/// words as a string.
pub(crate) fn float(v: &Value) -> Result<f64> {
    let word = match v {
        Value::Number(n) => return n.as_f64().ok_or_else(|| type_error("a number", v)),
        Value::String(s) => s.as_str(),
        Value::Object(o) if o.len() == 1 => o
            .get("$float")
            .and_then(Value::as_str)
            .ok_or_else(|| type_error("a number", v))?,
        other => return Err(type_error("a number", other)),
    };
    match word {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        s => s
            .parse::<f64>()
            .map_err(|_| SerializeError::value(format!("`{s}` is not a number"))),
    }
}

/// Text of a float as botocore (Python's `str`) writes it in query strings and XML:
/// `1.0`, `0.5`, `nan`, `inf`.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        "nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if f.fract() == 0.0 && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// The text form of a scalar value for query strings, headers, labels, XML text:
/// strings as is, booleans `true`/`false`, numbers as written, timestamps in `format`, blobs
/// base64.
pub(crate) fn scalar_text(
    ctx: &Ctx,
    member: Option<&ArchivedMember>,
    shape: &ArchivedShape,
    v: &Value,
    ts_default: TimestampFormat,
) -> Result<String> {
    use ArchivedShapeKind as K;
    match shape.kind {
        K::String | K::Enum => match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(type_error("a string", other)),
        },
        K::Boolean => match v {
            Value::Bool(b) => Ok(b.to_string()),
            Value::String(s) if s == "true" || s == "false" => Ok(s.clone()),
            other => Err(type_error("a boolean", other)),
        },
        K::Byte | K::Short | K::Integer | K::Long | K::IntEnum | K::BigInteger => match v {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
            Value::Number(n) => Ok(format!("{}", n.as_f64().unwrap_or(0.0) as i64)),
            Value::String(s) if s.parse::<i128>().is_ok() => Ok(s.clone()),
            other => Err(type_error("an integer", other)),
        },
        K::Float | K::Double => float(v).map(float_text),
        K::BigDecimal => match v {
            Value::Number(n) => Ok(n.to_string()),
            Value::String(s) => Ok(s.clone()),
            other => Err(type_error("a number", other)),
        },
        K::Timestamp => Ok(crate::timestamp::format(
            timestamp(v)?,
            timestamp_format(member, shape, ts_default),
        )),
        K::Blob => Ok(base64::engine::general_purpose::STANDARD.encode(ctx.blob(v)?)),
        K::Document | K::List | K::Map | K::Structure | K::Union => {
            Err(type_error("a scalar value", v))
        }
    }
}

/// The first trait of `m` (then of its target) that `f` picks.
pub(crate) fn member_trait<'a, T>(
    m: &'a ArchivedMember,
    f: impl Fn(&'a ArchivedTrait) -> Option<T> + Copy,
) -> Option<T> {
    m.find_trait(f)
        .or_else(|| catalog::shape(m.target.to_native()).find_trait(f))
}

/// A list value with its item member and the item shape.
pub(crate) fn list_of<'v>(
    shape: &'static ArchivedShape,
    v: &'v Value,
) -> Result<(&'static ArchivedMember, &'static ArchivedShape, &'v [Value])> {
    let Value::Array(items) = v else {
        return Err(type_error("an array", v));
    };
    let item = shape.members.first().ok_or_else(|| {
        SerializeError::Unsupported(format!(
            "list shape `{}` has no member",
            crate::validate::shape_name(shape)
        ))
    })?;
    Ok((item, catalog::shape(item.target.to_native()), items))
}

/// The `key` and `value` members of a map shape.
pub(crate) fn map_members(
    shape: &'static ArchivedShape,
) -> Option<(&'static ArchivedMember, &'static ArchivedMember)> {
    let find = |name: &str| shape.members.iter().find(|m| m.name.as_str() == name);
    Some((find("key")?, find("value")?))
}

/// `xmlName` of a member (own trait, else its target's).
pub(crate) fn xml_name(m: &ArchivedMember) -> Option<&str> {
    member_trait(m, |t| match t {
        ArchivedTrait::XmlName(n) => Some(n.as_str()),
        _ => None,
    })
}

/// The inputs's members that are set (not null), in model order, with their targets.
pub(crate) fn set_members<'a>(
    shape: &'static ArchivedShape,
    input: &'a Map<String, Value>,
) -> impl Iterator<Item = (&'static ArchivedMember, &'static ArchivedShape, &'a Value)> {
    shape.members.iter().filter_map(move |m| {
        let v = input.get(m.name.as_str()).filter(|v| !v.is_null())?;
        Some((m, catalog::shape(m.target.to_native()), v))
    })
}

/// Fails on input members the shape does not have (a typo would otherwise be dropped
/// silently and the call made without it).
pub(crate) fn check_known_members(shape: &ArchivedShape, input: &Map<String, Value>) -> Result<()> {
    for key in input.keys() {
        if !shape.members.iter().any(|m| m.name.as_str() == key) {
            return Err(SerializeError::Value {
                path: format!("/{key}"),
                reason: format!(
                    "`{}` has no member `{key}`",
                    crate::validate::shape_name(shape)
                ),
            });
        }
    }
    Ok(())
}

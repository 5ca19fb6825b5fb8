//! JSON bodies: awsJson1_0 / awsJson1_1 (the whole input, RPC style) and the body members of
//! restJson1. Written with `aws-smithy-json`'s writers (string escaping, non-finite floats as
//! `"NaN"`/`"Infinity"` as the AWS JSON protocols want them).

use aws_smithy_json::serialize::{JsonObjectWriter, JsonValueWriter};
use aws_smithy_types::Number;
use base64::Engine;
use catalog_format::format::{
    ArchivedMember, ArchivedProtocol, ArchivedShape, ArchivedShapeKind, ArchivedTrait,
};
use serde_json::{Map, Value};

use super::{
    Ctx, Result, Serialized, check_known_members, float, member_trait, timestamp, timestamp_format,
    type_error,
};
use crate::catalog;
use crate::timestamp::TimestampFormat;

/// awsJson1_0 / awsJson1_1: `POST /`, `X-Amz-Target: <ServiceShape>.<Operation>`, the input
/// as a JSON object (`{}` when there is none).
pub(super) fn serialize_aws_json(
    ctx: &Ctx,
    op: u32,
    protocol: ArchivedProtocol,
    input: &Map<String, Value>,
) -> Result<Serialized> {
    let o = catalog::operation(op);
    let svc = catalog::service(o.service.to_native());
    let target_prefix = svc
        .shape_id
        .as_str()
        .rsplit_once('#')
        .map_or(svc.shape_id.as_str(), |(_, n)| n);
    let content_type = match protocol {
        ArchivedProtocol::AwsJson1_0 => "application/x-amz-json-1.0",
        _ => "application/x-amz-json-1.1",
    };
    let mut body = String::with_capacity(128);
    match o.input.as_ref() {
        Some(shape) => write_structure(
            ctx,
            JsonValueWriter::new(&mut body),
            catalog::shape(shape.to_native()),
            input,
            false,
        )?,
        None => body.push_str("{}"),
    }
    let mut headers = vec![
        (
            "X-Amz-Target".to_string(),
            format!("{target_prefix}.{}", o.name),
        ),
        ("Content-Type".to_string(), content_type.to_string()),
    ];
    if svc.aws_query_compatible {
        headers.push(("x-amzn-query-mode".to_string(), "true".to_string()));
    }
    Ok(Serialized {
        method: "POST".to_string(),
        path: "/".to_string(),
        query: Vec::new(),
        headers,
        body: body.into_bytes(),
        streaming: false,
    })
}

/// Writes `members` (member, target, value) into the object `obj` and closes it.
pub(super) fn write_members<'m>(
    ctx: &Ctx,
    mut obj: JsonObjectWriter<'_>,
    members: impl Iterator<Item = (&'static ArchivedMember, &'static ArchivedShape, &'m Value)>,
    rest_json: bool,
) -> Result<()> {
    for (m, target, v) in members {
        write_value(
            ctx,
            obj.key(json_key(m, rest_json)),
            Some(m),
            target,
            v,
            rest_json,
        )
        .map_err(|e| e.within(m.name.as_str()))?;
    }
    obj.finish();
    Ok(())
}

/// restJson1 uses `jsonName`; the awsJson protocols ignore it.
fn json_key(m: &ArchivedMember, rest_json: bool) -> &str {
    if rest_json
        && let Some(n) = member_trait(m, |t| match t {
            ArchivedTrait::JsonName(n) => Some(n.as_str()),
            _ => None,
        })
    {
        return n;
    }
    m.name.as_str()
}

fn write_structure(
    ctx: &Ctx,
    w: JsonValueWriter<'_>,
    shape: &'static ArchivedShape,
    v: &Map<String, Value>,
    rest_json: bool,
) -> Result<()> {
    check_known_members(shape, v)?;
    write_members(
        ctx,
        w.start_object(),
        super::set_members(shape, v),
        rest_json,
    )
}

/// Writes one value of `shape`.
pub(super) fn write_value(
    ctx: &Ctx,
    w: JsonValueWriter<'_>,
    member: Option<&ArchivedMember>,
    shape: &'static ArchivedShape,
    v: &Value,
    rest_json: bool,
) -> Result<()> {
    use ArchivedShapeKind as K;
    match shape.kind {
        K::Structure => match v {
            Value::Object(o) => write_structure(ctx, w, shape, o, rest_json)?,
            other => return Err(type_error("an object", other)),
        },
        K::Union => match v {
            // Exactly-one-member is checked by validation; the wire writes what it is given.
            Value::Object(o) => write_structure(ctx, w, shape, o, rest_json)?,
            other => return Err(type_error("an object", other)),
        },
        K::List => {
            let (item, item_shape, items) = super::list_of(shape, v)?;
            let mut arr = w.start_array();
            for (i, value) in items.iter().enumerate() {
                if value.is_null() {
                    arr.value().null();
                    continue;
                }
                write_value(ctx, arr.value(), Some(item), item_shape, value, rest_json)
                    .map_err(|e| e.within(&i.to_string()))?;
            }
            arr.finish();
        }
        K::Map => {
            let Value::Object(entries) = v else {
                return Err(type_error("an object", v));
            };
            let Some(value_member) = shape.members.iter().find(|m| m.name.as_str() == "value")
            else {
                return Err(type_error("nothing (map shape without value)", v));
            };
            let value_shape = catalog::shape(value_member.target.to_native());
            let mut obj = w.start_object();
            for (k, value) in entries {
                if value.is_null() {
                    obj.key(k).null();
                    continue;
                }
                write_value(
                    ctx,
                    obj.key(k),
                    Some(value_member),
                    value_shape,
                    value,
                    rest_json,
                )
                .map_err(|e| e.within(k))?;
            }
            obj.finish();
        }
        K::String | K::Enum => match v {
            Value::String(s) => w.string(s),
            other => return Err(type_error("a string", other)),
        },
        K::Boolean => match v {
            Value::Bool(b) => w.boolean(*b),
            other => return Err(type_error("a boolean", other)),
        },
        K::Byte | K::Short | K::Integer | K::Long | K::IntEnum => match v {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    w.number(Number::PosInt(u))
                } else if let Some(i) = n.as_i64() {
                    w.number(Number::NegInt(i))
                } else {
                    w.number(Number::NegInt(n.as_f64().unwrap_or(0.0) as i64))
                }
            }
            other => return Err(type_error("an integer", other)),
        },
        K::BigInteger | K::BigDecimal => match v {
            Value::Number(n) => w.write_raw_value(&n.to_string()),
            Value::String(s) if s.parse::<f64>().is_ok() => w.write_raw_value(s),
            other => return Err(type_error("a number", other)),
        },
        K::Float | K::Double => w.number(Number::Float(float(v)?)),
        K::Timestamp => {
            let dt = timestamp(v)?;
            match timestamp_format(member, shape, TimestampFormat::EpochSeconds) {
                TimestampFormat::EpochSeconds => {
                    w.write_raw_value(&crate::timestamp::epoch_text(dt))
                }
                f => w.string(&crate::timestamp::format(dt, f)),
            }
        }
        K::Blob => w.string(&base64::engine::general_purpose::STANDARD.encode(ctx.blob(v)?)),
        K::Document => write_document(w, v),
    }
    Ok(())
}

/// A document value is written as the JSON it is.
fn write_document(w: JsonValueWriter<'_>, v: &Value) {
    match v {
        Value::Null => w.null(),
        Value::Bool(b) => w.boolean(*b),
        Value::Number(n) => w.write_raw_value(&n.to_string()),
        Value::String(s) => w.string(s),
        Value::Array(items) => {
            let mut arr = w.start_array();
            for item in items {
                write_document(arr.value(), item);
            }
            arr.finish();
        }
        Value::Object(o) => {
            let mut obj = w.start_object();
            for (k, item) in o {
                write_document(obj.key(k), item);
            }
            obj.finish();
        }
    }
}

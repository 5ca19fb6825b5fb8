//! JSON bodies (awsJson1_0, awsJson1_1, restJson1): the body is read with serde_json, then
//! walked along the output shape.
//!
//! serde_json rather than aws-smithy-json's token stream: the walk needs random access by
//! member name (members come in any order and unknown ones are skipped), which a parsed value
//! gives directly; the smithy-rs token reader would need us to buffer the same tree ourselves.
//!
//! - structure members by `jsonName`, else member name; `null` members are absent;
//! - unions: the one member set; an unknown one becomes `{"SDK_UNKNOWN_MEMBER": {"name"}}`;
//! - lists and maps keep `null` entries (sparse collections);
//! - timestamps: epoch seconds (number) or any text form, written RFC 3339;
//! - blobs: base64 text; floats may be `"NaN"`, `"Infinity"`, `"-Infinity"`;
//! - documents are copied as they are.

use catalog_format::format::ArchivedShapeKind as K;
use serde_json::{Map, Value};

use super::value;
use super::{BodyError, ParseOptions};
use crate::catalog;

/// Reads a JSON body (empty = `{}`) and walks it along `shape`.
pub fn parse_body(shape: u32, body: &[u8], opts: &ParseOptions) -> Result<Value, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    // Straight into the output form; the tree walk below only runs to explain an error.
    if let Some(v) = super::json_seed::parse(shape, body, opts) {
        return Ok(v);
    }
    let doc = read_body(body)?;
    Ok(from_json(shape, &doc, opts)?.unwrap_or_else(|| Value::Object(Map::new())))
}

/// The body as a JSON value; an empty (or all-whitespace) body is `{}`.
pub fn read_body(body: &[u8]) -> Result<Value, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(body).map_err(|e| BodyError::new(format!("invalid JSON: {e}")))
}

/// A JSON value of shape `shape` in output form; `None` for `null`.
pub fn from_json(shape: u32, v: &Value, opts: &ParseOptions) -> Result<Option<Value>, BodyError> {
    if v.is_null() {
        return Ok(None);
    }
    let s = catalog::shape(shape);
    let wrong = |want: &str| {
        Err(BodyError::new(format!(
            "expected {want}, got {}",
            crate::validate::type_name(v)
        )))
    };
    let out = match s.kind {
        K::Structure | K::Union => {
            let Value::Object(obj) = v else {
                return wrong("an object");
            };
            return structure(shape, obj, opts).map(Some);
        }
        K::List => {
            let Value::Array(items) = v else {
                return wrong("an array");
            };
            let Some(member) = s.members.first() else {
                return Ok(Some(Value::Array(Vec::new())));
            };
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let parsed = from_json(member.target.to_native(), item, opts)
                    .map_err(|e| e.under(i.to_string()))?;
                out.push(parsed.unwrap_or(Value::Null));
            }
            Value::Array(out)
        }
        K::Map => {
            let Value::Object(obj) = v else {
                return wrong("an object");
            };
            let Some(val) = s.members.iter().find(|m| m.name == "value") else {
                return Ok(Some(Value::Object(Map::new())));
            };
            let mut out = Map::new();
            for (k, item) in obj {
                let parsed = from_json(val.target.to_native(), item, opts)
                    .map_err(|e| e.under(k.clone()))?;
                out.insert(k.clone(), parsed.unwrap_or(Value::Null));
            }
            Value::Object(out)
        }
        K::String | K::Enum => match v {
            Value::String(_) => v.clone(),
            _ => return wrong("a string"),
        },
        K::Boolean => match v {
            Value::Bool(_) => v.clone(),
            _ => return wrong("a boolean"),
        },
        K::Byte | K::Short | K::Integer | K::Long | K::IntEnum => match v {
            Value::Number(n) if n.is_i64() || n.is_u64() => v.clone(),
            _ => return wrong("an integer"),
        },
        K::Float | K::Double => match v {
            Value::Number(_) => v.clone(),
            Value::String(t) => value::float(value::parse_float(t)?, opts),
            _ => return wrong("a number"),
        },
        K::BigInteger | K::BigDecimal => match v {
            Value::Number(_) => v.clone(),
            Value::String(t) => value::parse_big(t)?,
            _ => return wrong("a number"),
        },
        K::Timestamp => match v {
            Value::Number(n) => value::timestamp_epoch(n)?,
            Value::String(t) => value::timestamp_text(t)?,
            _ => return wrong("a timestamp"),
        },
        K::Blob => match v {
            Value::String(t) => value::blob(&value::decode_base64(t)?, opts),
            _ => return wrong("base64 text"),
        },
        K::Document => v.clone(),
    };
    Ok(Some(out))
}

/// A structure or union object: modeled members by JSON name, in model order.
fn structure(
    shape: u32,
    obj: &Map<String, Value>,
    opts: &ParseOptions,
) -> Result<Value, BodyError> {
    let s = catalog::shape(shape);
    if s.kind == K::Union {
        let mut keys = obj.keys().filter(|k| k.as_str() != "__type");
        if let (Some(k), None) = (keys.next(), keys.next())
            && !s.members.iter().any(|m| value::json_name(m) == k)
        {
            let mut unknown = Map::new();
            unknown.insert(
                "SDK_UNKNOWN_MEMBER".into(),
                serde_json::json!({ "name": k }),
            );
            return Ok(Value::Object(unknown));
        }
    }
    let mut out = Map::new();
    for m in s.members.iter() {
        let Some(raw) = obj.get(value::json_name(m)) else {
            continue;
        };
        if let Some(parsed) =
            from_json(m.target.to_native(), raw, opts).map_err(|e| e.under(m.name.as_str()))?
        {
            out.insert(m.name.as_str().to_string(), parsed);
        }
    }
    Ok(Value::Object(out))
}

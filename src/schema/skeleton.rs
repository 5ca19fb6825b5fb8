//! The skeleton example of an operation's input: its required members only, each with a value
//! that satisfies the member's type and constraints (enums take their first value, patterned
//! strings a generated witness, numbers a value inside their range). The schema includes it
//! in `examples` only when [`crate::validate::validate_input`] accepts it.

use base64::Engine as _;
use catalog_format::format::{
    ArchivedCatalog, ArchivedMember, ArchivedShapeKind, ArchivedTrait, T_UNIQUE_ITEMS,
};
use serde_json::{Map, Number, Value, json};

use super::witness::string_witness;
use crate::catalog;
use crate::validate::{
    Constraints, enum_values, int_enum_values, integer_bounds, member_required, named_member,
};

/// Nesting followed before giving up (a required member chain this deep is not realistic).
const MAX_DEPTH: usize = 24;

/// The skeleton payload of operation `op`, or `None` when no valid one could be built.
pub fn skeleton(op: u32) -> Option<Value> {
    skeleton_in(catalog::get(), op)
}

/// [`skeleton`] over a given catalog.
pub fn skeleton_in(cat: &'static ArchivedCatalog, op: u32) -> Option<Value> {
    match cat.operations.get(op as usize)?.input.as_ref() {
        None => Some(json!({})),
        Some(input) => example(cat, input.to_native(), None, 0),
    }
}

/// An example value of shape `target` reached through `member`.
fn example(
    cat: &'static ArchivedCatalog,
    target: u32,
    member: Option<&'static ArchivedMember>,
    depth: usize,
) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let shape = cat.shapes.get(target as usize)?;
    let default = member
        .and_then(|m| m.find_trait(default_of))
        .or_else(|| shape.find_trait(default_of));
    let c = Constraints::of(cat, shape, member);
    if let Some(v) = default
        && !v.is_null()
        && default_fits(&v, &c)
    {
        return Some(v);
    }
    match shape.kind {
        ArchivedShapeKind::Structure => {
            let mut out = Map::new();
            for m in shape.members.iter() {
                if member_required(m, depth == 0) {
                    let v = example(cat, m.target.to_native(), Some(m), depth + 1)?;
                    out.insert(m.name.to_string(), v);
                }
            }
            Some(Value::Object(out))
        }
        ArchivedShapeKind::Union => shape.members.iter().find_map(|m| {
            let v = example(cat, m.target.to_native(), Some(m), depth + 1)?;
            let mut out = Map::new();
            out.insert(m.name.to_string(), v);
            Some(Value::Object(out))
        }),
        ArchivedShapeKind::List => {
            let count = c.length_min.unwrap_or(0) as usize;
            if count == 0 {
                return Some(json!([]));
            }
            let item = named_member(shape, "member")?;
            let v = example(cat, item.target.to_native(), Some(item), depth + 1)?;
            let unique = shape.has(T_UNIQUE_ITEMS) || member.is_some_and(|m| m.has(T_UNIQUE_ITEMS));
            if unique && count > 1 {
                return None;
            }
            Some(Value::Array(vec![v; count.min(100)]))
        }
        ArchivedShapeKind::Map => {
            let count = c.length_min.unwrap_or(0) as usize;
            if count == 0 {
                return Some(json!({}));
            }
            if count > 1 {
                return None;
            }
            let key = named_member(shape, "key")?;
            let value = named_member(shape, "value")?;
            let k = example(cat, key.target.to_native(), Some(key), depth + 1)?;
            let v = example(cat, value.target.to_native(), Some(value), depth + 1)?;
            let mut out = Map::new();
            out.insert(k.as_str()?.to_string(), v);
            Some(Value::Object(out))
        }
        ArchivedShapeKind::String => {
            let pats: Vec<u32> = c.patterns.iter().flatten().copied().collect();
            string_witness(cat, &pats, c.length_min, c.length_max).map(Value::String)
        }
        ArchivedShapeKind::Enum => enum_values(shape).next().map(Value::from),
        ArchivedShapeKind::IntEnum => int_enum_values(shape).next().map(Value::from),
        ArchivedShapeKind::Byte
        | ArchivedShapeKind::Short
        | ArchivedShapeKind::Integer
        | ArchivedShapeKind::Long
        | ArchivedShapeKind::BigInteger => {
            let (lo, hi) = integer_bounds(shape.kind).unwrap_or((i128::MIN, i128::MAX));
            let lo = c
                .range_min
                .and_then(|m| m.parse::<f64>().ok())
                .map_or(lo, |m| lo.max(m.ceil() as i128));
            let hi = c
                .range_max
                .and_then(|m| m.parse::<f64>().ok())
                .map_or(hi, |m| hi.min(m.floor() as i128));
            if lo > hi {
                return None;
            }
            // 1 rather than 0: counts, sizes and limits are the common case.
            let v = 1i128.clamp(lo, hi);
            i64::try_from(v).ok().map(Value::from)
        }
        ArchivedShapeKind::Float | ArchivedShapeKind::Double | ArchivedShapeKind::BigDecimal => {
            let lo = c.range_min.and_then(|m| m.parse::<f64>().ok());
            let hi = c.range_max.and_then(|m| m.parse::<f64>().ok());
            let mut v = 0.0f64;
            if let Some(lo) = lo {
                v = v.max(lo);
            }
            if let Some(hi) = hi {
                v = v.min(hi);
            }
            if v.fract() == 0.0 && v.abs() < 1e15 {
                Some(Value::from(v as i64))
            } else {
                Number::from_f64(v).map(Value::Number)
            }
        }
        ArchivedShapeKind::Boolean => Some(json!(false)),
        ArchivedShapeKind::Timestamp => Some(json!("2024-01-01T00:00:00Z")),
        ArchivedShapeKind::Blob => {
            let n = c.length_min.unwrap_or(0) as usize;
            if n > 4096 {
                return None;
            }
            Some(Value::String(
                base64::engine::general_purpose::STANDARD.encode(vec![0u8; n]),
            ))
        }
        ArchivedShapeKind::Document => Some(json!({})),
    }
}

/// Whether a model default also meets the value's range and length (a few models default a
/// required member to 0 under `@range(min: 1)`).
fn default_fits(v: &Value, c: &Constraints) -> bool {
    let bound = |b: Option<&str>| b.and_then(|t| t.parse::<f64>().ok());
    if let Some(n) = v.as_f64() {
        return bound(c.range_min).is_none_or(|m| n >= m)
            && bound(c.range_max).is_none_or(|m| n <= m);
    }
    let len = match v {
        Value::String(s) => s.chars().count() as u64,
        Value::Array(a) => a.len() as u64,
        Value::Object(o) => o.len() as u64,
        _ => return true,
    };
    c.length_min.is_none_or(|m| len >= m) && c.length_max.is_none_or(|m| len <= m)
}

fn default_of(t: &'static ArchivedTrait) -> Option<Value> {
    match t {
        ArchivedTrait::Default(d) => super::default_json(d),
        _ => None,
    }
}

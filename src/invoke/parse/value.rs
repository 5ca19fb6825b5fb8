//! Scalars as the parsers write them, and the model lookups every format shares.
//!
//! Timestamps are read leniently (any wire format: epoch seconds, date-time, http-date, as
//! botocore reads them) and written as RFC 3339 ([`crate::timestamp::to_rfc3339`]); blobs as
//! base64; NaN/±Infinity as strings unless [`ParseOptions::tagged_floats`].

use aws_smithy_types::date_time::DateTime;
use base64::Engine as _;
use catalog_format::format::{ArchivedMember, ArchivedShape, ArchivedTrait};
use serde_json::{Value, json};

use super::{BodyError, ParseOptions};
use crate::catalog;

/// A blob's output form.
pub fn blob(bytes: &[u8], opts: &ParseOptions) -> Value {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    if opts.tagged_bytes {
        json!({ "$bytes": b64 })
    } else {
        Value::String(b64)
    }
}

/// Reads base64 text (whitespace ignored, padding optional).
pub fn decode_base64(text: &str) -> Result<Vec<u8>, BodyError> {
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let trimmed = clean.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .map_err(|e| BodyError::new(format!("blob is not valid base64: {e}")))
}

/// A float's output form: a number, or NaN/±Infinity as text or tagged.
pub fn float(f: f64, opts: &ParseOptions) -> Value {
    if let Some(n) = serde_json::Number::from_f64(f) {
        return Value::Number(n);
    }
    let text = if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    };
    if opts.tagged_floats {
        json!({ "$float": text })
    } else {
        Value::String(text.to_string())
    }
}

/// Reads float text, including `NaN`, `Infinity` and `-Infinity`.
pub fn parse_float(text: &str) -> Result<f64, BodyError> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        t => t
            .parse::<f64>()
            .map_err(|_| BodyError::new(format!("`{}` is not a number", short(t)))),
    }
}

/// Reads integer text.
pub fn parse_int(text: &str) -> Result<Value, BodyError> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Value::from(i));
    }
    if let Ok(u) = t.parse::<u64>() {
        return Ok(Value::from(u));
    }
    Err(BodyError::new(format!("`{}` is not an integer", short(t))))
}

/// Reads a bigInteger/bigDecimal: a JSON number when it is one, else the text.
pub fn parse_big(text: &str) -> Result<Value, BodyError> {
    let t = text.trim();
    match serde_json::from_str::<serde_json::Number>(t) {
        Ok(n) => Ok(Value::Number(n)),
        Err(_) => Err(BodyError::new(format!("`{}` is not a number", short(t)))),
    }
}

/// Reads an XML (or rest-xml header) boolean as botocore does: `true` is true, any other text
/// (`false`, but also `False`, `True`, `1` or nothing, as some AWS-compatible servers write) is
/// false.
pub fn parse_bool(text: &str) -> bool {
    text.trim() == "true"
}

/// Reads a restJson1 header boolean as botocore does: `true` in any case is true, any other
/// text false.
pub fn parse_header_bool(text: &str) -> bool {
    text.trim().eq_ignore_ascii_case("true")
}

/// A timestamp in any wire format as RFC 3339.
pub fn timestamp_text(text: &str) -> Result<Value, BodyError> {
    crate::timestamp::parse_str(text)
        .map(|dt| Value::String(crate::timestamp::to_rfc3339(round_micros(dt))))
        .map_err(BodyError::new)
}

/// Epoch seconds (a JSON number) as RFC 3339, to the microsecond as botocore reads them.
pub fn timestamp_epoch(n: &serde_json::Number) -> Result<Value, BodyError> {
    let dt = if let Some(i) = n.as_i64() {
        DateTime::from_secs(i)
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if !f.is_finite() || f.abs() > 253_402_300_799.0 {
            return Err(BodyError::new(format!(
                "{f} is not a usable epoch-seconds value"
            )));
        }
        round_micros(DateTime::from_secs_f64(f))
    };
    Ok(Value::String(crate::timestamp::to_rfc3339(dt)))
}

/// Rounds to whole microseconds (float epochs such as 1.123 come back as 1.122999999...).
fn round_micros(dt: DateTime) -> DateTime {
    let nanos = u64::from(dt.subsec_nanos());
    let micros = (nanos + 500) / 1000;
    if micros >= 1_000_000 {
        DateTime::from_secs(dt.secs() + 1)
    } else {
        DateTime::from_secs_and_nanos(dt.secs(), (micros * 1000) as u32)
    }
}

pub(crate) fn short(t: &str) -> String {
    crate::validate::truncate(t, 40)
}

/// The shape a member targets.
pub fn target(m: &ArchivedMember) -> &'static ArchivedShape {
    catalog::shape(m.target.to_native())
}

/// A valued string trait set on the member itself.
fn string_trait<'a>(
    m: &'a ArchivedMember,
    f: fn(&'a ArchivedTrait) -> Option<&'a str>,
) -> Option<&'a str> {
    m.find_trait(f)
}

/// `xmlName` of a member.
pub fn xml_name(m: &ArchivedMember) -> Option<&str> {
    string_trait(m, |t| match t {
        ArchivedTrait::XmlName(s) => Some(s.as_str()),
        _ => None,
    })
}

/// `jsonName` of a member, else its name.
pub fn json_name(m: &ArchivedMember) -> &str {
    string_trait(m, |t| match t {
        ArchivedTrait::JsonName(s) => Some(s.as_str()),
        _ => None,
    })
    .unwrap_or(m.name.as_str())
}

/// `httpHeader` of a member.
pub fn http_header(m: &ArchivedMember) -> Option<&str> {
    string_trait(m, |t| match t {
        ArchivedTrait::HttpHeader(s) => Some(s.as_str()),
        _ => None,
    })
}

/// `httpPrefixHeaders` of a member.
pub fn http_prefix_headers(m: &ArchivedMember) -> Option<&str> {
    string_trait(m, |t| match t {
        ArchivedTrait::HttpPrefixHeaders(s) => Some(s.as_str()),
        _ => None,
    })
}

/// `mediaType` of a shape.
pub fn media_type(s: &ArchivedShape) -> Option<&str> {
    s.find_trait(|t| match t {
        ArchivedTrait::MediaType(s) => Some(s.as_str()),
        _ => None,
    })
}

/// `flag` set on the member or on its target.
pub fn member_has(m: &ArchivedMember, flag: u32) -> bool {
    m.has(flag) || target(m).has(flag)
}

/// The shape's name without a namespace (`NoSuchKey` for `com.amazonaws.s3#NoSuchKey`).
pub use crate::validate::shape_name;

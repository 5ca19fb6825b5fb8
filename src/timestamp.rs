//! The one timestamp type of the server: [`aws_smithy_types::DateTime`], read from what users
//! and agents write and written in the Smithy wire formats.
//!
//! Input is read as leniently as botocore and the AWS CLI read it (they use `dateutil`), so a
//! prompt that works with the CLI works here:
//! - RFC 3339 / ISO 8601: `2025-01-01T00:00:00Z`, `2025-01-01T00:00:00.5+02:00`, `+0200`,
//!   `+02` offsets, a space instead of `T`, no zone at all (UTC);
//! - a date alone: `2025-01-01` (midnight UTC);
//! - the basic (compact) form: `20250101T000000Z`, `20250101`;
//! - epoch seconds as a number or as a string (`1735689600`, `"1735689600.5"`);
//! - an HTTP date: `Wed, 01 Jan 2025 00:00:00 GMT`.
//!
//! Output follows botocore byte for byte, so requests can be compared with it: `date-time` with
//! microseconds only when there is a fraction, `http-date` (RFC 7231), and `epoch-seconds` as
//! an integer unless there is a fraction (then milliseconds, as smithy-rs writes them).

use aws_smithy_types::date_time::{DateTime, Format};
use serde_json::Value;

/// The Smithy `timestampFormat` values, as the catalog stores them.
pub use catalog_format::format::TimestampFormat;

/// The latest instant accepted: 9999-12-31T23:59:59Z.
const MAX_EPOCH: f64 = 253_402_300_799.0;
/// The earliest instant accepted: 0001-01-01T00:00:00Z.
const MIN_EPOCH: f64 = -62_135_596_800.0;

/// Reads a timestamp given as a JSON string or number. The error says what is wrong and shows
/// an accepted form.
pub fn parse(value: &Value) -> Result<DateTime, String> {
    match value {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                return epoch(i as f64).map(|_| DateTime::from_secs(i));
            }
            let f = n.as_f64().unwrap_or(f64::NAN);
            epoch(f)
        }
        Value::String(s) => parse_str(s),
        other => Err(format!(
            "expected a date-time string or epoch seconds, got {}",
            crate::validate::type_name(other)
        )),
    }
}

/// Reads a timestamp from text in any of the accepted forms.
pub fn parse_str(text: &str) -> Result<DateTime, String> {
    let s = text.trim();
    // Epoch seconds as text; eight digits alone are a basic-form date (`20250101`).
    let numeric = !s.is_empty()
        && s.bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && b == b'-'));
    let basic_date = s.len() == 8 && !s.contains('.');
    if numeric
        && !basic_date
        && let Ok(f) = s.parse::<f64>()
    {
        return epoch(f);
    }
    if let Some(dt) = iso8601(s) {
        return dt;
    }
    if let Ok(dt) = DateTime::from_str(s, Format::HttpDate) {
        return Ok(dt);
    }
    Err(format!(
        "`{}` is not a date-time such as 2024-01-31T13:45:00Z, 2024-01-31 or epoch seconds",
        crate::validate::truncate(s, 40)
    ))
}

fn epoch(f: f64) -> Result<DateTime, String> {
    if !f.is_finite() || !(MIN_EPOCH..=MAX_EPOCH).contains(&f) {
        return Err(format!("{f} is not a usable epoch-seconds value"));
    }
    Ok(DateTime::from_secs_f64(f))
}

/// Writes `dt` in `format`, as botocore does.
pub fn format(dt: DateTime, format: TimestampFormat) -> String {
    match format {
        TimestampFormat::DateTime => {
            let micros = dt.subsec_nanos() / 1_000;
            let whole = DateTime::from_secs(dt.secs());
            let base = whole
                .fmt(Format::DateTime)
                .unwrap_or_else(|_| format!("{}", dt.secs()));
            if micros == 0 {
                base
            } else {
                format!("{}.{micros:06}Z", base.trim_end_matches('Z'))
            }
        }
        TimestampFormat::HttpDate => DateTime::from_secs(dt.secs())
            .fmt(Format::HttpDate)
            .unwrap_or_else(|_| format!("{}", dt.secs())),
        TimestampFormat::EpochSeconds => epoch_text(dt),
    }
}

/// Epoch seconds as JSON number text: an integer, or milliseconds when there is a fraction.
pub fn epoch_text(dt: DateTime) -> String {
    let millis = dt.subsec_nanos() / 1_000_000;
    if millis == 0 {
        dt.secs().to_string()
    } else if dt.secs() < 0 {
        // secs is floor()ed: -1.5 is secs -2 + 0.5
        let total = dt.secs() as f64 + f64::from(millis) / 1000.0;
        format!("{total:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{}.{millis:03}", dt.secs())
            .trim_end_matches('0')
            .to_string()
    }
}

/// The output form of a timestamp in tool results and the `wire` command: RFC 3339 UTC with
/// `Z` and only the fraction digits needed (`2025-01-01T00:00:00Z`, `...00.5Z`).
pub fn to_rfc3339(dt: DateTime) -> String {
    let nanos = dt.subsec_nanos();
    let base = DateTime::from_secs(dt.secs())
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| dt.secs().to_string());
    if nanos == 0 {
        return base;
    }
    let digits = format!("{nanos:09}");
    let digits = digits.trim_end_matches('0');
    // Micro or milli precision as chrono's AutoSi: 3, 6 or 9 digits.
    let width = match digits.len() {
        0..=3 => 3,
        4..=6 => 6,
        _ => 9,
    };
    format!(
        "{}.{}Z",
        base.trim_end_matches('Z'),
        &format!("{nanos:09}")[..width]
    )
}

/// ISO 8601 in the extended or basic form; `None` when `s` does not look like one at all,
/// `Some(Err)` when it does but a field is out of range.
fn iso8601(s: &str) -> Option<Result<DateTime, String>> {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, n: usize| -> Option<i64> {
        let part = b.get(*i..*i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(part.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
    };
    let year = digits(&mut i, 4)?;
    let extended = b.get(i) == Some(&b'-');
    if extended {
        i += 1;
    }
    let month = digits(&mut i, 2)?;
    if extended {
        if b.get(i) != Some(&b'-') {
            return None;
        }
        i += 1;
    }
    let day = digits(&mut i, 2)?;
    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0u32);
    let mut offset = 0i64;
    if i < b.len() {
        if !matches!(b[i], b'T' | b't' | b' ') {
            return None;
        }
        i += 1;
        hour = digits(&mut i, 2)?;
        let colon = b.get(i) == Some(&b':');
        if colon {
            i += 1;
        }
        minute = digits(&mut i, 2)?;
        if (colon && b.get(i) == Some(&b':'))
            || (!colon && b.get(i).is_some_and(u8::is_ascii_digit))
        {
            if colon {
                i += 1;
            }
            second = digits(&mut i, 2)?;
            if matches!(b.get(i), Some(b'.' | b',')) {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    if i - start < 9 {
                        nanos = nanos * 10 + u32::from(b[i] - b'0');
                    }
                    i += 1;
                }
                if i == start {
                    return None;
                }
                for _ in (i - start).min(9)..9 {
                    nanos *= 10;
                }
            }
        }
        let zone = s[i..].trim_start();
        offset = match zone {
            "" | "Z" | "z" | "UTC" | "GMT" => 0,
            z if z.starts_with('+') || z.starts_with('-') => {
                let sign = if z.starts_with('-') { -1 } else { 1 };
                let zb = &z.as_bytes()[1..];
                let num = |r: std::ops::Range<usize>| -> Option<i64> {
                    let part = zb.get(r)?;
                    part.iter()
                        .all(u8::is_ascii_digit)
                        .then(|| part.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
                };
                let (h, m) = match zb.len() {
                    2 => (num(0..2)?, 0),
                    4 => (num(0..2)?, num(2..4)?),
                    5 if zb[2] == b':' => (num(0..2)?, num(3..5)?),
                    _ => return None,
                };
                if h > 23 || m > 59 {
                    return Some(Err(format!("`{z}` is not a valid UTC offset")));
                }
                sign * (h * 3600 + m * 60)
            }
            _ => return None,
        };
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if year == 0 || day == 0 || day > days_in_month || hour > 23 || minute > 59 || second > 60 {
        return Some(Err(format!(
            "`{}` is not a valid date-time: a field is out of range",
            crate::validate::truncate(s, 40)
        )));
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset;
    Some(Ok(DateTime::from_secs_and_nanos(secs, nanos)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secs(v: Value) -> i64 {
        parse(&v).unwrap().secs()
    }

    #[test]
    fn reads_what_botocore_reads() {
        let jan1 = 1_735_689_600;
        for text in [
            "2025-01-01T00:00:00Z",
            "2025-01-01",
            "2025-01-01T00:00:00",
            "2025-01-01 00:00:00",
            "2025-01-01T01:00:00+01:00",
            "2025-01-01T01:00:00+0100",
            "2025-01-01T01:00:00+01",
            "2024-12-31T23:00:00-0100",
            "20250101T000000Z",
            "20250101",
            "1735689600",
            "Wed, 01 Jan 2025 00:00:00 GMT",
        ] {
            assert_eq!(secs(json!(text)), jan1, "{text}");
        }
        assert_eq!(secs(json!(jan1)), jan1);
        let half = parse(&json!("1735689600.5")).unwrap();
        assert_eq!((half.secs(), half.subsec_nanos()), (jan1, 500_000_000));
        let frac = parse(&json!("2024-02-29T12:00:00.5+01:00")).unwrap();
        assert_eq!(frac.subsec_nanos(), 500_000_000);
        assert_eq!(secs(json!(1.5)), 1);
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for bad in [
            json!("2023-02-29T00:00:00Z"),
            json!("2024-01-01T25:00:00Z"),
            json!("2024-01-01T00:00:00Zjunk"),
            json!("２０２４-01-01T00:00:00Z"),
            json!("yesterday"),
            json!(""),
            json!(true),
            json!(1e300),
        ] {
            assert!(parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn writes_as_botocore_writes() {
        let dt = DateTime::from_secs(1_735_689_600);
        assert_eq!(
            format(dt, TimestampFormat::DateTime),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            format(dt, TimestampFormat::HttpDate),
            "Wed, 01 Jan 2025 00:00:00 GMT"
        );
        assert_eq!(format(dt, TimestampFormat::EpochSeconds), "1735689600");
        let half = DateTime::from_secs_and_nanos(1_735_689_600, 500_000_000);
        assert_eq!(
            format(half, TimestampFormat::DateTime),
            "2025-01-01T00:00:00.500000Z"
        );
        assert_eq!(format(half, TimestampFormat::EpochSeconds), "1735689600.5");
        assert_eq!(to_rfc3339(half), "2025-01-01T00:00:00.500Z");
        assert_eq!(to_rfc3339(dt), "2025-01-01T00:00:00Z");
    }
}

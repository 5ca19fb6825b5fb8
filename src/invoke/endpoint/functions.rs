//! The rules engine's library functions: the Smithy standard library (`booleanEquals`,
//! `stringEquals`, `isSet`, `not`, `getAttr`, `substring`, `isValidHostLabel`, `parseURL`,
//! `uriEncode`) and the AWS ones (`aws.partition`, `aws.parseArn`,
//! `aws.isVirtualHostableS3Bucket`).
//!
//! Every function takes evaluated arguments (`None` = an unset value) and returns `None` for
//! an empty optional. Wrong argument types (a rule set the engine does not understand) are
//! [`FunctionError`]s, never panics.

use catalog_format::format::{ArchivedAttrStep, ArchivedFunction as F};
use serde_json::{Map, Value, json};

use super::partitions;

/// A call the engine cannot evaluate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FunctionError {
    #[error("unknown rules-engine function `{0}`")]
    Unknown(String),
    #[error("`{function}` expects {expected}")]
    BadArguments {
        function: String,
        expected: &'static str,
    },
}

fn bad(function: &str, expected: &'static str) -> FunctionError {
    FunctionError::BadArguments {
        function: function.to_string(),
        expected,
    }
}

/// Calls library function `function` on `args`.
pub fn call(function: &F, args: &[Option<Value>]) -> Result<Option<Value>, FunctionError> {
    let name = function.name();
    let string = |i: usize| match args.get(i) {
        Some(Some(Value::String(s))) => Some(s.as_str()),
        _ => None,
    };
    let boolean = |i: usize| match args.get(i) {
        Some(Some(Value::Bool(b))) => Some(*b),
        _ => None,
    };
    Ok(match function {
        F::IsSet => {
            let [value] = args else {
                return Err(bad(name, "one argument"));
            };
            Some(Value::Bool(value.is_some()))
        }
        F::Not => match args {
            [Some(Value::Bool(b))] => Some(Value::Bool(!b)),
            [None] => None,
            _ => return Err(bad(name, "one boolean")),
        },
        F::BooleanEquals => match args {
            [Some(Value::Bool(a)), Some(Value::Bool(b))] => Some(Value::Bool(a == b)),
            [_, _] => Some(Value::Bool(false)),
            _ => return Err(bad(name, "two booleans")),
        },
        F::StringEquals => match args {
            [Some(Value::String(a)), Some(Value::String(b))] => Some(Value::Bool(a == b)),
            [_, _] => Some(Value::Bool(false)),
            _ => return Err(bad(name, "two strings")),
        },
        F::GetAttr => match args {
            [Some(value), Some(Value::String(path))] => get_attr(value, path),
            [None, _] => None,
            _ => return Err(bad(name, "a value and a path string")),
        },
        F::Substring => match args {
            [
                Some(Value::String(s)),
                Some(start),
                Some(stop),
                Some(Value::Bool(rev)),
            ] => {
                let (Some(start), Some(stop)) = (start.as_u64(), stop.as_u64()) else {
                    return Err(bad(name, "a string, two indexes and a boolean"));
                };
                substring(s, start as usize, stop as usize, *rev).map(Value::String)
            }
            [None, ..] => None,
            _ => return Err(bad(name, "a string, two indexes and a boolean")),
        },
        F::IsValidHostLabel => match (string(0), boolean(1)) {
            (Some(s), Some(sub)) => Some(Value::Bool(is_valid_host_label(s, sub))),
            (None, _) if matches!(args.first(), Some(None)) => None,
            _ => return Err(bad(name, "a string and a boolean")),
        },
        F::ParseUrl => match args {
            [Some(Value::String(s))] => parse_url(s),
            [None] => None,
            _ => return Err(bad(name, "one string")),
        },
        F::UriEncode => match args {
            [Some(Value::String(s))] => Some(Value::String(uri_encode(s))),
            [None] => None,
            _ => return Err(bad(name, "one string")),
        },
        F::AwsPartition => match args {
            [Some(Value::String(region))] => partitions::partition_of(region),
            [None] => None,
            _ => return Err(bad(name, "one string")),
        },
        F::AwsParseArn => match args {
            [Some(Value::String(s))] => parse_arn(s),
            [None] => None,
            _ => return Err(bad(name, "one string")),
        },
        F::AwsIsVirtualHostableS3Bucket => match (string(0), boolean(1)) {
            (Some(s), Some(sub)) => Some(Value::Bool(is_virtual_hostable_s3_bucket(s, sub))),
            (None, _) if matches!(args.first(), Some(None)) => None,
            _ => return Err(bad(name, "a string and a boolean")),
        },
        F::Other(_) => return Err(FunctionError::Unknown(name.to_string())),
    })
}

/// `getAttr` with a path split at build time; by reference, nothing is copied.
pub fn get_attr_steps<'v>(value: &'v Value, path: &[ArchivedAttrStep]) -> Option<&'v Value> {
    path.iter().try_fold(value, |current, step| match step {
        ArchivedAttrStep::Key(k) => current.as_object()?.get(k.as_str()),
        ArchivedAttrStep::Index(i) => current.as_array()?.get(i.to_native() as usize),
    })
}

/// `getAttr` with a path computed at run time: keys separated by `.`, an optional `[index]`
/// at the end of a part.
pub fn get_attr(value: &Value, path: &str) -> Option<Value> {
    let mut current = value;
    for part in path.split('.') {
        let (key, index) = match part.find('[') {
            Some(i) => {
                let index = part[i + 1..].strip_suffix(']')?.parse::<usize>().ok()?;
                (&part[..i], Some(index))
            }
            None => (part, None),
        };
        if !key.is_empty() {
            current = current.as_object()?.get(key)?;
        }
        if let Some(i) = index {
            current = current.as_array()?.get(i)?;
        }
    }
    Some(current.clone())
}

/// `substring`: characters `start..stop` (from the end when `reverse`); `None` for non-ASCII
/// input or a range the string does not cover.
pub fn substring(s: &str, start: usize, stop: usize, reverse: bool) -> Option<String> {
    if !s.is_ascii() || start >= stop || stop > s.len() {
        return None;
    }
    let (a, b) = if reverse {
        (s.len() - stop, s.len() - start)
    } else {
        (start, stop)
    };
    Some(s[a..b].to_string())
}

/// An RFC 1123 host label: 1–63 letters, digits and hyphens, starting with a letter or digit.
/// With `allow_subdomains`, dot-separated labels.
pub fn is_valid_host_label(s: &str, allow_subdomains: bool) -> bool {
    let label = |l: &str| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.len() <= 63
            && b[0].is_ascii_alphanumeric()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
    };
    if allow_subdomains {
        s.split('.').all(label)
    } else {
        label(s)
    }
}

/// A bucket name usable as a host name (`bucket.s3.amazonaws.com`): 3–63 characters, lower
/// case, not an IPv4 address, and a valid host label (dot-separated labels with
/// `allow_subdomains`).
pub fn is_virtual_hostable_s3_bucket(s: &str, allow_subdomains: bool) -> bool {
    let lower_label =
        |l: &str| is_valid_host_label(l, false) && !l.bytes().any(|c| c.is_ascii_uppercase());
    if !(3..=63).contains(&s.len()) || is_ipv4(s) {
        return false;
    }
    if allow_subdomains {
        s.split('.').all(lower_label)
    } else {
        lower_label(s)
    }
}

fn is_ipv4(s: &str) -> bool {
    s.parse::<std::net::Ipv4Addr>().is_ok()
}

/// `parseURL`: `{scheme, authority, path, normalizedPath, isIp}`; `None` for text that is not
/// an absolute http(s)-style URL, or that has a query or fragment.
pub fn parse_url(s: &str) -> Option<Value> {
    if s.contains(['?', '#']) {
        return None;
    }
    let (scheme, rest) = s.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
    {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains(['@', ' ']) {
        return None;
    }
    let host = if let Some(stripped) = authority.strip_prefix('[') {
        // [IPv6]:port
        let end = stripped.find(']')?;
        let (addr, after) = (&stripped[..end], &stripped[end + 1..]);
        if !after.is_empty() && !port_ok(after.strip_prefix(':')?) {
            return None;
        }
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return None;
        }
        return Some(url_record(scheme, authority, path, true));
    } else {
        match authority.rsplit_once(':') {
            Some((h, port)) => {
                if !port_ok(port) {
                    return None;
                }
                h
            }
            None => authority,
        }
    };
    if host.is_empty() {
        return None;
    }
    Some(url_record(scheme, authority, path, is_ipv4(host)))
}

fn port_ok(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit())
}

fn url_record(scheme: &str, authority: &str, path: &str, is_ip: bool) -> Value {
    let mut normalized = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized.push('/');
    }
    normalized.push_str(path);
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    json!({
        "scheme": scheme,
        "authority": authority,
        "path": path,
        "normalizedPath": normalized,
        "isIp": is_ip,
    })
}

/// RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex.
pub fn uri_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource`, the resource split on
/// `:` and `/` into `resourceId`.
pub fn parse_arn(s: &str) -> Option<Value> {
    let mut parts = s.splitn(6, ':');
    let (arn, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if arn != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id: Vec<Value> = resource
        .split([':', '/'])
        .map(|p| Value::String(p.to_string()))
        .collect();
    let mut m = Map::new();
    m.insert("partition".into(), partition.into());
    m.insert("service".into(), service.into());
    m.insert("region".into(), region.into());
    m.insert("accountId".into(), account.into());
    m.insert("resourceId".into(), Value::Array(resource_id));
    Some(Value::Object(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_attr_paths() {
        let v = json!({"a": {"b": [1, {"c": "x"}]}, "list": ["p", "q"]});
        // Rule sets index only at the end of a path; an index inside one is read too.
        assert_eq!(get_attr(&v, "a.b[1].c"), Some(json!("x")));
        assert_eq!(get_attr(&v, "list[1]"), Some(json!("q")));
        assert_eq!(get_attr(&v, "a.b[0]"), Some(json!(1)));
        assert_eq!(get_attr(&v, "list[5]"), None);
        assert_eq!(get_attr(&v, "missing"), None);
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdef", 0, 4, false).as_deref(), Some("abcd"));
        assert_eq!(substring("abcdef", 0, 4, true).as_deref(), Some("cdef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abé", 0, 2, false), None);
    }

    #[test]
    fn host_labels_and_buckets() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(!is_valid_host_label("-bad", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("My-Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.0.1", true));
        assert!(is_virtual_hostable_s3_bucket("my.bucket.name", true));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket.name", false));
    }

    #[test]
    fn urls() {
        let u = parse_url("https://example.com").unwrap();
        assert_eq!(u["authority"], "example.com");
        assert_eq!(u["normalizedPath"], "/");
        let u = parse_url("http://example.com:80/foo/bar").unwrap();
        assert_eq!(
            (
                &u["scheme"],
                &u["authority"],
                &u["path"],
                &u["normalizedPath"]
            ),
            (
                &json!("http"),
                &json!("example.com:80"),
                &json!("/foo/bar"),
                &json!("/foo/bar/")
            )
        );
        assert_eq!(parse_url("https://127.0.0.1").unwrap()["isIp"], true);
        assert_eq!(parse_url("https://[fe80::1]").unwrap()["isIp"], true);
        assert_eq!(parse_url("https://example.com:8443?foo=bar"), None);
        assert_eq!(parse_url("not a url"), None);
    }

    #[test]
    fn encoding_and_arns() {
        assert_eq!(uri_encode("a b/c~"), "a%20b%2Fc~");
        let a = parse_arn("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e98").unwrap();
        assert_eq!(a["resourceId"], json!(["vpc", "vpc-0e98"]));
        assert_eq!(parse_arn("arn:aws:s3:::bucket_name").unwrap()["region"], "");
        assert_eq!(parse_arn("11111111-2222-3333-4444-555555555555"), None);
    }

    #[test]
    fn calls_check_their_arguments() {
        assert_eq!(
            call(&F::Not, &[Some(json!(true))]).unwrap(),
            Some(json!(false))
        );
        assert_eq!(call(&F::IsSet, &[None]).unwrap(), Some(json!(false)));
        assert!(call(&F::Not, &[Some(json!("x"))]).is_err());
    }
}

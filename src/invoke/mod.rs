//! Calling AWS: endpoint resolution, request serialisation per protocol, request preparation
//! (URL, host prefix, checksums, compression), SigV4 signing, response and error parsing.
//! Sending follows with the invoke issue.

pub mod customize;
pub mod endpoint;
pub mod parse;
pub mod request;
pub mod serialize;
pub mod settings;
pub mod sign;

/// The value of the first header named `name` (any case).
pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

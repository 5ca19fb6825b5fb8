//! Calling AWS: endpoint resolution, request serialisation per protocol, request preparation
//! (URL, host prefix, checksums, compression), SigV4 signing, sending with retries
//! ([`call`], [`http`]), response and error parsing, pagination.

pub mod call;
pub mod client;
pub mod customize;
pub mod endpoint;
pub mod http;
pub mod paginate;
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

/// SHA-256 of `data` (aws-smithy-checksums' implementation).
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    let mut h = aws_smithy_checksums::ChecksumAlgorithm::Sha256.into_impl();
    h.update(data);
    h.finalize().to_vec()
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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

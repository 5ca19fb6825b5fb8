//! Calling AWS: endpoint resolution, request serialisation per protocol, request preparation
//! (URL, host prefix, checksums, compression), SigV4 signing. Sending and response parsing
//! follow.

pub mod customize;
pub mod endpoint;
pub mod request;
pub mod serialize;
pub mod sign;

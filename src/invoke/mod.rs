//! Calling AWS: endpoint resolution now; request serialisation per protocol, SigV4 signing,
//! the HTTP call and response parsing follow with the invocation issue.

pub mod endpoint;
pub mod parse;

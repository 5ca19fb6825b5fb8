//! aws-exec-mcp: an MCP server that lets AI clients search, inspect, validate and call any AWS
//! API. The AWS catalog is compiled in at build time (see `codegen/`); at run time the server
//! only answers from it.

pub mod audit;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod config;
pub mod confirm;
pub mod credentials;
pub mod invoke;
pub mod mcp;
pub mod policy;
pub mod principal;
pub mod schema;
pub mod timestamp;
pub mod tools;
pub mod transport;
pub mod validate;
pub mod wire;

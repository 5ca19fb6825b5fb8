//! The `wire` command: the botocore oracle's JSONL protocol (`serialize`, `endpoint`, `parse`)
//! answered by this server's own code, for differential tests.

pub mod parse;

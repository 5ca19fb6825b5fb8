//! `aws-exec-mcp`: see [`aws_exec_mcp::cli`].
//!
//! Logs go to stderr only (stdout carries MCP's JSON-RPC): the filter comes from `AWS_MCP_LOG`,
//! else `RUST_LOG`, else `warn,rmcp=error` (rmcp logs every JSON-RPC error reply as a warning).
//! Example: `AWS_MCP_LOG=aws_exec_mcp=debug,rmcp=info`.

use std::{io::IsTerminal, process::ExitCode};

use tracing_subscriber::EnvFilter;

/// mimalloc: the JSON trees of large responses are many small allocations, which glibc's
/// allocator serves at about half the speed. Built with `no_thp`: with transparent huge pages
/// its per-thread segments raise the peak RSS from ~29 to ~44 MiB.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Every variable is read and checked once, here: a bad value stops the server with the
    // variable named (see aws_exec_mcp::config); `check-config` reports it with the rest.
    let config = aws_exec_mcp::config::Config::from_env();
    let filter = config
        .as_ref()
        .ok()
        .and_then(|c| c.log_filter.as_deref())
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("warn,rmcp=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    aws_exec_mcp::cli::run(config)
}

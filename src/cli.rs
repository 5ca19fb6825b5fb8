//! Command line. No subcommand serves MCP over stdio; the subcommands are for people at a
//! terminal and print JSON produced by the same tool functions the MCP server calls.

use std::{io::Write, process::ExitCode, sync::Arc, time::Duration};

use clap::{Parser, Subcommand};
use serde_json::{Value, json};

use crate::{
    catalog,
    config::{Config, ConfigError},
    mcp::{AwsExecServer, StructuredContent},
    policy::{Policy, PolicyError},
    principal::Principal,
    tools::{Shared, ToolContext, ToolResult},
};

#[derive(Debug, Parser)]
#[command(
    name = "aws-exec-mcp",
    about = "MCP server that lets AI clients search, inspect, validate and call any AWS API",
    long_about = "MCP server that lets AI clients search, inspect, validate and call any AWS API.\n\n\
                  Without a subcommand it serves the Model Context Protocol over stdin/stdout \
                  (newline-delimited JSON-RPC); logs go to stderr (RUST_LOG or AWS_MCP_LOG, \
                  default `warn,rmcp=error`).",
    disable_version_flag = true
)]
pub struct Cli {
    /// Print the version, the AWS model snapshot and the number of services and operations.
    #[arg(short = 'V', long)]
    pub version: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve MCP over stdin/stdout (the default).
    Serve,
    /// Check the configuration: the environment variables, the AWS endpoint settings and the
    /// policy file (POLICY_PATH, default ./policy.yaml). Prints what it found; exits 2 on an
    /// error, naming the variable or the policy file's line.
    CheckConfig,
    /// List the compiled-in services as JSON.
    Services,
    /// Search operations, as the aws_search_operations tool does.
    Search {
        /// Words describing the task, e.g. "list s3 buckets".
        query: String,
        /// Search one service only (name or alias).
        #[arg(long, short = 's')]
        service: Option<String>,
        /// Maximum number of results (1-50).
        #[arg(long, short = 'n')]
        limit: Option<u64>,
        /// Print the parsed query and each hit's score components instead (for tuning the
        /// ranking; the policy does not filter here).
        #[arg(long)]
        explain: bool,
    },
    /// Print an operation's input JSON Schema, as aws_get_operation_schema does.
    Schema {
        /// Service name or alias, e.g. s3.
        service: String,
        /// Operation name, e.g. PutObject or put-object.
        operation: String,
        /// Only the input part at this JSON pointer, e.g. /Tags/items.
        #[arg(long)]
        path: Option<String>,
        /// The complete schema instead of the compact one.
        #[arg(long)]
        full: bool,
    },
    /// Validate a payload without calling AWS, as aws_execute action=validate does.
    Validate {
        service: String,
        operation: String,
        /// The payload as a JSON object, e.g. '{"Bucket":"b"}'.
        payload: String,
    },
    /// Call AWS with the local credentials, as aws_execute action=invoke does.
    /// Example: aws-exec-mcp invoke s3 ListObjectsV2 '{"Bucket":"b"}' --options '{"query":"Contents[].Key"}'
    Invoke {
        service: String,
        operation: String,
        /// The payload as a JSON object (default {}).
        #[arg(default_value = "{}")]
        payload: String,
        /// Region code, a comma-separated list, or `*` (default: the configured region).
        #[arg(long, short = 'r')]
        region: Option<String>,
        /// Options as a JSON object, e.g. '{"profile":"dev","paginate":true}'.
        #[arg(long, short = 'o')]
        options: Option<String>,
        /// Print a presigned URL instead of calling (aws_execute action=presign).
        #[arg(long)]
        presign: bool,
    },
    /// List recent AWS calls from the audit log (SQLITE_PATH), newest first.
    /// Example: aws-exec-mcp audit --since 2h --service s3 --status failed
    Audit {
        /// Calls started since: a duration back from now (30m, 2h, 7d, 1w) or a timestamp
        /// (2026-01-02, 2026-01-02T03:04:05Z).
        #[arg(long)]
        since: Option<String>,
        /// Service name or alias.
        #[arg(long, short = 's')]
        service: Option<String>,
        /// Operation name, e.g. TerminateInstances.
        #[arg(long)]
        operation: Option<String>,
        /// success, failed, denied, interrupted, started or pending_confirmation.
        #[arg(long)]
        status: Option<String>,
        /// Principal (`local`, or `subject@issuer`); `*` matches any characters.
        #[arg(long, short = 'p')]
        principal: Option<String>,
        /// At most this many calls (default 50).
        #[arg(long, short = 'n', default_value_t = 50)]
        limit: i64,
        /// Print JSON (every column and the artifact files) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Speak the wire line protocol of botocore's test oracle on stdin/stdout: one JSON request
    /// per line (`serialize`, `endpoint`, `parse`, `version`), one JSON answer per line.
    /// Nothing is sent to AWS. Example:
    /// echo '{"cmd":"serialize","service":"sqs","operation":"ListQueues","params":{}}' | aws-exec-mcp wire
    Wire,
}

/// `aws-exec-mcp 0.1.0 (models: aws/api-models-aws 56c8953 2025-04-02, 403 services, 16000
/// operations)`; `(slim build)` is added when only some services were compiled in.
pub fn version_line() -> String {
    let c = catalog::get();
    let repo = c.snapshot.repo.as_str();
    let repo = repo
        .strip_prefix("https://github.com/")
        .unwrap_or(repo)
        .trim_end_matches(".git");
    format!(
        "{} {} (models: {} {} {}, {} services, {} operations{})",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        repo,
        c.snapshot.commit.as_str(),
        c.snapshot.date.as_str(),
        c.services.len(),
        c.operations.len(),
        if c.snapshot.slim { ", slim build" } else { "" }
    )
}

/// `[{name, sdkId, title, protocol, operations, aliases}]` for every compiled-in service.
pub fn services_json() -> Value {
    let services: Vec<Value> = catalog::get()
        .services
        .iter()
        .map(|s| {
            json!({
                "name": s.name.as_str(),
                "sdkId": s.sdk_id.as_str(),
                "title": s.title.as_str(),
                "protocol": s.protocol.as_ref().map(|p| p.smithy_name()),
                "operations": s.op_count.to_native(),
                "aliases": s.aliases.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Value::Array(services)
}

/// Parses the command line and runs it with the configuration read from the environment; the
/// exit code. A bad variable or a bad policy stops every command but `check-config` (which
/// reports all it finds) with exit code 2.
pub fn run(config: Result<Config, ConfigError>) -> ExitCode {
    let cli = Cli::parse();
    if cli.version {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", version_line());
        return ExitCode::SUCCESS;
    }
    if let Some(Command::CheckConfig) = cli.command {
        return check_config(config);
    }
    let config = match config {
        Ok(c) => Arc::new(c),
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let needs_policy = !matches!(
        cli.command,
        Some(Command::Services | Command::Wire | Command::Audit { .. })
    );
    let policy = if needs_policy {
        match Policy::load(config.policy_path.as_deref()) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                eprintln!("error: policy: {}", error_chain(&e));
                return ExitCode::from(2);
            }
        }
    } else {
        Policy::shared_builtin()
    };
    let context = || {
        ToolContext::new(
            Principal::Local,
            Shared::local(config.clone()).with_policy(policy.clone()),
        )
    };
    match cli.command {
        None | Some(Command::Serve) => serve_stdio(context()),
        Some(Command::CheckConfig) => ExitCode::SUCCESS,
        Some(Command::Services) => print_json(&services_json()),
        Some(Command::Search {
            query,
            service,
            limit,
            explain,
        }) => {
            let mut args = json!({ "query": query });
            if let Some(s) = service {
                args["serviceHint"] = s.into();
            }
            if let Some(n) = limit {
                args["limit"] = n.into();
            }
            if !explain {
                return print_result(crate::tools::search::run(&context(), &args));
            }
            match crate::tools::search::explain(&args) {
                Ok(text) => {
                    let _ = write!(std::io::stdout().lock(), "{text}");
                    ExitCode::SUCCESS
                }
                Err(error) => print_result(Err(error)),
            }
        }
        Some(Command::Schema {
            service,
            operation,
            path,
            full,
        }) => {
            let mut args = json!({ "service": service, "operation": operation });
            if let Some(p) = path {
                args["path"] = p.into();
            }
            if full {
                args["detail"] = "full".into();
            }
            print_result(crate::tools::schema::run(&context(), &args))
        }
        Some(Command::Validate {
            service,
            operation,
            payload,
        }) => {
            // A payload that is not JSON is passed on as a string: the tool explains the error.
            let payload = serde_json::from_str::<Value>(&payload).unwrap_or(Value::String(payload));
            let args = json!({
                "action": "validate",
                "service": service,
                "operation": operation,
                "payload": payload,
            });
            print_result(block_on(crate::tools::execute::run(&context(), &args)))
        }
        Some(Command::Invoke {
            service,
            operation,
            payload,
            region,
            options,
            presign,
        }) => {
            let as_json =
                |text: String| serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
            let mut args = json!({
                "action": if presign { "presign" } else { "invoke" },
                "service": service,
                "operation": operation,
                "payload": as_json(payload),
            });
            if let Some(r) = region {
                let list: Vec<&str> = r.split(',').map(str::trim).collect();
                args["region"] = if list.len() > 1 {
                    json!(list)
                } else {
                    json!(r.trim())
                };
            }
            if let Some(o) = options {
                args["options"] = as_json(o);
            }
            let ctx = context();
            let result = block_on(crate::tools::execute::run(&ctx, &args));
            // Everything the call recorded is written before the process exits.
            ctx.shared.audit.shutdown(Duration::from_secs(5));
            print_result(result)
        }
        Some(Command::Audit {
            since,
            service,
            operation,
            status,
            principal,
            limit,
            json,
        }) => audit(
            &config.audit,
            AuditArgs {
                since,
                service,
                operation,
                status,
                principal,
                limit,
                json,
            },
        ),
        Some(Command::Wire) => {
            let stdin = std::io::stdin().lock();
            let stdout = std::io::BufWriter::new(std::io::stdout().lock());
            match crate::wire::run(stdin, stdout) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn print_json(value: &Value) -> ExitCode {
    let text = match serde_json::to_string_pretty(value) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: cannot print the result: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // `aws-exec-mcp services | head`: the reader left; not an error of ours.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a tool result; a tool error prints the error JSON and fails.
fn print_result(result: ToolResult) -> ExitCode {
    match result {
        Ok(output) => match output.into_value() {
            Ok(value) => print_json(&value),
            Err(e) => {
                eprintln!("error: cannot print the result: {e}");
                ExitCode::FAILURE
            }
        },
        Err(error) => {
            let _ = print_json(&error.to_json());
            eprintln!("{}", error.to_text());
            ExitCode::FAILURE
        }
    }
}

/// Runs a tool future on a single-threaded runtime (the CLI subcommands).
fn block_on(f: impl Future<Output = ToolResult>) -> ToolResult {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(f),
        Err(e) => Err(crate::tools::ToolError::new(
            crate::tools::ErrorType::InternalError,
            format!("cannot start the async runtime: {e}"),
            "",
        )),
    }
}

/// The AWS endpoint settings (AWS_ENDPOINT_URL, AWS_USE_FIPS_ENDPOINT... and the selected
/// profile's keys), checked at start so that a bad value stops the server rather than failing
/// every call.
fn check_aws_settings(shared: &Shared) -> Result<(), String> {
    match catalog::resolve_service("sts") {
        Ok(sts) => shared
            .aws
            .settings(sts, None, "us-east-1")
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(_) => Ok(()),
    }
}

/// An error and its causes on one line: `cannot read X: No such file`.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// `check-config`: every problem found, then exit 2 if any was an error.
#[allow(clippy::print_stdout)]
fn check_config(config: Result<Config, ConfigError>) -> ExitCode {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    let policy_path = match &config {
        Ok(c) => {
            let _ = writeln!(
                out,
                "environment: ok (region {}, call timeout {} s, artifacts in {})",
                c.env_region.as_deref().unwrap_or("not set"),
                c.call_timeout.as_secs(),
                c.artifact_dir.display()
            );
            let shared = Shared::local(Arc::new(c.clone()));
            match check_aws_settings(&shared) {
                Ok(()) => {
                    let _ = writeln!(out, "AWS endpoint settings: ok");
                }
                Err(e) => {
                    failed = true;
                    let _ = writeln!(out, "error: AWS endpoint settings: {e}");
                }
            }
            c.policy_path.clone()
        }
        Err(e) => {
            failed = true;
            let _ = writeln!(out, "error: configuration: {e}");
            Config::policy_path_from(|k| std::env::var(k).ok())
        }
    };
    match Policy::load(policy_path.as_deref()) {
        Ok(p) => {
            let s = p.summary();
            let _ = writeln!(
                out,
                "policy: {} (mode {}; rules: {} allow, {} deny, {} deny_when, {} confirm_when, \
                 {} rate_limits, {} regex rules, {} services listed, {} required tags; of {} \
                 operations {} hidden, {} always need confirmation)",
                p.source(),
                s.mode,
                s.allow,
                s.deny,
                s.deny_when,
                s.confirm_when,
                s.rate_limits,
                s.regex_rules,
                s.services_listed,
                s.required_tags,
                s.operations,
                s.hidden_operations,
                s.confirm_operations,
            );
            if policy_path.is_none() && *p.source() == crate::policy::PolicySource::BuiltIn {
                let _ = writeln!(
                    out,
                    "note: no {} here and POLICY_PATH is not set: the built-in default policy \
                     applies",
                    crate::policy::DEFAULT_PATH
                );
            }
            for w in p.warnings() {
                let _ = writeln!(
                    out,
                    "warning: {}:{}:{}: {}",
                    p.source(),
                    w.line,
                    w.column,
                    w.message
                );
            }
        }
        Err(PolicyError::Invalid { file, errors }) => {
            failed = true;
            for e in &errors {
                let _ = writeln!(out, "error: {file}:{}:{}: {}", e.line, e.column, e.message);
            }
        }
        Err(e) => {
            failed = true;
            let _ = writeln!(out, "error: policy: {}", error_chain(&e));
        }
    }
    let _ = out.flush();
    if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

struct AuditArgs {
    since: Option<String>,
    service: Option<String>,
    operation: Option<String>,
    status: Option<String>,
    principal: Option<String>,
    limit: i64,
    json: bool,
}

/// `aws-exec-mcp audit`: the audit log's recent calls as a table or JSON.
fn audit(config: &crate::audit::AuditConfig, a: AuditArgs) -> ExitCode {
    use crate::audit::{Status, query};
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    };
    let since = match a
        .since
        .as_deref()
        .map(|s| query::since(s, std::time::SystemTime::now()))
    {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => return fail(format!("--since: {e}")),
    };
    let service = match a.service {
        None => None,
        Some(s) => match catalog::resolve_service(&s) {
            Ok(idx) => Some(catalog::service(idx).name.as_str().to_string()),
            // Services no longer compiled in may still be in the log.
            Err(_) => Some(s),
        },
    };
    if let Some(s) = &a.status
        && Status::parse(s).is_none()
    {
        let all: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        return fail(format!("--status {s}: expected one of {}", all.join(", ")));
    }
    let filter = query::Filter {
        since,
        service,
        operation: a.operation,
        status: a.status,
        principal: a.principal,
        limit: Some(a.limit),
    };
    let rows = match query::list(&config.sqlite_path, &filter) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if a.json {
        return print_json(&query::to_json(&rows));
    }
    let mut out = std::io::stdout().lock();
    match out
        .write_all(query::to_table(&rows).as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve_stdio(context: ToolContext) -> ExitCode {
    if let Err(e) = check_aws_settings(&context.shared) {
        eprintln!("error: configuration: {e}");
        return ExitCode::from(2);
    }
    // Build the search's lookup tables (a few ms) beside the handshake, not in the first query.
    std::thread::spawn(crate::catalog::search::warm_up);
    // The audit log opens in the background: migrations, crash recovery, retention.
    let audit = context.shared.audit.clone();
    audit.start();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(crate::transport::stdio::serve(
        AwsExecServer::new(context).with_structured_content(StructuredContent::FromText),
    ));
    // A blocking stdin read (stdin not a pipe) must not hold the process open.
    runtime.shutdown_timeout(Duration::from_millis(100));
    // What the calls recorded is written; calls still running are closed as interrupted.
    audit.shutdown(Duration::from_secs(5));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

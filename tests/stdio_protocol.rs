//! MCP over stdio, end to end: spawns the built binary and speaks raw newline-delimited
//! JSON-RPC to it. Every read has a deadline, so a hung server fails a test instead of hanging
//! CI. Every line the server writes to stdout must be a JSON-RPC 2.0 message.

use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Child, ChildStdin, Command, ExitStatus, Stdio},
    sync::mpsc::{self, Receiver, RecvTimeoutError},
    thread,
    time::{Duration, Instant},
};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_aws-exec-mcp");
/// Deadline for one reply (generous: CI machines are small and may be busy).
const REPLY_TIMEOUT: Duration = Duration::from_secs(20);
/// Deadline for the process to exit after its stdin is closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Receiver<String>,
    next_id: i64,
}

impl Server {
    fn start() -> Self {
        Self::start_with_env(&[])
    }

    fn start_with_env(env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(BIN);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .env_remove("AWS_MCP_LOG")
            .env_remove("RUST_LOG");
        // The audit log opens at start: one temporary database for this test binary's servers
        // (several servers may share one), not ./data.
        let scratch =
            std::env::temp_dir().join(format!("aws-exec-mcp-stdio-{}", std::process::id()));
        cmd.env("SQLITE_PATH", scratch.join("aws_mcp.sqlite"))
            .env("ARTIFACT_PATH", scratch.join("artifacts"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn aws-exec-mcp");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = mpsc::channel();
        thread::spawn(move || {
            let mut s = String::new();
            let _ = BufReader::new(stderr_pipe).read_to_string(&mut s);
            let _ = etx.send(s);
        });
        Server {
            stdin: child.stdin.take(),
            child,
            lines,
            stderr,
            next_id: 100,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    fn send_line(&mut self, line: &str) {
        let mut bytes = line.as_bytes().to_vec();
        bytes.push(b'\n');
        self.send_raw(&bytes);
    }

    fn send(&mut self, message: &Value) {
        self.send_line(&message.to_string());
    }

    /// The next message on stdout; fails on timeout or on anything but a JSON-RPC 2.0 object.
    fn recv(&self) -> Value {
        match self.lines.recv_timeout(REPLY_TIMEOUT) {
            Ok(line) => parse_jsonrpc_line(&line),
            Err(RecvTimeoutError::Timeout) => panic!("no reply within {REPLY_TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout"),
        }
    }

    /// The next raw line on stdout.
    fn recv_line(&self) -> String {
        match self.lines.recv_timeout(REPLY_TIMEOUT) {
            Ok(line) => line,
            Err(e) => panic!("no reply within {REPLY_TIMEOUT:?}: {e}"),
        }
    }

    /// Asserts that nothing arrives on stdout within `wait`.
    fn expect_silence(&self, wait: Duration) {
        match self.lines.recv_timeout(wait) {
            Ok(line) => panic!("expected no output, got: {line}"),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("server closed stdout"),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.recv();
        assert_eq!(reply["id"], id, "reply to the wrong request: {reply}");
        reply
    }

    /// `initialize` + `notifications/initialized`; the initialize reply.
    fn initialize(&mut self, version: &str) -> Value {
        let reply = self.request(
            "initialize",
            json!({
                "protocolVersion": version,
                "capabilities": {},
                "clientInfo": {"name": "stdio-protocol-test", "version": "1.0"}
            }),
        );
        self.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        reply
    }

    fn call_tool(&mut self, name: &str, arguments: Value) -> Value {
        let reply = self.request("tools/call", json!({"name": name, "arguments": arguments}));
        assert!(reply.get("error").is_none(), "tools/call failed: {reply}");
        reply["result"].clone()
    }

    /// Closes stdin and waits for the exit; fails if the process does not end in time.
    fn close(mut self) -> Closed {
        let started = Instant::now();
        drop(self.stdin.take());
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let took = started.elapsed();
                let stderr = self
                    .stderr
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap_or_default();
                // The stdout reader ends at EOF; collect what it still holds.
                let mut rest = Vec::new();
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
                    rest.push(line);
                }
                return Closed {
                    status,
                    took,
                    rest,
                    stderr,
                };
            }
            if started.elapsed() > EXIT_TIMEOUT {
                let _ = self.child.kill();
                panic!("server still running {EXIT_TIMEOUT:?} after stdin closed");
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

struct Closed {
    status: ExitStatus,
    took: Duration,
    /// Lines written to stdout that were not read before the exit.
    rest: Vec<String>,
    stderr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn parse_jsonrpc_line(line: &str) -> Value {
    let v: Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("stdout line is not JSON ({e}): {line}"));
    assert!(v.is_object(), "stdout line is not a JSON object: {line}");
    assert_eq!(
        v["jsonrpc"], "2.0",
        "stdout line is not JSON-RPC 2.0: {line}"
    );
    assert!(
        v.get("result").is_some() || v.get("error").is_some() || v.get("method").is_some(),
        "stdout line is not a JSON-RPC message: {line}"
    );
    v
}

fn ready() -> Server {
    let mut s = Server::start();
    let init = s.initialize("2025-11-25");
    assert!(init.get("result").is_some(), "{init}");
    s
}

fn error_type(result: &Value) -> &str {
    result["structuredContent"]["error"]["type"]
        .as_str()
        .unwrap_or("")
}

fn assert_tool_error(result: &Value, ty: &str) {
    assert_eq!(result["isError"], true, "expected isError: {result}");
    assert_eq!(error_type(result), ty, "{result}");
    let err = &result["structuredContent"]["error"];
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{result}"
    );
    assert!(err["hint"].is_string(), "{result}");
    let text = result["content"][0]["text"].as_str().expect("text content");
    assert!(
        text.starts_with(ty),
        "text should lead with the error type: {text}"
    );
    assert!(!text.contains("Internal tool error"));
}

/// The text block of a successful result is the structured content as JSON.
fn assert_tool_success(result: &Value) -> &Value {
    assert_eq!(result["isError"], false, "expected success: {result}");
    let structured = &result["structuredContent"];
    assert!(structured.is_object(), "{result}");
    let text = result["content"][0]["text"].as_str().expect("text content");
    let parsed: Value = serde_json::from_str(text).expect("text block is JSON");
    assert_eq!(&parsed, structured);
    structured
}

// ------------------------------------------------------------------------------- lifecycle

#[test]
fn initialize_answers_each_supported_version() {
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let mut s = Server::start();
        let reply = s.initialize(version);
        let r = &reply["result"];
        assert_eq!(r["protocolVersion"], version);
        assert_eq!(r["serverInfo"]["name"], "aws-exec-mcp");
        assert_eq!(r["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(r["capabilities"]["tools"].is_object(), "{reply}");
        let instructions = r["instructions"].as_str().expect("instructions");
        for tool in [
            "aws_search_operations",
            "aws_get_operation_schema",
            "aws_execute",
        ] {
            assert!(instructions.contains(tool));
        }
        let closed = s.close();
        assert!(closed.status.success());
        assert!(
            closed.rest.is_empty(),
            "unexpected output: {:?}",
            closed.rest
        );
    }
}

#[test]
fn initialize_with_an_unknown_version_gets_our_latest() {
    for version in ["1999-01-01", "2024-11-05", "2026-07-28"] {
        let mut s = Server::start();
        let reply = s.initialize(version);
        assert_eq!(reply["result"]["protocolVersion"], "2025-11-25", "{reply}");
    }
}

#[test]
fn initialized_notification_gets_no_reply_and_ping_works() {
    let mut s = Server::start();
    s.initialize("2025-06-18"); // also sends notifications/initialized
    s.send(
        &json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}}),
    );
    s.send(&json!({"jsonrpc": "2.0", "method": "notifications/whatever"}));
    s.expect_silence(Duration::from_millis(300));
    let pong = s.request("ping", json!({}));
    assert_eq!(pong["result"], json!({}));
    // ping without params too
    s.send_line(r#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#);
    assert_eq!(s.recv()["id"], "p");
}

#[test]
fn ping_before_initialize_is_answered() {
    let mut s = Server::start();
    let pong = s.request("ping", json!({}));
    assert_eq!(pong["result"], json!({}));
    assert!(s.initialize("2025-11-25").get("result").is_some());
}

#[test]
fn messages_before_initialize_do_not_end_the_session() {
    let mut s = Server::start();
    // A notification first (rmcp alone would drop the connection here).
    s.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    let early = s.request("tools/list", json!({}));
    assert_eq!(early["error"]["code"], -32600, "{early}");
    assert!(
        early["error"]["message"]
            .as_str()
            .unwrap()
            .contains("initialize")
    );
    let init = s.initialize("2025-11-25");
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    let tools = s.request("tools/list", json!({}));
    assert_eq!(tools["result"]["tools"].as_array().unwrap().len(), 3);
}

#[test]
fn closing_stdin_exits_zero_promptly() {
    let closed = ready().close();
    assert_eq!(closed.status.code(), Some(0));
    assert!(
        closed.took < Duration::from_secs(3),
        "took {:?}",
        closed.took
    );
    assert!(closed.rest.is_empty());
    assert!(
        closed.stderr.is_empty(),
        "quiet by default: {}",
        closed.stderr
    );

    // Before initialize, too.
    let closed = Server::start().close();
    assert_eq!(closed.status.code(), Some(0));
    assert!(
        closed.took < Duration::from_secs(3),
        "took {:?}",
        closed.took
    );
}

#[test]
fn requests_in_flight_at_eof_are_still_answered() {
    let mut s = Server::start();
    let mut batch = String::new();
    batch.push_str(
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"}}})
        .to_string(),
    );
    batch.push('\n');
    batch.push_str("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
    for id in 2..12 {
        batch.push_str(&format!(
            "{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n"
        ));
    }
    // The last message without a trailing newline still counts.
    batch.push_str("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\"}");
    s.send_raw(batch.as_bytes());
    let closed = s.close();
    assert!(closed.status.success());
    let mut ids: Vec<i64> = closed
        .rest
        .iter()
        .map(|l| parse_jsonrpc_line(l)["id"].as_i64().expect("id"))
        .collect();
    ids.sort();
    assert_eq!(ids, (1..=12).collect::<Vec<_>>());
}

// ------------------------------------------------------------------------ malformed input

#[test]
fn malformed_json_gets_parse_error_and_the_server_keeps_serving() {
    let mut s = ready();
    for bad in [
        "not json",
        "{\"jsonrpc\": \"2.0\", \"id\": 1,",
        "{'single': 'quotes'}",
    ] {
        s.send_line(bad);
        let reply = s.recv();
        assert_eq!(reply["error"]["code"], -32700, "{bad}: {reply}");
        assert_eq!(reply["id"], Value::Null);
        assert!(reply.get("result").is_none());
    }
    // Invalid UTF-8.
    s.send_raw(b"\xff\xfe\xfd\n");
    assert_eq!(s.recv()["error"]["code"], -32700);
    // Blank lines are skipped silently.
    s.send_raw(b"\n   \n\r\n");
    s.expect_silence(Duration::from_millis(200));
    let pong = s.request("ping", json!({}));
    assert_eq!(pong["result"], json!({}));
}

#[test]
fn valid_json_that_is_not_a_request_gets_invalid_request() {
    let mut s = ready();
    for (bad, id) in [
        ("[]", Value::Null),
        (r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, Value::Null),
        ("42", Value::Null),
        ("\"ping\"", Value::Null),
        ("null", Value::Null),
        (r#"{"jsonrpc":"1.0","id":7,"method":"ping"}"#, json!(7)),
        (r#"{"id":8,"method":"ping"}"#, json!(8)),
        (r#"{"jsonrpc":"2.0","id":9,"method":42}"#, json!(9)),
        (
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            Value::Null,
        ),
        (r#"{"jsonrpc":"2.0","id":10}"#, json!(10)),
    ] {
        s.send_line(bad);
        let reply = s.recv();
        assert_eq!(reply["error"]["code"], -32600, "{bad}: {reply}");
        assert_eq!(reply["id"], id, "{bad}: {reply}");
    }
    assert_eq!(s.request("ping", json!({}))["result"], json!({}));
}

#[test]
fn oversized_line_is_rejected_without_ending_the_session() {
    let mut s = ready();
    let mut big = String::from(r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":""#);
    big.push_str(&"a".repeat(5 * 1024 * 1024));
    big.push_str("\"}}");
    s.send_line(&big);
    let reply = s.recv();
    assert_eq!(reply["error"]["code"], -32700, "{reply}");
    assert_eq!(reply["id"], Value::Null);
    assert_eq!(s.request("ping", json!({}))["result"], json!({}));
}

#[test]
fn unknown_method_gets_method_not_found() {
    let mut s = ready();
    for method in ["foo/bar", "resources/list", "prompts/list"] {
        let reply = s.request(method, json!({}));
        assert_eq!(reply["error"]["code"], -32601, "{method}: {reply}");
    }
    // An unknown notification: no reply.
    s.send(&json!({"jsonrpc": "2.0", "method": "foo/notify"}));
    s.expect_silence(Duration::from_millis(300));
}

#[test]
fn bad_tools_call_params_get_invalid_params() {
    let mut s = ready();
    for params in [
        json!({"arguments": {}}),
        json!({"name": 3}),
        json!({"name": "aws_search_operations", "arguments": [1, 2]}),
    ] {
        let reply = s.request("tools/call", params.clone());
        assert_eq!(reply["error"]["code"], -32602, "{params}: {reply}");
    }
}

#[test]
fn unknown_tool_gets_invalid_params_listing_the_tools() {
    let mut s = ready();
    let reply = s.request(
        "tools/call",
        json!({"name": "aws_delete_everything", "arguments": {}}),
    );
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    for tool in [
        "aws_search_operations",
        "aws_get_operation_schema",
        "aws_execute",
    ] {
        assert!(message.contains(tool), "{message}");
    }
}

// ------------------------------------------------------------------------------------ tools

#[test]
fn tools_list_has_the_three_tools() {
    let mut s = ready();
    let reply = s.request("tools/list", json!({}));
    // The whole answer an agent reads before its first call: under 6 KB.
    let size = reply.to_string().len();
    assert!(size < 6 * 1024, "tools/list is {size} bytes");
    let tools = reply["result"]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "aws_search_operations",
            "aws_get_operation_schema",
            "aws_execute"
        ]
    );
    assert!(reply["result"].get("nextCursor").is_none());
    let props = |i: usize| tools[i]["inputSchema"]["properties"].clone();
    for t in tools {
        assert_eq!(t["inputSchema"]["type"], "object");
        assert_eq!(t["inputSchema"]["additionalProperties"], false);
        assert!(t.get("outputSchema").is_none(), "no outputSchema: {t}");
        assert!(t["description"].as_str().is_some_and(|d| d.len() > 50));
    }
    // search
    assert_eq!(tools[0]["inputSchema"]["required"], json!(["query"]));
    assert_eq!(props(0)["query"]["type"], "string");
    assert_eq!(props(0)["serviceHint"]["type"], "string");
    assert_eq!(props(0)["limit"]["type"], "integer");
    assert_eq!(props(0)["limit"]["default"], 5);
    assert_eq!(props(0)["limit"]["maximum"], 50);
    // schema
    assert_eq!(
        tools[1]["inputSchema"]["required"],
        json!(["service", "operation"])
    );
    // execute
    assert_eq!(
        props(2)["action"]["enum"],
        json!(["validate", "invoke", "presign"])
    );
    assert_eq!(props(2)["payload"]["type"], json!(["object", "string"]));
    assert_eq!(props(2)["options"]["type"], json!(["object", "string"]));
    assert_eq!(props(2)["region"]["type"], json!(["string", "array"]));
    assert_eq!(props(2)["region"]["items"]["type"], "string");
    // annotations
    for i in [0, 1] {
        assert_eq!(tools[i]["annotations"]["readOnlyHint"], true);
        assert_eq!(tools[i]["annotations"]["openWorldHint"], false);
    }
    assert_eq!(tools[2]["annotations"]["destructiveHint"], true);
    assert_eq!(tools[2]["annotations"]["openWorldHint"], true);
    // A cursor we never issued.
    let bad = s.request("tools/list", json!({"cursor": "nope"}));
    assert_eq!(bad["error"]["code"], -32602);
}

#[test]
fn search_tool_finds_s3_list_buckets() {
    let mut s = ready();
    let result = s.call_tool("aws_search_operations", json!({"query": "list s3 buckets"}));
    let found = assert_tool_success(&result);
    let results = found["results"].as_array().expect("results");
    assert!(
        results
            .iter()
            .any(|r| r["service"] == "s3" && r["operation"] == "ListBuckets"),
        "{found}"
    );
    let limited = s.call_tool(
        "aws_search_operations",
        json!({"query": "describe instances", "serviceHint": "ec2", "limit": 3}),
    );
    let limited = assert_tool_success(&limited);
    let results = limited["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 3, "{limited}");
    assert!(results.iter().all(|r| r["service"] == "ec2"), "{limited}");
}

#[test]
fn search_tool_reports_bad_arguments_as_tool_errors() {
    let mut s = ready();
    let result = s.call_tool("aws_search_operations", json!({}));
    assert_tool_error(&result, "InvalidArguments");
    // Missing arguments entirely behaves like {}.
    let reply = s.request("tools/call", json!({"name": "aws_search_operations"}));
    assert_tool_error(&reply["result"], "InvalidArguments");
}

/// The properties of the input schema in a schema-tool result.
fn schema_properties(v: &Value) -> &Value {
    for key in ["schema", "inputSchema", "input_schema"] {
        if v[key]["properties"].is_object() {
            return &v[key]["properties"];
        }
    }
    &v["properties"]
}

#[test]
fn schema_tool_returns_put_object_schema() {
    let mut s = ready();
    let result = s.call_tool(
        "aws_get_operation_schema",
        json!({"service": "s3", "operation": "PutObject"}),
    );
    let schema = assert_tool_success(&result);
    let props = schema_properties(schema);
    for p in ["Bucket", "Key", "Body"] {
        assert!(props.get(p).is_some(), "missing {p}: {schema}");
    }
    // Other spellings resolve to the same operation.
    let kebab = s.call_tool(
        "aws_get_operation_schema",
        json!({"service": "s3", "operation": "put-object"}),
    );
    assert_eq!(kebab["structuredContent"], result["structuredContent"]);
}

#[test]
fn schema_tool_unknown_service_and_operation() {
    let mut s = ready();
    let result = s.call_tool(
        "aws_get_operation_schema",
        json!({"service": "s4", "operation": "PutObject"}),
    );
    assert_tool_error(&result, "ServiceNotFound");
    let suggestions = &result["structuredContent"]["error"]["suggestions"];
    assert!(
        suggestions
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "s3")),
        "{result}"
    );
    let result = s.call_tool(
        "aws_get_operation_schema",
        json!({"service": "s3", "operation": "PutObjekt"}),
    );
    assert_tool_error(&result, "OperationNotFound");
}

#[test]
fn execute_tool_validate_and_invoke() {
    let mut s = ready();
    let ok = s.call_tool(
        "aws_execute",
        json!({"action": "validate", "service": "s3", "operation": "ListObjectsV2",
               "payload": {"Bucket": "my-bucket", "MaxKeys": 10}}),
    );
    assert_tool_success(&ok);
    // The payload may be a string holding JSON.
    let ok = s.call_tool(
        "aws_execute",
        json!({"action": "validate", "service": "s3", "operation": "ListObjectsV2",
               "payload": "{\"Bucket\": \"my-bucket\"}"}),
    );
    assert_tool_success(&ok);
    let bad = s.call_tool(
        "aws_execute",
        json!({"action": "validate", "service": "s3", "operation": "ListObjectsV2",
               "payload": {"MaxKeys": "ten"}}),
    );
    assert_tool_error(&bad, "ValidationError");
    let invoke = s.call_tool(
        "aws_execute",
        json!({"action": "invoke", "service": "s3", "operation": "ListBuckets", "payload": {}}),
    );
    assert_eq!(invoke["isError"], true, "{invoke}");
    let t = error_type(&invoke);
    assert!(
        ["InvalidArguments", "CredentialsError"].contains(&t),
        "{invoke}"
    );
}

#[test]
fn tool_results_are_utf8_not_ascii_escaped() {
    let mut s = ready();
    // The unknown operation name is echoed in the error; stdout carries it as raw UTF-8.
    s.send(
        &json!({"jsonrpc": "2.0", "id": "utf8", "method": "tools/call", "params": {
        "name": "aws_get_operation_schema",
        "arguments": {"service": "s3", "operation": "Zoë"}}}),
    );
    let line = s.recv_line();
    let reply = parse_jsonrpc_line(&line);
    assert_eq!(reply["id"], "utf8");
    assert!(line.contains("Zoë"), "{line}");
    assert!(
        !line.contains("\\u00eb") && !line.contains("\\u00EB"),
        "{line}"
    );
    let text = reply["result"]["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("Zoë"), "{text}");
}

#[test]
fn stdout_carries_only_json_rpc_even_with_debug_logging() {
    let mut s = Server::start_with_env(&[("AWS_MCP_LOG", "trace")]);
    s.initialize("2025-11-25");
    s.request("tools/list", json!({}));
    s.call_tool("aws_search_operations", json!({"query": "s3"}));
    s.send_line("garbage");
    assert_eq!(s.recv()["error"]["code"], -32700);
    let closed = s.close();
    assert!(closed.status.success());
    for line in &closed.rest {
        parse_jsonrpc_line(line);
    }
    assert!(
        !closed.stderr.is_empty(),
        "trace logging should write to stderr"
    );
}

/// A policy file in a fresh directory of its own.
fn policy_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("aws-exec-mcp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("policy.yaml");
    std::fs::write(&file, text).expect("write policy");
    file
}

fn run_with_policy(args: &[&str], policy: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env("POLICY_PATH", policy)
        .env_remove("AWS_MCP_LOG")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("run aws-exec-mcp")
}

#[test]
fn a_bad_policy_stops_the_server_with_the_line_named() {
    let file = policy_file(
        "bad-policy",
        "mode: read-only\ndeny_when:\n  - operations: [\"ec2:TerminateInstance\"]\n",
    );
    let out = run_with_policy(&[], &file);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "stdout must stay JSON-RPC only");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:3:18:", file.display()))
            && stderr.contains("did you mean `TerminateInstances`"),
        "{stderr}"
    );

    // check-config reports the same on stdout, and exits 2.
    let out = run_with_policy(&["check-config"], &file);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("error: {}:3:18:", file.display())),
        "{stdout}"
    );

    // Fixed: check-config passes and summarises the policy.
    std::fs::write(&file, "mode: read-only\n").expect("write policy");
    let out = run_with_policy(&["check-config"], &file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("(mode read-only;"), "{stdout}");
    let _ = std::fs::remove_dir_all(file.parent().expect("dir"));
}

#[test]
fn a_missing_policy_path_is_an_error_but_a_missing_default_is_not() {
    let missing = std::env::temp_dir().join(format!("no-such-policy-{}.yaml", std::process::id()));
    let out = run_with_policy(&["search", "list buckets"], &missing);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("set by POLICY_PATH"), "{stderr}");
    // No POLICY_PATH, no ./policy.yaml: the built-in default, said in a log line.
    let dir = std::env::temp_dir().join(format!("aws-exec-mcp-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = Command::new(BIN)
        .args(["search", "list buckets", "-n", "1"])
        .current_dir(&dir)
        .env_remove("POLICY_PATH")
        .env_remove("AWS_MCP_LOG")
        .env_remove("RUST_LOG")
        .output()
        .expect("run aws-exec-mcp");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("built-in default policy"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

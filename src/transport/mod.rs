//! Transports that carry MCP's JSON-RPC messages to the server in [`crate::mcp`].
//!
//! rmcp's own line transport drops unparsable input without a reply, answers other malformed
//! messages with an error that has no `id` member, and ends the whole session when a
//! notification arrives before `initialize`. The stdio transport here puts a thin JSON-RPC
//! screening layer ([`screen`]) in front of rmcp: well-formed messages go on to rmcp, everything
//! else is answered (or ignored) according to JSON-RPC 2.0, and the server keeps serving.

pub mod stdio;

use rmcp::model::{
    CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, InitializeRequestParams,
    JsonRpcRequest, PaginatedRequestParams,
};
use serde_json::{Map, Value, json};

/// JSON-RPC 2.0 error codes used by the screening layer.
pub mod code {
    /// Invalid JSON was received.
    pub const PARSE_ERROR: i64 = -32700;
    /// The JSON sent is not a valid request object.
    pub const INVALID_REQUEST: i64 = -32600;
    /// The method's parameters do not have the expected shape.
    pub const INVALID_PARAMS: i64 = -32602;
}

/// Where the session is in the MCP lifecycle, as far as the screening layer is concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Phase {
    /// No `initialize` request has been passed on yet.
    #[default]
    AwaitingInitialize,
    /// An `initialize` request has been passed on; everything else may follow.
    Initialized,
}

/// What to do with one incoming line.
#[derive(Debug)]
pub enum Screened {
    /// A well-formed message for rmcp.
    Forward(Box<ClientJsonRpcMessage>),
    /// A JSON-RPC error response to write back ourselves.
    Reply(Value),
    /// Nothing to do (blank line, a notification or response we drop). The reason is logged.
    Ignore(&'static str),
}

/// A JSON-RPC error response object.
pub fn error_response(id: Option<&Value>, code: i64, message: impl Into<String>) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id.cloned().unwrap_or(Value::Null),
        "error": {"code": code, "message": message.into()},
    })
}

/// The reply to a line longer than the transport accepts; the line itself was discarded.
pub fn oversized_reply(limit: usize) -> Value {
    error_response(
        None,
        code::PARSE_ERROR,
        format!(
            "Parse error: message longer than {limit} bytes was discarded; \
             send smaller requests (one JSON-RPC message per line)"
        ),
    )
}

/// UTF-8 byte order mark; RFC 8259 lets a parser ignore it.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Classifies one line of newline-delimited JSON-RPC (without its `\n`) and advances `phase`.
///
/// * not JSON → `-32700` parse error, `id: null`;
/// * a batch (array) or any non-object → `-32600`, `id: null` (MCP does not use batches);
/// * an object with `jsonrpc` other than `"2.0"`, a non-string `method`, a missing `method`
///   on something that is not a response, or an `id` that is not a string or an integer →
///   `-32600`, echoing the `id` when it is usable;
/// * a request whose `params` do not fit its method → `-32602` with its `id`;
/// * a notification or response that does not parse, or that arrives before `initialize` →
///   ignored (notifications never get a reply);
/// * a request other than `initialize` or `ping` before `initialize` → `-32600` with its `id`;
/// * everything else is forwarded to rmcp (unknown methods included: rmcp answers `-32601`).
pub fn screen(line: &[u8], phase: &mut Phase) -> Screened {
    let line = line.strip_prefix(UTF8_BOM).unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Screened::Ignore("blank line");
    }
    let value: Value = match serde_json::from_slice(line) {
        Ok(v) => v,
        Err(e) => {
            return Screened::Reply(error_response(
                None,
                code::PARSE_ERROR,
                format!("Parse error: {e}; send one JSON-RPC 2.0 message per line"),
            ));
        }
    };
    let obj = match &value {
        Value::Object(obj) => obj,
        Value::Array(_) => {
            return Screened::Reply(error_response(
                None,
                code::INVALID_REQUEST,
                "Invalid Request: JSON-RPC batches are not supported; send one message per line",
            ));
        }
        _ => {
            return Screened::Reply(error_response(
                None,
                code::INVALID_REQUEST,
                "Invalid Request: a JSON-RPC message must be a JSON object",
            ));
        }
    };
    let id = classify_id(obj);
    let usable_id = match &id {
        Id::Valid(v) => Some(*v),
        _ => None,
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Screened::Reply(error_response(
            usable_id,
            code::INVALID_REQUEST,
            "Invalid Request: the \"jsonrpc\" member must be exactly \"2.0\"",
        ));
    }
    let method = match obj.get("method") {
        Some(Value::String(m)) => Some(m.as_str()),
        Some(_) => {
            return Screened::Reply(error_response(
                usable_id,
                code::INVALID_REQUEST,
                "Invalid Request: \"method\" must be a string",
            ));
        }
        None => None,
    };
    match (method, id) {
        // A response to a request of ours (we send none today) or junk without a method.
        (None, id) => {
            if obj.contains_key("result") || obj.contains_key("error") {
                if *phase == Phase::AwaitingInitialize {
                    return Screened::Ignore("response before initialize");
                }
                return match parse(value) {
                    Ok(msg) => Screened::Forward(msg),
                    Err(_) => Screened::Ignore("malformed response"),
                };
            }
            let id = match id {
                Id::Valid(v) => Some(v.clone()),
                _ => None,
            };
            Screened::Reply(error_response(
                id.as_ref(),
                code::INVALID_REQUEST,
                "Invalid Request: missing \"method\"",
            ))
        }
        // A notification: never answered.
        (Some(_), Id::Absent) => {
            if *phase == Phase::AwaitingInitialize {
                return Screened::Ignore("notification before initialize");
            }
            match parse(value) {
                Ok(msg) => Screened::Forward(msg),
                Err(_) => Screened::Ignore("notification with malformed params"),
            }
        }
        (Some(_), Id::Invalid) => Screened::Reply(error_response(
            None,
            code::INVALID_REQUEST,
            "Invalid Request: \"id\" must be a string or an integer",
        )),
        (Some(method), Id::Valid(id)) => {
            let id = id.clone();
            if *phase == Phase::AwaitingInitialize && method != "initialize" && method != "ping" {
                return Screened::Reply(error_response(
                    Some(&id),
                    code::INVALID_REQUEST,
                    format!(
                        "Invalid Request: `{}` before `initialize`; start the session with an \
                         `initialize` request",
                        truncate(method, 128)
                    ),
                ));
            }
            let method = method.to_string();
            let params = obj.get("params").cloned();
            match parse(value) {
                // rmcp falls back to a custom request when a known method's params do not fit;
                // that is a params error, not an unknown method.
                Ok(msg) if is_custom_request(&msg) && KNOWN_REQUESTS.contains(&method.as_str()) => {
                    Screened::Reply(invalid_params(&id, &method, params_error(&method, params)))
                }
                Ok(msg) => {
                    if method == "initialize" {
                        *phase = Phase::Initialized;
                    }
                    Screened::Forward(msg)
                }
                Err(e) => Screened::Reply(invalid_params(&id, &method, e.to_string())),
            }
        }
    }
}

enum Id<'a> {
    Absent,
    Valid(&'a Value),
    Invalid,
}

fn classify_id(obj: &Map<String, Value>) -> Id<'_> {
    match obj.get("id") {
        None => Id::Absent,
        Some(v @ Value::String(_)) => Id::Valid(v),
        Some(v @ Value::Number(n)) if n.is_i64() => Id::Valid(v),
        Some(_) => Id::Invalid,
    }
}

/// Requests rmcp knows by name (a payload that does not fit them is a params error).
const KNOWN_REQUESTS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "prompts/list",
    "prompts/get",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "completion/complete",
    "logging/setLevel",
];

fn is_custom_request(msg: &ClientJsonRpcMessage) -> bool {
    matches!(
        msg,
        ClientJsonRpcMessage::Request(JsonRpcRequest {
            request: ClientRequest::CustomRequest(_),
            ..
        })
    )
}

/// Why `params` do not fit `method`, in serde's words where we can tell.
fn params_error(method: &str, params: Option<Value>) -> String {
    let params = params.unwrap_or(Value::Null);
    let err = match method {
        "tools/call" => serde_json::from_value::<CallToolRequestParams>(params).err(),
        "initialize" => serde_json::from_value::<InitializeRequestParams>(params).err(),
        "tools/list" => serde_json::from_value::<Option<PaginatedRequestParams>>(params).err(),
        _ => None,
    };
    err.map_or_else(
        || "the params do not match the method".to_string(),
        |e| e.to_string(),
    )
}

fn invalid_params(id: &Value, method: &str, reason: String) -> Value {
    error_response(
        Some(id),
        code::INVALID_PARAMS,
        format!("Invalid params for `{}`: {reason}", truncate(method, 128)),
    )
}

fn parse(value: Value) -> Result<Box<ClientJsonRpcMessage>, serde_json::Error> {
    serde_json::from_value::<ClientJsonRpcMessage>(value).map(Box::new)
}

fn truncate(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(line: &str, phase: &mut Phase) -> Value {
        match screen(line.as_bytes(), phase) {
            Screened::Reply(v) => v,
            other => panic!("expected a reply for {line}, got {other:?}"),
        }
    }

    const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

    #[test]
    fn parse_errors_have_null_id() {
        let mut p = Phase::Initialized;
        for line in ["not json", "{\"jsonrpc\":", "{'a':1}", "\u{0}"] {
            let r = reply(line, &mut p);
            assert_eq!(r["error"]["code"], -32700, "{line}");
            assert_eq!(r["id"], Value::Null);
            assert_eq!(r["jsonrpc"], "2.0");
        }
        let r = match screen(b"\xff\xfe{}", &mut p) {
            Screened::Reply(v) => v,
            other => panic!("{other:?}"),
        };
        assert_eq!(r["error"]["code"], -32700);
    }

    #[test]
    fn non_objects_are_invalid_requests() {
        let mut p = Phase::Initialized;
        for line in ["[]", "[1,2]", "42", "\"x\"", "null", "true"] {
            let r = reply(line, &mut p);
            assert_eq!(r["error"]["code"], -32600, "{line}");
            assert_eq!(r["id"], Value::Null);
        }
    }

    #[test]
    fn wrong_jsonrpc_echoes_the_id() {
        let mut p = Phase::Initialized;
        let r = reply(r#"{"jsonrpc":"1.0","id":5,"method":"ping"}"#, &mut p);
        assert_eq!(r["error"]["code"], -32600);
        assert_eq!(r["id"], 5);
        let r = reply(r#"{"id":"a","method":"ping"}"#, &mut p);
        assert_eq!(r["id"], "a");
    }

    #[test]
    fn bad_ids_and_methods() {
        let mut p = Phase::Initialized;
        let r = reply(r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, &mut p);
        assert_eq!(r["error"]["code"], -32600);
        assert_eq!(r["id"], Value::Null);
        let r = reply(r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, &mut p);
        assert_eq!(r["error"]["code"], -32600);
        let r = reply(r#"{"jsonrpc":"2.0","id":3,"method":7}"#, &mut p);
        assert_eq!(r["id"], 3);
        let r = reply(r#"{"jsonrpc":"2.0","id":4}"#, &mut p);
        assert_eq!(r["error"]["code"], -32600);
        assert_eq!(r["id"], 4);
    }

    #[test]
    fn bad_params_are_invalid_params_with_id() {
        let mut p = Phase::Initialized;
        let r = reply(
            r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":3}}"#,
            &mut p,
        );
        assert_eq!(r["error"]["code"], -32602);
        assert_eq!(r["id"], 7);
        let r = reply(
            r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"x","arguments":[1]}}"#,
            &mut p,
        );
        assert_eq!(r["error"]["code"], -32602);
        let r = reply(
            r#"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"arguments":{}}}"#,
            &mut p,
        );
        assert_eq!(r["error"]["code"], -32602);
        assert!(r["error"]["message"].as_str().unwrap().contains("name"));
        let mut fresh = Phase::default();
        let r = reply(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            &mut fresh,
        );
        assert_eq!(r["error"]["code"], -32602);
        assert_eq!(fresh, Phase::AwaitingInitialize);
    }

    #[test]
    fn lifecycle_gate() {
        let mut p = Phase::default();
        assert!(matches!(
            screen(
                br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                &mut p
            ),
            Screened::Ignore(_)
        ));
        let r = reply(r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#, &mut p);
        assert_eq!(r["error"]["code"], -32600);
        assert_eq!(r["id"], 2);
        assert!(matches!(
            screen(br#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#, &mut p),
            Screened::Forward(_)
        ));
        assert_eq!(p, Phase::AwaitingInitialize);
        assert!(matches!(
            screen(INIT.as_bytes(), &mut p),
            Screened::Forward(_)
        ));
        assert_eq!(p, Phase::Initialized);
        assert!(matches!(
            screen(
                br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                &mut p
            ),
            Screened::Forward(_)
        ));
        assert!(matches!(
            screen(br#"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#, &mut p),
            Screened::Forward(_)
        ));
    }

    #[test]
    fn unknown_methods_go_to_rmcp_and_blank_lines_are_skipped() {
        let mut p = Phase::Initialized;
        assert!(matches!(
            screen(br#"{"jsonrpc":"2.0","id":6,"method":"foo/bar"}"#, &mut p),
            Screened::Forward(_)
        ));
        assert!(matches!(screen(b"  \r", &mut p), Screened::Ignore(_)));
        assert!(matches!(
            screen(
                b"\xEF\xBB\xBF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\r",
                &mut p
            ),
            Screened::Forward(_)
        ));
    }
}

//! The MCP server object: an rmcp [`ServerHandler`] that advertises the three tools and turns
//! tool results and [`ToolError`]s into MCP tool results.
//!
//! * Success: `structuredContent` is the tool's JSON, plus one text block with the same JSON.
//! * Tool failure: `isError: true`, a text block with what went wrong and what to do next
//!   followed by the error JSON, and `structuredContent: {error: {type, message, hint, ...}}`.
//! * Unknown tool: JSON-RPC error `-32602` naming the three tools.
//!
//! Protocol versions: a client asking for 2025-03-26, 2025-06-18 or 2025-11-25 gets that
//! version back; any other gets 2025-11-25. rmcp's `initialize` negotiation does this once
//! [`ServerHandler::supported_protocol_versions`] lists exactly those three and the preferred
//! version in [`ServerHandler::get_info`] is 2025-11-25.

pub mod elicit;
pub mod encode;
pub mod tools;

use std::{borrow::Cow, panic::AssertUnwindSafe};

use rmcp::{
    ErrorData, RoleServer, ServerHandler,
    model::{
        CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, CustomRequest,
        CustomResult, ErrorCode, Implementation, InitializeResult, ListToolsResult,
        PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig, ToolsCapability,
    },
    service::RequestContext,
};
use serde_json::{Value, json};

use futures::FutureExt as _;

use crate::tools::{ToolContext, ToolError, ToolOutput};

/// The protocol versions this server speaks (all with the `initialize` handshake).
pub const PROTOCOL_VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V_2025_03_26,
    ProtocolVersion::V_2025_06_18,
    ProtocolVersion::V_2025_11_25,
];

/// The version offered to a client whose requested version is not supported.
pub const LATEST_PROTOCOL_VERSION: ProtocolVersion = ProtocolVersion::V_2025_11_25;

pub const SERVER_NAME: &str = "aws-exec-mcp";

/// Sent to the client in `initialize`; clients pass it to the model.
pub const INSTRUCTIONS: &str = "\
Every AWS API through three tools, in this order:\n\
1. aws_search_operations {query}: the operation for a task ('list s3 buckets' -> s3 \
ListBuckets), with the members a call requires.\n\
2. aws_get_operation_schema {service, operation}: the input schema (types, required members, \
allowed values); compact, with 'path' to open a summarised part.\n\
3. aws_execute {action: 'validate', service, operation, payload}: checks the payload and \
shows the policy's decision without calling AWS; fix what it reports, then the same call with \
action 'invoke'.\n\
Pass arguments at the top level (only aws_execute has a 'payload'). Ask only for what you \
need: options.query (JMESPath, as the CLI's --query), options.paginate. A trimmed result says \
what was cut and gives a cursor (options.cursor) for the rest. Each result names the identity \
(account, ARN, region) that acted; options.profile or options.roleArn act as another. \
Destructive calls need the user's consent: the client may ask them, or the answer is \
ConfirmationRequired with a summary and a token: show the summary, and only if the user agrees \
repeat the call with options.confirmationToken. Errors carry a type and a hint naming the next \
step.";

/// How a successful tool result carries its `structuredContent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StructuredContent {
    /// As a JSON value inside the result: works with any transport.
    #[default]
    Value,
    /// Written by the transport from the result's text block (see [`encode`]): for transports
    /// that serialise with [`encode::encode_line`], like stdio. Saves building and serialising
    /// the value a second time.
    FromText,
}

/// The MCP server. Holds no session state: every call goes straight to the tool functions with
/// the caller's context.
#[derive(Debug, Clone)]
pub struct AwsExecServer {
    context: ToolContext,
    structured: StructuredContent,
}

impl Default for AwsExecServer {
    fn default() -> Self {
        Self::new(ToolContext::local_default())
    }
}

impl AwsExecServer {
    pub fn new(context: ToolContext) -> Self {
        AwsExecServer {
            context,
            structured: StructuredContent::default(),
        }
    }

    /// The same server, carrying `structuredContent` as `mode` says.
    pub fn with_structured_content(mut self, mode: StructuredContent) -> Self {
        self.structured = mode;
        self
    }

    /// Runs tool `name` on `arguments`; `None` when there is no such tool.
    pub async fn call(&self, name: &str, arguments: &Value) -> Option<CallToolResult> {
        self.call_with(&self.context, name, arguments).await
    }

    /// [`AwsExecServer::call`] with a context of the call's own (one that can ask the user).
    pub async fn call_with(
        &self,
        ctx: &ToolContext,
        name: &str,
        arguments: &Value,
    ) -> Option<CallToolResult> {
        let tool = match name {
            tools::SEARCH | tools::SCHEMA | tools::EXECUTE => name,
            _ => return None,
        };
        let span = tracing::info_span!("tool_call", tool, principal = %ctx.principal.label());
        // A panicking tool must not leave the request unanswered.
        let outcome = match tool {
            tools::SEARCH => span.in_scope(|| {
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    crate::tools::search::run(ctx, arguments)
                }))
            }),
            tools::SCHEMA => span.in_scope(|| {
                std::panic::catch_unwind(AssertUnwindSafe(|| {
                    crate::tools::schema::run(ctx, arguments)
                }))
            }),
            _ => {
                tracing::Instrument::instrument(
                    AssertUnwindSafe(crate::tools::execute::run(ctx, arguments)).catch_unwind(),
                    span,
                )
                .await
            }
        };
        Some(match outcome {
            Ok(Ok(output)) => success_result(output, self.structured),
            Ok(Err(error)) => error_result(&error),
            Err(_) => internal_error_result(name),
        })
    }
}

/// `structuredContent` = the result, plus the same JSON as text (compact, UTF-8).
pub fn success_result(output: impl Into<ToolOutput>, mode: StructuredContent) -> CallToolResult {
    let output = output.into();
    let mut result = CallToolResult::success(vec![ContentBlock::text(output.to_json_text())]);
    match mode {
        StructuredContent::FromText => encode::mark_from_text(&mut result),
        StructuredContent::Value => match output.into_value() {
            Ok(value) => result.structured_content = Some(value),
            // Our own serialisation always parses back; the text still carries the result.
            Err(e) => tracing::error!("a tool result does not parse back: {e}"),
        },
    }
    result
}

/// `isError: true`, text = the error's message and hint, then its JSON; `structuredContent` =
/// the error JSON.
pub fn error_result(error: &ToolError) -> CallToolResult {
    let json = error.to_json();
    let text = format!("{}\n\n{json}", error.to_text());
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json);
    result
}

fn internal_error_result(tool: &str) -> CallToolResult {
    tracing::error!(tool, "tool panicked");
    let json = json!({"error": {
        "type": "InternalError",
        "message": format!("{tool} failed unexpectedly inside aws-exec-mcp"),
        "hint": "This is a bug in the server, not in your arguments. Retrying the same call will \
                 likely fail again; try a different operation or report the issue with the \
                 server's stderr log.",
        "retryable": false,
    }});
    let text = format!(
        "InternalError: {}\nHint: {}\n\n{json}",
        json["error"]["message"].as_str().unwrap_or_default(),
        json["error"]["hint"].as_str().unwrap_or_default()
    );
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json);
    result
}

/// The JSON-RPC error for a `tools/call` naming a tool we do not have.
pub fn unknown_tool_error(name: &str) -> ErrorData {
    let shown: String = name.chars().take(128).collect();
    ErrorData::invalid_params(
        format!(
            "Unknown tool `{shown}`. This server has three tools: {}, {} and {}.",
            tools::SEARCH,
            tools::SCHEMA,
            tools::EXECUTE
        ),
        Some(json!({"availableTools": tools::NAMES})),
    )
}

impl ServerHandler for AwsExecServer {
    fn get_info(&self) -> ServerConfig {
        let mut tools_capability = ToolsCapability::default();
        tools_capability.list_changed = Some(false);
        let mut capabilities = ServerCapabilities::default();
        capabilities.tools = Some(tools_capability);

        let mut server_info = Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION"));
        server_info.title = Some("AWS Exec MCP".into());
        server_info.description = Some(env!("CARGO_PKG_DESCRIPTION").into());

        let mut info = InitializeResult::new(capabilities).with_instructions(INSTRUCTIONS);
        info.protocol_version = LATEST_PROTOCOL_VERSION;
        info.server_info = server_info;
        info
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Borrowed(&PROTOCOL_VERSIONS)
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        if let Some(cursor) = request.and_then(|r| r.cursor) {
            return Err(ErrorData::invalid_params(
                format!(
                    "Invalid cursor `{}`: tools/list has a single page; call it without a cursor",
                    cursor.chars().take(64).collect::<String>()
                ),
                None,
            ));
        }
        Ok(ListToolsResult::with_all_items(tools::all().to_vec()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let arguments = Value::Object(request.arguments.unwrap_or_default());
        let ctx = match elicit::PeerAsker::for_peer(&context.peer) {
            Some(asker) => self.context.clone().with_asker(std::sync::Arc::new(asker)),
            None => self.context.clone(),
        };
        match self.call_with(&ctx, &request.name, &arguments).await {
            Some(result) => Ok(result.into()),
            None => Err(unknown_tool_error(&request.name)),
        }
    }

    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        let method: String = request.method.chars().take(128).collect();
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!(
                "Method not found: `{method}`. This server implements initialize, ping, \
                 tools/list and tools/call."
            ),
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::ErrorType;

    #[test]
    fn success_carries_structured_content_and_the_same_json_as_text() {
        let r = success_result(json!({"count": 1, "name": "Zoë"}), StructuredContent::Value);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["isError"], false);
        assert_eq!(v["structuredContent"]["name"], "Zoë");
        let text = v["content"][0]["text"].as_str().unwrap();
        assert!(text.contains("Zoë"), "not ASCII-escaped: {text}");
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            v["structuredContent"]
        );
    }

    #[tokio::test]
    async fn from_text_results_encode_to_the_same_message() {
        use rmcp::model::{JsonRpcMessage, JsonRpcResponse, JsonRpcVersion2_0, NumberOrString};
        let server = AwsExecServer::default();
        let args = json!({"service": "s3", "operation": "PutObject"});
        let mut lines = Vec::new();
        for mode in [StructuredContent::FromText, StructuredContent::Value] {
            let result = server
                .clone()
                .with_structured_content(mode)
                .call(tools::SCHEMA, &args)
                .await
                .unwrap();
            let message = JsonRpcMessage::Response(JsonRpcResponse {
                jsonrpc: JsonRpcVersion2_0,
                id: NumberOrString::Number(1),
                result: rmcp::model::ServerResult::CallToolResult(result),
            });
            lines.push(
                serde_json::from_slice::<Value>(&encode::encode_line(message).unwrap()).unwrap(),
            );
        }
        let fast = &lines[0];
        assert_eq!(fast, &lines[1]);
        assert_eq!(
            fast["result"]["structuredContent"]["operation"],
            "PutObject"
        );
    }

    #[test]
    fn errors_are_tool_results_with_type_message_and_hint() {
        let e = ToolError::new(
            ErrorType::ServiceNotFound,
            "Unknown AWS service `s4`",
            "Did you mean `s3`?",
        )
        .with("suggestions", json!(["s3"]));
        let v = serde_json::to_value(error_result(&e)).unwrap();
        assert_eq!(v["isError"], true);
        assert_eq!(v["structuredContent"]["error"]["type"], "ServiceNotFound");
        assert_eq!(v["structuredContent"]["error"]["suggestions"][0], "s3");
        let text = v["content"][0]["text"].as_str().unwrap();
        assert!(text.starts_with("ServiceNotFound: Unknown AWS service `s4`\nHint: Did you mean"));
        assert!(text.contains("\"suggestions\""));
    }

    #[tokio::test]
    async fn unknown_tool_is_invalid_params_listing_the_tools() {
        assert!(
            AwsExecServer::default()
                .call("nope", &json!({}))
                .await
                .is_none()
        );
        let e = unknown_tool_error("nope");
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
        for name in tools::NAMES {
            assert!(e.message.contains(name));
        }
    }

    #[test]
    fn server_info_and_versions() {
        let info = AwsExecServer::default().get_info();
        assert_eq!(info.server_info.name, "aws-exec-mcp");
        assert_eq!(info.server_info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);
        assert!(info.capabilities.tools.is_some());
        assert!(info.instructions.unwrap().contains("aws_search_operations"));
    }
}

//! The three MCP tools, independent of the transport: each takes the call's [`ToolContext`]
//! (who is calling, the server's shared parts) and its JSON arguments and returns a JSON result
//! or a [`ToolError`]. The MCP layer (`src/mcp`)
//! turns a result into `structuredContent` + a text block, and an error into an `isError`
//! result carrying `{error: {type, message, hint, ...}}`.

pub mod budget;
mod cache;
pub mod confirmation;
pub mod context;
pub mod cursor;
pub mod execute;
pub mod guard;
pub mod invoke;
pub mod options;
pub mod schema;
pub mod search;

pub use context::{Shared, ToolContext};

use std::sync::Arc;

use serde_json::{Map, Value};

pub use crate::principal::Principal;

/// The error categories a tool reports (the `type` of `structuredContent.error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorType {
    /// The tool arguments themselves are wrong (missing `query`, wrong type, unknown field).
    InvalidArguments,
    /// `payload` is not a JSON object (or a string holding one).
    InvalidPayload,
    /// `options` is not a JSON object (or a string holding one), or has bad values.
    InvalidOptions,
    /// No service of that name or alias is compiled in.
    ServiceNotFound,
    /// The service has no such operation.
    OperationNotFound,
    /// Policy does not expose the operation.
    OperationNotAllowed,
    /// The payload does not match the operation's input shape.
    ValidationError,
    /// The requested feature is not available in this build.
    NotAvailable,
    /// The operation cannot be called through this server (event streams).
    NotSupported,
    /// AWS answered the call with an error.
    AwsError,
    /// No credentials for the identity (missing, expired, role not assumable).
    CredentialsError,
    /// The profile or role is not in the server's allow-list.
    IdentityNotAllowed,
    /// A setting of the environment or the AWS config files is wrong.
    ConfigError,
    /// The call ran out of time.
    Timeout,
    /// The endpoint could not be reached.
    NetworkError,
    /// The response is larger than the server reads into memory.
    ResponseTooLarge,
    /// A bug in the server.
    InternalError,
    /// The call needs the user's confirmation (a token comes with it).
    ConfirmationRequired,
    /// The confirmation token given does not confirm this call.
    InvalidConfirmationToken,
    /// The policy refuses the call.
    PolicyDenied,
    /// A rate cap of the policy is full: retry later.
    RateLimited,
    /// The audit log cannot record the call, so it is refused (`AUDIT_FAIL_MODE=closed`).
    AuditUnavailable,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::InvalidArguments => "InvalidArguments",
            ErrorType::InvalidPayload => "InvalidPayload",
            ErrorType::InvalidOptions => "InvalidOptions",
            ErrorType::ServiceNotFound => "ServiceNotFound",
            ErrorType::OperationNotFound => "OperationNotFound",
            ErrorType::OperationNotAllowed => "OperationNotAllowed",
            ErrorType::ValidationError => "ValidationError",
            ErrorType::NotAvailable => "NotAvailable",
            ErrorType::NotSupported => "NotSupported",
            ErrorType::AwsError => "AwsError",
            ErrorType::CredentialsError => "CredentialsError",
            ErrorType::IdentityNotAllowed => "IdentityNotAllowed",
            ErrorType::ConfigError => "ConfigError",
            ErrorType::Timeout => "Timeout",
            ErrorType::NetworkError => "NetworkError",
            ErrorType::ResponseTooLarge => "ResponseTooLarge",
            ErrorType::InternalError => "InternalError",
            ErrorType::ConfirmationRequired => "ConfirmationRequired",
            ErrorType::InvalidConfirmationToken => "InvalidConfirmationToken",
            ErrorType::PolicyDenied => "PolicyDenied",
            ErrorType::RateLimited => "RateLimited",
            ErrorType::AuditUnavailable => "AuditUnavailable",
        }
    }

    /// Whether the same call can succeed after the caller fixes its input (or, for time and
    /// network failures, as it is). A tool error can say otherwise through its `retryable`
    /// detail (AWS errors do).
    pub fn retryable(self) -> bool {
        matches!(
            self,
            ErrorType::ValidationError
                | ErrorType::Timeout
                | ErrorType::NetworkError
                | ErrorType::RateLimited
        )
    }
}

/// A tool failure the model can act on: what went wrong and what to do next.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ToolError {
    pub error_type: ErrorType,
    pub message: String,
    pub hint: String,
    /// Extra members of the error object (`suggestions`, `errors`, `service`, ...).
    pub details: Box<Map<String, Value>>,
}

impl ToolError {
    pub fn new(error_type: ErrorType, message: impl Into<String>, hint: impl Into<String>) -> Self {
        ToolError {
            error_type,
            message: message.into(),
            hint: hint.into(),
            details: Box::default(),
        }
    }

    /// Adds a member to the error object.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    /// `{"error": {"type", "message", "hint", "retryable", ...details}}`.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".into(), self.error_type.as_str().into());
        error.insert("message".into(), self.message.clone().into());
        error.insert("hint".into(), self.hint.clone().into());
        error.insert("retryable".into(), self.error_type.retryable().into());
        for (k, v) in self.details.iter() {
            error.insert(k.clone(), v.clone());
        }
        let mut root = Map::new();
        root.insert("error".into(), Value::Object(error));
        Value::Object(root)
    }

    /// The text block shown to the model: message, then hint.
    pub fn to_text(&self) -> String {
        if self.hint.is_empty() {
            format!("{}: {}", self.error_type.as_str(), self.message)
        } else {
            format!(
                "{}: {}\nHint: {}",
                self.error_type.as_str(),
                self.message,
                self.hint
            )
        }
    }
}

impl From<crate::catalog::LookupError> for ToolError {
    fn from(e: crate::catalog::LookupError) -> Self {
        use crate::catalog::LookupError;
        match e {
            LookupError::Service {
                message,
                hint,
                suggestions,
            } => ToolError::new(ErrorType::ServiceNotFound, message, hint)
                .with("suggestions", suggestions),
            LookupError::Operation {
                service,
                message,
                hint,
                suggestions,
            } => ToolError::new(ErrorType::OperationNotFound, message, hint)
                .with("service", service)
                .with("suggestions", suggestions),
        }
    }
}

/// A tool's successful result.
#[derive(Debug, Clone)]
pub enum ToolOutput {
    /// A JSON value built for this call.
    Value(Value),
    /// The result already serialised as compact JSON: a cached rendering, shared between
    /// calls so that a hit costs neither a deep copy nor a second serialisation.
    Json(Arc<str>),
}

impl From<Value> for ToolOutput {
    fn from(value: Value) -> Self {
        ToolOutput::Value(value)
    }
}

impl ToolOutput {
    /// The compact JSON text of the result.
    pub fn to_json_text(&self) -> String {
        match self {
            ToolOutput::Value(v) => v.to_string(),
            ToolOutput::Json(text) => text.to_string(),
        }
    }

    /// The result as a JSON value (parsing a pre-serialised one).
    pub fn into_value(self) -> Result<Value, serde_json::Error> {
        match self {
            ToolOutput::Value(v) => Ok(v),
            ToolOutput::Json(text) => serde_json::from_str(&text),
        }
    }
}

pub type ToolResult = Result<ToolOutput, ToolError>;

//! What a tool call runs with: who is calling and the server's shared parts (configuration,
//! AWS client, credentials, audit log). Built per call by the transport: on stdio the local user, on HTTP
//! (later) the authenticated subject of the request.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::Config;
use crate::credentials::{CredentialsProvider, LocalCredentials};
use crate::invoke::client::AwsClient;
use crate::principal::Principal;

/// The server's shared parts, built once at start.
#[derive(Debug, Clone)]
pub struct Shared {
    pub aws: Arc<AwsClient>,
    pub credentials: Arc<dyn CredentialsProvider>,
    /// The audit log (`AUDIT_*`, `SQLITE_PATH`): opened on first use, or at start by the
    /// server ([`AuditLog::start`]).
    pub audit: AuditLog,
}

impl Shared {
    /// The stdio server's parts: the local AWS configuration.
    pub fn local(config: Arc<Config>) -> Shared {
        let audit = AuditLog::new(&config.audit);
        let aws = Arc::new(AwsClient::new(config));
        Shared {
            credentials: Arc::new(LocalCredentials::new(aws.clone())),
            aws,
            audit,
        }
    }

    /// The same parts with another audit log (tests: [`AuditLog::disabled`] or a temporary
    /// database).
    pub fn with_audit(mut self, audit: AuditLog) -> Shared {
        self.audit = audit;
        self
    }
}

/// One tool call's context.
#[derive(Debug, Clone)]
pub struct ToolContext {
    pub principal: Principal,
    pub shared: Shared,
}

impl ToolContext {
    pub fn new(principal: Principal, shared: Shared) -> ToolContext {
        ToolContext { principal, shared }
    }

    /// The local user with a default configuration and no audit log (tests, the CLI
    /// without a server).
    pub fn local_default() -> ToolContext {
        ToolContext::new(
            Principal::Local,
            Shared::local(Arc::new(Config::default())).with_audit(AuditLog::disabled()),
        )
    }

    pub fn config(&self) -> &Config {
        &self.shared.aws.config
    }
}

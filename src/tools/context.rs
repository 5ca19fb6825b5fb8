//! What a tool call runs with: who is calling and the server's shared parts (configuration,
//! AWS client, credentials, policy, audit log). Built per call by the transport: on stdio the
//! local user, on HTTP (later) the authenticated subject of the request.

use std::sync::Arc;

use crate::audit::AuditLog;
use crate::config::Config;
use crate::confirm::Confirmations;
use crate::credentials::BoxFuture;
use crate::credentials::{CredentialsProvider, LocalCredentials};
use crate::invoke::client::AwsClient;
use crate::policy::Policy;
use crate::principal::Principal;

/// The server's shared parts, built once at start.
#[derive(Debug, Clone)]
pub struct Shared {
    pub aws: Arc<AwsClient>,
    pub credentials: Arc<dyn CredentialsProvider>,
    pub confirmations: Arc<Confirmations>,
    /// The policy, loaded once at start ([`Policy::load`]).
    pub policy: Arc<Policy>,
    /// The audit log (`AUDIT_*`, `SQLITE_PATH`): opened on first use, or at start by the
    /// server ([`AuditLog::start`]).
    pub audit: AuditLog,
}

impl Shared {
    /// The stdio server's parts: the local AWS configuration, with the built-in default
    /// policy until [`Self::with_policy`] gives the loaded one.
    pub fn local(config: Arc<Config>) -> Shared {
        let policy = Policy::shared_builtin();
        let confirmations = confirmations(&config, &policy);
        let audit = AuditLog::new(&config.audit);
        let aws = Arc::new(AwsClient::new(config));
        Shared {
            credentials: Arc::new(LocalCredentials::new(aws.clone())),
            aws,
            confirmations,
            policy,
            audit,
        }
    }

    /// The same parts with `policy`.
    pub fn with_policy(mut self, policy: Arc<Policy>) -> Shared {
        self.confirmations = confirmations(&self.aws.config, &policy);
        self.policy = policy;
        self
    }

    /// The same parts with another audit log (tests: [`AuditLog::disabled`] or a temporary
    /// database).
    pub fn with_audit(mut self, audit: AuditLog) -> Shared {
        self.audit = audit;
        self
    }
}

/// The confirmation tokens: `AWS_MCP_CONFIRM_TTL_SECONDS` when set, else the policy's
/// `approval.ttl_seconds`.
fn confirmations(config: &Config, policy: &Policy) -> Arc<Confirmations> {
    Arc::new(Confirmations::new(
        config.confirm_key.as_deref(),
        config.confirm_ttl.unwrap_or_else(|| policy.approval_ttl()),
    ))
}

/// What the user answered when asked to confirm a call in the client (MCP elicitation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The user confirmed.
    Accepted,
    /// The user refused, or submitted the form without confirming.
    Declined,
    /// The user dismissed the prompt.
    Cancelled,
    /// No answer in time.
    TimedOut,
    /// The client could not ask (an error from it).
    Failed(String),
}

/// Asks the user of the client a yes/no question (MCP `elicitation/create`).
pub trait Asker: Send + Sync + std::fmt::Debug {
    fn confirm<'a>(
        &'a self,
        message: String,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Answer>;
}

/// One tool call's context.
#[derive(Debug, Clone)]
pub struct ToolContext {
    pub principal: Principal,
    pub shared: Shared,
    /// Set when the client declared elicitation: the server can ask the user directly.
    pub asker: Option<Arc<dyn Asker>>,
}

impl ToolContext {
    pub fn new(principal: Principal, shared: Shared) -> ToolContext {
        ToolContext {
            principal,
            shared,
            asker: None,
        }
    }

    /// The same context, able to ask the user through the client.
    pub fn with_asker(mut self, asker: Arc<dyn Asker>) -> ToolContext {
        self.asker = Some(asker);
        self
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

    pub fn policy(&self) -> &Policy {
        &self.shared.policy
    }
}

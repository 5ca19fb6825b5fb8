//! What a tool call runs with: who is calling and the server's shared parts (configuration,
//! AWS client, credentials, policy). Built per call by the transport: on stdio the local user, on HTTP
//! (later) the authenticated subject of the request.

use std::sync::Arc;

use crate::config::Config;
use crate::credentials::{CredentialsProvider, LocalCredentials};
use crate::invoke::client::AwsClient;
use crate::policy::Policy;
use crate::principal::Principal;

/// The server's shared parts, built once at start.
#[derive(Debug, Clone)]
pub struct Shared {
    pub aws: Arc<AwsClient>,
    pub credentials: Arc<dyn CredentialsProvider>,
    /// The policy, loaded once at start ([`Policy::load`]).
    pub policy: Arc<Policy>,
}

impl Shared {
    /// The stdio server's parts: the local AWS configuration, with the built-in default
    /// policy until [`Self::with_policy`] gives the loaded one.
    pub fn local(config: Arc<Config>) -> Shared {
        let aws = Arc::new(AwsClient::new(config));
        Shared {
            credentials: Arc::new(LocalCredentials::new(aws.clone())),
            aws,
            policy: Policy::shared_builtin(),
        }
    }

    /// The same parts with `policy`.
    pub fn with_policy(mut self, policy: Arc<Policy>) -> Shared {
        self.policy = policy;
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

    /// The local user with a default configuration (tests, the CLI without a server).
    pub fn local_default() -> ToolContext {
        ToolContext::new(Principal::Local, Shared::local(Arc::new(Config::default())))
    }

    pub fn config(&self) -> &Config {
        &self.shared.aws.config
    }

    pub fn policy(&self) -> &Policy {
        &self.shared.policy
    }
}

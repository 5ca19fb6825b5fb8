//! What a tool call runs with: who is calling and the server's shared parts (configuration,
//! AWS client, credentials). Built per call by the transport: on stdio the local user, on HTTP
//! (later) the authenticated subject of the request.

use std::sync::Arc;

use crate::config::Config;
use crate::credentials::{CredentialsProvider, LocalCredentials};
use crate::invoke::client::AwsClient;
use crate::principal::Principal;

/// The server's shared parts, built once at start.
#[derive(Debug, Clone)]
pub struct Shared {
    pub aws: Arc<AwsClient>,
    pub credentials: Arc<dyn CredentialsProvider>,
}

impl Shared {
    /// The stdio server's parts: the local AWS configuration.
    pub fn local(config: Arc<Config>) -> Shared {
        let aws = Arc::new(AwsClient::new(config));
        Shared {
            credentials: Arc::new(LocalCredentials::new(aws.clone())),
            aws,
        }
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
}

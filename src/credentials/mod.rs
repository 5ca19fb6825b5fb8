//! AWS credentials per call.
//!
//! A call asks for an identity ([`IdentityRequest`]): the default one (the SDKs' standard chain:
//! environment, shared config and credentials files with `AWS_PROFILE`, SSO, `credential_process`,
//! web identity, container, IMDS, through `aws-config`), a named profile of the local AWS config,
//! and optionally a role assumed on top of it with STS `AssumeRole`. Allow-lists decide which
//! profiles and roles a call may name ([`crate::config`]).
//!
//! Sessions are cached per identity until five minutes before they expire and refreshed
//! single-flight (one refresh per identity at a time; concurrent calls wait for it). Nothing
//! is written anywhere. Credentials without an expiry (static keys) are re-read every 15
//! minutes, and every failure drops the cached config files, so that a user who runs
//! `aws sso login` or edits `~/.aws/credentials` is picked up without a restart.
//!
//! The caller identity (`GetCallerIdentity`) is cached per access key.

mod local;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

pub use local::LocalCredentials;

use crate::invoke::sign::Credentials;
use crate::principal::Principal;

/// A boxed future, for the object-safe provider trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The identity a call asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct IdentityRequest {
    /// A profile of the local AWS config (`options.profile`); `None`: the default chain.
    pub profile: Option<String>,
    /// A role to assume with the profile's (or the default) credentials.
    pub role: Option<RoleRequest>,
}

/// `options.roleArn` with its `externalId` and `sessionName`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleRequest {
    pub arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
}

/// Resolved credentials for one identity.
#[derive(Debug, Clone)]
pub struct Session {
    pub credentials: Credentials,
    pub expires: Option<SystemTime>,
    /// The profile named by the call.
    pub profile: Option<String>,
    /// The role assumed for the call.
    pub role_arn: Option<String>,
}

/// Who the credentials belong to (`sts:GetCallerIdentity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Why no credentials could be had for an identity.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CredentialsError {
    /// The profile or role is not in the allow-list.
    #[error("{what} `{value}` is not allowed on this server")]
    NotAllowed {
        what: &'static str,
        value: String,
        allowed: Vec<String>,
        hint: String,
    },
    /// The profile is not in the local AWS config.
    #[error("profile `{profile}` is not in the local AWS config files")]
    UnknownProfile { profile: String, known: Vec<String> },
    /// The chain found no credentials, or its source failed (expired SSO session...).
    #[error("{message}")]
    Unavailable { message: String, hint: String },
    /// STS refused to assume the role, or could not be reached.
    #[error("assuming role `{role}` failed: {message}")]
    AssumeRole {
        role: String,
        message: String,
        code: Option<String>,
        hint: String,
    },
    /// `GetCallerIdentity` failed.
    #[error("identifying the caller failed: {message}")]
    Identity {
        message: String,
        code: Option<String>,
        hint: String,
    },
}

/// Turns a principal and an identity request into credentials.
pub trait CredentialsProvider: Send + Sync + std::fmt::Debug {
    /// The session for `request`, from the cache or fresh. `region` is where STS is called
    /// when a role must be assumed.
    fn session<'a>(
        &'a self,
        principal: &'a Principal,
        request: &'a IdentityRequest,
        region: &'a str,
    ) -> BoxFuture<'a, Result<Arc<Session>, CredentialsError>>;

    /// Who `session` is (cached per access key).
    fn caller_identity<'a>(
        &'a self,
        session: &'a Session,
        region: &'a str,
    ) -> BoxFuture<'a, Result<CallerIdentity, CredentialsError>>;
}

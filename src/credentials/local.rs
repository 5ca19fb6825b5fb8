//! The stdio server's credentials: the local AWS configuration of the user running it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_credential_types::provider::ProvideCredentials;
use aws_credential_types::provider::error::CredentialsError as ChainError;
use aws_types::region::Region;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::{
    BoxFuture, CallerIdentity, CredentialsError, CredentialsProvider, IdentityRequest, RoleRequest,
    Session,
};
use crate::config::matches_any;
use crate::invoke::call::{CallError, CallSpec, call};
use crate::invoke::client::AwsClient;
use crate::invoke::parse::AwsError;
use crate::invoke::sign::Credentials;
use crate::principal::Principal;

/// Sessions are refreshed this long before they expire.
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// Credentials without an expiry are re-read after this long.
const STATIC_TTL: Duration = Duration::from_secs(900);
/// The time limit of one credentials lookup (SSO, STS, IMDS...).
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(30);
/// Where STS is called when the call has no region (any region's STS answers).
const FALLBACK_STS_REGION: &str = "us-east-1";

type Slot = Arc<tokio::sync::Mutex<Option<Cached>>>;

#[derive(Debug, Clone)]
struct Cached {
    session: Arc<Session>,
    /// When to fetch again.
    refresh_at: SystemTime,
}

/// Credentials from the local AWS configuration (see the module docs of [`super`]).
#[derive(Debug)]
pub struct LocalCredentials {
    aws: Arc<AwsClient>,
    sessions: Mutex<HashMap<IdentityRequest, Slot>>,
    identities: Mutex<HashMap<String, CallerIdentity>>,
}

impl LocalCredentials {
    pub fn new(aws: Arc<AwsClient>) -> LocalCredentials {
        LocalCredentials {
            aws,
            sessions: Mutex::new(HashMap::new()),
            identities: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the request against the allow-lists and the local config.
    fn check_allowed(&self, request: &IdentityRequest) -> Result<(), CredentialsError> {
        let config = &self.aws.config;
        if let Some(profile) = &request.profile {
            let known = self.aws.profile_names();
            let allowed: Vec<String> = known
                .iter()
                .filter(|p| matches_any(&config.allowed_profiles, p))
                .cloned()
                .collect();
            if !matches_any(&config.allowed_profiles, profile) {
                return Err(CredentialsError::NotAllowed {
                    what: "profile",
                    value: profile.clone(),
                    hint: if allowed.is_empty() {
                        "No profile may be named on this server (AWS_MCP_ALLOWED_PROFILES); \
                         leave options.profile out to use the default credentials."
                            .to_string()
                    } else {
                        format!(
                            "Use one of the allowed profiles ({}), or leave options.profile out.",
                            allowed.join(", ")
                        )
                    },
                    allowed,
                });
            }
            if !known.iter().any(|p| p == profile) {
                // The files may have changed since they were read.
                self.aws.forget_profiles();
                let known = self.aws.profile_names();
                if !known.iter().any(|p| p == profile) {
                    return Err(CredentialsError::UnknownProfile {
                        profile: profile.clone(),
                        known: known
                            .into_iter()
                            .filter(|p| matches_any(&config.allowed_profiles, p))
                            .collect(),
                    });
                }
            }
        }
        if let Some(role) = &request.role
            && !matches_any(&config.allowed_roles, &role.arn)
        {
            let allowed = config.allowed_roles.clone();
            return Err(CredentialsError::NotAllowed {
                what: "role",
                value: role.arn.clone(),
                hint: if allowed.is_empty() {
                    "No role may be assumed on this server: the operator allows roles with \
                     AWS_MCP_ALLOWED_ROLES (ARN patterns). Leave options.roleArn out to use \
                     the default credentials."
                        .to_string()
                } else {
                    format!(
                        "Use a role ARN matching one of: {} (AWS_MCP_ALLOWED_ROLES).",
                        allowed.join(", ")
                    )
                },
                allowed,
            });
        }
        Ok(())
    }

    fn slot(&self, request: &IdentityRequest) -> Slot {
        let mut map = self
            .sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(request.clone()).or_default().clone()
    }

    async fn resolve(
        &self,
        request: &IdentityRequest,
        region: &str,
    ) -> Result<Arc<Session>, CredentialsError> {
        self.check_allowed(request)?;
        let slot = self.slot(request);
        // Single flight: the first caller refreshes, the others wait here and reuse it.
        let mut cached = slot.lock().await;
        let now = SystemTime::now();
        if let Some(c) = cached.as_ref()
            && now < c.refresh_at
        {
            return Ok(c.session.clone());
        }
        let fresh = match self.fetch(request, region).await {
            Ok(s) => s,
            Err(e) => {
                *cached = None;
                self.aws.forget_profiles();
                return Err(e);
            }
        };
        let refresh_at = match fresh.expires {
            Some(expires) => {
                let lifetime = expires.duration_since(now).unwrap_or_default();
                // Short-lived sessions: refresh after half their life rather than every call.
                now + lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 2))
            }
            None => now + STATIC_TTL,
        };
        let session = Arc::new(fresh);
        *cached = Some(Cached {
            session: session.clone(),
            refresh_at,
        });
        Ok(session)
    }

    /// Fetches fresh credentials: the base (profile or default chain), then the role.
    async fn fetch(
        &self,
        request: &IdentityRequest,
        region: &str,
    ) -> Result<Session, CredentialsError> {
        let base = self.base(request.profile.as_deref(), region).await?;
        let Some(role) = &request.role else {
            return Ok(base);
        };
        self.assume_role(&base, role, request.profile.as_deref(), region)
            .await
    }

    /// Credentials of `profile`, or of the default chain.
    async fn base(&self, profile: Option<&str>, region: &str) -> Result<Session, CredentialsError> {
        let region = if region.is_empty() {
            FALLBACK_STS_REGION
        } else {
            region
        };
        let conf =
            ProviderConfig::without_region().with_region(Some(Region::new(region.to_string())));
        let provided = match profile {
            Some(name) => {
                let provider = ProfileFileCredentialsProvider::builder()
                    .configure(&conf)
                    .profile_name(name)
                    .build();
                tokio::time::timeout(LOOKUP_TIMEOUT, provider.provide_credentials()).await
            }
            None => {
                let chain = DefaultCredentialsChain::builder()
                    .configure(conf)
                    .region(Region::new(region.to_string()))
                    .build()
                    .await;
                tokio::time::timeout(LOOKUP_TIMEOUT, chain.provide_credentials()).await
            }
        };
        let creds = match provided {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Err(self.chain_error(profile, &e)),
            Err(_) => {
                return Err(CredentialsError::Unavailable {
                    message: format!(
                        "looking up AWS credentials took longer than {} s",
                        LOOKUP_TIMEOUT.as_secs()
                    ),
                    hint: "Check the network path to the credentials source (SSO portal, STS, \
                           instance metadata), or set credentials in the environment."
                        .to_string(),
                });
            }
        };
        Ok(Session {
            credentials: Credentials {
                access_key_id: creds.access_key_id().to_string(),
                secret_access_key: creds.secret_access_key().to_string(),
                session_token: creds.session_token().map(str::to_string),
                bearer_token: None,
            },
            expires: creds.expiry(),
            profile: profile.map(str::to_string),
            role_arn: None,
        })
    }

    /// A chain failure as an error that says what to do.
    fn chain_error(&self, profile: Option<&str>, e: &ChainError) -> CredentialsError {
        let detail = aws_smithy_types::error::display::DisplayErrorContext(e).to_string();
        let sections = self.aws.sections(profile).ok();
        let key = |k: &str| sections.as_ref().and_then(|s| s.get(k).map(str::to_string));
        let name = profile
            .map(str::to_string)
            .or_else(|| sections.as_ref().map(|s| s.selected_profile().to_string()))
            .unwrap_or_else(|| "default".to_string());
        let hint = if key("sso_session").is_some() || key("sso_start_url").is_some() {
            format!(
                "The SSO session of profile `{name}` is missing or expired: run \
                 `aws sso login --profile {name}`, then retry (no server restart needed)."
            )
        } else if key("credential_process").is_some() {
            format!(
                "The credential_process command of profile `{name}` failed: run it in a terminal to see why."
            )
        } else if matches!(e, ChainError::CredentialsNotLoaded(_)) {
            "No AWS credentials were found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
             (and AWS_SESSION_TOKEN), set AWS_PROFILE to a profile of ~/.aws/config, or run \
             `aws configure` or `aws sso login` where the server runs; then retry (no restart \
             needed)."
                .to_string()
        } else {
            format!("Check profile `{name}` in ~/.aws/config and ~/.aws/credentials.")
        };
        CredentialsError::Unavailable {
            message: match profile {
                Some(p) => format!("no AWS credentials for profile `{p}`: {detail}"),
                None => format!("no AWS credentials: {detail}"),
            },
            hint,
        }
    }

    /// `sts:AssumeRole` with `base`'s credentials.
    async fn assume_role(
        &self,
        base: &Session,
        role: &RoleRequest,
        profile: Option<&str>,
        region: &str,
    ) -> Result<Session, CredentialsError> {
        let session_name = role
            .session_name
            .clone()
            .unwrap_or_else(|| "aws-exec-mcp".to_string());
        let mut input = Map::new();
        input.insert("RoleArn".into(), role.arn.clone().into());
        input.insert("RoleSessionName".into(), session_name.into());
        if let Some(id) = &role.external_id {
            input.insert("ExternalId".into(), id.clone().into());
        }
        input.insert(
            "DurationSeconds".into(),
            self.aws.config.assume_role_duration.as_secs().into(),
        );
        let output = self
            .sts(
                "AssumeRole",
                Value::Object(input),
                &base.credentials,
                profile,
                region,
            )
            .await
            .map_err(|(message, code)| CredentialsError::AssumeRole {
                role: role.arn.clone(),
                hint: match code.as_deref() {
                    Some("AccessDenied") => format!(
                        "The base credentials may not assume {}: its trust policy must allow \
                         them (and the ExternalId, when it asks for one).",
                        role.arn
                    ),
                    _ => "Check the role ARN, the base credentials and the network path to STS."
                        .to_string(),
                },
                message,
                code,
            })?;
        let c = &output["Credentials"];
        let text = |k: &str| c[k].as_str().map(str::to_string);
        let (Some(access_key_id), Some(secret_access_key)) =
            (text("AccessKeyId"), text("SecretAccessKey"))
        else {
            return Err(CredentialsError::AssumeRole {
                role: role.arn.clone(),
                message: "STS answered without credentials".to_string(),
                code: None,
                hint: "Retry; if it persists, check the STS endpoint (AWS_ENDPOINT_URL_STS)."
                    .to_string(),
            });
        };
        let expires = c["Expiration"]
            .as_str()
            .and_then(|t| crate::timestamp::parse_str(t).ok())
            .and_then(|t| SystemTime::try_from(t).ok());
        Ok(Session {
            credentials: Credentials {
                access_key_id,
                secret_access_key,
                session_token: text("SessionToken"),
                bearer_token: None,
            },
            expires,
            profile: profile.map(str::to_string),
            role_arn: Some(role.arn.clone()),
        })
    }

    /// One STS call through the server's own wire; errors as (message, code).
    async fn sts(
        &self,
        operation: &str,
        input: Value,
        creds: &Credentials,
        profile: Option<&str>,
        region: &str,
    ) -> Result<Value, (String, Option<String>)> {
        let region = if region.is_empty() {
            FALLBACK_STS_REGION
        } else {
            region
        };
        let (service, op) = crate::catalog::resolve_operation("sts", operation)
            .map_err(|e| (e.to_string(), None))?;
        let settings = self
            .aws
            .settings(service, profile, region)
            .map_err(|e| (e.to_string(), None))?;
        let http = self.aws.http().map_err(|e| (e.to_string(), None))?;
        let spec = CallSpec {
            op,
            input: &input,
            settings: &settings,
            credentials: Some(creds),
            deadline: Instant::now() + LOOKUP_TIMEOUT,
            max_attempts: self.aws.config.max_attempts,
            artifacts: None,
        };
        match call(http, &spec).await {
            Ok(out) => Ok(out.output),
            Err(CallError::Aws {
                error: AwsError::Service(e),
                ..
            }) => Err((format!("{}: {}", e.code, e.message), Some(e.code.clone()))),
            Err(e) => Err((e.to_string(), None)),
        }
    }
}

impl CredentialsProvider for LocalCredentials {
    fn session<'a>(
        &'a self,
        _principal: &'a Principal,
        request: &'a IdentityRequest,
        region: &'a str,
    ) -> BoxFuture<'a, Result<Arc<Session>, CredentialsError>> {
        Box::pin(self.resolve(request, region))
    }

    fn caller_identity<'a>(
        &'a self,
        session: &'a Session,
        region: &'a str,
    ) -> BoxFuture<'a, Result<CallerIdentity, CredentialsError>> {
        Box::pin(async move {
            let key = session.credentials.access_key_id.clone();
            if let Some(found) = self
                .identities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(&key)
            {
                return Ok(found.clone());
            }
            let output = self
                .sts(
                    "GetCallerIdentity",
                    json!({}),
                    &session.credentials,
                    session.profile.as_deref(),
                    region,
                )
                .await
                .map_err(|(message, code)| CredentialsError::Identity {
                    hint: match code.as_deref() {
                        Some("ExpiredToken" | "ExpiredTokenException") => {
                            "The credentials have expired: refresh them (e.g. `aws sso login`) \
                             and retry."
                                .to_string()
                        }
                        Some("InvalidClientTokenId" | "SignatureDoesNotMatch") => {
                            "The access key is not valid: check AWS_ACCESS_KEY_ID / \
                             AWS_SECRET_ACCESS_KEY or the profile's keys."
                                .to_string()
                        }
                        _ => "Check the credentials and the network path to STS.".to_string(),
                    },
                    message,
                    code,
                })?;
            let text = |k: &str| output[k].as_str().unwrap_or_default().to_string();
            let identity = CallerIdentity {
                account: text("Account"),
                arn: text("Arn"),
                user_id: text("UserId"),
            };
            self.identities
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(key, identity.clone());
            Ok(identity)
        })
    }
}

//! The process's AWS client: the configuration, the HTTP client (built on first use, so a
//! server that never calls AWS never loads the TLS roots), and the shared config file read
//! per profile, from which every call's [`ClientSettings`] come.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use aws_runtime::env_config::section::EnvConfigSections;
use aws_types::os_shim_internal::{Env, Fs};

use super::http::{HttpClient, SendError};
use super::request::ClientSettings;
use super::settings::{self, SettingError};
use crate::catalog;
use crate::config::Config;

/// Shared by every tool call.
#[derive(Debug)]
pub struct AwsClient {
    pub config: Arc<Config>,
    env: Env,
    fs: Fs,
    http: OnceLock<Result<HttpClient, String>>,
    /// The shared config files with each profile selected (`None`: `AWS_PROFILE`/`default`).
    /// Read on first use of a profile; [`AwsClient::forget_profiles`] drops them so that an
    /// edited file is read again.
    sections: Mutex<HashMap<Option<String>, Arc<EnvConfigSections>>>,
}

impl AwsClient {
    /// A client over the real environment and file system.
    pub fn new(config: Arc<Config>) -> AwsClient {
        AwsClient::with_env(config, Env::real(), Fs::real())
    }

    /// A client over the given environment and files (tests).
    pub fn with_env(config: Arc<Config>, env: Env, fs: Fs) -> AwsClient {
        AwsClient {
            config,
            env,
            fs,
            http: OnceLock::new(),
            sections: Mutex::new(HashMap::new()),
        }
    }

    pub fn env(&self) -> &Env {
        &self.env
    }

    pub fn fs(&self) -> &Fs {
        &self.fs
    }

    /// The HTTP client, built on first use.
    pub fn http(&self) -> Result<&HttpClient, SendError> {
        self.http
            .get_or_init(|| {
                HttpClient::new(self.config.connect_timeout, self.config.max_body_bytes)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| SendError::Build(e.clone()))
    }

    /// The shared config files with `profile` selected.
    pub fn sections(&self, profile: Option<&str>) -> Result<Arc<EnvConfigSections>, SettingError> {
        let key = profile.map(str::to_string);
        if let Some(s) = self.lock_sections().get(&key) {
            return Ok(s.clone());
        }
        let loaded = Arc::new(settings::load_shared_config_for(
            &self.env, &self.fs, profile,
        )?);
        self.lock_sections().insert(key, loaded.clone());
        Ok(loaded)
    }

    /// Drops the cached config files (after a credentials failure the user may fix them).
    pub fn forget_profiles(&self) {
        self.lock_sections().clear();
    }

    fn lock_sections(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Option<String>, Arc<EnvConfigSections>>> {
        // A panic while holding this lock leaves a valid map: keep using it.
        self.sections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The names of the profiles in the shared config and credentials files.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .sections(None)
            .map(|s| s.profiles().map(str::to_string).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The `region` of `profile` (`None`: the selected profile) in the shared config file.
    pub fn profile_region(&self, profile: Option<&str>) -> Option<String> {
        let sections = self.sections(profile).ok()?;
        sections
            .get("region")
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
    }

    /// The settings of calls to service `service` (catalog index) in `region`, with the
    /// profile's endpoint settings.
    pub fn settings(
        &self,
        service: u32,
        profile: Option<&str>,
        region: &str,
    ) -> Result<ClientSettings, SettingError> {
        let sections = self.sections(profile)?;
        let sdk_id = catalog::service(service).sdk_id.as_str();
        let mut s = settings::from_env(sdk_id, &self.env, Some(&sections))?;
        s.region = Some(region.to_string());
        Ok(s)
    }
}

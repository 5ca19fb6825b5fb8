//! Confirmation tokens for destructive calls.
//!
//! A token is `<id>.<expiry>.<mac>`: a random id, the Unix second it expires, and an
//! HMAC-SHA256 over the id, the expiry and everything the confirmation is for ([`Binding`]:
//! the principal, the identity asked for, service, operation, region, the canonical hash of
//! the payload and of the options). The key is per process (random), or `AWS_MCP_CONFIRM_KEY`
//! for several replicas behind one endpoint. A token is single use (the ids consumed are kept
//! until they expire) and lives `AWS_MCP_CONFIRM_TTL_SECONDS` (300 by default).
//!
//! The process also remembers what it issued, so that a token presented for another call is
//! refused with what changed (payload, region, identity...), not just "invalid".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;
use base64::Engine as _;
use serde_json::{Map, Value};

/// What a confirmation is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub principal: String,
    /// The identity asked for: `profile=<p>`, `role=<arn>`, or `default`.
    pub identity: String,
    pub service: String,
    pub operation: String,
    /// The region, or the regions of a fan-out.
    pub region: String,
    /// SHA-256 of the canonical payload (keys sorted, no white space).
    pub payload_hash: String,
    /// SHA-256 of the canonical options, `confirmationToken` left out.
    pub options_hash: String,
}

impl Binding {
    fn parts(&self) -> [(&'static str, &str); 7] {
        [
            ("caller", &self.principal),
            ("identity", &self.identity),
            ("service", &self.service),
            ("operation", &self.operation),
            ("region", &self.region),
            ("payload", &self.payload_hash),
            ("options", &self.options_hash),
        ]
    }

    fn message(&self, id: &str, expires: u64) -> Vec<u8> {
        let mut m = format!("aws-exec-mcp confirmation v1\n{id}\n{expires}\n");
        for (_, v) in self.parts() {
            m.push_str(v);
            m.push('\n');
        }
        m.into_bytes()
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not one this server issued (malformed)")]
    Malformed,
    #[error("the token expired {0} s ago; ask for a new one")]
    Expired(u64),
    #[error("the token was already used; each confirmation is good for one call")]
    Replayed,
    #[error("the token was issued for another call: {0} changed")]
    Mismatch(String),
    #[error("the token does not match this call (or was issued by another server)")]
    BadSignature,
}

/// Issues and checks tokens.
pub struct Confirmations {
    key: hmac::Key,
    ttl: Duration,
    /// id → (binding, expiry) of the tokens this process issued.
    issued: Mutex<HashMap<String, (Binding, u64)>>,
    /// id → expiry of the tokens used.
    used: Mutex<HashMap<String, u64>>,
}

impl std::fmt::Debug for Confirmations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confirmations")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// A per-process key from std's `RandomState` seeds (themselves from the OS, with its own
/// fallbacks), the time and the process id: only when neither generator answers.
fn fallback_key() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut key = [0u8; 32];
    for (i, chunk) in key.chunks_mut(8).enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_usize(i);
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    key
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Confirmations {
    /// With `key` (from configuration) or a random per-process key.
    pub fn new(key: Option<&[u8]>, ttl: Duration) -> Confirmations {
        let key = match key {
            Some(k) => hmac::Key::new(hmac::HMAC_SHA256, k),
            None => {
                // The operating system's generator: aws-lc's own seeds itself with CPU jitter
                // entropy, ~35 ms of CPU at its first use, which would all go into start-up.
                // aws-lc only if the OS generator fails; never a guessable key.
                let mut bytes = [0u8; 32];
                if getrandom::fill(&mut bytes).is_err()
                    && aws_lc_rs::rand::fill(&mut bytes).is_err()
                {
                    tracing::warn!(
                        "no random source for the confirmation key: using std's hasher seeds; \
                         set AWS_MCP_CONFIRM_KEY"
                    );
                    bytes = fallback_key();
                }
                hmac::Key::new(hmac::HMAC_SHA256, &bytes)
            }
        };
        Confirmations {
            key,
            ttl,
            issued: Mutex::new(HashMap::new()),
            used: Mutex::new(HashMap::new()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A token for `binding`.
    pub fn issue(&self, binding: &Binding) -> String {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let expires = now_secs() + self.ttl.as_secs();
        let tag = hmac::sign(&self.key, &binding.message(&id, expires));
        let mac = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.as_ref());
        let mut issued = lock(&self.issued);
        let now = now_secs();
        issued.retain(|_, (_, exp)| *exp >= now);
        issued.insert(id.clone(), (binding.clone(), expires));
        format!("{id}.{expires}.{mac}")
    }

    /// Checks `token` against `binding` and consumes it.
    pub fn redeem(&self, token: &str, binding: &Binding) -> Result<String, TokenError> {
        let mut parts = token.trim().splitn(3, '.');
        let (Some(id), Some(expires), Some(mac)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let expires: u64 = expires.parse().map_err(|_| TokenError::Malformed)?;
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(TokenError::Malformed);
        }
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| TokenError::Malformed)?;
        let now = now_secs();
        if hmac::verify(&self.key, &binding.message(id, expires), &tag).is_err() {
            // Say what changed when this process issued the token.
            if let Some((issued, _)) = lock(&self.issued).get(id) {
                let changed: Vec<&str> = issued
                    .parts()
                    .iter()
                    .zip(binding.parts().iter())
                    .filter(|(a, b)| a.1 != b.1)
                    .map(|(a, _)| a.0)
                    .collect();
                if !changed.is_empty() {
                    return Err(TokenError::Mismatch(changed.join(", ")));
                }
            }
            return Err(TokenError::BadSignature);
        }
        if now > expires {
            return Err(TokenError::Expired(now - expires));
        }
        let mut used = lock(&self.used);
        used.retain(|_, exp| *exp >= now);
        if used.insert(id.to_string(), expires).is_some() {
            return Err(TokenError::Replayed);
        }
        lock(&self.issued).remove(id);
        Ok(id.to_string())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// SHA-256 (hex) of a JSON value written canonically: object keys sorted, no white space.
pub fn canonical_hash(value: &Value) -> String {
    let mut out = String::new();
    canonical(value, &mut out);
    crate::invoke::hex(&crate::invoke::sha256(out.as_bytes()))
}

fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String((*k).clone()).to_string());
                out.push(':');
                canonical(&m[*k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The options that change what a call does, for the binding (`confirmationToken` left out).
pub fn options_for_binding(options: &Map<String, Value>) -> Value {
    let mut m = options.clone();
    m.remove("confirmationToken");
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binding() -> Binding {
        Binding {
            principal: "local".into(),
            identity: "default".into(),
            service: "s3".into(),
            operation: "DeleteBucket".into(),
            region: "us-east-1".into(),
            payload_hash: canonical_hash(&json!({"Bucket": "b"})),
            options_hash: canonical_hash(&json!({})),
        }
    }

    #[test]
    fn the_fallback_key_differs_per_call_and_is_not_zero() {
        let (a, b) = (fallback_key(), fallback_key());
        assert_ne!(a, [0u8; 32]);
        assert_ne!(a, b);
    }

    #[test]
    fn a_token_confirms_its_call_once() {
        let c = Confirmations::new(None, Duration::from_secs(300));
        let t = c.issue(&binding());
        assert!(c.redeem(&t, &binding()).is_ok());
        assert_eq!(c.redeem(&t, &binding()), Err(TokenError::Replayed));
    }

    #[test]
    fn any_change_is_refused_with_what_changed() {
        let c = Confirmations::new(None, Duration::from_secs(300));
        let t = c.issue(&binding());
        let mut other = binding();
        other.payload_hash = canonical_hash(&json!({"Bucket": "prod"}));
        other.region = "eu-west-1".into();
        assert_eq!(
            c.redeem(&t, &other),
            Err(TokenError::Mismatch("region, payload".into()))
        );
        let mut other = binding();
        other.identity = "role=arn:aws:iam::1:role/x".into();
        assert_eq!(
            c.redeem(&t, &other),
            Err(TokenError::Mismatch("identity".into()))
        );
        // Still good for its own call.
        assert!(c.redeem(&t, &binding()).is_ok());
    }

    #[test]
    fn tampered_expired_foreign_and_malformed_tokens() {
        let c = Confirmations::new(
            Some(b"0123456789abcdef0123456789abcdef"),
            Duration::from_secs(0),
        );
        let t = c.issue(&binding());
        std::thread::sleep(Duration::from_millis(1100));
        assert!(matches!(
            c.redeem(&t, &binding()),
            Err(TokenError::Expired(_))
        ));
        // A later expiry written into the token breaks its MAC.
        let mut parts: Vec<&str> = t.split('.').collect();
        let later = (now_secs() + 999).to_string();
        parts[1] = &later;
        assert_eq!(
            c.redeem(&parts.join("."), &binding()),
            Err(TokenError::BadSignature)
        );
        let other = Confirmations::new(None, Duration::from_secs(300));
        assert_eq!(
            other.redeem(&c.issue(&binding()), &binding()),
            Err(TokenError::BadSignature)
        );
        assert_eq!(c.redeem("nope", &binding()), Err(TokenError::Malformed));
        // Replicas sharing a key accept each other's tokens.
        let a = Confirmations::new(
            Some(b"shared-key-shared-key-shared-key"),
            Duration::from_secs(60),
        );
        let b = Confirmations::new(
            Some(b"shared-key-shared-key-shared-key"),
            Duration::from_secs(60),
        );
        assert!(b.redeem(&a.issue(&binding()), &binding()).is_ok());
    }

    #[test]
    fn canonical_hashes_ignore_key_order() {
        assert_eq!(
            canonical_hash(&json!({"a": 1, "b": [1, {"y": 2, "x": 1}]})),
            canonical_hash(&json!({"b": [1, {"x": 1, "y": 2}], "a": 1}))
        );
        assert_ne!(
            canonical_hash(&json!({"a": 1})),
            canonical_hash(&json!({"a": 2}))
        );
    }
}

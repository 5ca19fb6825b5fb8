//! One AWS call, end to end: prepare the request once (idempotency tokens, endpoint,
//! serialisation), then per attempt sign it for the current time, send it and parse the
//! response, retrying throttling and transient failures in the SDKs' standard mode.
//!
//! Standard mode (<https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html>):
//! at most `max_attempts` attempts (3 by default); a retry waits a random time up to
//! `min(1 s × 2^(attempt-1), 20 s)` ("full jitter"); only throttling errors, transient
//! errors (5xx, `RequestTimeout`...) and connection failures are retried, never a validation,
//! auth or other client error. The whole call, waits included, ends at its deadline.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::time::Instant;

use super::http::{Artifact, ArtifactTarget, HttpClient, SendError};
use super::parse::{AwsError, HttpResponse, ParseOptions, parse_response_full};
use super::request::{ClientSettings, PrepareError, PreparedRequest, prepare};
use super::sign::{Credentials, SignError, SignatureMode, sign_request};

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(20);

/// What one call needs.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec<'a> {
    /// The operation's catalog index.
    pub op: u32,
    pub input: &'a Value,
    pub settings: &'a ClientSettings,
    pub credentials: Option<&'a Credentials>,
    pub deadline: Instant,
    pub max_attempts: u32,
    /// Where a streaming output goes; `None` reads it into the result (base64).
    pub artifacts: Option<&'a ArtifactTarget>,
}

/// A successful call.
#[derive(Debug)]
pub struct CallOutput {
    /// The parsed output (a streaming payload member left out when it went to an artifact).
    pub output: Value,
    pub request_id: Option<String>,
    pub status: u16,
    pub attempts: u32,
    /// The streaming output member and its file.
    pub artifact: Option<(&'static str, Artifact)>,
}

/// A failed call.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Prepare(#[from] PrepareError),
    #[error(transparent)]
    Sign(#[from] SignError),
    /// No response after `attempts` attempts.
    #[error("{error} (after {attempts} attempt(s))")]
    Send { error: SendError, attempts: u32 },
    /// AWS answered with an error, or with a response that does not parse.
    #[error("{error}")]
    Aws { error: AwsError, attempts: u32 },
}

impl CallError {
    pub fn attempts(&self) -> u32 {
        match self {
            CallError::Send { attempts, .. } | CallError::Aws { attempts, .. } => *attempts,
            _ => 0,
        }
    }
}

/// Prepares and signs the request of `spec` for `time`, without sending it (previews,
/// presigned URLs, and each attempt of [`call`]).
pub fn signed_request(
    spec: &CallSpec<'_>,
    time: SystemTime,
    mode: SignatureMode,
) -> Result<PreparedRequest, CallError> {
    let mut req = prepare(spec.op, spec.input, spec.settings)?;
    sign_request(&mut req, spec.credentials, time, mode, false)?;
    Ok(req)
}

/// Makes the call, with retries, before `spec.deadline`.
pub async fn call(http: &HttpClient, spec: &CallSpec<'_>) -> Result<CallOutput, CallError> {
    let prepared = prepare(spec.op, spec.input, spec.settings)?;
    let streaming = spec
        .artifacts
        .and(super::parse::streaming_payload_member(spec.op));
    let stream_to = streaming.and(spec.artifacts);
    let opts = ParseOptions {
        omit_streaming_payload: streaming.is_some(),
        ..ParseOptions::default()
    };
    let max_attempts = spec.max_attempts.max(1);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut req = prepared.clone();
        sign_request(
            &mut req,
            spec.credentials,
            SystemTime::now(),
            SignatureMode::Headers,
            false,
        )?;
        let failure = match http.send(&req, spec.deadline, stream_to).await {
            Ok(received) => {
                let artifact = received.artifact;
                let response = HttpResponse {
                    status: received.status,
                    headers: received.headers,
                    body: received.body,
                };
                match parse_response_full(spec.op, &response, &opts) {
                    Ok(parsed) => {
                        return Ok(CallOutput {
                            output: parsed.output,
                            request_id: parsed.request_id,
                            status: response.status,
                            attempts: attempt,
                            artifact: streaming.zip(artifact),
                        });
                    }
                    Err(error) => {
                        let retryable = matches!(&error, AwsError::Service(e) if e.retryable);
                        (
                            retryable,
                            CallError::Aws {
                                error,
                                attempts: attempt,
                            },
                        )
                    }
                }
            }
            Err(error) => (
                error.retryable(),
                CallError::Send {
                    error,
                    attempts: attempt,
                },
            ),
        };
        let (retryable, error) = failure;
        let wait = backoff(attempt);
        // The last failure is the answer when it is final, attempts are used up, or no time
        // is left for another attempt.
        if !retryable || attempt >= max_attempts || Instant::now() + wait >= spec.deadline {
            return Err(error);
        }
        tracing::debug!(attempt, %error, "retrying");
        tokio::time::sleep(wait).await;
    }
}

/// The wait before attempt `attempt + 1`: a random time up to `min(2^(attempt-1) s, 20 s)`.
pub fn backoff(attempt: u32) -> Duration {
    let cap = Duration::from_secs(1u64 << (attempt.saturating_sub(1)).min(5)).min(MAX_BACKOFF);
    cap.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_full_jitter() {
        for attempt in 1..10 {
            let cap = Duration::from_secs(1u64 << (attempt - 1).min(5)).min(MAX_BACKOFF);
            for _ in 0..50 {
                assert!(backoff(attempt) <= cap);
            }
        }
        assert!(backoff(9) <= MAX_BACKOFF);
    }
}

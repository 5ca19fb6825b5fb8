//! The policy and the audit log at `aws_execute`: the facts a policy decision is made on, the
//! tool errors of a refused call, and the audit records of a call (denied, waiting for
//! confirmation, started and ended).
//!
//! Order for each region of an invoke (docs/POLICY.md "Evaluation order"): evaluate → denied
//! (`PolicyDenied`, audit `denied`) → confirmation (`ConfirmationRequired`, audit
//! `pending_confirmation`) → rate caps counted right before the call (`RateLimited`, audit
//! `denied`) → audit `started`, committed before AWS is called (fail closed) → the call →
//! audit `success` / `failed`.

use std::time::SystemTime;

use serde_json::{Value, json};

use super::context::ToolContext;
use super::execute::{Action, Request};
use super::options::ExecOptions;
use super::{ErrorType, ToolError};
use crate::audit::{AuditError, CallRecord, Outcome, TxId, Verdict};
use crate::catalog;
use crate::policy::{CallFacts, Decision, RateLimited};

/// The profile the policy sees: the call's `options.profile`, else `AWS_PROFILE`.
pub fn profile<'a>(ctx: &'a ToolContext, o: &'a ExecOptions) -> Option<&'a str> {
    o.profile.as_deref().or(ctx.config().env_profile.as_deref())
}

/// What the policy decides on for `r` in `region` (`None`: a validate without a region).
pub fn facts<'a>(
    ctx: &'a ToolContext,
    r: &'a Request,
    region: Option<&'a str>,
    payload_bytes: usize,
) -> CallFacts<'a> {
    CallFacts {
        service: r.service,
        operation: r.operation,
        region,
        principal: &ctx.principal,
        profile: profile(ctx, &r.options),
        role_arn: r.options.role.as_ref().map(|role| role.arn.as_str()),
        payload: &r.payload,
        payload_bytes,
    }
}

fn names(r: &Request) -> (&'static str, &'static str) {
    let op = catalog::operation(r.operation);
    (
        catalog::service(op.service.to_native()).name.as_str(),
        op.name.as_str(),
    )
}

/// `PolicyDenied` (or `RateLimited` when a full rate cap refused it) for a denied decision.
pub fn denied(ctx: &ToolContext, r: &Request, region: &str, d: &Decision) -> ToolError {
    let (service, operation) = names(r);
    if let Some(wait) = d.retry_after {
        return rate_limited(
            r,
            &RateLimited {
                retry_after: wait,
                reason: d.reasons.join("; "),
            },
        );
    }
    ToolError::new(
        ErrorType::PolicyDenied,
        format!(
            "Operation denied by policy: {service}:{operation} in {region}: {}",
            d.reasons.join("; ")
        ),
        format!(
            "The server's policy ({}) refuses this call; nothing was sent to AWS. Change the \
             call (another identity, region or resource) if the reasons allow it, or ask the \
             operator to change the policy.",
            ctx.policy().source()
        ),
    )
    .with("service", service)
    .with("operation", operation)
    .with("region", region)
    .with("reasons", json!(d.reasons))
    .with("policy", d.to_json())
}

/// `RateLimited`: a rate cap of the policy is full.
pub fn rate_limited(r: &Request, e: &RateLimited) -> ToolError {
    let (service, operation) = names(r);
    let seconds = e.retry_after.as_secs_f64().ceil().max(1.0) as u64;
    ToolError::new(
        ErrorType::RateLimited,
        format!("Rate limit of the server's policy: {}", e.reason),
        format!("Nothing was sent to AWS. Retry in {seconds} s, or batch the work in fewer calls."),
    )
    .with("service", service)
    .with("operation", operation)
    .with("retryAfterSeconds", seconds)
    .with("retryable", true)
}

/// The tool error of an audit log that cannot record a call (fail closed).
pub fn audit_unavailable(e: &AuditError) -> ToolError {
    let retryable = matches!(e, AuditError::QueueFull { .. } | AuditError::Timeout { .. });
    ToolError::new(
        ErrorType::AuditUnavailable,
        format!("The call was refused because the audit log cannot record it: {e}"),
        e.hint(),
    )
    .with("retryable", retryable)
}

/// The audit record of `r` in `region`.
pub fn record(
    ctx: &ToolContext,
    r: &Request,
    tx: &TxId,
    region: &str,
    verdict: Verdict,
    reasons: Value,
    confirmation_id: Option<String>,
) -> CallRecord {
    let mut rec = CallRecord::new(tx.clone(), ctx.principal.label(), r.operation);
    rec.action = match r.action {
        Action::Presign => "presign",
        _ => "invoke",
    };
    rec.region = Some(region.to_string());
    rec.profile = r.options.profile.clone();
    rec.role_arn = r.options.role.as_ref().map(|role| role.arn.clone());
    rec.decision = crate::audit::Decision::new(verdict, reasons);
    rec.confirmation_id = confirmation_id;
    rec.timeout = r.options.timeout.unwrap_or(ctx.config().call_timeout);
    rec
}

/// The reasons of a decision as recorded: `null` when there are none.
pub fn reasons_json(d: &Decision) -> Value {
    if d.reasons.is_empty() && d.approval_sources.is_empty() {
        return Value::Null;
    }
    json!({
        "reasons": d.reasons,
        "approvalSources": d.approval_sources.iter().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

/// Records a refused call (policy, rate cap or confirmation token).
pub fn record_denied(ctx: &ToolContext, r: &Request, tx: &TxId, region: &str, reasons: Value) {
    if ctx.shared.audit.is_enabled() {
        let rec = record(ctx, r, tx, region, Verdict::Denied, reasons, None);
        ctx.shared
            .audit
            .deny(rec, &Value::Object(r.payload.clone()));
    }
}

/// Records the calls held for confirmation, one row per region, under the token's id.
pub fn record_pending(
    ctx: &ToolContext,
    r: &Request,
    tx: &TxId,
    regions: &[(&str, Value)],
    error: &ToolError,
) {
    if !ctx.shared.audit.is_enabled() {
        return;
    }
    let Some(token) = error.details.get("token").and_then(Value::as_str) else {
        return;
    };
    // The token's id is its first part (see `confirm::Confirmations::issue`).
    let id = token.split('.').next().unwrap_or(token).to_string();
    let expires = SystemTime::now() + ctx.shared.confirmations.ttl();
    for (region, reasons) in regions {
        let rec = record(
            ctx,
            r,
            tx,
            region,
            Verdict::ConfirmationRequired,
            reasons.clone(),
            Some(id.clone()),
        );
        ctx.shared
            .audit
            .pending(rec, &Value::Object(r.payload.clone()), expires);
    }
}

/// How a call ended, for its audit row. `full_result`: the output before the answer's budget
/// trimmed it (stored masked, within `AUDIT_ARTIFACT_MAX_BYTES`).
pub fn outcome(result: &Result<Value, ToolError>, full_result: Option<Value>) -> Outcome {
    match result {
        Ok(answer) => {
            let identity = answer.get("identity");
            let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
            let mut o = Outcome::success()
                .with_request_id(text(answer.get("requestId")))
                .with_caller(
                    text(identity.and_then(|i| i.get("account"))),
                    text(identity.and_then(|i| i.get("arn"))),
                );
            if let Some(n) = answer.get("attempts").and_then(Value::as_u64) {
                o = o.with_attempts(n as u32);
            }
            if let Some(full) = full_result.or_else(|| answer.get("result").cloned()) {
                o = o.with_response(full);
            } else if answer.get("url").is_some() {
                // A presigned URL is a bearer credential: the record keeps that one was made,
                // not the URL.
                o = o.with_response(json!({
                    "presignedUrl": "(not recorded)",
                    "method": answer.get("method"),
                    "expiresAt": answer.get("expiresAt"),
                }));
            }
            o
        }
        Err(e) => {
            let code = e
                .details
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or(e.error_type.as_str());
            let mut o = Outcome::failure(code, e.message.clone()).with_request_id(
                e.details
                    .get("requestId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            );
            if let Some(status) = e.details.get("httpStatus").and_then(Value::as_u64) {
                o = o.with_http_status(status as u16);
            }
            if let Some(n) = e.details.get("attempts").and_then(Value::as_u64) {
                o = o.with_attempts(n as u32);
            }
            o
        }
    }
}

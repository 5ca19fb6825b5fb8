//! `aws_execute` with `action: "invoke"` or `"presign"`: the call of a checked request with
//! the caller's identity, in one region or fanned out over several.
//!
//! For each region: resolve the identity (profile, role) into credentials, build the client
//! settings, then preview, presign or call (with pagination and projection), and answer
//! `{service, operation, region, result, identity, requestId, durationMs, attempts}`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use catalog_format::format::{ArchivedShapeKind, OP_EVENT_STREAM, T_HTTP_PAYLOAD, T_STREAMING};
use futures::StreamExt as _;
use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::context::ToolContext;
use super::execute::{Action, RegionArg, Request};
use super::options::{DEFAULT_EXPIRES_IN, DEFAULT_MAX_PAGES, ExecOptions};
use super::{ErrorType, ToolError, ToolResult, guard};
use crate::audit::{TxId, Verdict};
use crate::catalog;
use crate::credentials::{CallerIdentity, CredentialsError, IdentityRequest, Session};
use crate::invoke::call::{CallError, CallOutput, CallSpec, call, signed_request};
use crate::invoke::http::{Artifact, ArtifactTarget, SendError};
use crate::invoke::paginate::Pagination;
use crate::invoke::parse::AwsError;
use crate::invoke::request::{ChecksumPolicy, PrepareError};
use crate::invoke::sign::SignatureMode;
use crate::policy::Decision;

/// Runs an `invoke` or `presign` request.
pub async fn run(ctx: &ToolContext, r: &Request, o: &ExecOptions) -> ToolResult {
    let op = catalog::operation(r.operation);
    if op.has(OP_EVENT_STREAM) {
        return Err(ToolError::new(
            ErrorType::NotSupported,
            format!(
                "{} {} streams events over a long-lived connection, which this server does not \
                 support yet",
                service_name(r),
                op.name.as_str()
            ),
            "Use an operation without an event stream (for example the non-streaming variant \
             of the same API), or the AWS CLI for this one.",
        )
        .with("service", service_name(r))
        .with("operation", op.name.as_str()));
    }
    if let Some(cursor) = &o.cursor {
        return super::cursor::next(
            &ctx.config().artifact_dir,
            &ctx.principal,
            service_name(r),
            op.name.as_str(),
            cursor,
            ctx.config().max_response_bytes,
        )
        .map(Into::into);
    }
    let mut payload = r.payload.clone();
    if let Some(file) = &o.body_file {
        attach_body_file(ctx, r, &mut payload, file)?;
    }
    let regions = regions(ctx, r, o)?;
    let single = matches!(regions, Regions::One(_));
    let list = match regions {
        Regions::One(region) => vec![region],
        Regions::Many(list) => list,
    };
    let tx = TxId::new();
    let audited = !(o.preview && r.action == Action::Invoke);

    // The policy's decision in each region; the refused ones are answered as errors.
    let payload_bytes = crate::policy::payload_size(&r.payload);
    let mut allowed: Vec<(usize, String, Decision)> = Vec::with_capacity(list.len());
    let mut refused: Vec<(usize, String, ToolError)> = Vec::new();
    for (i, region) in list.into_iter().enumerate() {
        let d = ctx
            .policy()
            .evaluate(&guard::facts(ctx, r, Some(&region), payload_bytes));
        if d.allowed {
            allowed.push((i, region, d));
        } else {
            if audited {
                guard::record_denied(ctx, r, &tx, &region, guard::reasons_json(&d));
            }
            let e = guard::denied(ctx, r, &region, &d);
            refused.push((i, region, e));
        }
    }
    if allowed.is_empty() {
        let (_, _, first) = refused.swap_remove(0);
        return Err(first);
    }

    // Consent, once for every region of the call.
    let mut verdict = Verdict::Allowed;
    let mut confirmation_id = None;
    if let Some(reasons) = confirmation_reasons(ctx, r, o, &allowed) {
        let first = allowed[0].1.clone();
        let session = session(ctx, o, &first).await?;
        let who = identity(ctx, &session, &first).await;
        let label = super::confirmation::region_label(&r.region, &first);
        match super::confirmation::gate(ctx, r, o, &r.payload, &label, &who, &reasons).await {
            Ok(id) => {
                verdict = Verdict::Confirmed;
                confirmation_id = id;
            }
            Err(e) if e.error_type == ErrorType::ConfirmationRequired => {
                let pending: Vec<(&str, Value)> = allowed
                    .iter()
                    .map(|(_, region, d)| (region.as_str(), guard::reasons_json(d)))
                    .collect();
                guard::record_pending(ctx, r, &tx, &pending, &e);
                return Err(e);
            }
            Err(e) => {
                for (_, region, _) in &allowed {
                    guard::record_denied(ctx, r, &tx, region, json!({"confirmation": e.message}));
                }
                return Err(e);
            }
        }
    }
    let audit = |decision: Decision| CallAudit {
        tx: tx.clone(),
        decision,
        verdict,
        confirmation_id: confirmation_id.clone(),
        audited,
    };

    if single {
        // `allowed` is not empty (checked above).
        let (_, region, decision) = allowed.swap_remove(0);
        let budget = ctx.config().max_response_bytes;
        let mut out = one_region(ctx, r, o, &payload, &region, budget, audit(decision)).await?;
        if let Value::Object(m) = &mut out {
            let mut head = Map::new();
            head.insert("service".into(), service_name(r).into());
            head.insert("operation".into(), op.name.as_str().into());
            head.insert("region".into(), region.into());
            head.append(m);
            return Ok(Value::Object(head).into());
        }
        return Ok(out.into());
    }

    let concurrency = ctx.config().fanout_concurrency;
    let payload = &payload;
    let regions = allowed.len() + refused.len();
    // The answer's budget is shared by the regions.
    let budget = (ctx.config().max_response_bytes / regions.max(1)).max(4096);
    let mut results: Vec<(usize, Value)> = futures::stream::iter(allowed)
        .map(|(i, region, decision)| {
            let audit = audit(decision);
            async move {
                let mut entry = Map::new();
                entry.insert("region".into(), region.clone().into());
                match one_region(ctx, r, o, payload, &region, budget, audit).await {
                    Ok(Value::Object(m)) => entry.extend(m),
                    Ok(other) => {
                        entry.insert("result".into(), other);
                    }
                    Err(e) => insert_error(&mut entry, &e),
                }
                (i, Value::Object(entry))
            }
        })
        .buffered(concurrency)
        .collect()
        .await;
    for (i, region, e) in refused {
        let mut entry = Map::new();
        entry.insert("region".into(), region.into());
        insert_error(&mut entry, &e);
        results.push((i, Value::Object(entry)));
    }
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<Value> = results.into_iter().map(|(_, v)| v).collect();
    let failed = results.iter().filter(|v| v.get("error").is_some()).count();
    Ok(json!({
        "service": service_name(r),
        "operation": op.name.as_str(),
        "regions": results.len(),
        "failed": failed,
        "results": results,
    })
    .into())
}

/// A fan-out entry's `error`, from a region's tool error.
fn insert_error(entry: &mut Map<String, Value>, e: &ToolError) {
    if let Value::Object(mut err) = e.to_json()
        && let Some(v) = err.remove("error")
    {
        entry.insert("error".into(), v);
    }
}

/// What the audit log records of one region's call.
struct CallAudit {
    tx: TxId,
    decision: Decision,
    verdict: Verdict,
    confirmation_id: Option<String>,
    /// `false` for a preview (nothing is sent, nothing recorded).
    audited: bool,
}

/// Why this call needs the user's confirmation, if it does: the policy's sources in any of its
/// regions (destructive unless `AWS_MCP_AUTO_APPROVE_DESTRUCTIVE` and nothing else asks, a
/// risk label, a `confirm_when` rule), or every call under `MCP_REQUIRE_APPROVAL`. A preview
/// sends nothing and needs none.
fn confirmation_reasons(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    allowed: &[(usize, String, Decision)],
) -> Option<Vec<String>> {
    if o.preview && r.action == Action::Invoke {
        return None;
    }
    let config = ctx.config();
    let mut reasons = Vec::new();
    if config.require_approval {
        reasons
            .push("the server requires approval of every call (MCP_REQUIRE_APPROVAL)".to_string());
    }
    for (_, _, d) in allowed {
        if d.confirmation_gate(false, config.auto_approve_destructive) {
            for reason in &d.reasons {
                if !reasons.contains(reason) {
                    reasons.push(reason.clone());
                }
            }
        }
    }
    (!reasons.is_empty()).then_some(reasons)
}

fn service_name(r: &Request) -> &'static str {
    catalog::service(r.service).name.as_str()
}

enum Regions {
    One(String),
    Many(Vec<String>),
}

/// The regions of the call: the tool's, else the profile's, else the environment's.
fn regions(ctx: &ToolContext, r: &Request, o: &ExecOptions) -> Result<Regions, ToolError> {
    let default = || -> Option<String> {
        // A profile named by the call brings its region; otherwise AWS_REGION /
        // AWS_DEFAULT_REGION, then the selected profile's, as the SDKs resolve it.
        if let Some(p) = &o.profile
            && let Some(region) = ctx.shared.aws.profile_region(Some(p))
        {
            return Some(region);
        }
        ctx.config()
            .env_region
            .clone()
            .or_else(|| ctx.shared.aws.profile_region(None))
    };
    let checked = |region: String, source: &str| -> Result<String, ToolError> {
        crate::config::check_region(&region).map_err(|problem| {
            ToolError::new(
                ErrorType::InvalidArguments,
                format!("The region `{region}` from {source} is {problem}"),
                "Give a region code such as 'us-east-1', or fix the profile's region.",
            )
            .with("argument", "region")
        })?;
        Ok(region)
    };
    match &r.region {
        RegionArg::One(region) => Ok(Regions::One(region.clone())),
        RegionArg::Many(list) => {
            if r.action == Action::Presign {
                return Err(ToolError::new(
                    ErrorType::InvalidArguments,
                    "A list of regions works with action 'invoke' only (not with presign)",
                    "Give one region.",
                )
                .with("argument", "region"));
            }
            Ok(Regions::Many(list.clone()))
        }
        RegionArg::All => {
            if r.action == Action::Presign {
                return Err(ToolError::new(
                    ErrorType::InvalidArguments,
                    "region \"*\" works with action 'invoke' only",
                    "Give one region.",
                )
                .with("argument", "region"));
            }
            let base = match default() {
                Some(region) => checked(region, "the default configuration")?,
                None => "us-east-1".to_string(),
            };
            let partition =
                crate::invoke::endpoint::partitions::partition_id(&base).unwrap_or("aws");
            let list = crate::invoke::endpoint::partitions::regions_of(partition)
                .into_iter()
                .filter(|region| has_endpoint(r, region))
                .map(str::to_string)
                .collect();
            Ok(Regions::Many(list))
        }
        RegionArg::Default => match default() {
            Some(region) => Ok(Regions::One(checked(region, "the configuration")?)),
            None => Err(ToolError::new(
                ErrorType::InvalidArguments,
                "No region: the call gives none and none is configured",
                "Pass `region`, e.g. \"us-east-1\", or set AWS_REGION (or a `region` in the \
                 AWS profile) where the server runs.",
            )
            .with("argument", "region")),
        },
    }
}

/// Whether the service's endpoint rules give an endpoint in `region`.
fn has_endpoint(r: &Request, region: &str) -> bool {
    let settings = crate::invoke::request::ClientSettings {
        region: Some(region.to_string()),
        ..Default::default()
    };
    let built_ins = crate::invoke::request::built_ins(&settings, service_name(r));
    crate::invoke::endpoint::params::operation_params(
        r.operation,
        &r.payload,
        &Map::new(),
        &built_ins,
    )
    .ok()
    .and_then(|params| crate::invoke::endpoint::resolve_service(r.service, &params).ok())
    .is_some()
}

/// The call in one region, under the policy's rate caps and recorded in the audit log.
async fn one_region(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    payload: &Map<String, Value>,
    region: &str,
    budget_bytes: usize,
    audit: CallAudit,
) -> Result<Value, ToolError> {
    if !audit.audited {
        return call_region(ctx, r, o, payload, region, budget_bytes, &mut None).await;
    }
    if let Err(e) = ctx.policy().admit(&audit.decision) {
        guard::record_denied(ctx, r, &audit.tx, region, json!({"rateLimit": e.reason}));
        return Err(guard::rate_limited(r, &e));
    }
    let record = guard::record(
        ctx,
        r,
        &audit.tx,
        region,
        audit.verdict,
        guard::reasons_json(&audit.decision),
        audit.confirmation_id.clone(),
    );
    // Committed before AWS is called: a call the log cannot record is refused (fail closed).
    let handle = ctx
        .shared
        .audit
        .begin(record, &Value::Object(r.payload.clone()))
        .await
        .map_err(|e| guard::audit_unavailable(&e))?;
    let (op_id, tx_id) = (handle.id().clone(), handle.tx().clone());
    let mut full = None;
    let mut result = call_region(ctx, r, o, payload, region, budget_bytes, &mut full).await;
    handle.finish(guard::outcome(&result, full));
    if ctx.shared.audit.is_enabled()
        && let Ok(Value::Object(answer)) = &mut result
    {
        answer.insert(
            "audit".into(),
            json!({"txId": tx_id.as_str(), "opId": op_id.as_str()}),
        );
    }
    result
}

/// The call in one region: `{result, identity, requestId, durationMs, attempts}` (or the
/// preview / presigned URL). `full_result` receives the output before the answer's budget
/// trims it, when the audit log records responses.
async fn call_region(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    payload: &Map<String, Value>,
    region: &str,
    budget_bytes: usize,
    full_result: &mut Option<Value>,
) -> Result<Value, ToolError> {
    let started = Instant::now();
    let session = session(ctx, o, region).await?;
    let mut settings = ctx
        .shared
        .aws
        .settings(r.service, o.profile.as_deref(), region)
        .map_err(|e| {
            ToolError::new(
                ErrorType::ConfigError,
                format!("AWS settings: {e}"),
                "Fix the named variable or profile key where the server runs.",
            )
        })?;
    let timeout = o.timeout.unwrap_or(ctx.config().call_timeout);
    let deadline = started + timeout;
    let input = Value::Object(payload.clone());

    if r.action == Action::Presign {
        // A presigned URL carries no body checksum: whoever uses it sends the body.
        settings.checksums = ChecksumPolicy::WhenRequired;
        let expires_in = o.expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
        let spec = spec(r, &input, &settings, &session, deadline, ctx, None);
        let now = SystemTime::now();
        let req = signed_request(
            &spec,
            now,
            SignatureMode::Presign {
                expires_in: Duration::from_secs(expires_in),
            },
        )
        .map_err(|e| call_error(r, e, started))?;
        let identity = identity(ctx, &session, region).await;
        let expires_at = crate::timestamp::to_rfc3339(aws_smithy_types::DateTime::from(
            now + Duration::from_secs(expires_in),
        ));
        let headers: Map<String, Value> = req
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("content-length"))
            .map(|(n, v)| (n.clone(), Value::from(v.as_str())))
            .collect();
        let mut out = json!({
            "url": req.url,
            "method": req.method,
            "expiresIn": expires_in,
            "expiresAt": expires_at,
            "identity": identity,
        });
        if !headers.is_empty() {
            out["headers"] = Value::Object(headers);
        }
        return Ok(out);
    }

    if o.preview {
        let spec = spec(r, &input, &settings, &session, deadline, ctx, None);
        let req = signed_request(&spec, SystemTime::now(), SignatureMode::Headers)
            .map_err(|e| call_error(r, e, started))?;
        let identity = identity(ctx, &session, region).await;
        return Ok(json!({"preview": preview(&req), "identity": identity}));
    }

    let target = ArtifactTarget {
        dir: ctx.config().artifact_dir.clone(),
        stem: format!(
            "{}-{}",
            service_name(r),
            catalog::operation(r.operation).name.as_str()
        ),
        keep_head: ctx.config().inline_text_bytes,
    };
    let pagination = if o.paginate {
        Some(Pagination::of(r.operation).ok_or_else(|| {
            ToolError::new(
                ErrorType::InvalidOptions,
                format!(
                    "{} {} is not paginated",
                    service_name(r),
                    catalog::operation(r.operation).name.as_str()
                ),
                "Remove `paginate` (and maxPages / maxItems).",
            )
        })?)
    } else {
        None
    };
    // The identity lookup (cached after the first call) runs beside the call.
    let call_future = async {
        match &pagination {
            None => {
                let spec = spec(r, &input, &settings, &session, deadline, ctx, Some(&target));
                let http = ctx
                    .shared
                    .aws
                    .http()
                    .map_err(|e| send_error(r, e, 0, started))?;
                let out = call(http, &spec)
                    .await
                    .map_err(|e| call_error(r, e, started))?;
                Ok::<_, ToolError>((out, None))
            }
            Some(p) => paginate(
                ctx, r, o, p, payload, &settings, &session, deadline, &target, started,
            )
            .await
            .map(|(out, pages)| (out, Some(pages))),
        }
    };
    let (called, identity) = tokio::join!(call_future, identity(ctx, &session, region));
    let (out, pages) = called?;
    let mut result = out.output;
    if let Some((member, artifact)) = &out.artifact
        && let Value::Object(m) = &mut result
    {
        m.insert(member.to_string(), artifact_json(artifact));
    }
    if let Some(query) = &o.query {
        result = project(&query.0, result)?;
    }
    let mut answer = Map::new();
    if ctx.shared.audit.is_enabled() {
        *full_result = Some(result.clone());
    }
    let (result, trimmed) = fit_budget(ctx, r, o, region, result, budget_bytes);
    answer.insert("result".into(), result);
    if let Some(t) = trimmed {
        answer.extend(t);
    }
    if let Some(pages) = pages {
        answer.insert("pages".into(), pages.into());
    }
    answer.insert("identity".into(), identity);
    if let Some(id) = out.request_id.filter(|id| !id.is_empty()) {
        answer.insert("requestId".into(), id.into());
    }
    answer.insert("durationMs".into(), duration_ms(started).into());
    answer.insert("attempts".into(), out.attempts.into());
    Ok(Value::Object(answer))
}

#[allow(clippy::too_many_arguments)]
fn spec<'a>(
    r: &Request,
    input: &'a Value,
    settings: &'a crate::invoke::request::ClientSettings,
    session: &'a Session,
    deadline: Instant,
    ctx: &ToolContext,
    artifacts: Option<&'a ArtifactTarget>,
) -> CallSpec<'a> {
    CallSpec {
        op: r.operation,
        input,
        settings,
        credentials: Some(&session.credentials),
        deadline,
        max_attempts: ctx.config().max_attempts,
        artifacts,
    }
}

/// Follows the pages: `(merged output, pages fetched)`.
#[allow(clippy::too_many_arguments)]
async fn paginate(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    p: &Pagination,
    payload: &Map<String, Value>,
    settings: &crate::invoke::request::ClientSettings,
    session: &Session,
    deadline: Instant,
    target: &ArtifactTarget,
    started: Instant,
) -> Result<(CallOutput, u32), ToolError> {
    let http = ctx
        .shared
        .aws
        .http()
        .map_err(|e| send_error(r, e, 0, started))?;
    let max_pages = o.max_pages.unwrap_or(DEFAULT_MAX_PAGES);
    let mut input = payload.clone();
    let mut merged: Option<CallOutput> = None;
    let mut pages = 0u32;
    let mut items = 0u64;
    loop {
        if let Some(max) = o.max_items {
            p.limit_page(&mut input, max - items);
        }
        let value = Value::Object(input.clone());
        let spec = spec(r, &value, settings, session, deadline, ctx, Some(target));
        let page = call(http, &spec)
            .await
            .map_err(|e| call_error(r, e, started))?;
        pages += 1;
        items += p.count(&page.output);
        let sent = input.get(&p.input_token);
        let next = p.next_token(&page.output, sent).cloned();
        match &mut merged {
            None => merged = Some(page),
            Some(m) => {
                m.attempts += page.attempts;
                m.request_id = page.request_id.clone();
                p.merge(&mut m.output, page.output);
            }
        }
        let Some(next) = next else {
            if let Some(m) = &mut merged {
                p.set_token(&mut m.output, None);
            }
            break;
        };
        if pages >= max_pages || o.max_items.is_some_and(|max| items >= max) {
            if let Some(m) = &mut merged {
                p.set_token(&mut m.output, Some(next));
            }
            break;
        }
        input.insert(p.input_token.clone(), next);
    }
    // `merged` is set: the loop runs at least once and returns early on errors.
    let out = merged.ok_or_else(|| {
        ToolError::new(
            ErrorType::InternalError,
            "pagination fetched no page",
            "Retry without `paginate`.",
        )
    })?;
    Ok((out, pages))
}

/// Applies the output budget; when something was trimmed, the members that say what and how
/// to get the rest (`truncated`, `fullResult`, `cursor`).
fn fit_budget(
    ctx: &ToolContext,
    r: &Request,
    o: &ExecOptions,
    region: &str,
    result: Value,
    max_bytes: usize,
) -> (Value, Option<Map<String, Value>>) {
    use super::budget::{self, Budget, Mode};
    let budget = Budget {
        mode: o.response_mode,
        max_bytes,
        max_items: o.max_result_items.map(|n| n as usize),
        omit: o.omit_response_fields.clone(),
    };
    let untouched = budget.mode == Mode::Full
        || (budget.mode == Mode::Auto
            && budget.max_items.is_none()
            && budget.omit.is_empty()
            && budget::size_of(&result) <= max_bytes);
    if untouched {
        return (result, None);
    }
    // The full result is kept on disk for the cursor: secrets masked (no secret is persisted).
    let full = ctx.shared.audit.masker().mask_output(r.operation, &result);
    let (trimmed, report) = budget::apply(result, &budget);
    if report.is_empty() {
        return (trimmed, None);
    }
    let mut extra = Map::new();
    extra.insert("truncated".into(), report.to_json());
    match super::cursor::store(
        &ctx.config().artifact_dir,
        ctx.config().result_ttl,
        &ctx.principal,
        service_name(r),
        catalog::operation(r.operation).name.as_str(),
        region,
        &full,
        &report,
    ) {
        Ok((path, cursor)) => {
            extra.insert(
                "fullResult".into(),
                json!({"artifact": path.display().to_string(), "size": budget::size_of(&full)}),
            );
            if let Some(c) = cursor {
                extra.insert("cursor".into(), c.into());
                extra.insert(
                    "next".into(),
                    "More items: repeat this call with options.cursor set to `cursor` (AWS is \
                     not called again), or narrow it with options.query / a filter."
                        .into(),
                );
            }
        }
        Err(e) => {
            // The answer still says what was trimmed; the rest needs a narrower call.
            tracing::error!("storing the full result failed: {e}");
            extra.insert(
                "next".into(),
                format!(
                    "The full result could not be stored ({e}); narrow the call with \
                     options.query or paginate with a smaller page size."
                )
                .into(),
            );
        }
    }
    (trimmed, Some(extra))
}

/// The credentials of the identity the call asks for (profile, role), from the cache or fresh.
async fn session(
    ctx: &ToolContext,
    o: &ExecOptions,
    region: &str,
) -> Result<std::sync::Arc<Session>, ToolError> {
    let request = IdentityRequest {
        profile: o.profile.clone(),
        role: o.role.clone(),
    };
    ctx.shared
        .credentials
        .session(&ctx.principal, &request, region)
        .await
        .map_err(credentials_error)
}

/// The caller identity for the answer; a failed lookup is reported in place, not as the
/// call's failure.
async fn identity(ctx: &ToolContext, session: &Session, region: &str) -> Value {
    let mut out = Map::new();
    match ctx
        .shared
        .credentials
        .caller_identity(session, region)
        .await
    {
        Ok(CallerIdentity { account, arn, .. }) => {
            out.insert("account".into(), account.into());
            out.insert("arn".into(), arn.into());
        }
        Err(e) => {
            out.insert("error".into(), e.to_string().into());
        }
    }
    if let Some(p) = &session.profile {
        out.insert("profile".into(), p.clone().into());
    }
    if let Some(role) = &session.role_arn {
        out.insert("roleArn".into(), role.clone().into());
    }
    out.insert("region".into(), region.into());
    Value::Object(out)
}

/// The artifact of a streaming output, with its text inline when small and UTF-8.
fn artifact_json(a: &Artifact) -> Value {
    let mut m = Map::new();
    m.insert("artifact".into(), a.path.display().to_string().into());
    m.insert("size".into(), a.size.into());
    m.insert("sha256".into(), a.sha256.clone().into());
    if let Some(ct) = &a.content_type {
        m.insert("contentType".into(), ct.clone().into());
    }
    if a.size as usize == a.head.len()
        && let Ok(text) = std::str::from_utf8(&a.head)
    {
        m.insert("text".into(), text.into());
    }
    Value::Object(m)
}

/// `options.query` applied to the result.
fn project(expr: &jmespath::Expression<'static>, value: Value) -> Result<Value, ToolError> {
    let found = expr.search(value).map_err(|e| {
        ToolError::new(
            ErrorType::InvalidOptions,
            format!("Option `query` failed on the result: {e}"),
            "Check the expression against the operation's output (run once without `query`).",
        )
    })?;
    serde_json::to_value(&*found).map_err(|e| {
        ToolError::new(
            ErrorType::InternalError,
            format!("the query's result cannot be written: {e}"),
            "Retry without `query`.",
        )
    })
}

/// The preview of a signed request, secrets redacted.
fn preview(req: &crate::invoke::request::PreparedRequest) -> Value {
    const SECRET: &[&str] = &["authorization", "x-amz-security-token"];
    let mut headers = Map::new();
    for (name, value) in &crate::invoke::http::wire_headers(req) {
        let shown = if SECRET.contains(&name.to_ascii_lowercase().as_str()) {
            "** redacted **".to_string()
        } else {
            value.clone()
        };
        headers.insert(name.clone(), shown.into());
    }
    let mut out = Map::new();
    out.insert("method".into(), req.method.clone().into());
    out.insert("url".into(), req.url.clone().into());
    out.insert("headers".into(), Value::Object(headers));
    match std::str::from_utf8(&req.body) {
        Ok(text) => out.insert("body".into(), text.into()),
        Err(_) => out.insert(
            "bodyBase64".into(),
            base64::engine::general_purpose::STANDARD
                .encode(&req.body)
                .into(),
        ),
    };
    Value::Object(out)
}

/// Reads `options.bodyFile` (inside `AWS_MCP_FILE_ROOT`) into the streaming input member.
fn attach_body_file(
    ctx: &ToolContext,
    r: &Request,
    payload: &mut Map<String, Value>,
    file: &str,
) -> Result<(), ToolError> {
    let bad = |message: String, hint: &str| {
        ToolError::new(ErrorType::InvalidOptions, message, hint).with("option", "bodyFile")
    };
    let Some(root) = &ctx.config().file_root else {
        return Err(bad(
            "Option `bodyFile` is disabled: the server has no AWS_MCP_FILE_ROOT".to_string(),
            "Give the body as base64 in the payload, or ask the operator to set \
             AWS_MCP_FILE_ROOT to the directory files may be read from.",
        ));
    };
    let member = streaming_input_member(r.operation).ok_or_else(|| {
        bad(
            format!(
                "{} {} takes no streaming body",
                service_name(r),
                catalog::operation(r.operation).name.as_str()
            ),
            "Remove `bodyFile`; put the parameters in the payload.",
        )
    })?;
    if payload.contains_key(member) {
        return Err(bad(
            format!("Both `bodyFile` and payload member `{member}` give the body"),
            "Keep one of them.",
        ));
    }
    let path = inside_root(root, file).map_err(|m| {
        bad(
            m,
            "Give a path inside AWS_MCP_FILE_ROOT (relative to it, or absolute under it).",
        )
    })?;
    let limit = ctx.config().max_body_bytes as u64;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(bad(
            format!("`{file}` is {size} bytes, more than the {limit} a body may have here"),
            "Upload large files in parts (CreateMultipartUpload / UploadPart) or raise \
             AWS_MCP_MAX_BODY_BYTES.",
        ));
    }
    let bytes = std::fs::read(&path)
        .map_err(|e| bad(format!("Cannot read `{file}`: {e}"), "Check the file."))?;
    payload.insert(
        member.to_string(),
        base64::engine::general_purpose::STANDARD
            .encode(bytes)
            .into(),
    );
    Ok(())
}

/// `file` resolved under `root`, refusing anything that leaves it (`..`, symlinks).
fn inside_root(root: &Path, file: &str) -> Result<PathBuf, String> {
    let joined = root.join(file);
    let real = std::fs::canonicalize(&joined).map_err(|e| format!("Cannot open `{file}`: {e}"))?;
    if !real.starts_with(root) {
        return Err(format!("`{file}` is outside AWS_MCP_FILE_ROOT"));
    }
    if !real.is_file() {
        return Err(format!("`{file}` is not a regular file"));
    }
    Ok(real)
}

/// The input member that carries a streaming body (S3 PutObject's `Body`).
fn streaming_input_member(op: u32) -> Option<&'static str> {
    let input = catalog::operation(op).input.as_ref()?;
    catalog::shape(input.to_native())
        .members
        .iter()
        .find(|m| {
            m.has(T_HTTP_PAYLOAD) && {
                let t = catalog::shape(m.target.to_native());
                t.kind == ArchivedShapeKind::Blob && t.has(T_STREAMING)
            }
        })
        .map(|m| m.name.as_str())
}

fn duration_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

/// A credentials failure as the tool's error.
fn credentials_error(e: CredentialsError) -> ToolError {
    let message = e.to_string();
    match e {
        CredentialsError::NotAllowed {
            what,
            allowed,
            hint,
            ..
        } => ToolError::new(ErrorType::IdentityNotAllowed, message, hint)
            .with("identityKind", what)
            .with("allowed", allowed),
        CredentialsError::UnknownProfile { profile, known } => ToolError::new(
            ErrorType::CredentialsError,
            message,
            if known.is_empty() {
                "Leave options.profile out to use the default credentials.".to_string()
            } else {
                format!("Use one of: {}.", known.join(", "))
            },
        )
        .with("profile", profile)
        .with("knownProfiles", known),
        CredentialsError::Unavailable { hint, .. } => {
            ToolError::new(ErrorType::CredentialsError, message, hint)
        }
        CredentialsError::AssumeRole {
            role, code, hint, ..
        } => {
            let mut e =
                ToolError::new(ErrorType::CredentialsError, message, hint).with("roleArn", role);
            if let Some(c) = code {
                e = e.with("code", c);
            }
            e
        }
        CredentialsError::Identity { code, hint, .. } => {
            let mut e = ToolError::new(ErrorType::CredentialsError, message, hint);
            if let Some(c) = code {
                e = e.with("code", c);
            }
            e
        }
    }
}

fn send_error(r: &Request, e: SendError, attempts: u32, started: Instant) -> ToolError {
    let (error_type, hint) = match &e {
        SendError::Timeout => (
            ErrorType::Timeout,
            "The call ran out of time. Retry with a larger options.timeoutSeconds (up to 900), \
             or narrow the request.",
        ),
        SendError::Connect { .. } | SendError::Transfer(_) => (
            ErrorType::NetworkError,
            "The AWS endpoint could not be reached. Check the region, the network, a custom \
             endpoint (AWS_ENDPOINT_URL) or proxy settings, then retry.",
        ),
        SendError::TooLarge { .. } => (
            ErrorType::ResponseTooLarge,
            "Ask for less: use the operation's page-size or filter parameters, or paginate.",
        ),
        SendError::Artifact { .. } => (
            ErrorType::ConfigError,
            "The artifact directory (ARTIFACT_PATH) must be writable by the server.",
        ),
        SendError::Build(_) => (
            ErrorType::InvalidPayload,
            "A header or URL value is not valid on the wire; check the payload's string values.",
        ),
    };
    ToolError::new(error_type, e.to_string(), hint)
        .with("service", service_name(r))
        .with("operation", catalog::operation(r.operation).name.as_str())
        .with("attempts", attempts)
        .with("durationMs", duration_ms(started))
        .with(
            "retryable",
            e.retryable() || matches!(e, SendError::Timeout),
        )
}

/// A failed call as the tool's error.
fn call_error(r: &Request, e: CallError, started: Instant) -> ToolError {
    let service = service_name(r);
    let operation = catalog::operation(r.operation).name.as_str();
    match e {
        CallError::Prepare(PrepareError::NoRegion) => ToolError::new(
            ErrorType::InvalidArguments,
            "No region for the call",
            "Pass `region`, e.g. \"us-east-1\", or set AWS_REGION.",
        ),
        CallError::Prepare(e) => ToolError::new(
            ErrorType::InvalidPayload,
            format!("The request cannot be built: {e}"),
            "Check the payload against aws_get_operation_schema; values that pick the endpoint \
             (bucket names, ARNs, account ids) must be well-formed.",
        )
        .with("service", service)
        .with("operation", operation),
        CallError::Sign(e) => ToolError::new(
            ErrorType::CredentialsError,
            format!("The request cannot be signed: {e}"),
            "Check the credentials of the identity used.",
        ),
        CallError::Send { error, attempts } => send_error(r, error, attempts, started),
        CallError::Aws { error, attempts } => match error {
            AwsError::Service(se) => {
                let hint = aws_hint(&se.code, se.http_status, se.retryable);
                let mut e = ToolError::new(
                    ErrorType::AwsError,
                    format!("{}: {}", se.code, se.message),
                    hint,
                )
                .with("code", se.code.clone())
                .with("httpStatus", se.http_status)
                .with("retryable", se.retryable)
                .with("service", service)
                .with("operation", operation)
                .with("attempts", attempts)
                .with("durationMs", duration_ms(started));
                if let Some(id) = se.request_id.as_ref().filter(|id| !id.is_empty()) {
                    e = e.with("requestId", id.clone());
                }
                if !se.fields.is_empty() {
                    e = e.with("fields", Value::Object(se.fields.clone()));
                }
                e
            }
            AwsError::Malformed { .. } => ToolError::new(
                ErrorType::AwsError,
                error.to_string(),
                "AWS answered with a response this server cannot read; retry, and report it if \
                 it persists.",
            )
            .with("service", service)
            .with("operation", operation)
            .with("retryable", false),
            AwsError::Unsupported { .. } => ToolError::new(
                ErrorType::NotSupported,
                error.to_string(),
                "Use another operation for this task.",
            ),
        },
    }
}

/// What to do next for an AWS error code.
fn aws_hint(code: &str, status: u16, retryable: bool) -> String {
    if retryable {
        return "AWS is throttling or had a transient failure (the server already retried). \
                Wait a little and retry, or lower the call rate."
            .to_string();
    }
    let c = code.to_ascii_lowercase();
    if c.contains("accessdenied") || c.contains("unauthorized") || status == 403 {
        return "The identity lacks permission for this call (see `identity` of an earlier \
                result, or retry with options.profile / options.roleArn of a permitted role)."
            .to_string();
    }
    if c.contains("expired") {
        return "The credentials have expired: refresh them (e.g. `aws sso login`) and retry."
            .to_string();
    }
    if c.contains("notfound") || c.starts_with("nosuch") || status == 404 {
        return "The resource does not exist (in this account and region): check the name and \
                the region, or list the resources first."
            .to_string();
    }
    if c.contains("validation") || c.contains("invalidparameter") || status == 400 {
        return "AWS refused the parameters: fix what the message says; \
                aws_get_operation_schema shows the members and their limits."
            .to_string();
    }
    "AWS refused the call; the message says why.".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_files_stay_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("aws-exec-mcp-root-{}", std::process::id()));
        let root = dir.join("root");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("ok.txt"), b"hi").unwrap();
        std::fs::write(dir.join("secret.txt"), b"no").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.join("secret.txt"), root.join("link.txt")).unwrap();
        let root = std::fs::canonicalize(&root).unwrap();
        assert!(inside_root(&root, "ok.txt").is_ok());
        assert!(
            inside_root(&root, "../secret.txt")
                .unwrap_err()
                .contains("outside")
        );
        #[cfg(unix)]
        assert!(
            inside_root(&root, "link.txt")
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            inside_root(&root, "/etc/passwd")
                .unwrap_err()
                .contains("outside")
        );
        assert!(
            inside_root(&root, "missing")
                .unwrap_err()
                .contains("Cannot open")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn streaming_members() {
        let (_, put) = catalog::resolve_operation("s3", "PutObject").unwrap();
        assert_eq!(streaming_input_member(put), Some("Body"));
        let (_, list) = catalog::resolve_operation("s3", "ListBuckets").unwrap();
        assert_eq!(streaming_input_member(list), None);
    }

    #[test]
    fn projections_are_jmespath() {
        let expr = jmespath::compile("Contents[].Key").unwrap();
        let v = project(&expr, json!({"Contents": [{"Key": "a"}, {"Key": "b"}]})).unwrap();
        assert_eq!(v, json!(["a", "b"]));
    }

    #[test]
    fn hints_follow_the_code() {
        assert!(aws_hint("NoSuchBucket", 404, false).contains("does not exist"));
        assert!(aws_hint("AccessDenied", 403, false).contains("permission"));
        assert!(aws_hint("ThrottlingException", 400, true).contains("retried"));
        assert!(aws_hint("ValidationException", 400, false).contains("schema"));
    }
}

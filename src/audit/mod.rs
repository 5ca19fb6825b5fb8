//! The audit log: every AWS call the tools make (and every call the policy refuses or holds
//! for confirmation) leaves masked rows in SQLite, through diesel, and masked request and
//! response documents as files. What it owns, and what it leaves to others:
//!
//! * **Store** ([`schema`], `migrations/`): tables `transactions` (one per tool call),
//!   `operations` (one per AWS operation and region: principal, identity, policy decision,
//!   confirmation id, status, timings, AWS request id, error code, attempts), `artifacts`
//!   (masked JSON files under `ARTIFACT_PATH/audit/<date>/`, size-limited) and `writers`
//!   (the processes writing, with a heartbeat). Embedded migrations run when the log opens;
//!   SQLite runs in WAL mode with a busy timeout. The SQL is portable (see `up.sql`).
//! * **Statuses** ([`Status`]): `started`, `pending_confirmation` → `success`, `failed`,
//!   `denied` or `interrupted`. Every row reaches a final state: a call that ends without an
//!   outcome (its future dropped, a panic) is closed as `interrupted` by its [`OpHandle`]'s
//!   `Drop`; rows left open by a process that died (kill -9, power loss) are closed as
//!   `interrupted` when a writer next opens the log or sweeps it (each minute): a row is
//!   orphaned when its writer's heartbeat is older than 90 s, its writer's process is gone
//!   (same host, Linux), or its deadline (`started` + the call's time limit + 60 s;
//!   `pending_confirmation`: the token's expiry) has passed.
//! * **Writer** (`writer.rs`): one thread owns the connection; the tools send it messages.
//!   [`AuditLog::begin`] waits for the row to be committed (at most `AUDIT_WRITE_TIMEOUT_MS`),
//!   so that with `AUDIT_FAIL_MODE=closed` (the default) a call that cannot be recorded is
//!   refused before AWS is called. [`OpHandle::finish`], [`AuditLog::deny`] and
//!   [`AuditLog::pending`] never wait; an outcome is committed right after the next new row
//!   (or alone within 20 ms), and the request and response documents are written by a
//!   second thread, so that a `begin` waits for its own small commit only. At most
//!   `AUDIT_QUEUE_CAPACITY` rows wait to be written (`begin` beyond that:
//!   [`AuditError::QueueFull`]). A write that fails is an `error` log line naming the row
//!   (masked), never silence. [`AuditLog::flush`] and [`AuditLog::shutdown`] write everything
//!   held, files included.
//! * **Masking** ([`mask`]): everything stored goes through the [`Masker`] first.
//! * **Retention**: rows older than `AUDIT_RETENTION_DAYS` (default 90, 0 keeps everything)
//!   and their artifact files are removed when the log opens and every 24 hours.
//!
//! Timestamps are RFC 3339 UTC text with microseconds (fixed width: text order is time order).
//! For PostgreSQL (several replicas sharing one log), the same `up.sql` creates the tables;
//! the connection type, the pragmas in `writer.rs` (WAL, busy timeout: server settings there)
//! and `check_for_backend` in `schema.rs` are what would change.

pub mod mask;
pub mod query;
pub mod schema;
mod writer;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tokio::time::Instant;

pub use mask::{MASK, Masker};
pub use query::read_document;

/// What the tools do when the audit log cannot record a call (`AUDIT_FAIL_MODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// Refuse the call before AWS is called (the default).
    Closed,
    /// Log an error and make the call unrecorded.
    Open,
}

/// The audit settings, from [`crate::config::Config`].
#[derive(Debug, Clone)]
pub struct AuditConfig {
    /// `AUDIT_ENABLED` (default true). Off: nothing is recorded, nothing is opened.
    pub enabled: bool,
    /// `SQLITE_PATH` (default `./data/aws_mcp.sqlite`); its directory is created.
    pub sqlite_path: PathBuf,
    /// `SQLITE_WAL` (default true): WAL journal. Off for file systems without shared memory
    /// (some network mounts).
    pub wal: bool,
    /// `AUDIT_FAIL_MODE` (default closed).
    pub fail_mode: FailMode,
    /// `AUDIT_RETENTION_DAYS` (default 90; 0 keeps everything).
    pub retention_days: u32,
    /// `AUDIT_QUEUE_CAPACITY` (default 1024): rows waiting for the writer.
    pub queue_capacity: usize,
    /// `AUDIT_WRITE_TIMEOUT_MS` (default 3000): how long `begin` waits for its row.
    pub write_timeout: Duration,
    /// Where artifact files go: `ARTIFACT_PATH/audit`.
    pub artifact_dir: PathBuf,
    /// `AUDIT_ARTIFACT_MAX_BYTES` (default 1 MiB; 0: no artifact files). A larger document is
    /// stored as `{"truncated": true, "bytes", "sha256", "head"}`.
    pub artifact_max_bytes: usize,
    /// `AWS_MCP_MASK_KEYS`: key-name globs masked besides the built-in ones.
    pub mask_keys: Vec<String>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            enabled: true,
            sqlite_path: PathBuf::from("./data/aws_mcp.sqlite"),
            wal: true,
            fail_mode: FailMode::Closed,
            retention_days: 90,
            queue_capacity: 1024,
            write_timeout: Duration::from_millis(3000),
            artifact_dir: PathBuf::from("./data/artifacts/audit"),
            artifact_max_bytes: 1 << 20,
            mask_keys: Vec::new(),
        }
    }
}

impl AuditConfig {
    /// Nothing recorded (unit tests, the CLI's read-only commands).
    pub fn disabled() -> AuditConfig {
        AuditConfig {
            enabled: false,
            ..AuditConfig::default()
        }
    }
}

/// Why the audit log cannot record a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("the audit log {path} cannot be opened: {detail}")]
    Open { path: String, detail: String },
    #[error("the audit log is unavailable: {detail}")]
    Unavailable { detail: String },
    #[error("the audit log's queue is full ({capacity} rows waiting to be written)")]
    QueueFull { capacity: usize },
    #[error("the audit log did not confirm the row within {ms} ms")]
    Timeout { ms: u64 },
    #[error("the audit row cannot be written: {detail}")]
    Write { detail: String },
}

impl AuditError {
    /// What an operator can do about it (for the tool's error `hint`).
    pub fn hint(&self) -> &'static str {
        match self {
            AuditError::Open { .. } | AuditError::Unavailable { .. } | AuditError::Write { .. } => {
                "Calls are refused while the audit log cannot record them \
                 (AUDIT_FAIL_MODE=closed). Check that SQLITE_PATH is writable and its disk not \
                 full (the server's log says more), or set AUDIT_FAIL_MODE=open to call \
                 unrecorded."
            }
            AuditError::QueueFull { .. } | AuditError::Timeout { .. } => {
                "The audit log is behind (a slow or locked disk): retry in a moment. Operators \
                 can raise AUDIT_QUEUE_CAPACITY / AUDIT_WRITE_TIMEOUT_MS."
            }
        }
    }
}

/// Status of an operation or transaction row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Started,
    PendingConfirmation,
    Success,
    Failed,
    Denied,
    Interrupted,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Started,
        Status::PendingConfirmation,
        Status::Success,
        Status::Failed,
        Status::Denied,
        Status::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Started => "started",
            Status::PendingConfirmation => "pending_confirmation",
            Status::Success => "success",
            Status::Failed => "failed",
            Status::Denied => "denied",
            Status::Interrupted => "interrupted",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the row is closed.
    pub fn is_final(self) -> bool {
        !matches!(self, Status::Started | Status::PendingConfirmation)
    }
}

/// The policy's verdict on a call, as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Allowed without confirmation.
    Allowed,
    /// Allowed after a confirmation (token or elicitation).
    Confirmed,
    /// Held for confirmation ([`AuditLog::pending`]).
    ConfirmationRequired,
    /// Refused ([`AuditLog::deny`]).
    Denied,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Confirmed => "confirmed",
            Verdict::ConfirmationRequired => "confirmation_required",
            Verdict::Denied => "denied",
        }
    }
}

/// The policy decision: verdict and reasons (any JSON: rule names, matched members...;
/// masked before it is stored).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    pub reasons: Value,
}

impl Decision {
    pub fn allowed() -> Decision {
        Decision {
            verdict: Verdict::Allowed,
            reasons: Value::Null,
        }
    }

    pub fn new(verdict: Verdict, reasons: Value) -> Decision {
        Decision { verdict, reasons }
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// A fresh id (32 hex digits): a UUID v7, so that ids sort by creation time
            /// and each new row goes to the end of its primary-key index.
            #[allow(clippy::new_without_default)]
            pub fn new() -> $name {
                $name(uuid::Uuid::now_v7().simple().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A tool call's transaction: one per `aws_execute` call, shared by its regions.
    TxId
);
id_type!(
    /// One operation row.
    OperationId
);

/// What the tool knows about a call before it is made.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// The tool call's transaction (the same for every region of a fan-out).
    pub tx: TxId,
    /// `Principal::label()`.
    pub principal: String,
    /// The catalog index of the operation (service and operation names come from it).
    pub operation: u32,
    /// `invoke` or `presign`.
    pub action: &'static str,
    pub region: Option<String>,
    /// `options.profile`.
    pub profile: Option<String>,
    /// `options.roleArn`.
    pub role_arn: Option<String>,
    pub decision: Decision,
    /// The confirmation token's id, when the call was confirmed or is waiting for it.
    pub confirmation_id: Option<String>,
    /// The call's time limit: a `started` row still open this long after it began (plus a
    /// minute) is closed as `interrupted`.
    pub timeout: Duration,
}

impl CallRecord {
    /// An allowed `invoke` with no identity options and a 60 s limit; set the rest with the
    /// public fields.
    pub fn new(tx: TxId, principal: impl Into<String>, operation: u32) -> CallRecord {
        CallRecord {
            tx,
            principal: principal.into(),
            operation,
            action: "invoke",
            region: None,
            profile: None,
            role_arn: None,
            decision: Decision::allowed(),
            confirmation_id: None,
            timeout: Duration::from_secs(60),
        }
    }
}

/// How a call ended, for [`OpHandle::finish`].
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub success: bool,
    pub request_id: Option<String>,
    pub http_status: Option<u16>,
    /// The AWS error code (`NoSuchBucket`) or the tool's error type.
    pub error_code: Option<String>,
    /// Masked, with the call's own secret values, before it is stored.
    pub error_message: Option<String>,
    pub attempts: Option<u32>,
    /// The caller's account and ARN (`GetCallerIdentity`), when known.
    pub account: Option<String>,
    pub caller_arn: Option<String>,
    /// The operation's output (before any `query` projection): stored masked as the
    /// `response` artifact. Masking and writing happen on the audit log's file thread.
    pub response: Option<Value>,
}

impl Outcome {
    pub fn success() -> Outcome {
        Outcome {
            success: true,
            ..Outcome::default()
        }
    }

    pub fn failure(code: impl Into<String>, message: impl Into<String>) -> Outcome {
        Outcome {
            success: false,
            error_code: Some(code.into()),
            error_message: Some(message.into()),
            ..Outcome::default()
        }
    }

    pub fn with_request_id(mut self, id: Option<String>) -> Outcome {
        self.request_id = id.filter(|s| !s.is_empty());
        self
    }

    pub fn with_attempts(mut self, attempts: u32) -> Outcome {
        self.attempts = Some(attempts);
        self
    }

    pub fn with_http_status(mut self, status: u16) -> Outcome {
        self.http_status = Some(status);
        self
    }

    pub fn with_caller(mut self, account: Option<String>, arn: Option<String>) -> Outcome {
        self.account = account;
        self.caller_arn = arn;
        self
    }

    pub fn with_response(mut self, response: Value) -> Outcome {
        self.response = Some(response);
        self
    }
}

/// The audit log. Cheap to clone; one per server.
#[derive(Clone)]
pub struct AuditLog {
    inner: Arc<Inner>,
}

struct Inner {
    config: AuditConfig,
    masker: Masker,
    writer: OnceLock<Result<writer::Handle, AuditError>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("enabled", &self.inner.config.enabled)
            .field("path", &self.inner.config.sqlite_path)
            .field("fail_mode", &self.inner.config.fail_mode)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// The log described by `config`, opened on first use or by [`AuditLog::start`] (so that
    /// commands that never call AWS create no database).
    pub fn new(config: &AuditConfig) -> AuditLog {
        AuditLog {
            inner: Arc::new(Inner {
                masker: Masker::new(&config.mask_keys),
                config: config.clone(),
                writer: OnceLock::new(),
            }),
        }
    }

    /// A log that records nothing (unit tests).
    pub fn disabled() -> AuditLog {
        AuditLog::new(&AuditConfig::disabled())
    }

    /// Opens the log now and waits until it is ready (migrations run, crash leftovers closed,
    /// retention applied). For tests and `check-config`; the server uses
    /// [`AuditLog::start`].
    pub fn open(config: &AuditConfig) -> Result<AuditLog, AuditError> {
        let log = AuditLog::new(config);
        if config.enabled {
            log.handle()?.wait_ready()?;
        }
        Ok(log)
    }

    /// Starts the writer, which opens the database in the background: the server calls this
    /// at start so that migrations, crash recovery and retention run before the first call.
    pub fn start(&self) {
        if self.inner.config.enabled {
            let _ = self.handle();
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.inner.config.enabled
    }

    pub fn config(&self) -> &AuditConfig {
        &self.inner.config
    }

    /// The masking rules (built-in and `AWS_MCP_MASK_KEYS`), for log lines too.
    pub fn masker(&self) -> &Masker {
        &self.inner.masker
    }

    fn handle(&self) -> Result<&writer::Handle, AuditError> {
        self.inner
            .writer
            .get_or_init(|| writer::Handle::spawn(&self.inner.config, &self.inner.masker))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Records that a call starts (`started`), with its masked payload as the `request`
    /// artifact, and waits until the row is committed. With a `confirmation_id` that a
    /// [`AuditLog::pending`] row holds (same operation and region), that row moves to
    /// `started` instead of a new one.
    ///
    /// Errors only with `AUDIT_FAIL_MODE=closed`: the tool must then refuse the call (map
    /// the error with its [`AuditError::hint`]). In open mode a failure is logged and the
    /// returned handle records nothing.
    pub async fn begin(&self, call: CallRecord, payload: &Value) -> Result<OpHandle, AuditError> {
        if !self.inner.config.enabled {
            return Ok(OpHandle::inert(call.tx));
        }
        let masker = &self.inner.masker;
        let (masked, secrets) = masker.mask_input_collect(call.operation, payload);
        let now = SystemTime::now();
        let started = Instant::now();
        let row = self.row(
            &call,
            Status::Started,
            now,
            Some(now + call.timeout + GRACE),
        );
        let summary = Summary::of(&row);
        let op = OperationId(row.id.clone());
        let result = match self.handle() {
            Ok(h) => h.begin(row, masked, self.inner.config.write_timeout).await,
            Err(e) => Err(e),
        };
        match result {
            Ok((op, tx)) => Ok(OpHandle::live(
                self.handle().ok().cloned(),
                op,
                tx,
                call.operation,
                started,
                secrets,
                masker.clone(),
                summary,
            )),
            Err(e) => {
                tracing::error!(
                    target: "aws_exec_mcp::audit",
                    error = %e,
                    fail_mode = ?self.inner.config.fail_mode,
                    "{summary}: the call cannot be recorded"
                );
                if let (Ok(h), AuditError::Timeout { .. }) = (self.handle(), &e)
                    && self.inner.config.fail_mode == FailMode::Closed
                {
                    // The row may still be written: close it, the call is refused.
                    h.end(
                        op.clone(),
                        call.tx.clone(),
                        writer::End::interrupted(
                            "AuditTimeout",
                            "the call was refused: the audit log did not record it in time",
                        ),
                        None,
                    );
                }
                match self.inner.config.fail_mode {
                    FailMode::Closed => Err(e),
                    // The row may still be written: the outcome goes after it.
                    FailMode::Open if matches!(e, AuditError::Timeout { .. }) => {
                        Ok(OpHandle::live(
                            self.handle().ok().cloned(),
                            op,
                            call.tx,
                            call.operation,
                            started,
                            secrets,
                            masker.clone(),
                            summary,
                        ))
                    }
                    FailMode::Open => Ok(OpHandle::unrecorded(
                        op,
                        call.tx,
                        started,
                        secrets,
                        masker.clone(),
                        summary,
                    )),
                }
            }
        }
    }

    /// Records a call the policy refused (`denied`, final), with its masked payload. Never
    /// waits; a failure is logged.
    pub fn deny(&self, call: CallRecord, payload: &Value) -> OperationId {
        let now = SystemTime::now();
        let mut row = self.row(&call, Status::Denied, now, None);
        row.finished_at = Some(rfc3339(now));
        row.duration_ms = Some(0);
        self.record(row, &call, payload)
    }

    /// Records a call held for confirmation (`pending_confirmation` until a [`AuditLog::begin`]
    /// with the same `confirmation_id` takes it over, else `interrupted` after `expires`).
    /// Never waits; a failure is logged.
    pub fn pending(&self, call: CallRecord, payload: &Value, expires: SystemTime) -> OperationId {
        let row = self.row(
            &call,
            Status::PendingConfirmation,
            SystemTime::now(),
            Some(expires),
        );
        self.record(row, &call, payload)
    }

    fn record(&self, row: schema::OperationRow, call: &CallRecord, payload: &Value) -> OperationId {
        let id = OperationId(row.id.clone());
        if !self.inner.config.enabled {
            return id;
        }
        let summary = Summary::of(&row);
        let masked = self.inner.masker.mask_input(call.operation, payload);
        let sent = self.handle().and_then(|h| h.insert(row, masked));
        if let Err(e) = sent {
            tracing::error!(target: "aws_exec_mcp::audit", error = %e, "{summary}: not recorded");
        }
        id
    }

    fn row(
        &self,
        call: &CallRecord,
        status: Status,
        now: SystemTime,
        expires: Option<SystemTime>,
    ) -> schema::OperationRow {
        let masker = &self.inner.masker;
        let op = crate::catalog::operation(call.operation);
        let service = crate::catalog::service(op.service.to_native());
        let reasons = match &call.decision.reasons {
            Value::Null => None,
            Value::String(s) => Some(Value::String(masker.mask_text(s)).to_string()),
            other => Some(mask_strings(masker, &masker.mask_value(other)).to_string()),
        };
        schema::OperationRow {
            id: OperationId::new().0,
            tx_id: call.tx.0.clone(),
            principal: call.principal.clone(),
            action: call.action.to_string(),
            service: service.name.as_str().to_string(),
            operation: op.name.as_str().to_string(),
            region: call.region.clone(),
            profile: call.profile.clone(),
            role_arn: call.role_arn.clone(),
            account: None,
            caller_arn: None,
            decision: call.decision.verdict.as_str().to_string(),
            decision_reasons: reasons.map(|r| cap(&r, MAX_TEXT)),
            confirmation_id: call.confirmation_id.clone(),
            status: status.as_str().to_string(),
            started_at: rfc3339(now),
            finished_at: None,
            expires_at: expires.map(rfc3339),
            duration_ms: None,
            request_id: None,
            http_status: None,
            error_code: None,
            error_message: None,
            attempts: None,
            writer_id: String::new(),
        }
    }

    /// Waits until everything sent so far is written (tests; before a CLI command exits).
    pub async fn flush(&self) {
        if self.inner.config.enabled
            && let Some(Ok(h)) = self.inner.writer.get()
        {
            h.flush().await;
        }
    }

    /// Stops the writer after it has written everything queued; its rows still open become
    /// `interrupted`. Waits at most `timeout`. The server calls it before exiting.
    pub fn shutdown(&self, timeout: Duration) {
        if let Some(Ok(h)) = self.inner.writer.get() {
            h.shutdown(timeout);
        }
    }
}

/// Added to a call's time limit before its open row counts as abandoned.
const GRACE: Duration = Duration::from_secs(60);

/// The longest error message or reasons text stored.
const MAX_TEXT: usize = 2000;

/// Every string leaf through [`Masker::mask_text`] (policy reasons quote payload values).
fn mask_strings(masker: &Masker, v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(masker.mask_text(s)),
        Value::Array(a) => Value::Array(a.iter().map(|x| mask_strings(masker, x)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), mask_strings(masker, x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `s` cut to at most `max` characters (`…` marks the cut).
fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `service:Operation region op=<id> principal=...`, for log lines (nothing secret).
#[derive(Debug, Clone)]
struct Summary(String);

impl Summary {
    fn of(row: &schema::OperationRow) -> Summary {
        Summary(format!(
            "audit {} {}:{} region={} op={} principal={}",
            row.status,
            row.service,
            row.operation,
            row.region.as_deref().unwrap_or("-"),
            row.id,
            row.principal
        ))
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A started operation. Call [`OpHandle::finish`] with its outcome; dropped without it (the
/// call's future was cancelled, a panic unwound), it records `interrupted`.
#[derive(Debug)]
pub struct OpHandle {
    op: OperationId,
    tx: TxId,
    state: Option<Live>,
}

#[derive(Debug)]
struct Live {
    /// `None`: not recorded (disabled log, or open mode after a failure).
    writer: Option<writer::Handle>,
    recorded: bool,
    operation: u32,
    started: Instant,
    secrets: mask::Secrets,
    masker: Masker,
    summary: Summary,
}

impl OpHandle {
    fn inert(tx: TxId) -> OpHandle {
        OpHandle {
            op: OperationId::new(),
            tx,
            state: None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn live(
        writer: Option<writer::Handle>,
        op: OperationId,
        tx: TxId,
        operation: u32,
        started: Instant,
        secrets: mask::Secrets,
        masker: Masker,
        summary: Summary,
    ) -> OpHandle {
        OpHandle {
            op,
            tx,
            state: Some(Live {
                recorded: writer.is_some(),
                writer,
                operation,
                started,
                secrets,
                masker,
                summary,
            }),
        }
    }

    fn unrecorded(
        op: OperationId,
        tx: TxId,
        started: Instant,
        secrets: mask::Secrets,
        masker: Masker,
        summary: Summary,
    ) -> OpHandle {
        OpHandle {
            op,
            tx,
            state: Some(Live {
                writer: None,
                recorded: false,
                operation: 0,
                started,
                secrets,
                masker,
                summary,
            }),
        }
    }

    /// The operation row's id (for the tool's answer or logs).
    pub fn id(&self) -> &OperationId {
        &self.op
    }

    /// The transaction the row belongs to (a confirmed call joins its pending row's).
    pub fn tx(&self) -> &TxId {
        &self.tx
    }

    /// Records the outcome (`success` or `failed`), and the masked response as an artifact.
    /// Never waits and never fails the call: a write that fails is logged.
    pub fn finish(mut self, outcome: Outcome) {
        if let Some(live) = self.state.take() {
            let status = if outcome.success {
                Status::Success
            } else {
                Status::Failed
            };
            Self::end(&self.op, &self.tx, live, status, outcome);
        }
    }

    fn end(op: &OperationId, tx: &TxId, live: Live, status: Status, outcome: Outcome) {
        let now = SystemTime::now();
        let message = outcome
            .error_message
            .as_deref()
            .map(|m| cap(&live.masker.mask_text_with(m, &live.secrets), MAX_TEXT));
        let end = writer::End {
            row: schema::OperationEnd {
                status: status.as_str().to_string(),
                finished_at: Some(rfc3339(now)),
                duration_ms: Some(live.started.elapsed().as_millis() as i64),
                request_id: outcome.request_id,
                http_status: outcome.http_status.map(i32::from),
                error_code: outcome
                    .error_code
                    .map(|c| cap(&live.masker.mask_text(&c), 200)),
                error_message: message,
                attempts: outcome.attempts.map(|a| a as i32),
                account: outcome.account,
                caller_arn: outcome.caller_arn,
            },
        };
        match (&live.writer, live.recorded) {
            (Some(w), true) => {
                w.end(
                    op.clone(),
                    tx.clone(),
                    end,
                    outcome.response.map(|r| (live.operation, r)),
                );
            }
            _ => {
                // Open mode after a failed begin: the outcome goes to the log instead.
                tracing::error!(
                    target: "aws_exec_mcp::audit",
                    status = %end.row.status,
                    error_code = end.row.error_code.as_deref().unwrap_or(""),
                    error_message = end.row.error_message.as_deref().unwrap_or(""),
                    request_id = end.row.request_id.as_deref().unwrap_or(""),
                    "{}: unrecorded call ended",
                    live.summary
                );
            }
        }
    }
}

impl Drop for OpHandle {
    fn drop(&mut self) {
        if let Some(live) = self.state.take() {
            let outcome = Outcome::failure(
                "Interrupted",
                "the call ended without an outcome (cancelled, or the tool failed)",
            );
            Self::end(&self.op, &self.tx, live, Status::Interrupted, outcome);
        }
    }
}

/// `2026-01-02T03:04:05.000006Z`: RFC 3339, UTC, microseconds, fixed width.
pub fn rfc3339(t: SystemTime) -> String {
    let (secs, micros) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_micros()),
        Err(e) => {
            let d = e.duration();
            let mut s = -(d.as_secs() as i64);
            let mut us = d.subsec_micros();
            if us > 0 {
                s -= 1;
                us = 1_000_000 - us;
            }
            (s, us)
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests;

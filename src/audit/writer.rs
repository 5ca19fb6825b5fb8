//! The writer: one thread owns the SQLite connection and applies the tools' messages in
//! order, many per transaction. New rows (`begin`, `deny`, `pending`) go first, in a
//! transaction of their own, acknowledged as soon as it is committed. Outcomes and the
//! artifact rows of the documents written meanwhile are held for the next such commit and
//! written right after it, in a second transaction, or alone once the oldest has waited
//! [`LINGER`]: at a steady rate a call costs two commits, and that work happens while the
//! next call waits for AWS instead of while an answer is on its way to the client. Outcomes
//! do not wake the writer (a wake-up costs more than the row): they wait in an outbox it
//! empties whenever it wakes, and it polls it while calls it started are open. Every
//! statement has a fixed text, prepared once. The documents themselves (masked request and
//! response JSON) are appended to a segment file per day by a second thread, `audit-files`,
//! so that a `begin` never waits behind file work. Every minute the writer refreshes its
//! heartbeat and closes orphaned rows; every day (and at start) it applies the retention.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use serde_json::{Value, json};

use super::schema::{
    ArtifactRow, NewTransaction, OperationEnd, OperationRow, WriterRow, artifacts, operations,
    transactions, writers,
};
use super::{AuditConfig, AuditError, Masker, OperationId, Status, TxId, rfc3339};

/// The migrations, embedded in the binary.
pub(crate) const MIGRATIONS: EmbeddedMigrations = embed_migrations!("src/audit/migrations");

/// SQLite's wait for a lock held by another connection (another server on the same file).
const BUSY_TIMEOUT_MS: u32 = 2000;
/// Messages applied in one transaction at most.
const BATCH: usize = 256;
/// How often the writer wakes without messages; its heartbeat period.
const TICK: Duration = Duration::from_secs(15);
/// Orphaned rows are looked for this often.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// A writer whose heartbeat is older than this is gone.
const HEARTBEAT_STALE: Duration = Duration::from_secs(90);
/// Retention runs this often (and at start).
const RETENTION_EVERY: Duration = Duration::from_secs(24 * 3600);
/// After a failure to open, the next attempt waits this long.
const REOPEN_AFTER: Duration = Duration::from_secs(5);
/// Rows deleted per statement by the retention.
const DELETE_CHUNK: usize = 500;
/// The longest an outcome or an artifact row waits for the next new row's commit before it
/// is committed on its own.
const LINGER: Duration = Duration::from_millis(20);
/// How long the writer keeps polling for outcomes that do not come.
const AWAIT_ENDS_FOR: Duration = Duration::from_secs(15 * 60);
/// How long a flush or a stop waits for the file thread to write what it was given.
const FILES_WAIT: Duration = Duration::from_secs(30);

/// How an operation ended, as sent to the writer.
#[derive(Debug, Clone)]
pub(crate) struct End {
    pub row: OperationEnd,
}

impl End {
    pub(crate) fn interrupted(code: &str, message: &str) -> End {
        End {
            row: OperationEnd {
                status: Status::Interrupted.as_str().to_string(),
                finished_at: Some(rfc3339(SystemTime::now())),
                error_code: Some(code.to_string()),
                error_message: Some(message.to_string()),
                ..OperationEnd::default()
            },
        }
    }
}

type Ack = tokio::sync::oneshot::Sender<Result<(OperationId, TxId), AuditError>>;

enum Msg {
    /// A started row; acknowledged once committed.
    Begin {
        row: Box<OperationRow>,
        request: Value,
        ack: Ack,
    },
    /// A denied or pending row (not acknowledged).
    Insert {
        row: Box<OperationRow>,
        request: Value,
    },
    /// An outcome, and the response to store (operation index, raw output).
    End {
        op: OperationId,
        tx: TxId,
        end: Box<End>,
        response: Option<(u32, Value)>,
    },
    Flush(tokio::sync::oneshot::Sender<()>),
    Shutdown(mpsc::Sender<()>),
}

impl Msg {
    /// Whether the message counts against the queue capacity.
    fn counted(&self) -> bool {
        matches!(self, Msg::Begin { .. } | Msg::Insert { .. })
    }
}

/// The result of opening the database, once known.
#[derive(Default)]
struct Ready {
    state: Mutex<Option<Result<(), AuditError>>>,
    cond: Condvar,
}

/// Outcomes waiting for the writer. They do not wake it (waking a thread costs more than
/// writing the row): it takes them when a new row wakes it, or when it polls while calls it
/// started are still open. `stopped`: the writer has taken the last ones and ended.
#[derive(Default)]
struct Outbox {
    ends: Vec<Msg>,
    stopped: bool,
}

/// The tools' side of the writer. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Handle {
    tx: mpsc::Sender<Msg>,
    outbox: Arc<Mutex<Outbox>>,
    queued: Arc<AtomicUsize>,
    capacity: usize,
    ready: Arc<Ready>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("writer::Handle")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .field("capacity", &self.capacity)
            .finish()
    }
}

impl Handle {
    /// Starts the writer thread; it opens the database in the background.
    pub(crate) fn spawn(config: &AuditConfig, masker: &Masker) -> Result<Handle, AuditError> {
        let (tx, rx) = mpsc::channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let ready = Arc::new(Ready::default());
        let outbox = Arc::new(Mutex::new(Outbox::default()));
        let mut writer = Writer::new(
            config.clone(),
            masker.clone(),
            queued.clone(),
            ready.clone(),
            outbox.clone(),
        );
        std::thread::Builder::new()
            .name("audit-writer".to_string())
            .spawn(move || writer.run(rx))
            .map_err(|e| AuditError::Unavailable {
                detail: format!("cannot start the writer thread: {e}"),
            })?;
        Ok(Handle {
            tx,
            outbox,
            queued,
            capacity: config.queue_capacity.max(1),
            ready,
        })
    }

    /// Waits until the first attempt to open the database is over; its result.
    pub(crate) fn wait_ready(&self) -> Result<(), AuditError> {
        let Ok(mut state) = self.ready.state.lock() else {
            return Err(unavailable("the writer's state is poisoned"));
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while state.is_none() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(unavailable("the database did not open within 60 s"));
            }
            state = match self.ready.cond.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(_) => return Err(unavailable("the writer's state is poisoned")),
            };
        }
        state.clone().unwrap_or(Ok(()))
    }

    fn send_counted(&self, msg: Msg) -> Result<(), AuditError> {
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.capacity {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            return Err(AuditError::QueueFull {
                capacity: self.capacity,
            });
        }
        self.tx.send(msg).map_err(|_| {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            unavailable("the writer has stopped")
        })
    }

    /// Sends a started row and waits (at most `timeout`) until it is committed; the row's
    /// effective ids (a confirmed call takes over its pending row).
    pub(crate) async fn begin(
        &self,
        row: OperationRow,
        request: Value,
        timeout: Duration,
    ) -> Result<(OperationId, TxId), AuditError> {
        let (ack, done) = tokio::sync::oneshot::channel();
        self.send_counted(Msg::Begin {
            row: Box::new(row),
            request,
            ack,
        })?;
        match tokio::time::timeout(timeout, done).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(unavailable("the writer stopped before answering")),
            Err(_) => Err(AuditError::Timeout {
                ms: timeout.as_millis() as u64,
            }),
        }
    }

    /// Sends a denied or pending row.
    pub(crate) fn insert(&self, row: OperationRow, request: Value) -> Result<(), AuditError> {
        self.send_counted(Msg::Insert {
            row: Box::new(row),
            request,
        })
    }

    /// Sends an outcome. Not counted against the capacity: every outcome belongs to a row
    /// that was admitted, so their number is bounded by the calls in flight.
    pub(crate) fn end(&self, op: OperationId, tx: TxId, end: End, response: Option<(u32, Value)>) {
        let status = end.row.status.clone();
        let taken = {
            let mut outbox = self.outbox.lock().unwrap_or_else(PoisonError::into_inner);
            if !outbox.stopped {
                outbox.ends.push(Msg::End {
                    op: op.clone(),
                    tx,
                    end: Box::new(end),
                    response,
                });
            }
            !outbox.stopped
        };
        if !taken {
            tracing::error!(
                target: "aws_exec_mcp::audit",
                op = %op,
                status = %status,
                "audit: the outcome of operation {op} ({status}) cannot be recorded: the writer \
                 has stopped"
            );
        }
    }

    pub(crate) async fn flush(&self) {
        let (ack, done) = tokio::sync::oneshot::channel();
        if self.tx.send(Msg::Flush(ack)).is_ok() {
            let _ = done.await;
        }
    }

    pub(crate) fn shutdown(&self, timeout: Duration) {
        let (ack, done) = mpsc::channel();
        if self.tx.send(Msg::Shutdown(ack)).is_ok() {
            let _ = done.recv_timeout(timeout);
        }
    }
}

fn unavailable(detail: &str) -> AuditError {
    AuditError::Unavailable {
        detail: detail.to_string(),
    }
}

/// The writer thread's state.
pub(crate) struct Writer {
    config: AuditConfig,
    masker: Masker,
    id: String,
    pid: i64,
    host: String,
    conn: Option<SqliteConnection>,
    /// Why the database is not open, and when to try again.
    failure: Option<(AuditError, Instant)>,
    /// The canonical artifact directory, once created.
    artifact_dir: Option<Arc<Path>>,
    /// Checkpoints the WAL beside the writer (dropped: it stops).
    checkpointer: Option<Checkpointer>,
    /// Taken around each transaction; the checkpointer takes it to catch up with the WAL.
    gate: Arc<Mutex<()>>,
    /// Writes the artifact documents (started with the first one).
    files: Option<Files>,
    /// Documents given to the file thread whose result has not come back yet.
    outstanding: usize,
    /// Outcomes and artifact rows held for the next transaction, and since when.
    held_ends: Vec<Msg>,
    artifact_rows: Vec<ArtifactRow>,
    held_since: Option<Instant>,
    queued: Arc<AtomicUsize>,
    ready: Arc<Ready>,
    outbox: Arc<Mutex<Outbox>>,
    /// Started rows committed whose outcome has not been taken yet: while there are, the
    /// writer looks at the outbox every [`LINGER`].
    awaiting_ends: usize,
    /// When an outcome was last taken (or a row started): a count left up by outcomes that
    /// never come is dropped after [`AWAIT_ENDS_FOR`].
    last_end_seen: Instant,
    last_heartbeat: Instant,
    last_sweep: Instant,
    last_retention: Option<Instant>,
}

/// What a message did, for the artifacts and acknowledgements after the commit.
struct Applied {
    op: String,
    tx: String,
}

/// What a transaction writes.
enum Item<'a> {
    Msg(&'a Msg),
    Artifact(&'a ArtifactRow),
}

impl Writer {
    fn new(
        config: AuditConfig,
        masker: Masker,
        queued: Arc<AtomicUsize>,
        ready: Arc<Ready>,
        outbox: Arc<Mutex<Outbox>>,
    ) -> Writer {
        Writer {
            config,
            masker,
            id: uuid::Uuid::new_v4().simple().to_string(),
            pid: i64::from(std::process::id()),
            host: hostname(),
            conn: None,
            failure: None,
            artifact_dir: None,
            checkpointer: None,
            gate: Arc::new(Mutex::new(())),
            files: None,
            outstanding: 0,
            held_ends: Vec::new(),
            artifact_rows: Vec::new(),
            held_since: None,
            queued,
            ready,
            outbox,
            awaiting_ends: 0,
            last_end_seen: Instant::now(),
            last_heartbeat: Instant::now(),
            last_sweep: Instant::now(),
            last_retention: None,
        }
    }

    fn run(&mut self, rx: mpsc::Receiver<Msg>) {
        let opened = self.open();
        if let Err(e) = &opened {
            tracing::error!(target: "aws_exec_mcp::audit", "{e}");
        }
        if let Ok(mut state) = self.ready.state.lock() {
            *state = Some(opened);
            self.ready.cond.notify_all();
        }
        loop {
            let (first, timed_out) = match rx.recv_timeout(self.wait()) {
                Ok(msg) => (Some(msg), false),
                Err(mpsc::RecvTimeoutError::Timeout) => (None, true),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let mut batch: Vec<Msg> = first.into_iter().collect();
            while batch.len() < BATCH {
                match rx.try_recv() {
                    Ok(msg) => batch.push(msg),
                    Err(_) => break,
                }
            }
            let mut stop = None;
            let mut flushes = Vec::new();
            let mut rows = Vec::new();
            let mut ends = Vec::new();
            let mut sort = |msg: Msg, stop: &mut Option<mpsc::Sender<()>>| match msg {
                Msg::Flush(ack) => flushes.push(ack),
                Msg::Shutdown(done) => {
                    if stop.is_none() {
                        *stop = Some(done);
                    }
                }
                end @ Msg::End { .. } => ends.push(end),
                row => rows.push(row),
            };
            for msg in batch {
                sort(msg, &mut stop);
            }
            if stop.is_some() {
                // Everything sent before the shutdown is written too.
                while let Ok(msg) = rx.try_recv() {
                    sort(msg, &mut stop);
                }
            }
            self.hold(ends);
            let taken = self.take_outbox(stop.is_some());
            self.hold(taken);
            if !rows.is_empty() || !self.held_ends.is_empty() {
                self.reopen_if_due();
            }
            // New rows first, in a transaction of their own: `begin` waits for this commit
            // only.
            let began = !rows.is_empty();
            if began {
                self.write(rows);
            }
            self.collect_artifacts();
            // Then what is held: right after new rows, or once it has waited long enough.
            if began
                || (timed_out && !self.held_ends.is_empty())
                || self.held_since.is_some_and(|t| t.elapsed() >= LINGER)
            {
                self.write(Vec::new());
            }
            if !flushes.is_empty() || stop.is_some() {
                self.settle();
            }
            for ack in flushes {
                let _ = ack.send(());
            }
            if let Some(done) = stop {
                self.close();
                let _ = done.send(());
                return;
            }
            self.housekeeping(SystemTime::now());
        }
        self.close();
    }

    /// How long the writer may sleep: until what it holds is due, a while when the file
    /// thread has documents (their rows will be waiting), else a heartbeat period.
    fn wait(&self) -> Duration {
        match self.held_since {
            Some(t) => LINGER.saturating_sub(t.elapsed()),
            None if self.outstanding > 0 || self.awaiting_ends > 0 => LINGER,
            None => TICK,
        }
    }

    /// Holds outcomes for the next commit.
    fn hold(&mut self, mut ends: Vec<Msg>) {
        if !ends.is_empty() {
            self.held_since.get_or_insert_with(Instant::now);
            self.held_ends.append(&mut ends);
        }
    }

    /// The outcomes in the outbox; with `last`, the outbox is closed too (later ones are
    /// logged as lost by [`Handle::end`]).
    fn take_outbox(&mut self, last: bool) -> Vec<Msg> {
        let ends = {
            let mut outbox = self.outbox.lock().unwrap_or_else(PoisonError::into_inner);
            outbox.stopped |= last;
            std::mem::take(&mut outbox.ends)
        };
        if !ends.is_empty() {
            self.awaiting_ends = self.awaiting_ends.saturating_sub(ends.len());
            self.last_end_seen = Instant::now();
        } else if self.awaiting_ends > 0 && self.last_end_seen.elapsed() >= AWAIT_ENDS_FOR {
            // Outcomes lost (their rows are closed by the sweep): stop polling.
            self.awaiting_ends = 0;
        }
        ends
    }

    /// Opens the database: pragmas, migrations, this writer's row, then crash recovery and
    /// retention.
    fn open(&mut self) -> Result<(), AuditError> {
        let path = self.config.sqlite_path.clone();
        let open_error = |detail: String| AuditError::Open {
            path: path.display().to_string(),
            detail,
        };
        let conn = match open_retrying_while_locked(&path, self.config.wal) {
            Ok(c) => c,
            Err(e) => {
                let e = open_error(e);
                self.failure = Some((e.clone(), Instant::now() + REOPEN_AFTER));
                return Err(e);
            }
        };
        let mut conn = conn;
        if self.config.wal {
            // Checkpoints (the only fsyncs in WAL mode with synchronous=NORMAL) move to their
            // own thread and connection, off the path of `begin`; without that thread SQLite
            // checkpoints inside a commit every 1000 pages (a p99 of ~15 ms here).
            self.checkpointer = None;
            match Checkpointer::spawn(&path, self.gate.clone()) {
                Ok(c) => {
                    self.checkpointer = Some(c);
                    let _ = conn.batch_execute("PRAGMA wal_autocheckpoint = 0;");
                }
                Err(e) => tracing::warn!(
                    target: "aws_exec_mcp::audit",
                    "audit: no checkpoint thread ({e}); SQLite checkpoints inline"
                ),
            }
        }
        self.conn = Some(conn);
        let now = SystemTime::now();
        let me = WriterRow {
            id: self.id.clone(),
            pid: self.pid,
            host: self.host.clone(),
            started_at: rfc3339(now),
            heartbeat_at: rfc3339(now),
        };
        if let Some(c) = self.conn.as_mut()
            && let Err(e) = diesel::insert_into(writers::table).values(&me).execute(c)
        {
            let e = open_error(format!("cannot register the writer: {e}"));
            self.conn = None;
            self.failure = Some((e.clone(), Instant::now() + REOPEN_AFTER));
            return Err(e);
        }
        self.failure = None;
        self.artifact_dir = match prepare_dir(&self.config.artifact_dir) {
            Ok(dir) => Some(Arc::from(dir)),
            Err(e) => {
                tracing::error!(
                    target: "aws_exec_mcp::audit",
                    "audit: the artifact directory {} cannot be used ({e}): rows are recorded \
                     without their request and response files",
                    self.config.artifact_dir.display()
                );
                None
            }
        };
        self.sweep(now);
        self.retention(now);
        self.last_sweep = Instant::now();
        self.last_heartbeat = Instant::now();
        Ok(())
    }

    /// A log that failed to open is tried again when its delay is over.
    fn reopen_if_due(&mut self) {
        if self.conn.is_none()
            && self
                .failure
                .as_ref()
                .is_none_or(|(_, retry)| Instant::now() >= *retry)
        {
            match self.open() {
                Ok(()) => {
                    tracing::warn!(target: "aws_exec_mcp::audit", "audit: the log is open again")
                }
                Err(e) => tracing::error!(target: "aws_exec_mcp::audit", "{e}"),
            }
        }
    }

    /// Applies `items` in one transaction: one result per item. Without savepoints: when an
    /// item fails, the transaction is rolled back and the items are applied again one
    /// transaction each, so that one bad row does not sink the others.
    fn transact<I>(
        &mut self,
        items: &[I],
        f: impl Fn(&mut SqliteConnection, &I) -> QueryResult<Applied>,
    ) -> Vec<Result<Applied, AuditError>> {
        if items.is_empty() {
            return Vec::new();
        }
        let Some(conn) = self.conn.as_mut() else {
            let why = self
                .failure
                .as_ref()
                .map(|(e, _)| e.clone())
                .unwrap_or_else(|| unavailable("the audit log is not open"));
            return items.iter().map(|_| Err(why.clone())).collect();
        };
        let write_error = |e: diesel::result::Error| AuditError::Write {
            detail: e.to_string(),
        };
        let _gate = self.gate.lock().unwrap_or_else(PoisonError::into_inner);
        let mut failed_item = false;
        let all = conn.immediate_transaction(|c| {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match f(c, item) {
                    Ok(a) => out.push(a),
                    Err(e) => {
                        failed_item = true;
                        return Err(e);
                    }
                }
            }
            Ok(out)
        });
        match all {
            Ok(out) => out.into_iter().map(Ok).collect(),
            Err(e) if !failed_item => {
                // BEGIN or COMMIT failed (a lock held too long, a full disk): nothing went in.
                let why = AuditError::Write {
                    detail: format!("the transaction failed: {e}"),
                };
                items.iter().map(|_| Err(why.clone())).collect()
            }
            Err(e) if items.len() == 1 => vec![Err(write_error(e))],
            Err(_) => items
                .iter()
                .map(|item| {
                    conn.immediate_transaction(|c| f(c, item))
                        .map_err(write_error)
                })
                .collect(),
        }
    }

    /// One transaction: the new rows (started, denied, pending), or else the outcomes and
    /// artifact rows held. Once it is committed the started rows are acknowledged and the
    /// documents go to the file thread. New rows go alone so that a `begin` waits for its own
    /// rows only (merging the held outcomes into its transaction saves a commit per call but
    /// made `begin` p50 207 → 326 µs, with no gain end to end).
    fn write(&mut self, rows: Vec<Msg>) {
        let (ends, artifact_rows) = if rows.is_empty() {
            self.held_since = None;
            (
                std::mem::take(&mut self.held_ends),
                std::mem::take(&mut self.artifact_rows),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        if rows.is_empty() && ends.is_empty() && artifact_rows.is_empty() {
            return;
        }
        let _span = tracing::debug_span!(
            "audit.write",
            rows = rows.len(),
            ends = ends.len(),
            artifacts = artifact_rows.len()
        )
        .entered();
        let items: Vec<Item<'_>> = rows
            .iter()
            .chain(ends.iter())
            .map(Item::Msg)
            .chain(artifact_rows.iter().map(Item::Artifact))
            .collect();
        let writer_id = self.id.clone();
        let mut results = self
            .transact(&items, |c, item| match item {
                Item::Msg(msg) => apply(c, msg, &writer_id),
                Item::Artifact(row) => {
                    diesel::insert_into(artifacts::table)
                        .values(*row)
                        .execute(c)?;
                    Ok(Applied {
                        op: row.op_id.clone(),
                        tx: row.tx_id.clone(),
                    })
                }
            })
            .into_iter();
        drop(items);
        let mut documents = Vec::new();
        for msg in rows {
            if msg.counted() {
                self.queued.fetch_sub(1, Ordering::AcqRel);
            }
            let result = results
                .next()
                .unwrap_or_else(|| Err(unavailable("no result")));
            match (msg, result) {
                (Msg::Begin { ack, request, .. }, Ok(a)) => {
                    documents.push(Document::request(&a, request));
                    self.awaiting_ends += 1;
                    self.last_end_seen = Instant::now();
                    let _ = ack.send(Ok((OperationId(a.op), TxId(a.tx))));
                }
                (Msg::Insert { request, .. }, Ok(a)) => {
                    documents.push(Document::request(&a, request));
                }
                (Msg::Begin { ack, row, .. }, Err(e)) => {
                    log_lost(
                        &row.id,
                        &row.status,
                        &format!("{}:{}", row.service, row.operation),
                        &e.to_string(),
                    );
                    let _ = ack.send(Err(e));
                }
                (Msg::Insert { row, .. }, Err(e)) => {
                    log_lost(
                        &row.id,
                        &row.status,
                        &format!("{}:{}", row.service, row.operation),
                        &e.to_string(),
                    );
                }
                (Msg::End { .. } | Msg::Flush(_) | Msg::Shutdown(_), _) => {}
            }
        }
        for msg in ends {
            match (msg, results.next()) {
                (
                    Msg::End {
                        response: Some((op_index, value)),
                        ..
                    },
                    Some(Ok(a)),
                ) => {
                    documents.push(Document {
                        op: a.op,
                        tx: a.tx,
                        kind: "response",
                        output_of: Some(op_index),
                        value,
                    });
                }
                (Msg::End { op, end, .. }, Some(Err(e))) => {
                    log_lost(op.as_str(), &end.row.status, "outcome", &e.to_string());
                }
                _ => {}
            }
        }
        for (row, result) in artifact_rows.iter().zip(results) {
            if let Err(e) = result {
                // A one-document file without its row would never be found: it goes. A
                // segment holds other documents: this one stays there, unreferenced, until
                // the retention removes its day.
                if row.byte_offset.is_none() {
                    let _ = std::fs::remove_file(&row.path);
                }
                tracing::error!(
                    target: "aws_exec_mcp::audit",
                    op = %row.op_id,
                    "audit: the {} artifact of operation {} cannot be recorded: {e}",
                    row.kind,
                    row.op_id
                );
            }
        }
        self.forward(documents);
    }

    /// Gives the documents to the file thread (started on first use).
    fn forward(&mut self, documents: Vec<Document>) {
        if documents.is_empty() || self.config.artifact_max_bytes == 0 {
            return;
        }
        let Some(dir) = self.artifact_dir.clone() else {
            return;
        };
        for doc in documents {
            if self.files.is_none() {
                match Files::spawn(
                    self.masker.clone(),
                    self.config.artifact_max_bytes,
                    self.id.clone(),
                ) {
                    Ok(files) => self.files = Some(files),
                    Err(e) => {
                        tracing::error!(
                            target: "aws_exec_mcp::audit",
                            op = %doc.op,
                            "audit: the {} artifact of operation {} cannot be written: no \
                             file thread ({e})",
                            doc.kind,
                            doc.op
                        );
                        continue;
                    }
                }
            }
            let Some(files) = &self.files else { continue };
            match files.jobs.send(FileJob::Write(dir.clone(), doc)) {
                Ok(()) => self.outstanding += 1,
                Err(mpsc::SendError(job)) => {
                    // The thread is gone (a panic): the next document starts another.
                    self.files_gone();
                    if let FileJob::Write(_, doc) = job {
                        tracing::error!(
                            target: "aws_exec_mcp::audit",
                            op = %doc.op,
                            "audit: the {} artifact of operation {} cannot be written: the \
                             file thread stopped",
                            doc.kind,
                            doc.op
                        );
                    }
                }
            }
        }
    }

    /// The file thread stopped (a panic) or does not answer: what it wrote is taken, the
    /// rest is given up (logged), and the next document starts another thread.
    fn files_gone(&mut self) {
        self.collect_artifacts();
        if self.outstanding > 0 {
            tracing::error!(
                target: "aws_exec_mcp::audit",
                "audit: {} artifact documents were not written: the file thread stopped or \
                 did not answer within {} s",
                self.outstanding,
                FILES_WAIT.as_secs()
            );
        }
        self.outstanding = 0;
        self.files = None;
    }

    /// Takes the rows of the documents the file thread has written.
    fn collect_artifacts(&mut self) {
        let Some(files) = &self.files else { return };
        let written =
            std::mem::take(&mut *files.written.lock().unwrap_or_else(PoisonError::into_inner));
        if written.is_empty() {
            return;
        }
        self.outstanding = self.outstanding.saturating_sub(written.len());
        self.artifact_rows.extend(written.into_iter().flatten());
        if !self.artifact_rows.is_empty() {
            self.held_since.get_or_insert_with(Instant::now);
        }
    }

    /// Commits what is held, waits until the file thread has written every document given
    /// to it (the responses of those outcomes too), and commits their rows (a flush, a stop).
    fn settle(&mut self) {
        self.write(Vec::new());
        if self.outstanding > 0
            && let Some(files) = &self.files
        {
            let (ack, done) = mpsc::channel();
            let answered = files.jobs.send(FileJob::Barrier(ack)).is_ok()
                && done.recv_timeout(FILES_WAIT).is_ok();
            if answered {
                self.collect_artifacts();
            } else {
                self.files_gone();
            }
        }
        self.write(Vec::new());
    }

    /// Heartbeat, sweep and retention when due.
    fn housekeeping(&mut self, now: SystemTime) {
        if self.conn.is_none() {
            if self
                .failure
                .as_ref()
                .is_none_or(|(_, retry)| Instant::now() >= *retry)
                && self.open().is_ok()
            {
                tracing::warn!(target: "aws_exec_mcp::audit", "audit: the log is open again");
            }
            return;
        }
        if self.last_heartbeat.elapsed() >= TICK {
            self.heartbeat(now);
            self.last_heartbeat = Instant::now();
        }
        if self.last_sweep.elapsed() >= SWEEP_EVERY {
            self.sweep(now);
            self.last_sweep = Instant::now();
        }
        if self
            .last_retention
            .is_none_or(|t| t.elapsed() >= RETENTION_EVERY)
        {
            self.retention(now);
        }
    }

    fn heartbeat(&mut self, now: SystemTime) {
        let Some(c) = self.conn.as_mut() else { return };
        let me = WriterRow {
            id: self.id.clone(),
            pid: self.pid,
            host: self.host.clone(),
            started_at: rfc3339(now),
            heartbeat_at: rfc3339(now),
        };
        let result = diesel::update(writers::table.find(&self.id))
            .set(writers::heartbeat_at.eq(rfc3339(now)))
            .execute(c)
            .and_then(|n| {
                if n == 0 {
                    diesel::insert_into(writers::table).values(&me).execute(c)
                } else {
                    Ok(n)
                }
            });
        if let Err(e) = result {
            tracing::error!(target: "aws_exec_mcp::audit", "audit: heartbeat failed: {e}");
        }
    }

    /// Closes rows left open by writers that are gone, or past their deadline, as
    /// `interrupted`.
    pub(crate) fn sweep(&mut self, now: SystemTime) {
        let Some(c) = self.conn.as_mut() else { return };
        let me = self.id.clone();
        let host = self.host.clone();
        let result = c.immediate_transaction(|c| sweep(c, now, &me, &host));
        match result {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                target: "aws_exec_mcp::audit",
                "audit: {n} operations left open (a server stopped, or a call outlived its \
                 deadline) closed as interrupted"
            ),
            Err(e) => tracing::error!(target: "aws_exec_mcp::audit", "audit: sweep failed: {e}"),
        }
    }

    /// Deletes rows and artifact files older than the retention.
    pub(crate) fn retention(&mut self, now: SystemTime) {
        self.last_retention = Some(Instant::now());
        let days = self.config.retention_days;
        if days == 0 {
            return;
        }
        let cutoff = rfc3339(now - Duration::from_secs(u64::from(days) * 86_400));
        let Some(c) = self.conn.as_mut() else { return };
        match retention(c, &cutoff, self.artifact_dir.as_deref()) {
            Ok((0, _)) => {}
            Ok((ops, files)) => tracing::info!(
                target: "aws_exec_mcp::audit",
                "audit: retention removed {ops} operations and {files} artifact files older \
                 than {days} days"
            ),
            Err(e) => {
                tracing::error!(target: "aws_exec_mcp::audit", "audit: retention failed: {e}")
            }
        }
        if let Some(dir) = &self.artifact_dir {
            let old = remove_old_documents(c, dir, &cutoff[..10]);
            if old > 0 {
                tracing::info!(
                    target: "aws_exec_mcp::audit",
                    "audit: retention removed {old} document files of days before {}",
                    &cutoff[..10]
                );
            }
            remove_empty_day_dirs(dir, &cutoff[..10]);
        }
    }

    /// A clean stop: the documents given to the file thread are written and recorded, this
    /// writer's open `started` rows become `interrupted`, its row goes.
    fn close(&mut self) {
        let taken = self.take_outbox(true);
        self.hold(taken);
        self.settle();
        // Dropped: the file thread ends once its queue is empty (it is, after the settle).
        self.files = None;
        let Some(c) = self.conn.as_mut() else { return };
        let now = rfc3339(SystemTime::now());
        let me = self.id.clone();
        let result = c.immediate_transaction(|c| {
            let open: Vec<(String, String)> = operations::table
                .filter(operations::writer_id.eq(&me))
                .filter(operations::status.eq(Status::Started.as_str()))
                .select((operations::id, operations::tx_id))
                .load(c)?;
            for (id, tx) in &open {
                interrupt(
                    c,
                    id,
                    &now,
                    "ServerStopped",
                    "the server stopped before the call ended",
                )?;
                refresh_tx(c, tx)?;
            }
            diesel::delete(writers::table.find(&me)).execute(c)?;
            Ok::<_, diesel::result::Error>(open.len())
        });
        if let Err(e) = result {
            tracing::error!(target: "aws_exec_mcp::audit", "audit: closing the log failed: {e}");
        }
        // Fold the WAL back into the database file, and close.
        self.checkpointer = None;
        let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);");
        self.conn = None;
    }
}

/// A thread with its own connection that checkpoints the WAL every second (PASSIVE: it never
/// waits for the writer). Stops when dropped.
///
/// SQLite starts the WAL over (writing from its beginning again, on pages the OS still has in
/// its cache) only when a write transaction begins after a checkpoint that copied every
/// frame. A checkpoint takes milliseconds (two fsyncs), so under a steady stream of calls the
/// writer always commits during it and the WAL grows without end (150 MB in 15 s in the
/// probe), every commit appending to new pages (35 µs more per commit here). So when the WAL
/// is over [`WAL_CAP_FRAMES`], the checkpointer runs more checkpoints until one has little
/// left to copy, then a last one holding `gate`, which the writer takes around each
/// transaction (its two fsyncs: 4–14 ms here, once per 16 MiB of WAL), and the writer's next
/// transaction starts the WAL over. (Another server writing to the same file can still keep
/// the WAL from starting over; it is then caught up every second.)
struct Checkpointer {
    _stop: mpsc::Sender<()>,
}

/// How often the WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);
/// The WAL size (in 4 KiB pages: 16 MiB) over which a checkpoint holds the writer back to
/// catch up with it.
pub(crate) const WAL_CAP_FRAMES: i32 = 4096;
/// The last checkpoint before the WAL starts over holds the writer once fewer frames than this
/// were written during the one before.
const CATCH_UP_FRAMES: i32 = 64;
/// The WAL file is cut back to this size when it starts over (as large as it grows between
/// two restarts under load, so that its pages stay allocated and cached).
const WAL_SIZE_LIMIT: u64 = 16 << 20;

#[derive(QueryableByName)]
struct CheckpointResult {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    checkpointed: i32,
}

/// A PASSIVE checkpoint: (frames in the WAL, frames copied to the database).
fn checkpoint(conn: &mut SqliteConnection) -> QueryResult<(i32, i32)> {
    let rows: Vec<CheckpointResult> =
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").load(conn)?;
    Ok(rows
        .first()
        .map(|r| (r.log, r.checkpointed))
        .unwrap_or((0, 0)))
}

/// A checkpoint; when the WAL is over [`WAL_CAP_FRAMES`], more until they catch up with the
/// writer, the last one holding `gate`, so that the WAL starts over.
pub(crate) fn checkpoint_and_restart(
    conn: &mut SqliteConnection,
    gate: &Mutex<()>,
) -> QueryResult<()> {
    // The counts are those of the WAL when a checkpoint began: the commits made during it do
    // not show, but the next checkpoint's count has them.
    let (mut log, _) = checkpoint(conn)?;
    if log < WAL_CAP_FRAMES {
        return Ok(());
    }
    // Without the writer held, while it commits much during each round (the first one
    // fsyncs a second of WAL; the next ones have less to copy).
    for _ in 0..4 {
        let (now, _) = checkpoint(conn)?;
        let grew = now - log;
        log = now;
        if log < WAL_CAP_FRAMES {
            // The writer started the WAL over after a round that caught up.
            return Ok(());
        }
        if grew <= CATCH_UP_FRAMES {
            break;
        }
    }
    let held = Instant::now();
    let guard = gate.lock().unwrap_or_else(PoisonError::into_inner);
    let last = checkpoint(conn);
    drop(guard);
    tracing::debug!(
        target: "aws_exec_mcp::audit",
        "audit: WAL of {log} frames caught up, the writer held {:?}",
        held.elapsed()
    );
    last.map(|_| ())
}

impl Checkpointer {
    fn spawn(path: &Path, gate: Arc<Mutex<()>>) -> Result<Checkpointer, String> {
        let url = path
            .to_str()
            .ok_or_else(|| "the path is not valid UTF-8".to_string())?;
        let mut conn = SqliteConnection::establish(url).map_err(|e| e.to_string())?;
        conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))
            .map_err(|e| e.to_string())?;
        let (stop, stopped) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("audit-checkpoint".to_string())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    if let Err(e) = checkpoint_and_restart(&mut conn, &gate) {
                        tracing::debug!(target: "aws_exec_mcp::audit", "audit: checkpoint: {e}");
                    }
                }
            })
            .map_err(|e| e.to_string())?;
        Ok(Checkpointer { _stop: stop })
    }
}

fn log_lost(op: &str, status: &str, what: &str, why: &str) {
    tracing::error!(
        target: "aws_exec_mcp::audit",
        op = %op,
        status = %status,
        "audit: operation {op} ({what}, {status}) was not recorded: {why}"
    );
}

/// How long [`open_retrying_while_locked`] keeps trying.
const OPEN_LOCKED_FOR: Duration = Duration::from_secs(5);

/// [`open_connection`], tried again while another process holds the database (two servers
/// started together on one `SQLITE_PATH`: switching to WAL and the first migration take
/// locks that SQLite's busy timeout does not wait for).
pub(crate) fn open_retrying_while_locked(
    path: &Path,
    wal: bool,
) -> Result<SqliteConnection, String> {
    let deadline = Instant::now() + OPEN_LOCKED_FOR;
    let mut pause = Duration::from_millis(20);
    loop {
        match open_connection(path, wal) {
            Err(e) if e.contains("database is locked") && Instant::now() < deadline => {
                tracing::debug!(target: "aws_exec_mcp::audit", "audit: open retry: {e}");
                std::thread::sleep(pause.mul_f64(0.5 + fastrand::f64()));
                pause = (pause * 2).min(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

/// Opens the connection with the pragmas and runs the migrations.
pub(crate) fn open_connection(path: &Path, wal: bool) -> Result<SqliteConnection, String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create the directory {}: {e}", parent.display()))?;
    }
    let existed = path.exists();
    let url = path
        .to_str()
        .ok_or_else(|| "the path is not valid UTF-8".to_string())?;
    let mut conn = SqliteConnection::establish(url).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    if !existed {
        use std::os::unix::fs::PermissionsExt;
        // The log names principals, accounts and resources: owner only.
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    let _ = existed;
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON;"
    ))
    .map_err(|e| e.to_string())?;
    if wal {
        let mode = journal_mode(&mut conn, Some("WAL"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(
                target: "aws_exec_mcp::audit",
                "audit: {} cannot use WAL (journal mode `{mode}`); set SQLITE_WAL=false to \
                 silence this",
                path.display()
            );
        }
        // The WAL file is cut back to 16 MiB when it starts over.
        conn.batch_execute(&format!(
            "PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
        ))
        .map_err(|e| e.to_string())?;
    } else {
        conn.batch_execute("PRAGMA synchronous = FULL;")
            .map_err(|e| e.to_string())?;
    }
    // Two servers starting together may race on the first migration: retry a little.
    let mut attempt = 0;
    loop {
        match conn.run_pending_migrations(MIGRATIONS) {
            Ok(_) => break,
            Err(e) if attempt < 3 => {
                attempt += 1;
                tracing::debug!(target: "aws_exec_mcp::audit", "audit: migration retry: {e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => return Err(format!("migrations failed: {e}")),
        }
    }
    Ok(conn)
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

/// Sets (when `set`) and returns the journal mode.
pub(crate) fn journal_mode(
    conn: &mut SqliteConnection,
    set: Option<&str>,
) -> Result<String, String> {
    let sql = match set {
        Some(mode) => format!("PRAGMA journal_mode = {mode}"),
        None => "PRAGMA journal_mode".to_string(),
    };
    let rows: Vec<JournalMode> = diesel::sql_query(sql)
        .load(conn)
        .map_err(|e| e.to_string())?;
    Ok(rows
        .into_iter()
        .next()
        .map(|r| r.journal_mode)
        .unwrap_or_default())
}

/// The outcome of an operation still open (`started`, or `interrupted` by a sweep before its
/// outcome came): one UPDATE with a fixed text, so that diesel's statement cache keeps it
/// prepared (it prepares every `diesel::update` anew). A column the outcome leaves unset
/// keeps its value.
struct EndUpdate<'a> {
    op: &'a str,
    end: &'a OperationEnd,
}

impl diesel::query_builder::QueryId for EndUpdate<'_> {
    type QueryId = EndUpdate<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for EndUpdate<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{BigInt, Integer, Nullable, Text};
        let e = self.end;
        out.push_sql("UPDATE operations SET status = ");
        out.push_bind_param::<Text, _>(&e.status)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "finished_at", &e.finished_at)?;
        keep_unless_set::<Nullable<BigInt>, _>(out.reborrow(), "duration_ms", &e.duration_ms)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "request_id", &e.request_id)?;
        keep_unless_set::<Nullable<Integer>, _>(out.reborrow(), "http_status", &e.http_status)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "error_code", &e.error_code)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "error_message", &e.error_message)?;
        keep_unless_set::<Nullable<Integer>, _>(out.reborrow(), "attempts", &e.attempts)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "account", &e.account)?;
        keep_unless_set::<Nullable<Text>, _>(out.reborrow(), "caller_arn", &e.caller_arn)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(self.op)?;
        out.push_sql(" AND status IN (");
        out.push_bind_param::<Text, _>(Status::Started.as_str())?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(Status::Interrupted.as_str())?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for EndUpdate<'_> {}

/// `, column = coalesce(?, column)`: the value when set, else the column's own.
fn keep_unless_set<'b, ST, U>(
    mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    column: &'static str,
    value: &'b U,
) -> QueryResult<()>
where
    diesel::sqlite::Sqlite: diesel::sql_types::HasSqlType<ST>,
    U: diesel::serialize::ToSql<ST, diesel::sqlite::Sqlite>,
{
    out.push_sql(", ");
    out.push_sql(column);
    out.push_sql(" = coalesce(");
    out.push_bind_param::<ST, U>(value)?;
    out.push_sql(", ");
    out.push_sql(column);
    out.push_sql(")");
    Ok(())
}

/// A transaction's status and end, as [`EndUpdate`]: a fixed text, prepared once.
struct TxUpdate<'a> {
    id: &'a str,
    status: &'a str,
    finished_at: Option<&'a str>,
}

impl diesel::query_builder::QueryId for TxUpdate<'_> {
    type QueryId = TxUpdate<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl diesel::query_builder::QueryFragment<diesel::sqlite::Sqlite> for TxUpdate<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::sqlite::Sqlite>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Nullable, Text};
        out.push_sql("UPDATE transactions SET status = ");
        out.push_bind_param::<Text, _>(self.status)?;
        out.push_sql(", finished_at = ");
        out.push_bind_param::<Nullable<Text>, _>(&self.finished_at)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(self.id)?;
        Ok(())
    }
}

impl RunQueryDsl<SqliteConnection> for TxUpdate<'_> {}

/// Applies one message inside a savepoint.
fn apply(c: &mut SqliteConnection, msg: &Msg, writer_id: &str) -> QueryResult<Applied> {
    match msg {
        Msg::Begin { row, .. } | Msg::Insert { row, .. } => {
            let mut row = (**row).clone();
            row.writer_id = writer_id.to_string();
            if row.status == Status::Started.as_str()
                && let Some(cid) = row.confirmation_id.clone()
                && let Some((id, tx)) = find_pending(c, &cid, &row)?
            {
                diesel::update(operations::table.find(&id))
                    .set((
                        operations::status.eq(&row.status),
                        operations::started_at.eq(&row.started_at),
                        operations::expires_at.eq(&row.expires_at),
                        operations::writer_id.eq(&row.writer_id),
                        operations::decision.eq(&row.decision),
                        operations::decision_reasons.eq(&row.decision_reasons),
                        operations::region.eq(&row.region),
                        operations::profile.eq(&row.profile),
                        operations::role_arn.eq(&row.role_arn),
                        operations::principal.eq(&row.principal),
                    ))
                    .execute(c)?;
                refresh_tx(c, &tx)?;
                return Ok(Applied { op: id, tx });
            }
            let new_tx = diesel::insert_into(transactions::table)
                .values(&NewTransaction {
                    id: row.tx_id.clone(),
                    principal: row.principal.clone(),
                    service: row.service.clone(),
                    operation: row.operation.clone(),
                    status: row.status.clone(),
                    started_at: row.started_at.clone(),
                    finished_at: row.finished_at.clone(),
                    writer_id: row.writer_id.clone(),
                })
                .on_conflict_do_nothing()
                .execute(c)?;
            diesel::insert_into(operations::table)
                .values(&row)
                .execute(c)?;
            // A new transaction already has the row's status; a fan-out's may change.
            if new_tx == 0 {
                refresh_tx(c, &row.tx_id)?;
            }
            Ok(Applied {
                op: row.id,
                tx: row.tx_id,
            })
        }
        Msg::End { op, tx, end, .. } => {
            let n = EndUpdate {
                op: op.as_str(),
                end: &end.row,
            }
            .execute(c)?;
            if n == 0 {
                // Already final (a duplicate outcome), or not there: keep what is.
                return Err(diesel::result::Error::NotFound);
            }
            refresh_tx(c, tx.as_str())?;
            Ok(Applied {
                op: op.as_str().to_string(),
                tx: tx.as_str().to_string(),
            })
        }
        Msg::Flush(_) | Msg::Shutdown(_) => Ok(Applied {
            op: String::new(),
            tx: String::new(),
        }),
    }
}

/// The pending row a confirmed call takes over: same confirmation id, operation and region
/// (or a pending row recorded without a region).
fn find_pending(
    c: &mut SqliteConnection,
    cid: &str,
    row: &OperationRow,
) -> QueryResult<Option<(String, String)>> {
    let candidates: Vec<(String, String, Option<String>)> = operations::table
        .filter(operations::confirmation_id.eq(cid))
        .filter(operations::status.eq(Status::PendingConfirmation.as_str()))
        .filter(operations::service.eq(&row.service))
        .filter(operations::operation.eq(&row.operation))
        .select((operations::id, operations::tx_id, operations::region))
        .order(operations::started_at.asc())
        .load(c)?;
    let exact = candidates
        .iter()
        .find(|(_, _, r)| r.is_some() && *r == row.region)
        .or_else(|| candidates.iter().find(|(_, _, r)| r.is_none()));
    Ok(exact.map(|(id, tx, _)| (id.clone(), tx.clone())))
}

/// Sets a transaction's status from its operations'.
fn refresh_tx(c: &mut SqliteConnection, tx: &str) -> QueryResult<()> {
    let ops: Vec<(String, Option<String>)> = operations::table
        .filter(operations::tx_id.eq(tx))
        .select((operations::status, operations::finished_at))
        .load(c)?;
    let statuses: Vec<Status> = ops.iter().filter_map(|(s, _)| Status::parse(s)).collect();
    let status = summarize(&statuses);
    let finished = if status.is_final() {
        ops.iter().filter_map(|(_, f)| f.clone()).max()
    } else {
        None
    };
    TxUpdate {
        id: tx,
        status: status.as_str(),
        finished_at: finished.as_deref(),
    }
    .execute(c)?;
    Ok(())
}

/// A transaction's status: open while one of its operations is; `success` or `denied` when
/// all are; else `interrupted` if one was, else `failed`.
pub(crate) fn summarize(statuses: &[Status]) -> Status {
    if statuses.is_empty() {
        return Status::Interrupted;
    }
    if statuses.contains(&Status::Started) {
        Status::Started
    } else if statuses.contains(&Status::PendingConfirmation) {
        Status::PendingConfirmation
    } else if statuses.iter().all(|s| *s == Status::Success) {
        Status::Success
    } else if statuses.iter().all(|s| *s == Status::Denied) {
        Status::Denied
    } else if statuses.contains(&Status::Interrupted) {
        Status::Interrupted
    } else {
        Status::Failed
    }
}

fn interrupt(
    c: &mut SqliteConnection,
    id: &str,
    now: &str,
    code: &str,
    message: &str,
) -> QueryResult<usize> {
    diesel::update(
        operations::table
            .find(id)
            .filter(operations::status.eq_any([
                Status::Started.as_str(),
                Status::PendingConfirmation.as_str(),
            ])),
    )
    .set((
        operations::status.eq(Status::Interrupted.as_str()),
        operations::finished_at.eq(now),
        operations::error_code.eq(code),
        operations::error_message.eq(message),
    ))
    .execute(c)
}

/// The sweep, in one transaction: the number of rows closed.
pub(crate) fn sweep(
    c: &mut SqliteConnection,
    now: SystemTime,
    me: &str,
    host: &str,
) -> QueryResult<usize> {
    let now_text = rfc3339(now);
    let stale = rfc3339(now.checked_sub(HEARTBEAT_STALE).unwrap_or(now));
    let open: Vec<(String, String, String, String, Option<String>)> = operations::table
        .filter(operations::status.eq_any([
            Status::Started.as_str(),
            Status::PendingConfirmation.as_str(),
        ]))
        .select((
            operations::id,
            operations::tx_id,
            operations::status,
            operations::writer_id,
            operations::expires_at,
        ))
        .load(c)?;
    if open.is_empty() {
        return Ok(0);
    }
    let live: Vec<WriterRow> = writers::table.select(WriterRow::as_select()).load(c)?;
    let gone = |writer: &str| -> bool {
        if writer == me {
            return false;
        }
        match live.iter().find(|w| w.id == writer) {
            None => true,
            Some(w) => {
                w.heartbeat_at < stale || (w.host == host && pid_alive(w.pid) == Some(false))
            }
        }
    };
    let mut closed = 0;
    let mut txs = Vec::new();
    for (id, tx, status, writer, expires) in &open {
        let expired = expires.as_ref().is_some_and(|e| *e < now_text);
        let (code, message) = if gone(writer) {
            (
                "ServerGone",
                "the server handling the call stopped before it ended (crash or kill)",
            )
        } else if expired && status == Status::PendingConfirmation.as_str() {
            ("ConfirmationExpired", "the call was never confirmed")
        } else if expired {
            (
                "NoOutcome",
                "no outcome was recorded within the call's time limit",
            )
        } else {
            continue;
        };
        closed += interrupt(c, id, &now_text, code, message)?;
        txs.push(tx.clone());
    }
    txs.sort();
    txs.dedup();
    for tx in &txs {
        refresh_tx(c, tx)?;
    }
    // Writers gone for a day have nothing left to answer for.
    let day_ago = rfc3339(now.checked_sub(Duration::from_secs(86_400)).unwrap_or(now));
    diesel::delete(writers::table.filter(writers::heartbeat_at.lt(day_ago))).execute(c)?;
    Ok(closed)
}

/// Deletes closed rows that started before `cutoff` and their artifact files: (operations
/// removed, files removed).
pub(crate) fn retention(
    c: &mut SqliteConnection,
    cutoff: &str,
    artifact_dir: Option<&Path>,
) -> QueryResult<(usize, usize)> {
    let finals: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| s.is_final())
        .map(|s| s.as_str())
        .collect();
    let old: Vec<String> = operations::table
        .filter(operations::started_at.lt(cutoff))
        .filter(operations::status.eq_any(&finals))
        .select(operations::id)
        .load(c)?;
    let mut files = 0;
    for chunk in old.chunks(DELETE_CHUNK) {
        // Documents in a file of their own (written before segments); a segment goes whole
        // once its day is past the cutoff (`remove_old_documents`).
        let paths: Vec<String> = artifacts::table
            .filter(artifacts::op_id.eq_any(chunk))
            .filter(artifacts::byte_offset.is_null())
            .select(artifacts::path)
            .load(c)?;
        c.immediate_transaction(|c| {
            diesel::delete(artifacts::table.filter(artifacts::op_id.eq_any(chunk))).execute(c)?;
            diesel::delete(operations::table.filter(operations::id.eq_any(chunk))).execute(c)?;
            Ok::<_, diesel::result::Error>(())
        })?;
        // Files after the rows: a file without a row is harmless, a row without its file
        // would point nowhere. Only files inside the artifact directory are touched.
        for p in paths {
            if let Some(dir) = artifact_dir
                && let Ok(real) = std::fs::canonicalize(&p)
                && real.starts_with(dir)
                && std::fs::remove_file(&real).is_ok()
            {
                files += 1;
            }
        }
    }
    diesel::delete(
        transactions::table
            .filter(transactions::started_at.lt(cutoff))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                operations::table.filter(operations::tx_id.eq(transactions::id)),
            ))),
    )
    .execute(c)?;
    Ok((old.len(), files))
}

/// Removes the empty `YYYY-MM-DD` directories older than `cutoff_day`.
fn remove_empty_day_dirs(dir: &Path, cutoff_day: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.len() == 10 && name.as_ref() < cutoff_day && e.path().is_dir() {
            let _ = std::fs::remove_dir(e.path());
        }
    }
}

/// Removes the documents left in the `YYYY-MM-DD` directories older than `cutoff_day`; the
/// number of files removed. Segments (`<writer id>.jsonl`) go whole: a document is written
/// on the day its operation started or later, so every operation with a document there
/// started before the cutoff and its rows are gone (operations still open that long are
/// closed by the sweep first). A file of one document (`<op>-request.json`,
/// `<op>-response.json`, written before segments) goes if no artifacts row names it (a crash
/// between writing it and committing its row). Nothing else is touched.
fn remove_old_documents(c: &mut SqliteConnection, dir: &Path, cutoff_day: &str) -> usize {
    let Ok(days) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for day in days.flatten() {
        let name = day.file_name();
        let name = name.to_string_lossy();
        if name.len() != 10 || name.as_ref() >= cutoff_day || !day.path().is_dir() {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(day.path()) else {
            continue;
        };
        for e in entries.flatten() {
            let file = e.file_name();
            let file = file.to_string_lossy();
            if file
                .strip_suffix(".jsonl")
                .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                if std::fs::remove_file(e.path()).is_ok() {
                    removed += 1;
                }
                continue;
            }
            let Some((op, kind)) = file
                .strip_suffix("-request.json")
                .map(|op| (op, "request"))
                .or_else(|| {
                    file.strip_suffix("-response.json")
                        .map(|op| (op, "response"))
                })
            else {
                continue;
            };
            let known = artifacts::table
                .filter(artifacts::op_id.eq(op))
                .filter(artifacts::kind.eq(kind))
                .count()
                .get_result::<i64>(c);
            if known == Ok(0) && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
    }
    removed
}

/// A masked document to store as a file, once its row is committed.
struct Document {
    op: String,
    tx: String,
    kind: &'static str,
    /// A response: the catalog index of the operation whose output it is (masked on the file
    /// thread; requests were masked on the caller's side).
    output_of: Option<u32>,
    value: Value,
}

impl Document {
    fn request(applied: &Applied, value: Value) -> Document {
        Document {
            op: applied.op.clone(),
            tx: applied.tx.clone(),
            kind: "request",
            output_of: None,
            value,
        }
    }
}

enum FileJob {
    /// A document, and the artifact directory to write it in.
    Write(Arc<Path>, Document),
    /// Answered once every job before it is done (flush, stop).
    Barrier(mpsc::Sender<()>),
}

/// The file thread, `audit-files`: masks the responses and writes the documents, in the
/// order given, off the writer thread. Its results (the artifact rows, `None` for a document
/// that could not be written, already logged) wait in `written` for the writer, which takes
/// them without being woken. It ends when `jobs` is dropped.
struct Files {
    jobs: mpsc::Sender<FileJob>,
    written: Arc<Mutex<Vec<Option<ArtifactRow>>>>,
}

impl Files {
    /// `name`: the writer's id, which names its segment files.
    fn spawn(masker: Masker, max: usize, name: String) -> std::io::Result<Files> {
        let (jobs, rx) = mpsc::channel::<FileJob>();
        let written = Arc::new(Mutex::new(Vec::new()));
        let out = written.clone();
        std::thread::Builder::new()
            .name("audit-files".to_string())
            .spawn(move || {
                // The segment written to: one per day, kept open.
                let mut segment: Option<Segment> = None;
                while let Ok(job) = rx.recv() {
                    match job {
                        FileJob::Write(dir, doc) => {
                            let row = write_artifact(&dir, &name, doc, &masker, max, &mut segment);
                            out.lock().unwrap_or_else(PoisonError::into_inner).push(row);
                        }
                        FileJob::Barrier(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })?;
        Ok(Files { jobs, written })
    }
}

/// Writes one document; its artifact row, `None` (logged) when it cannot be written.
fn write_artifact(
    dir: &Path,
    name: &str,
    doc: Document,
    masker: &Masker,
    max: usize,
    segment: &mut Option<Segment>,
) -> Option<ArtifactRow> {
    let value = match doc.output_of {
        Some(op_index) => masker.mask_output(op_index, &doc.value),
        None => doc.value,
    };
    let now = SystemTime::now();
    match write_document(dir, name, &value, max, now, segment) {
        Ok(stored) => Some(ArtifactRow {
            id: uuid::Uuid::now_v7().simple().to_string(),
            op_id: doc.op,
            tx_id: doc.tx,
            kind: doc.kind.to_string(),
            path: stored.path.display().to_string(),
            bytes: stored.bytes as i64,
            sha256: stored.sha256,
            truncated: stored.truncated,
            created_at: rfc3339(now),
            byte_offset: Some(stored.offset as i64),
        }),
        Err(e) => {
            tracing::error!(
                target: "aws_exec_mcp::audit",
                op = %doc.op,
                "audit: the {} artifact of operation {} cannot be written: {e}",
                doc.kind,
                doc.op
            );
            None
        }
    }
}

/// Creates the artifact directory (owner only) and returns its canonical path.
fn prepare_dir(dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    std::fs::canonicalize(dir)
}

/// The segment file documents are appended to: `<dir>/<YYYY-MM-DD>/<writer id>.jsonl`, one
/// JSON document per line, opened once a day. Appending costs one `write`, where a file per
/// document cost an inode, a directory entry and an open/close each (two per call).
struct Segment {
    day: String,
    path: PathBuf,
    file: std::fs::File,
    /// The file's length: where the next document starts.
    len: u64,
}

impl Segment {
    /// The segment for `day`: the open one, else `<dir>/<day>/<name>.jsonl` (created owner
    /// only, or appended to if it exists). One removed by hand is created again.
    fn for_day<'s>(
        current: &'s mut Option<Segment>,
        dir: &Path,
        day: &str,
        name: &str,
    ) -> Result<&'s mut Segment, String> {
        let reusable = current
            .as_ref()
            .is_some_and(|s| s.day == day && s.is_linked());
        if !reusable {
            *current = None;
            let folder = dir.join(day);
            std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
            let path = folder.join(format!("{name}.jsonl"));
            let mut options = std::fs::OpenOptions::new();
            options.append(true).create(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let file = options
                .open(&path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let len = file
                .metadata()
                .map_err(|e| format!("{}: {e}", path.display()))?
                .len();
            *current = Some(Segment {
                day: day.to_string(),
                path,
                file,
                len,
            });
        }
        current
            .as_mut()
            .ok_or_else(|| "no segment file".to_string())
    }

    /// Whether the file still has a name (it was not removed under us).
    fn is_linked(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.file.metadata().is_ok_and(|m| m.nlink() > 0)
        }
        #[cfg(not(unix))]
        {
            self.path.exists()
        }
    }
}

/// Where a document went.
struct Stored {
    path: PathBuf,
    offset: u64,
    bytes: usize,
    sha256: String,
    truncated: bool,
}

/// Appends a masked document, as one line of compact JSON, to the day's segment. A document
/// over `max` bytes is replaced by a summary with its head.
fn write_document(
    dir: &Path,
    name: &str,
    value: &Value,
    max: usize,
    now: SystemTime,
    segment: &mut Option<Segment>,
) -> Result<Stored, String> {
    use std::io::Write;
    let full = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    let (mut line, truncated) = if full.len() > max {
        let mut cut = max.saturating_sub(512).min(full.len());
        while cut > 0 && (full[cut] & 0xC0) == 0x80 {
            cut -= 1;
        }
        let summary = json!({
            "truncated": true,
            "bytes": full.len(),
            "sha256": crate::invoke::hex(&crate::invoke::sha256(&full)),
            "head": String::from_utf8_lossy(&full[..cut]),
        });
        (
            serde_json::to_vec(&summary).map_err(|e| e.to_string())?,
            true,
        )
    } else {
        (full, false)
    };
    let bytes = line.len();
    let sha256 = crate::invoke::hex(&crate::invoke::sha256(&line));
    line.push(b'\n');
    let stamp = rfc3339(now);
    let seg = Segment::for_day(segment, dir, &stamp[..10], name)?;
    let offset = seg.len;
    if let Err(e) = seg.file.write_all(&line) {
        // Cut what went in, so that the next document starts where its row will say.
        let path = seg.path.clone();
        if seg.file.set_len(offset).is_err() {
            *segment = None;
        }
        return Err(format!("{}: {e}", path.display()));
    }
    seg.len += line.len() as u64;
    Ok(Stored {
        path: seg.path.clone(),
        offset,
        bytes,
        sha256,
        truncated,
    })
}

/// Whether process `pid` runs on this host: `None` where it cannot be told (no `/proc`).
fn pid_alive(pid: i64) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    Some(Path::new("/proc").join(pid.to_string()).exists())
}

fn hostname() -> String {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
pub(crate) mod testing {
    //! Direct access for the tests: the sweep and retention at a chosen time.
    use super::*;

    pub(crate) fn open(path: &Path) -> SqliteConnection {
        open_connection(path, true).unwrap()
    }

    pub(crate) fn insert_writer(
        c: &mut SqliteConnection,
        id: &str,
        pid: i64,
        heartbeat: SystemTime,
    ) {
        diesel::insert_into(writers::table)
            .values(&WriterRow {
                id: id.to_string(),
                pid,
                host: hostname(),
                started_at: rfc3339(heartbeat),
                heartbeat_at: rfc3339(heartbeat),
            })
            .execute(c)
            .unwrap();
    }

    pub(crate) fn insert_row(c: &mut SqliteConnection, row: &OperationRow) {
        diesel::insert_into(transactions::table)
            .values(&NewTransaction {
                id: row.tx_id.clone(),
                principal: row.principal.clone(),
                service: row.service.clone(),
                operation: row.operation.clone(),
                status: row.status.clone(),
                started_at: row.started_at.clone(),
                finished_at: row.finished_at.clone(),
                writer_id: row.writer_id.clone(),
            })
            .on_conflict_do_nothing()
            .execute(c)
            .unwrap();
        diesel::insert_into(operations::table)
            .values(row)
            .execute(c)
            .unwrap();
    }

    pub(crate) fn insert_artifact(c: &mut SqliteConnection, row: &ArtifactRow) {
        diesel::insert_into(artifacts::table)
            .values(row)
            .execute(c)
            .unwrap();
    }

    pub(crate) fn operation(c: &mut SqliteConnection, id: &str) -> OperationRow {
        operations::table
            .find(id)
            .select(OperationRow::as_select())
            .first(c)
            .unwrap()
    }

    pub(crate) fn tx_status(c: &mut SqliteConnection, id: &str) -> String {
        transactions::table
            .find(id)
            .select(transactions::status)
            .first(c)
            .unwrap()
    }

    pub(crate) fn artifacts_of(c: &mut SqliteConnection, op: &str) -> Vec<ArtifactRow> {
        artifacts::table
            .filter(artifacts::op_id.eq(op))
            .select(ArtifactRow::as_select())
            .load(c)
            .unwrap()
    }

    pub(crate) fn count_operations(c: &mut SqliteConnection) -> i64 {
        operations::table.count().get_result(c).unwrap()
    }

    pub(crate) use super::{
        WAL_CAP_FRAMES, checkpoint_and_restart, journal_mode, open_retrying_while_locked, retention,
    };
    pub(crate) use crate::audit::schema::OperationRow as Row;
}

//! The audit log against real SQLite files, one temporary directory per test.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use diesel::connection::SimpleConnection;
use serde_json::{Value, json};

use super::writer::testing;
use super::*;

/// A temporary directory, removed when dropped.
struct Temp(PathBuf);

impl Temp {
    fn new(name: &str) -> Temp {
        let dir = std::env::temp_dir().join(format!(
            "aws-exec-mcp-audit-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Temp(dir)
    }

    fn config(&self) -> AuditConfig {
        AuditConfig {
            sqlite_path: self.0.join("db").join("audit.sqlite"),
            artifact_dir: self.0.join("artifacts").join("audit"),
            ..AuditConfig::default()
        }
    }

    fn db(&self) -> PathBuf {
        self.0.join("db").join("audit.sqlite")
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn op(service: &str, operation: &str) -> u32 {
    crate::catalog::resolve_operation(service, operation)
        .unwrap()
        .1
}

fn call(tx: &TxId, service: &str, operation: &str) -> CallRecord {
    let mut c = CallRecord::new(tx.clone(), "local", op(service, operation));
    c.region = Some("us-east-1".to_string());
    c
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn begin_finish_and_deny_round_trip_in_wal_mode() {
    let t = Temp::new("roundtrip");
    let log = AuditLog::open(&t.config()).unwrap();
    let tx = TxId::new();
    let mut c = call(&tx, "s3", "ListBuckets");
    c.profile = Some("dev".to_string());
    let h = log.begin(c, &json!({})).await.unwrap();
    let id = h.id().clone();
    assert_eq!(h.tx(), &tx);
    h.finish(
        Outcome::success()
            .with_request_id(Some("REQ123".to_string()))
            .with_attempts(2)
            .with_http_status(200)
            .with_caller(
                Some("123456789012".to_string()),
                Some("arn:aws:iam::123456789012:user/bob".to_string()),
            )
            .with_response(json!({"Buckets": [{"Name": "b1"}]})),
    );
    let mut denied = call(&TxId::new(), "ec2", "TerminateInstances");
    denied.decision = Decision::new(
        Verdict::Denied,
        json!(["deny_when: InstanceIds matches prod-*"]),
    );
    let denied_id = log.deny(denied, &json!({"InstanceIds": ["i-1"]}));
    log.flush().await;

    let mut c = testing::open(&t.db());
    assert_eq!(testing::journal_mode(&mut c, None).unwrap(), "wal");
    let row = testing::operation(&mut c, id.as_str());
    assert_eq!(row.status, "success");
    assert_eq!(row.service, "s3");
    assert_eq!(row.operation, "ListBuckets");
    assert_eq!(row.region.as_deref(), Some("us-east-1"));
    assert_eq!(row.profile.as_deref(), Some("dev"));
    assert_eq!(row.account.as_deref(), Some("123456789012"));
    assert_eq!(row.request_id.as_deref(), Some("REQ123"));
    assert_eq!(row.attempts, Some(2));
    assert_eq!(row.http_status, Some(200));
    assert_eq!(row.decision, "allowed");
    assert!(row.finished_at.is_some() && row.duration_ms.is_some());
    assert!(row.started_at.ends_with('Z') && row.started_at.len() == 27);
    assert_eq!(testing::tx_status(&mut c, tx.as_str()), "success");
    let arts = testing::artifacts_of(&mut c, id.as_str());
    let mut kinds: Vec<&str> = arts.iter().map(|a| a.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(kinds, ["request", "response"]);
    for a in &arts {
        let bytes = read_document(a).unwrap();
        assert_eq!(bytes.len() as i64, a.bytes);
        assert_eq!(crate::invoke::hex(&crate::invoke::sha256(&bytes)), a.sha256);
        assert!(Path::new(&a.path).starts_with(std::fs::canonicalize(&t.0).unwrap()));
        assert!(
            a.path.ends_with(".jsonl") && a.byte_offset.is_some(),
            "{a:?}"
        );
    }
    let request = arts.iter().find(|a| a.kind == "request").unwrap();
    let response = arts.iter().find(|a| a.kind == "response").unwrap();
    assert_eq!(
        request.path, response.path,
        "one segment per writer and day"
    );
    let doc: Value = serde_json::from_slice(&read_document(response).unwrap()).unwrap();
    assert_eq!(doc, json!({"Buckets": [{"Name": "b1"}]}));
    let row = testing::operation(&mut c, denied_id.as_str());
    assert_eq!(row.status, "denied");
    assert_eq!(row.decision, "denied");
    assert!(row.decision_reasons.unwrap().contains("prod-*"));
    assert_eq!(testing::tx_status(&mut c, &row.tx_id), "denied");
    log.shutdown(Duration::from_secs(5));
}

#[tokio::test]
async fn failures_record_the_code_and_a_masked_message() {
    let t = Temp::new("failure");
    let log = AuditLog::open(&t.config()).unwrap();
    let tx = TxId::new();
    let h = log
        .begin(
            call(&tx, "secretsmanager", "CreateSecret"),
            &json!({"Name": "n", "SecretString": "Pa55-w0rd-in-error"}),
        )
        .await
        .unwrap();
    let id = h.id().clone();
    h.finish(
        Outcome::failure(
            "ValidationException",
            "Value 'Pa55-w0rd-in-error' at 'secretString' failed to satisfy constraint",
        )
        .with_http_status(400),
    );
    log.flush().await;
    let mut c = testing::open(&t.db());
    let row = testing::operation(&mut c, id.as_str());
    assert_eq!(row.status, "failed");
    assert_eq!(row.error_code.as_deref(), Some("ValidationException"));
    let m = row.error_message.unwrap();
    assert!(!m.contains("Pa55") && m.contains(MASK), "{m}");
    assert_eq!(testing::tx_status(&mut c, tx.as_str()), "failed");
}

#[tokio::test]
async fn a_fan_out_transaction_sums_up_its_regions() {
    let t = Temp::new("fanout");
    let log = AuditLog::open(&t.config()).unwrap();
    let tx = TxId::new();
    let mut east = call(&tx, "sqs", "ListQueues");
    east.region = Some("us-east-1".to_string());
    let mut west = call(&tx, "sqs", "ListQueues");
    west.region = Some("eu-west-1".to_string());
    // The first region ends before the second begins (concurrency 1).
    let a = log.begin(east, &json!({})).await.unwrap();
    a.finish(Outcome::success());
    log.flush().await;
    assert_eq!(
        testing::tx_status(&mut testing::open(&t.db()), tx.as_str()),
        "success"
    );
    let b = log.begin(west, &json!({})).await.unwrap();
    assert_eq!(
        testing::tx_status(&mut testing::open(&t.db()), tx.as_str()),
        "started"
    );
    b.finish(Outcome::failure("AccessDenied", "no"));
    log.flush().await;
    assert_eq!(
        testing::tx_status(&mut testing::open(&t.db()), tx.as_str()),
        "failed"
    );
    let rows = query::list(&t.db(), &query::Filter::default()).unwrap();
    assert_eq!(rows.len(), 2);
    let table = query::to_table(&rows);
    assert!(table.starts_with("STARTED (UTC)"), "{table}");
    assert!(
        table.contains("sqs:ListQueues") && table.contains("AccessDenied: no"),
        "{table}"
    );
    let json = query::to_json(&rows);
    assert_eq!(json[0]["region"], "eu-west-1");
    assert_eq!(json[0]["artifacts"][0]["kind"], "request");
}

#[tokio::test]
async fn a_dropped_handle_is_interrupted() {
    let t = Temp::new("drop");
    let log = AuditLog::open(&t.config()).unwrap();
    let h = log
        .begin(call(&TxId::new(), "sqs", "ListQueues"), &json!({}))
        .await
        .unwrap();
    let id = h.id().clone();
    drop(h);
    log.flush().await;
    let mut c = testing::open(&t.db());
    let row = testing::operation(&mut c, id.as_str());
    assert_eq!(row.status, "interrupted");
    assert_eq!(row.error_code.as_deref(), Some("Interrupted"));
}

#[tokio::test]
async fn a_confirmed_call_takes_over_its_pending_row() {
    let t = Temp::new("pending");
    let log = AuditLog::open(&t.config()).unwrap();
    let tx = TxId::new();
    let mut c = call(&tx, "ec2", "TerminateInstances");
    c.decision = Decision::new(Verdict::ConfirmationRequired, json!("destructive"));
    c.confirmation_id = Some("conf-1".to_string());
    let pending = log.pending(
        c.clone(),
        &json!({"InstanceIds": ["i-1"]}),
        SystemTime::now() + Duration::from_secs(300),
    );
    log.flush().await;
    {
        let mut db = testing::open(&t.db());
        assert_eq!(
            testing::operation(&mut db, pending.as_str()).status,
            "pending_confirmation"
        );
        assert_eq!(
            testing::tx_status(&mut db, tx.as_str()),
            "pending_confirmation"
        );
    }
    // The confirmed call, in a new tool call.
    let mut confirmed = call(&TxId::new(), "ec2", "TerminateInstances");
    confirmed.decision = Decision::new(Verdict::Confirmed, Value::Null);
    confirmed.confirmation_id = Some("conf-1".to_string());
    let h = log
        .begin(confirmed, &json!({"InstanceIds": ["i-1"]}))
        .await
        .unwrap();
    assert_eq!(h.id(), &pending);
    assert_eq!(h.tx(), &tx);
    h.finish(Outcome::success());
    log.flush().await;
    let mut db = testing::open(&t.db());
    let row = testing::operation(&mut db, pending.as_str());
    assert_eq!(row.status, "success");
    assert_eq!(row.decision, "confirmed");
    assert_eq!(testing::tx_status(&mut db, tx.as_str()), "success");
    assert_eq!(testing::count_operations(&mut db), 1);
}

fn open_row(tx: &str, id: &str, writer: &str, status: Status, expires: SystemTime) -> testing::Row {
    testing::Row {
        id: id.to_string(),
        tx_id: tx.to_string(),
        principal: "local".to_string(),
        action: "invoke".to_string(),
        service: "s3".to_string(),
        operation: "DeleteBucket".to_string(),
        region: Some("us-east-1".to_string()),
        profile: None,
        role_arn: None,
        account: None,
        caller_arn: None,
        decision: "allowed".to_string(),
        decision_reasons: None,
        confirmation_id: None,
        status: status.as_str().to_string(),
        started_at: rfc3339(SystemTime::now()),
        finished_at: None,
        expires_at: Some(rfc3339(expires)),
        duration_ms: None,
        request_id: None,
        http_status: None,
        error_code: None,
        error_message: None,
        attempts: None,
        writer_id: writer.to_string(),
    }
}

#[tokio::test]
async fn rows_left_open_by_a_dead_server_are_interrupted_on_reopen() {
    let t = Temp::new("crash");
    let later = SystemTime::now() + Duration::from_secs(600);
    {
        let mut c = testing::open(&t.db());
        // A server killed mid-call: its process is gone (a pid that cannot exist).
        testing::insert_writer(&mut c, "killed", 4_000_000_000, SystemTime::now());
        c.batch_execute("SELECT 1").unwrap();
        testing::insert_row(
            &mut c,
            &open_row("tx-killed", "op-killed", "killed", Status::Started, later),
        );
        testing::insert_row(
            &mut c,
            &open_row(
                "tx-killed",
                "op-killed-2",
                "killed",
                Status::PendingConfirmation,
                later,
            ),
        );
        // A server that stopped beating long ago (another host, say).
        testing::insert_writer(
            &mut c,
            "silent",
            1,
            SystemTime::now() - Duration::from_secs(3600),
        );
        testing::insert_row(
            &mut c,
            &open_row("tx-silent", "op-silent", "silent", Status::Started, later),
        );
        // A live server (this process, fresh heartbeat): its call goes on.
        testing::insert_writer(
            &mut c,
            "alive",
            i64::from(std::process::id()),
            SystemTime::now(),
        );
        testing::insert_row(
            &mut c,
            &open_row("tx-alive", "op-alive", "alive", Status::Started, later),
        );
        // A live server's call past its deadline.
        testing::insert_row(
            &mut c,
            &open_row(
                "tx-late",
                "op-late",
                "alive",
                Status::Started,
                SystemTime::now() - Duration::from_secs(1),
            ),
        );
    }
    let log = AuditLog::open(&t.config()).unwrap();
    let mut c = testing::open(&t.db());
    for id in ["op-killed", "op-killed-2", "op-silent"] {
        let row = testing::operation(&mut c, id);
        assert_eq!(row.status, "interrupted", "{id}");
        assert_eq!(row.error_code.as_deref(), Some("ServerGone"), "{id}");
        assert!(row.finished_at.is_some());
    }
    assert_eq!(testing::tx_status(&mut c, "tx-killed"), "interrupted");
    assert_eq!(testing::operation(&mut c, "op-alive").status, "started");
    assert_eq!(testing::tx_status(&mut c, "tx-alive"), "started");
    let late = testing::operation(&mut c, "op-late");
    assert_eq!(late.status, "interrupted");
    assert_eq!(late.error_code.as_deref(), Some("NoOutcome"));
    drop(log);
}

#[tokio::test]
async fn a_clean_shutdown_closes_the_calls_in_flight() {
    let t = Temp::new("shutdown");
    let log = AuditLog::open(&t.config()).unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    let id = h.id().clone();
    std::mem::forget(h);
    log.shutdown(Duration::from_secs(5));
    let mut c = testing::open(&t.db());
    let row = testing::operation(&mut c, id.as_str());
    assert_eq!(row.status, "interrupted");
    assert_eq!(row.error_code.as_deref(), Some("ServerStopped"));
}

/// The documents are written off the writer thread and their rows ride with a later
/// transaction: without a flush they still reach the database (after the linger), and a stop
/// writes and records whatever was given to the file thread.
#[tokio::test]
async fn artifacts_are_recorded_without_a_flush_and_before_a_stop() {
    let t = Temp::new("linger");
    let log = AuditLog::open(&t.config()).unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({"x": 1}))
        .await
        .unwrap();
    let first = h.id().clone();
    h.finish(Outcome::success().with_response(json!({"Buckets": []})));
    let mut c = testing::open(&t.db());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while testing::artifacts_of(&mut c, first.as_str()).len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the artifact rows never came"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(testing::operation(&mut c, first.as_str()).status, "success");

    // Queued work at a stop: rows, outcomes, files and their rows all land.
    let mut ids = Vec::new();
    for _ in 0..20 {
        let h = log
            .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({"x": 2}))
            .await
            .unwrap();
        ids.push(h.id().clone());
        h.finish(Outcome::success().with_response(json!({"Buckets": [{"Name": "b"}]})));
    }
    log.shutdown(Duration::from_secs(10));
    for id in &ids {
        assert_eq!(testing::operation(&mut c, id.as_str()).status, "success");
        let arts = testing::artifacts_of(&mut c, id.as_str());
        assert_eq!(arts.len(), 2, "{id}");
        for a in &arts {
            assert!(Path::new(&a.path).exists(), "{}", a.path);
        }
    }
}

/// A message that fails does not sink the others of its batch (the batch's transaction is
/// retried one message at a time).
#[tokio::test]
async fn a_bad_message_does_not_sink_its_batch() {
    let t = Temp::new("batch");
    let log = AuditLog::open(&t.config()).unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    let live = h.id().clone();
    let live_tx = h.tx().clone();
    std::mem::forget(h);
    let writer = log.handle().unwrap().clone();
    // Hold the write lock so that the writer is stuck on the first message below while the
    // others queue up behind it: they form one batch.
    let mut other = testing::open(&t.db());
    other.batch_execute("BEGIN IMMEDIATE").unwrap();
    let row = |id: &str| {
        open_row(
            &format!("tx-{id}"),
            id,
            "",
            Status::Denied,
            SystemTime::now(),
        )
    };
    writer.insert(row("first"), json!({})).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    writer.insert(row("a"), json!({})).unwrap();
    writer.insert(row("a"), json!({})).unwrap(); // a duplicate: fails
    writer.insert(row("b"), json!({})).unwrap();
    writer.end(
        OperationId("no-such-operation".to_string()),
        TxId("no-such-transaction".to_string()),
        writer::End::interrupted("X", "unknown operation"),
        None,
    );
    writer.end(
        live.clone(),
        live_tx,
        writer::End::interrupted("Y", "closed in the same batch"),
        None,
    );
    other.batch_execute("ROLLBACK").unwrap();
    log.flush().await;
    let mut c = testing::open(&t.db());
    assert_eq!(testing::operation(&mut c, "first").status, "denied");
    assert_eq!(testing::operation(&mut c, "a").status, "denied");
    assert_eq!(testing::operation(&mut c, "b").status, "denied");
    let closed = testing::operation(&mut c, live.as_str());
    assert_eq!(closed.status, "interrupted");
    assert_eq!(closed.error_code.as_deref(), Some("Y"));
    assert_eq!(testing::count_operations(&mut c), 4);
}

/// Under a steady stream of calls the writer commits during every checkpoint, which kept
/// SQLite from ever starting the WAL over (it grew by ~10 MB a second). Once the WAL is over
/// its cap, the checkpointer catches up holding the writer back (the gate the writer takes
/// around each transaction), and the writer's next commit starts the WAL over: its checkpoint
/// sequence number (bytes 12..16 of the header) moves.
#[test]
fn a_checkpoint_catches_up_with_a_busy_writer() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let t = Temp::new("catch-up");
    drop(AuditLog::open(&t.config()).unwrap());
    let db = t.db();
    let wal = db.with_extension("sqlite-wal");
    let sequence = || {
        use std::io::Read;
        let mut header = [0u8; 16];
        std::fs::File::open(&wal)
            .and_then(|mut f| f.read_exact(&mut header))
            .ok()
            .map(|()| u32::from_be_bytes([header[12], header[13], header[14], header[15]]))
    };
    let gate = Arc::new(Mutex::new(()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = std::thread::spawn({
        let (gate, stop, db) = (gate.clone(), stop.clone(), db.clone());
        move || {
            let mut c = testing::open(&db);
            c.batch_execute("PRAGMA wal_autocheckpoint = 0;").unwrap();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let _gate = gate.lock().unwrap();
                let id = format!("op-{n}");
                let row = open_row(
                    &format!("tx-{n}"),
                    &id,
                    "w",
                    Status::Success,
                    SystemTime::now(),
                );
                testing::insert_row(&mut c, &row);
                n += 1;
            }
        }
    });
    let big = u64::try_from(testing::WAL_CAP_FRAMES).unwrap() * 4200;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) < big {
        assert!(std::time::Instant::now() < deadline, "the WAL never grew");
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = sequence();
    let mut checkpointer = testing::open(&db);
    testing::checkpoint_and_restart(&mut checkpointer, &gate).unwrap();
    let restarted = (0..500).any(|_| {
        std::thread::sleep(Duration::from_millis(10));
        sequence() != before
    });
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    assert!(restarted, "the WAL did not start over");
}

#[tokio::test]
async fn an_unwritable_store_fails_closed_and_open_mode_goes_on() {
    let t = Temp::new("unwritable");
    // The database's directory would have to be inside a regular file.
    std::fs::write(t.0.join("file"), b"x").unwrap();
    let mut config = t.config();
    config.sqlite_path = t.0.join("file").join("audit.sqlite");
    let e = AuditLog::open(&config).unwrap_err();
    assert!(matches!(e, AuditError::Open { .. }), "{e:?}");
    assert!(e.to_string().contains("audit.sqlite"), "{e}");

    // Closed (default): begin refuses.
    let log = AuditLog::new(&config);
    let e = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap_err();
    assert!(matches!(e, AuditError::Open { .. }), "{e:?}");
    assert!(e.hint().contains("AUDIT_FAIL_MODE"));

    // Open: the call goes on unrecorded; its outcome is logged.
    config.fail_mode = FailMode::Open;
    let log = AuditLog::new(&config);
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    h.finish(Outcome::success());
}

#[tokio::test]
async fn a_full_queue_or_a_stuck_store_fails_closed() {
    let t = Temp::new("full");
    let mut config = t.config();
    config.queue_capacity = 1;
    config.write_timeout = Duration::from_millis(300);
    let log = AuditLog::open(&config).unwrap();
    // Another connection holds the write lock: the writer waits (busy timeout).
    let mut other = testing::open(&t.db());
    other.batch_execute("BEGIN IMMEDIATE").unwrap();
    let empty = json!({});
    let first = log.begin(call(&TxId::new(), "s3", "ListBuckets"), &empty);
    let second = async {
        // Let the first take the only place in the queue.
        tokio::time::sleep(Duration::from_millis(50)).await;
        log.begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
            .await
    };
    let (first, second) = tokio::join!(first, second);
    assert!(
        matches!(second, Err(AuditError::QueueFull { capacity: 1 })),
        "{second:?}"
    );
    assert!(
        matches!(first, Err(AuditError::Timeout { ms: 300 })),
        "{first:?}"
    );
    other.batch_execute("ROLLBACK").unwrap();
    log.flush().await;
    // The timed-out row was written late, then closed: the call was refused.
    let mut c = testing::open(&t.db());
    let n = testing::count_operations(&mut c);
    assert!(n <= 1);
    drop(c);

    // In open mode the same situation lets the call go on.
    let mut config = t.config();
    config.queue_capacity = 1;
    config.write_timeout = Duration::from_millis(200);
    config.fail_mode = FailMode::Open;
    let log = AuditLog::open(&config).unwrap();
    let mut other = testing::open(&t.db());
    other.batch_execute("BEGIN IMMEDIATE").unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await;
    assert!(h.is_ok());
    other.batch_execute("ROLLBACK").unwrap();
}

#[tokio::test]
async fn retention_removes_old_rows_and_their_files() {
    let t = Temp::new("retention");
    let config = t.config();
    let dir = config.artifact_dir.join("2020-01-01");
    std::fs::create_dir_all(&dir).unwrap();
    let old_file = dir.join("op-old-request.json");
    std::fs::write(&old_file, b"{}").unwrap();
    let outside = t.0.join("outside.json");
    std::fs::write(&outside, b"{}").unwrap();
    // A document whose row was never committed (a crash in between), and a file that is not
    // a document, in another old day.
    let other_day = config.artifact_dir.join("2020-01-02");
    std::fs::create_dir_all(&other_day).unwrap();
    let orphan = other_day.join("0123456789abcdef0123456789abcdef-response.json");
    std::fs::write(&orphan, b"{}").unwrap();
    let notes = other_day.join("notes.txt");
    std::fs::write(&notes, b"kept").unwrap();
    // A segment of an old day goes whole; today's stays.
    let old_segment = other_day.join(format!("{}.jsonl", "ab".repeat(16)));
    std::fs::write(&old_segment, b"{}\n").unwrap();
    let today = config.artifact_dir.join(&rfc3339(SystemTime::now())[..10]);
    std::fs::create_dir_all(&today).unwrap();
    let new_segment = today.join(format!("{}.jsonl", "cd".repeat(16)));
    std::fs::write(&new_segment, b"{}\n").unwrap();
    {
        let mut c = testing::open(&t.db());
        let old = SystemTime::now() - Duration::from_secs(200 * 86_400);
        let mut row = open_row("tx-old", "op-old", "w", Status::Success, old);
        row.started_at = rfc3339(old);
        row.finished_at = Some(rfc3339(old));
        testing::insert_row(&mut c, &row);
        let mut art = |id: &str, path: &Path| {
            testing::insert_artifact(
                &mut c,
                &schema::ArtifactRow {
                    id: id.to_string(),
                    op_id: "op-old".to_string(),
                    tx_id: "tx-old".to_string(),
                    kind: "request".to_string(),
                    path: path.display().to_string(),
                    bytes: 2,
                    sha256: String::new(),
                    truncated: false,
                    created_at: rfc3339(old),
                    byte_offset: None,
                },
            )
        };
        art("a1", &old_file);
        // A row naming a file outside the artifact directory: the row goes, the file stays.
        art("a2", &outside);
        let mut recent = open_row("tx-new", "op-new", "w", Status::Success, SystemTime::now());
        recent.finished_at = Some(rfc3339(SystemTime::now()));
        testing::insert_row(&mut c, &recent);
        // An old row still open (a live server's long call) is kept.
        testing::insert_writer(
            &mut c,
            "alive",
            i64::from(std::process::id()),
            SystemTime::now(),
        );
        let mut open = open_row(
            "tx-open",
            "op-open",
            "alive",
            Status::Started,
            SystemTime::now() + Duration::from_secs(600),
        );
        open.started_at = rfc3339(old);
        testing::insert_row(&mut c, &open);
    }
    let log = AuditLog::open(&config).unwrap();
    let mut c = testing::open(&t.db());
    assert_eq!(testing::count_operations(&mut c), 2);
    assert_eq!(testing::operation(&mut c, "op-new").status, "success");
    assert_eq!(testing::operation(&mut c, "op-open").status, "started");
    assert!(!old_file.exists());
    assert!(!dir.exists(), "the empty day directory is removed");
    assert!(outside.exists());
    assert!(!orphan.exists(), "a document without a row is removed");
    assert!(notes.exists(), "other files are left alone");
    assert!(!old_segment.exists(), "an old day's segment is removed");
    assert!(new_segment.exists(), "today's segment is kept");
    let cutoff = rfc3339(SystemTime::now() - Duration::from_secs(90 * 86_400));
    let (removed, _) = testing::retention(&mut c, &cutoff, None).unwrap();
    assert_eq!(removed, 0);
    drop(log);

    // 0 keeps everything.
    let t = Temp::new("retention-forever");
    {
        let mut c = testing::open(&t.db());
        let old = SystemTime::now() - Duration::from_secs(2000 * 86_400);
        let mut row = open_row("tx-old", "op-old", "w", Status::Failed, old);
        row.started_at = rfc3339(old);
        testing::insert_row(&mut c, &row);
    }
    let mut config = t.config();
    config.retention_days = 0;
    let _log = AuditLog::open(&config).unwrap();
    let mut c = testing::open(&t.db());
    assert_eq!(testing::count_operations(&mut c), 1);
}

/// Every document of a writer goes to one segment per day, each found again by its offset;
/// a segment removed by hand is created again for the next documents.
#[tokio::test]
async fn documents_are_appended_to_a_segment_and_read_back() {
    let t = Temp::new("segments");
    let log = AuditLog::open(&t.config()).unwrap();
    let mut ids = Vec::new();
    for i in 0..20 {
        let h = log
            .begin(
                call(&TxId::new(), "s3", "ListObjectsV2"),
                &json!({"Bucket": format!("b-{i}")}),
            )
            .await
            .unwrap();
        ids.push(h.id().clone());
        h.finish(Outcome::success().with_response(json!({"KeyCount": i})));
    }
    log.flush().await;
    let mut c = testing::open(&t.db());
    let mut segments = std::collections::BTreeSet::new();
    for (i, id) in ids.iter().enumerate() {
        let arts = testing::artifacts_of(&mut c, id.as_str());
        assert_eq!(arts.len(), 2, "{id}");
        for a in &arts {
            segments.insert(a.path.clone());
            let doc: Value = serde_json::from_slice(&read_document(a).unwrap()).unwrap();
            match a.kind.as_str() {
                "request" => assert_eq!(doc, json!({"Bucket": format!("b-{i}")})),
                _ => assert_eq!(doc, json!({"KeyCount": i})),
            }
        }
    }
    assert_eq!(segments.len(), 1, "{segments:?}");
    let segment = PathBuf::from(segments.pop_first().unwrap());
    // One JSON document per line.
    let text = std::fs::read_to_string(&segment).unwrap();
    assert_eq!(text.lines().count(), 40);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );

    std::fs::remove_file(&segment).unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    let id = h.id().clone();
    h.finish(Outcome::success().with_response(json!({"Buckets": []})));
    log.flush().await;
    let arts = testing::artifacts_of(&mut c, id.as_str());
    assert_eq!(arts.len(), 2);
    for a in &arts {
        assert!(Path::new(&a.path).exists());
        assert!(read_document(a).is_ok());
    }
    log.shutdown(Duration::from_secs(5));
}

#[tokio::test]
async fn large_documents_are_cut_to_the_limit() {
    let t = Temp::new("large");
    let mut config = t.config();
    config.artifact_max_bytes = 4096;
    let log = AuditLog::open(&config).unwrap();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    let id = h.id().clone();
    let buckets: Vec<Value> = (0..1000)
        .map(|i| json!({"Name": format!("bucket-{i}")}))
        .collect();
    h.finish(Outcome::success().with_response(json!({"Buckets": buckets})));
    log.flush().await;
    let mut c = testing::open(&t.db());
    let arts = testing::artifacts_of(&mut c, id.as_str());
    let response = arts.iter().find(|a| a.kind == "response").unwrap();
    assert!(response.truncated);
    let text = String::from_utf8(read_document(response).unwrap()).unwrap();
    assert!(text.len() <= 4096 + 512, "{}", text.len());
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["truncated"], true);
    assert!(v["bytes"].as_u64().unwrap() > 4096);
}

/// The masking proof at the unit level: the secret values of the four AWS cases go
/// through begin, finish, errors and logs; none is anywhere in the database files (db, WAL)
/// or the artifact files.
#[tokio::test]
async fn secrets_never_reach_the_database_or_the_artifacts() {
    let t = Temp::new("secrets");
    let mut config = t.config();
    config.mask_keys = vec!["*_pin".to_string()];
    let log = AuditLog::open(&config).unwrap();
    let secrets = [
        "SM-create-secret-string-1",
        "SM-get-secret-string-2",
        "U00tYmluYXJ5LXNlY3JldA==",
        "IAM/secret+access+key/EXAMPLE3",
        "AKIAIAMCREATEDKEY004",
        "STS/assumed+secret+key/EXAMPLE5",
        "FwoGZXIvYXdzSTSSESSIONTOKEN6",
        "ASIASTSASSUMEDKEY007",
        "custom-pin-8888",
    ];
    let tx = TxId::new();
    // secretsmanager CreateSecret / GetSecretValue.
    let h = log
        .begin(
            call(&tx, "secretsmanager", "CreateSecret"),
            &json!({"Name": "app/db", "SecretString": secrets[0], "card_pin": secrets[8]}),
        )
        .await
        .unwrap();
    h.finish(Outcome::failure(
        "InvalidRequestException",
        format!("secret {} rejected, card_pin={}", secrets[0], secrets[8]),
    ));
    let h = log
        .begin(
            call(&tx, "secretsmanager", "GetSecretValue"),
            &json!({"SecretId": "app/db"}),
        )
        .await
        .unwrap();
    h.finish(Outcome::success().with_response(json!({
        "ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf",
        "Name": "app/db",
        "SecretString": secrets[1],
        "SecretBinary": secrets[2],
    })));
    // iam CreateAccessKey.
    let h = log
        .begin(
            call(&tx, "iam", "CreateAccessKey"),
            &json!({"UserName": "bob"}),
        )
        .await
        .unwrap();
    h.finish(Outcome::success().with_response(json!({"AccessKey": {
        "UserName": "bob", "AccessKeyId": secrets[4], "Status": "Active",
        "SecretAccessKey": secrets[3], "CreateDate": "2025-01-01T00:00:00Z"}})));
    // sts AssumeRole.
    let mut assume = call(&tx, "sts", "AssumeRole");
    assume.role_arn = Some("arn:aws:iam::123456789012:role/deploy".to_string());
    let h = log
        .begin(
            assume,
            &json!({"RoleArn": "arn:aws:iam::123456789012:role/deploy", "RoleSessionName": "s"}),
        )
        .await
        .unwrap();
    h.finish(Outcome::success().with_response(json!({"Credentials": {
        "AccessKeyId": secrets[7], "SecretAccessKey": secrets[5],
        "SessionToken": secrets[6], "Expiration": "2025-01-01T01:00:00Z"}})));
    // A denial whose reasons quote a secret-named member.
    let mut denied = call(&TxId::new(), "secretsmanager", "PutSecretValue");
    denied.decision = Decision::new(
        Verdict::Denied,
        json!({"rule": "deny_when", "matched": format!("SecretString={}", secrets[0])}),
    );
    log.deny(
        denied,
        &json!({"SecretId": "x", "SecretString": secrets[0]}),
    );
    log.flush().await;
    let check = |when: &str| {
        let mut all = files(&t.0.join("db"));
        all.extend(files(&t.0.join("artifacts")));
        // The database (and its WAL while running) and the segment of documents.
        assert!(all.len() >= 2, "{when}: {all:?}");
        assert!(
            all.iter()
                .any(|f| f.extension().is_some_and(|e| e == "jsonl")),
            "{when}: {all:?}"
        );
        for f in &all {
            let bytes = std::fs::read(f).unwrap();
            for s in secrets {
                assert!(!contains(&bytes, s), "{when}: {s} found in {}", f.display());
            }
        }
        all.len()
    };
    // With the WAL, then with everything folded into the database file.
    assert!(check("running") >= 3);
    log.shutdown(Duration::from_secs(5));
    check("stopped");
    // The artifacts do hold the masked documents.
    let mut c = testing::open(&t.db());
    let rows = query::list(
        &t.db(),
        &query::Filter {
            // The canonical name (the model's directory); the CLI resolves aliases.
            service: Some("secrets-manager".to_string()),
            ..query::Filter::default()
        },
    )
    .unwrap();
    assert_eq!(rows.len(), 3);
    let get = rows
        .iter()
        .find(|(r, _)| r.operation == "GetSecretValue")
        .unwrap();
    let response = get.1.iter().find(|a| a.kind == "response").unwrap();
    let doc: Value = serde_json::from_slice(&read_document(response).unwrap()).unwrap();
    assert_eq!(doc["SecretString"], MASK);
    assert_eq!(doc["Name"], "app/db");
    let _ = testing::count_operations(&mut c);
}

#[tokio::test]
async fn logs_of_unrecorded_calls_are_masked() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let t = Temp::new("logs");
    std::fs::write(t.0.join("file"), b"x").unwrap();
    let mut config = t.config();
    config.sqlite_path = t.0.join("file").join("audit.sqlite");
    config.fail_mode = FailMode::Open;
    let log = AuditLog::new(&config);
    let h = log
        .begin(
            call(&TxId::new(), "secretsmanager", "CreateSecret"),
            &json!({"Name": "n", "SecretString": "log-secret-value-9"}),
        )
        .await
        .unwrap();
    h.finish(Outcome::failure(
        "ValidationException",
        "Value 'log-secret-value-9' at 'secretString' is bad; Authorization: AWS4-HMAC-SHA256 Credential=AKIALOGKEY/x, SignedHeaders=host, Signature=deadbeef",
    ));
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("unrecorded call ended"), "{text}");
    for s in ["log-secret-value-9", "AKIALOGKEY", "deadbeef"] {
        assert!(!text.contains(s), "{s} in logs: {text}");
    }
}

#[test]
fn timestamps_are_fixed_width_utc() {
    let t = SystemTime::UNIX_EPOCH + Duration::from_micros(1_767_323_045_000_006);
    assert_eq!(rfc3339(t), "2026-01-02T03:04:05.000006Z");
    assert_eq!(
        rfc3339(SystemTime::UNIX_EPOCH),
        "1970-01-01T00:00:00.000000Z"
    );
    let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
    assert_eq!(&rfc3339(leap)[..10], "2000-02-29");
}

#[test]
fn transaction_status_sums_up_its_operations() {
    use super::writer::summarize;
    use Status::*;
    assert_eq!(summarize(&[Success, Success]), Success);
    assert_eq!(summarize(&[Success, Started]), Started);
    assert_eq!(summarize(&[Denied]), Denied);
    assert_eq!(summarize(&[Success, Failed]), Failed);
    assert_eq!(summarize(&[Success, Interrupted]), Interrupted);
    assert_eq!(
        summarize(&[PendingConfirmation, Success]),
        PendingConfirmation
    );
}

#[tokio::test]
async fn a_disabled_log_records_nothing() {
    let log = AuditLog::disabled();
    let h = log
        .begin(call(&TxId::new(), "s3", "ListBuckets"), &json!({}))
        .await
        .unwrap();
    h.finish(Outcome::success());
    log.flush().await;
    log.shutdown(Duration::from_millis(10));
    assert!(!log.is_enabled());
}

/// Latency of `begin` (waits for the commit) and the cost of `finish` on the caller's side:
/// `cargo test --release --lib audit::tests::overhead -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn overhead() {
    let t = Temp::new("overhead");
    let mut config = t.config();
    if std::env::var("NO_ARTIFACTS").is_ok() {
        config.artifact_max_bytes = 0;
    }
    let log = AuditLog::open(&config).unwrap();
    let payload = json!({"Bucket": "b", "Prefix": "p/", "MaxKeys": 10});
    let mut begins = Vec::new();
    let mut finishes = Vec::new();
    for _ in 0..1000 {
        // The AWS call and the client's think time around it.
        tokio::time::sleep(Duration::from_millis(2)).await;
        let t0 = std::time::Instant::now();
        let h = log
            .begin(call(&TxId::new(), "s3", "ListObjectsV2"), &payload)
            .await
            .unwrap();
        let t1 = std::time::Instant::now();
        h.finish(Outcome::success().with_response(json!({"Contents": [{"Key": "p/a"}]})));
        let t2 = std::time::Instant::now();
        begins.push(t1 - t0);
        finishes.push(t2 - t1);
    }
    log.flush().await;
    begins.sort();
    finishes.sort();
    let p = |v: &[Duration], q: f64| v[((v.len() as f64) * q) as usize];
    eprintln!(
        "begin p50 {:?} p95 {:?} p99 {:?}; finish p50 {:?} p99 {:?}",
        p(&begins, 0.5),
        p(&begins, 0.95),
        p(&begins, 0.99),
        p(&finishes, 0.5),
        p(&finishes, 0.99)
    );
}

#[test]
fn handles_and_futures_cross_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    let log = AuditLog::disabled();
    send_sync(&log);
    let payload = json!({});
    let begin = log.begin(call(&TxId::new(), "s3", "ListBuckets"), &payload);
    send(&begin);
    drop(begin);
    let h = OpHandle::inert(TxId::new());
    send_sync(&h);
}

/// Servers started together on one database all open it: WAL switch and first migration take
/// locks SQLite's busy timeout does not wait for, so opening retries while it is locked.
#[test]
fn servers_started_together_all_open_the_log() {
    for round in 0..5 {
        let t = Temp::new(&format!("together-{round}"));
        let path = t.db();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    testing::open_retrying_while_locked(&path, true).map(|_| ())
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), Ok(()), "round {round}");
        }
    }
}

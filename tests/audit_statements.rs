//! The audit writer reuses its prepared statements: after the first call, recording a call
//! (start, outcome, two documents) compiles no SQL. Compiling a statement costs about as much
//! as running it, and the writer's work is on every invoke's path.
//!
//! A test binary of its own: diesel's instrumentation hook is global to the process, so no
//! other test's connections may run beside this one.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_exec_mcp::audit::{AuditConfig, AuditLog, CallRecord, Outcome, TxId};
use diesel::connection::{Instrumentation, InstrumentationEvent};
use serde_json::json;

#[derive(Default)]
struct Seen {
    /// Statements diesel prepared and keeps.
    cached: HashSet<String>,
    /// Every statement run, in order (without its binds).
    run: Vec<String>,
}

struct Recorder(Arc<Mutex<Seen>>);

impl Instrumentation for Recorder {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        let mut seen = self.0.lock().unwrap();
        match event {
            InstrumentationEvent::CacheQuery { sql, .. } => {
                seen.cached.insert(sql.to_string());
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                let text = query.to_string();
                let sql = text.split(" -- binds:").next().unwrap_or("").to_string();
                seen.run.push(sql);
            }
            _ => {}
        }
    }
}

static SEEN: Mutex<Option<Arc<Mutex<Seen>>>> = Mutex::new(None);

#[tokio::test]
async fn recording_a_call_compiles_no_sql_after_the_first() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    *SEEN.lock().unwrap() = Some(seen.clone());
    diesel::connection::set_default_instrumentation(|| {
        let seen = SEEN.lock().unwrap().clone()?;
        Some(Box::new(Recorder(seen)))
    })
    .unwrap();

    let dir = std::env::temp_dir().join(format!("aws-exec-mcp-stmts-{}", std::process::id()));
    let config = AuditConfig {
        sqlite_path: dir.join("audit.sqlite"),
        artifact_dir: dir.join("artifacts").join("audit"),
        ..AuditConfig::default()
    };
    let log = AuditLog::open(&config).unwrap();
    let (_, op) = aws_exec_mcp::catalog::resolve_operation("s3", "ListBuckets").unwrap();
    let call = || {
        let mut c = CallRecord::new(TxId::new(), "local", op);
        c.region = Some("us-east-1".to_string());
        c
    };
    let record = async |i: usize| {
        let h = log.begin(call(), &json!({})).await.unwrap();
        let outcome = if i.is_multiple_of(2) {
            Outcome::success()
                .with_request_id(Some(format!("req-{i}")))
                .with_http_status(200)
                .with_response(json!({"Buckets": [{"Name": format!("b{i}")}]}))
        } else {
            Outcome::failure("AccessDenied", "no").with_http_status(403)
        };
        h.finish(outcome);
        log.flush().await;
    };
    // Warm up: success and failure once each.
    record(0).await;
    record(1).await;
    let before = seen.lock().unwrap().run.len();
    for i in 2..12 {
        record(i).await;
    }
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let during = &seen.run[before..];
    let transaction_control = |sql: &str| {
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"]
            .iter()
            .any(|k| sql.starts_with(k))
    };
    let writes: Vec<&String> = during.iter().filter(|s| !transaction_control(s)).collect();
    assert!(
        writes.iter().any(|s| s.starts_with("UPDATE operations")),
        "the outcomes were not seen: {writes:#?}"
    );
    let compiled: Vec<&&String> = writes
        .iter()
        .filter(|s| !seen.cached.contains(s.as_str()))
        .collect();
    assert!(
        compiled.is_empty(),
        "statements compiled on every call: {compiled:#?}"
    );
    log.shutdown(Duration::from_secs(5));
    let _ = std::fs::remove_dir_all(&dir);
}

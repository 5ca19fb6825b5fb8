//! The rest of a trimmed result: the full result is stored as an artifact file, and a cursor
//! (`options.cursor`) walks the items the answer left out, list by list, without calling AWS
//! again. A cursor names a stored result by a random id and is only honoured for the principal
//! that made the call, for the same service and operation.
//!
//! The stored result has its secrets masked (the audit log's rules: sensitive members, secret
//! key names, credential forms), and files older than `AWS_MCP_RESULT_TTL_HOURS` are removed
//! when a new one is stored.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::budget::{Report, size_of};
use super::{ErrorType, ToolError};
use crate::principal::Principal;

/// A full result kept on disk.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    principal: String,
    service: String,
    operation: String,
    region: String,
    /// The trimmed lists (pointer, items the answer showed), in the order a cursor walks them.
    lists: Vec<(String, usize)>,
    result: Value,
}

/// Where a cursor stands.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Position {
    /// The stored result's id.
    r: String,
    /// The index of the list in `Stored::lists`.
    l: usize,
    /// The next item.
    o: usize,
}

fn results_dir(artifact_dir: &Path) -> PathBuf {
    artifact_dir.join("results")
}

/// When the results directory was last swept (seconds since the epoch).
static LAST_SWEEP: AtomicU64 = AtomicU64::new(0);
/// The least time between two sweeps.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Removes the stored results older than `ttl` (at most once a minute); the number removed.
pub fn sweep(artifact_dir: &Path, ttl: Duration, now: SystemTime) -> usize {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let last = LAST_SWEEP.load(Ordering::Relaxed);
    if secs < last + SWEEP_EVERY.as_secs()
        || LAST_SWEEP
            .compare_exchange(last, secs, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return 0;
    }
    let Ok(entries) = std::fs::read_dir(results_dir(artifact_dir)) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > ttl);
        if old && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::info!(
            "removed {removed} stored results older than {} h",
            ttl.as_secs() / 3600
        );
    }
    removed
}

fn encode(p: &Position) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(p).unwrap_or_default())
}

fn invalid(message: impl Into<String>) -> ToolError {
    ToolError::new(
        ErrorType::InvalidOptions,
        message,
        "Pass the `cursor` exactly as a previous answer gave it, with the same service and \
         operation; or repeat the call without `cursor`.",
    )
    .with("option", "cursor")
}

fn decode(cursor: &str) -> Result<Position, ToolError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| invalid("Option `cursor` is not a cursor this server issued"))?;
    let p: Position = serde_json::from_slice(&bytes)
        .map_err(|_| invalid("Option `cursor` is not a cursor this server issued"))?;
    // The id names a file: 32 hex digits, nothing else.
    if p.r.len() != 32 || !p.r.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            "Option `cursor` is not a cursor this server issued",
        ));
    }
    Ok(p)
}

/// Stores the full result of a trimmed answer (`full`, secrets already masked); returns
/// `(artifact path, first cursor)`, the cursor when lists were trimmed. Stored results older
/// than `ttl` go (`None`: kept).
#[allow(clippy::too_many_arguments)]
pub fn store(
    artifact_dir: &Path,
    ttl: Option<Duration>,
    principal: &Principal,
    service: &str,
    operation: &str,
    region: &str,
    full: &Value,
    report: &Report,
) -> Result<(PathBuf, Option<String>), std::io::Error> {
    if let Some(ttl) = ttl {
        sweep(artifact_dir, ttl, SystemTime::now());
    }
    let dir = results_dir(artifact_dir);
    std::fs::create_dir_all(&dir)?;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let lists: Vec<(String, usize)> = report
        .lists
        .iter()
        .map(|l| (l.path.clone(), l.kept))
        .collect();
    let stored = Stored {
        principal: principal.label(),
        service: service.to_string(),
        operation: operation.to_string(),
        region: region.to_string(),
        lists,
        result: full.clone(),
    };
    let path = dir.join(format!("{id}.json"));
    let bytes = serde_json::to_vec(&stored).map_err(std::io::Error::other)?;
    std::fs::write(&path, bytes)?;
    let cursor = report.lists.first().map(|first| {
        encode(&Position {
            r: id.clone(),
            l: 0,
            o: first.kept,
        })
    });
    Ok((std::fs::canonicalize(&path).unwrap_or(path), cursor))
}

/// The next items of a stored result, as many as fit in `max_bytes` (at least one).
pub fn next(
    artifact_dir: &Path,
    principal: &Principal,
    service: &str,
    operation: &str,
    cursor: &str,
    max_bytes: usize,
) -> Result<Value, ToolError> {
    let pos = decode(cursor)?;
    let path = results_dir(artifact_dir).join(format!("{}.json", pos.r));
    let bytes = std::fs::read(&path).map_err(|_| {
        invalid("The result this cursor points to is gone (removed by retention, or from another server)")
    })?;
    let stored: Stored = serde_json::from_slice(&bytes)
        .map_err(|_| invalid("The result this cursor points to cannot be read"))?;
    if stored.principal != principal.label() {
        return Err(invalid("This cursor belongs to another caller"));
    }
    if stored.service != service || stored.operation != operation {
        return Err(invalid(format!(
            "This cursor continues {} {}, not {service} {operation}",
            stored.service, stored.operation
        )));
    }
    let (list_path, _) = stored
        .lists
        .get(pos.l)
        .ok_or_else(|| invalid("Option `cursor` is past the end of the result"))?;
    let items = stored
        .result
        .pointer(list_path)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("The stored result has no list at the cursor"))?;
    let total = items.len();
    let from = pos.o.min(total);
    let mut used = 2;
    let mut end = from;
    for item in &items[from..] {
        let b = size_of(item) + 1;
        if end > from && used + b > max_bytes {
            break;
        }
        used += b;
        end += 1;
    }
    let slice: Vec<Value> = items[from..end].to_vec();
    let next = if end < total {
        Some(Position {
            r: pos.r.clone(),
            l: pos.l,
            o: end,
        })
    } else if pos.l + 1 < stored.lists.len() {
        // The next trimmed list goes on where the answer stopped showing it.
        Some(Position {
            r: pos.r.clone(),
            l: pos.l + 1,
            o: stored.lists[pos.l + 1].1,
        })
    } else {
        None
    };
    let mut out = json!({
        "service": stored.service,
        "operation": stored.operation,
        "region": stored.region,
        "path": list_path,
        "from": from,
        "items": slice,
        "total": total,
    });
    if let Some(n) = next {
        out["cursor"] = encode(&n).into();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::budget::TrimmedList;

    #[test]
    fn a_cursor_walks_the_rest_and_nothing_is_lost() {
        let dir = std::env::temp_dir().join(format!("aws-exec-mcp-cursor-{}", std::process::id()));
        let items: Vec<Value> = (0..250)
            .map(|i| json!({"Key": format!("k{i:04}")}))
            .collect();
        let full = json!({"Contents": items, "Name": "b"});
        let report = Report {
            lists: vec![TrimmedList {
                path: "/Contents".into(),
                kept: 100,
                total: 250,
            }],
            ..Report::default()
        };
        let me = Principal::Local;
        let (path, cursor) = store(
            &dir,
            None,
            &me,
            "s3",
            "ListObjectsV2",
            "us-east-1",
            &full,
            &report,
        )
        .unwrap();
        assert!(path.exists());
        let mut cursor = cursor.unwrap();
        let mut seen: Vec<String> = (0..100).map(|i| format!("k{i:04}")).collect();
        loop {
            let page = next(&dir, &me, "s3", "ListObjectsV2", &cursor, 1000).unwrap();
            for item in page["items"].as_array().unwrap() {
                seen.push(item["Key"].as_str().unwrap().to_string());
            }
            match page.get("cursor").and_then(Value::as_str) {
                Some(c) => cursor = c.to_string(),
                None => break,
            }
        }
        let want: Vec<String> = (0..250).map(|i| format!("k{i:04}")).collect();
        assert_eq!(seen, want);

        let other = Principal::Remote {
            issuer: "i".into(),
            subject: "s".into(),
        };
        let (_, first) = store(
            &dir,
            None,
            &me,
            "s3",
            "ListObjectsV2",
            "us-east-1",
            &full,
            &report,
        )
        .unwrap();
        let first = first.unwrap();
        assert!(next(&dir, &other, "s3", "ListObjectsV2", &first, 1000).is_err());
        assert!(next(&dir, &me, "s3", "ListBuckets", &first, 1000).is_err());
        assert!(next(&dir, &me, "s3", "ListObjectsV2", "bm9wZQ", 1000).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn old_results_are_swept() {
        let dir = std::env::temp_dir().join(format!("aws-exec-mcp-sweep-{}", std::process::id()));
        let results = results_dir(&dir);
        std::fs::create_dir_all(&results).unwrap();
        std::fs::write(results.join("a.json"), b"{}").unwrap();
        std::fs::write(results.join("keep.txt"), b"x").unwrap();
        let now = SystemTime::now();
        // Younger than the TTL: kept.
        assert_eq!(sweep(&dir, Duration::from_secs(3600), now), 0);
        assert!(results.join("a.json").exists());
        // Two hours later (and past the sweep interval), the file is older than one hour.
        let later = now + Duration::from_secs(7200);
        assert_eq!(sweep(&dir, Duration::from_secs(3600), later), 1);
        assert!(!results.join("a.json").exists());
        assert!(
            results.join("keep.txt").exists(),
            "only stored results are removed"
        );
        // Within a minute of the last sweep nothing is scanned.
        std::fs::write(results.join("b.json"), b"{}").unwrap();
        assert_eq!(
            sweep(&dir, Duration::ZERO, later + Duration::from_secs(10)),
            0
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! Reading the audit log for a person at a terminal (`aws-exec-mcp audit`): recent operations
//! with filters, as a table or JSON. Reads only; the database is never created here.

use std::path::Path;
use std::time::{Duration, SystemTime};

use diesel::prelude::*;
use serde_json::{Value, json};

use super::schema::{ArtifactRow, OperationRow, artifacts, operations};
use super::{AuditError, rfc3339};

/// Which operations to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Started at or after this RFC 3339 UTC time ([`since`] reads `2h`, `7d`, a date...).
    pub since: Option<String>,
    /// Canonical service name.
    pub service: Option<String>,
    pub operation: Option<String>,
    pub status: Option<String>,
    /// A principal label, `*` for any run of characters.
    pub principal: Option<String>,
    /// Newest first, at most this many (default 50).
    pub limit: Option<i64>,
}

/// `--since`: a duration back from `now` (`30m`, `2h`, `7d`, `1w`, `45s`) or a timestamp
/// (`2026-01-02`, `2026-01-02T03:04:05Z`...).
pub fn since(text: &str, now: SystemTime) -> Result<String, String> {
    let t = text.trim();
    let unit = t.chars().last().unwrap_or(' ');
    let scale = match unit {
        's' => Some(1),
        'm' => Some(60),
        'h' => Some(3600),
        'd' => Some(86_400),
        'w' => Some(7 * 86_400),
        _ => None,
    };
    if let Some(scale) = scale
        && let Ok(n) = t[..t.len() - 1].parse::<u64>()
    {
        let back = Duration::from_secs(n.saturating_mul(scale));
        return Ok(rfc3339(
            now.checked_sub(back).unwrap_or(SystemTime::UNIX_EPOCH),
        ));
    }
    let at = crate::timestamp::parse(&Value::String(t.to_string()))
        .map_err(|e| format!("`{t}` is neither a duration (30m, 2h, 7d) nor a timestamp: {e}"))?;
    let at = SystemTime::try_from(at).map_err(|e| format!("`{t}`: {e}"))?;
    Ok(rfc3339(at))
}

/// The operations matching `filter`, newest first, with their artifacts.
pub fn list(
    path: &Path,
    filter: &Filter,
) -> Result<Vec<(OperationRow, Vec<ArtifactRow>)>, AuditError> {
    let open_error = |detail: String| AuditError::Open {
        path: path.display().to_string(),
        detail,
    };
    if !path.exists() {
        return Err(open_error(
            "no such file (nothing recorded yet, or SQLITE_PATH points elsewhere)".to_string(),
        ));
    }
    let url = path
        .to_str()
        .ok_or_else(|| open_error("the path is not valid UTF-8".to_string()))?;
    let mut c = SqliteConnection::establish(url).map_err(|e| open_error(e.to_string()))?;
    let read = |e: diesel::result::Error| AuditError::Unavailable {
        detail: format!("reading {}: {e}", path.display()),
    };
    let mut q = operations::table
        .select(OperationRow::as_select())
        .order(operations::started_at.desc())
        .limit(filter.limit.unwrap_or(50).max(1))
        .into_boxed();
    if let Some(s) = &filter.since {
        q = q.filter(operations::started_at.ge(s.clone()));
    }
    if let Some(s) = &filter.service {
        q = q.filter(operations::service.eq(s.clone()));
    }
    if let Some(s) = &filter.operation {
        q = q.filter(operations::operation.eq(s.clone()));
    }
    if let Some(s) = &filter.status {
        q = q.filter(operations::status.eq(s.clone()));
    }
    if let Some(p) = &filter.principal {
        q = q.filter(operations::principal.like(glob_to_like(p)).escape('\\'));
    }
    let rows: Vec<OperationRow> = q.load(&mut c).map_err(read)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let arts: Vec<ArtifactRow> = artifacts::table
        .filter(artifacts::op_id.eq_any(&ids))
        .select(ArtifactRow::as_select())
        .load(&mut c)
        .map_err(read)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = arts.iter().filter(|a| a.op_id == r.id).cloned().collect();
            (r, mine)
        })
        .collect())
}

/// The document an artifacts row names: `bytes` bytes at `byte_offset` in its segment, or the
/// whole file for a row without an offset.
pub fn read_document(a: &ArtifactRow) -> std::io::Result<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let Some(offset) = a.byte_offset else {
        return std::fs::read(&a.path);
    };
    let mut file = std::fs::File::open(&a.path)?;
    file.seek(SeekFrom::Start(u64::try_from(offset).unwrap_or(0)))?;
    let mut out = vec![0; usize::try_from(a.bytes).unwrap_or(0)];
    file.read_exact(&mut out)?;
    Ok(out)
}

/// `*` → `%`, `?` → `_`, with SQL's own wildcards escaped.
fn glob_to_like(glob: &str) -> String {
    let mut out = String::with_capacity(glob.len());
    for c in glob.chars() {
        match c {
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '*' => out.push('%'),
            '?' => out.push('_'),
            c => out.push(c),
        }
    }
    out
}

/// The rows as JSON (`--json`): every column, artifacts by kind.
pub fn to_json(rows: &[(OperationRow, Vec<ArtifactRow>)]) -> Value {
    Value::Array(
        rows.iter()
            .map(|(r, arts)| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Some(reasons) = r
                    .decision_reasons
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Value>(s).ok())
                {
                    v["decisionReasons"] = reasons;
                }
                v["artifacts"] = arts
                    .iter()
                    .map(|a| {
                        json!({"kind": a.kind, "path": a.path, "offset": a.byte_offset,
                               "bytes": a.bytes, "sha256": a.sha256, "truncated": a.truncated})
                    })
                    .collect();
                v
            })
            .collect(),
    )
}

/// The rows as a table for a terminal: time (UTC), status, call, region, principal and
/// identity, duration, and the AWS request id or the error.
pub fn to_table(rows: &[(OperationRow, Vec<ArtifactRow>)]) -> String {
    let header = [
        "STARTED (UTC)",
        "STATUS",
        "CALL",
        "REGION",
        "PRINCIPAL",
        "IDENTITY",
        "MS",
        "DETAIL",
    ];
    let mut table: Vec<[String; 8]> = vec![header.map(str::to_string)];
    for (r, _) in rows {
        let identity = r
            .caller_arn
            .clone()
            .or_else(|| r.role_arn.clone())
            .or_else(|| r.profile.as_ref().map(|p| format!("profile {p}")))
            .unwrap_or_else(|| "-".to_string());
        let detail = match (&r.error_code, &r.request_id) {
            (Some(code), _) => match &r.error_message {
                Some(m) => format!("{code}: {m}"),
                None => code.clone(),
            },
            (None, Some(id)) => format!("request {id}"),
            (None, None) => r.decision.clone(),
        };
        table.push([
            r.started_at
                .get(..19)
                .unwrap_or(&r.started_at)
                .replace('T', " "),
            r.status.clone(),
            format!("{}:{}", r.service, r.operation),
            r.region.clone().unwrap_or_else(|| "-".to_string()),
            r.principal.clone(),
            identity,
            r.duration_ms
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".to_string()),
            one_line(&detail, 80),
        ]);
    }
    let widths: Vec<usize> = (0..8)
        .map(|i| {
            table
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &table {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("(no operations match)\n");
    }
    out
}

fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_durations_and_timestamps() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400 * 10);
        assert_eq!(since("2h", now).unwrap(), "1970-01-10T22:00:00.000000Z");
        assert_eq!(since("7d", now).unwrap(), "1970-01-04T00:00:00.000000Z");
        assert_eq!(
            since("2026-01-02", now).unwrap(),
            "2026-01-02T00:00:00.000000Z"
        );
        assert!(since("yesterday", now).is_err());
    }

    #[test]
    fn globs_become_like_patterns() {
        assert_eq!(glob_to_like("alice@*"), "alice@%");
        assert_eq!(glob_to_like("a_b%"), "a\\_b\\%");
    }
}

//! `aws-exec-mcp wire`: the wire layer behind a line protocol, the same as botocore's oracle
//! (`../shared/oracle`) speaks, so any request or response can be compared with botocore line
//! by line. One JSON object per line in, one per line out, in order; a bad line gets
//! `{"ok": false, "error_type", "error"}`, never a crash. Any `id` is echoed back.
//!
//! Commands: `serialize` (the signed request we would send), `endpoint` (the endpoint the
//! rules resolve), `parse` (an HTTP response read back into JSON), `version`.

pub mod parse;
pub mod serialize;

use std::io::{BufRead, Write};

use serde_json::{Map, Value, json};

/// Answers every line of `input` on `output`.
pub fn run(input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer_line(&line);
        serde_json::to_writer(&mut output, &answer)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// The answer to one request line.
pub fn answer_line(line: &str) -> Value {
    let req: Map<String, Value> = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return failure("BadRequest", "a request line must be a JSON object"),
        Err(e) => return failure("BadJSON", &format!("invalid JSON: {e}")),
    };
    let mut answer = std::panic::catch_unwind(|| answer_request(&req)).unwrap_or_else(|_| {
        failure(
            "InternalError",
            "the request could not be handled (internal error); please report it",
        )
    });
    if let (Some(id), Value::Object(a)) = (req.get("id"), &mut answer) {
        a.insert("id".to_string(), id.clone());
    }
    answer
}

fn answer_request(req: &Map<String, Value>) -> Value {
    match req.get("cmd").and_then(Value::as_str) {
        Some("serialize") => serialize::serialize_command(req),
        Some("endpoint") => serialize::endpoint_command(req),
        Some("parse") => parse::parse_command(req),
        Some("version") => json!({
            "ok": true,
            "version": env!("CARGO_PKG_VERSION"),
            "models": crate::catalog::get().snapshot.commit.as_str(),
        }),
        Some(other) => failure("BadRequest", &format!("unknown cmd `{other}`")),
        None => failure(
            "BadRequest",
            "missing `cmd` (serialize, endpoint, parse, version)",
        ),
    }
}

/// `{"ok": false, "error_type": ..., "error": ...}`.
pub fn failure(error_type: &str, error: &str) -> Value {
    json!({"ok": false, "error_type": error_type, "error": error})
}

/// A protocol as botocore names it (`json`, `rest-json`, `rest-xml`, `query`, `ec2`), the
/// spelling of the oracle's `protocol` field.
pub fn botocore_protocol(p: catalog_format::format::ArchivedProtocol) -> &'static str {
    use catalog_format::format::ArchivedProtocol as P;
    match p {
        P::AwsJson1_0 | P::AwsJson1_1 => "json",
        P::RestJson1 => "rest-json",
        P::RestXml => "rest-xml",
        P::AwsQuery => "query",
        P::Ec2Query => "ec2",
    }
}

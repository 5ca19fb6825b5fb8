//! The oracle's `parse` command: an HTTP response of an operation in, what the call returns
//! out, in the oracle's answer format (`is_error`, `output`, `error_code`, `exception`,
//! `response_metadata`), so answers can be compared with botocore's line by line.
//!
//! Values use the oracle's forms: blobs `{"$bytes": b64}`, NaN/±Infinity `{"$float": ..}`,
//! timestamps RFC 3339. An error's `output` is botocore's `ClientError.response` without
//! `ResponseMetadata`: `{"Error": {"Code", "Message", ...}, ...modeled members}`.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::catalog;
use crate::invoke::parse::{AwsError, HttpResponse, ParseOptions, parse_response_full};

/// Answers one `parse` request.
pub fn parse_command(req: &Map<String, Value>) -> Value {
    match answer(req) {
        Ok(v) => v,
        Err((error_type, error)) => json!({"ok": false, "error_type": error_type, "error": error}),
    }
}

type Failure = (&'static str, String);

fn bad(msg: impl Into<String>) -> Failure {
    ("BadRequest", msg.into())
}

fn answer(req: &Map<String, Value>) -> Result<Value, Failure> {
    let service = req
        .get("service")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("'service' is required"))?;
    let svc = catalog::find_service(service)
        .ok_or_else(|| ("UnknownService", format!("unknown service `{service}`")))?;
    let operation = req
        .get("operation")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("'operation' is required"))?;
    let op = catalog::find_operation(svc, operation).ok_or_else(|| {
        (
            "UnknownOperation",
            format!("service `{service}` has no operation `{operation}`"),
        )
    })?;
    let status = match req.get("status") {
        None => 200,
        Some(v) => v
            .as_u64()
            .filter(|s| (100..=599).contains(s))
            .ok_or_else(|| bad("'status' must be an HTTP status code (int)"))?
            as u16,
    };
    let headers = read_headers(req.get("headers"))?;
    let body = match (req.get("body_b64"), req.get("body")) {
        (Some(Value::String(b)), _) => base64::engine::general_purpose::STANDARD
            .decode(b)
            .map_err(|e| bad(format!("bad body_b64: {e}")))?,
        (Some(Value::Null) | None, Some(Value::String(b))) => b.as_bytes().to_vec(),
        (Some(Value::Null) | None, None | Some(Value::Null)) => Vec::new(),
        _ => return Err(bad("'body' must be a string (use body_b64 for binary)")),
    };
    let resp = HttpResponse {
        status,
        headers,
        body,
    };
    let opts = ParseOptions {
        tagged_bytes: true,
        tagged_floats: true,
        omit_streaming_payload: false,
    };
    let operation = catalog::operation(op);
    let service = catalog::service(svc);
    let mut out = Map::new();
    out.insert("ok".into(), Value::Bool(true));
    out.insert("service".into(), service.name.as_str().into());
    out.insert("operation".into(), operation.name.as_str().into());
    if let Some(p) = service.protocol.as_ref() {
        out.insert("protocol".into(), super::botocore_protocol(*p).into());
        out.insert("smithy_protocol".into(), p.smithy_name().into());
    }
    out.insert("status".into(), status.into());
    // The status the call ends with: an S3 error document in a 200 counts as a 500.
    let mut final_status = status;
    let (request_id, host_id) = match parse_response_full(op, &resp, &opts) {
        Ok(parsed) => {
            out.insert("is_error".into(), Value::Bool(false));
            out.insert("output".into(), parsed.output);
            (parsed.request_id, parsed.host_id)
        }
        Err(AwsError::Service(e)) => {
            let mut output = Map::new();
            output.insert("Error".into(), Value::Object(e.details.clone()));
            for (k, v) in &e.fields {
                output.insert(k.clone(), v.clone());
            }
            out.insert("is_error".into(), Value::Bool(true));
            out.insert("output".into(), Value::Object(output));
            let code = e.query_error_code.clone().unwrap_or_else(|| e.code.clone());
            out.insert("error_code".into(), code.into());
            out.insert(
                "exception".into(),
                e.shape
                    .clone()
                    .unwrap_or_else(|| "ClientError".into())
                    .into(),
            );
            out.insert("retryable".into(), e.retryable.into());
            final_status = e.http_status;
            (e.request_id.clone(), e.host_id.clone())
        }
        Err(e @ AwsError::Malformed { .. }) => return Err(("ResponseParserError", e.to_string())),
        Err(e @ AwsError::Unsupported { .. }) => return Err(("Unsupported", e.to_string())),
    };
    let mut meta = Map::new();
    if let Some(r) = request_id {
        meta.insert("RequestId".into(), r.into());
    }
    if let Some(h) = host_id {
        meta.insert("HostId".into(), h.into());
    }
    meta.insert("HTTPStatusCode".into(), final_status.into());
    let mut hdrs = Map::new();
    for (k, v) in &resp.headers {
        hdrs.insert(k.to_ascii_lowercase(), v.clone().into());
    }
    meta.insert("HTTPHeaders".into(), Value::Object(hdrs));
    meta.insert("RetryAttempts".into(), 0.into());
    out.insert("response_metadata".into(), Value::Object(meta));
    if let Some(id) = req.get("id") {
        out.insert("id".into(), id.clone());
    }
    Ok(Value::Object(out))
}

/// Headers as an object or a list of `[name, value]` pairs.
fn read_headers(v: Option<&Value>) -> Result<Vec<(String, String)>, Failure> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match v {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => Ok(m.iter().map(|(k, v)| (k.clone(), text(v))).collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([k, v]) => Ok((text(k), text(v))),
                _ => Err(bad("'headers' list items must be [name, value]")),
            })
            .collect(),
        Some(_) => Err(bad(
            "'headers' must be an object or a list of [name, value]",
        )),
    }
}

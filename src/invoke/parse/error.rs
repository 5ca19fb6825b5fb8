//! Error responses of every protocol: the code, message and request id, the operation's
//! modeled error shape and its members, and whether a retry may help.
//!
//! Where the code comes from, as botocore reads it:
//! - awsJson: `__type` (namespace `aws.foo#` and `:http://...` suffix stripped), else the
//!   `x-amzn-ErrorType` header, else the status; `awsQueryCompatible` services also send
//!   `x-amzn-query-error: Code;Sender`, whose code becomes the error's code (the shape name is
//!   kept as `query_error_code`);
//! - restJson1: the `x-amzn-ErrorType` header, else the body's `code`/`Code`, else `__type`;
//! - restXml: `<ErrorResponse><Error><Code>` or S3's bare `<Error><Code>`; a body-less error
//!   (S3 HEAD) gets the status as code (`404`) and its reason phrase as message;
//! - awsQuery: `<ErrorResponse><Error>`; ec2Query: `<Response><Errors><Error>`;
//! - any protocol: a 5xx with an empty or HTML body is a generic error named by its status.
//!
//! The message is `message`, `Message` or `errorMessage`. The code is matched to the
//! operation's errors by shape name or `awsQueryError` code (then to the errors of the
//! service's other operations, as botocore maps codes service-wide).

use catalog_format::format::{ArchivedProtocol, ArchivedTrait};
use serde_json::{Map, Value};

use super::value::shape_name;
use super::{HttpResponse, ParseOptions, json, rest, xml};
use crate::catalog;

/// What parsing a response can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// AWS answered with an error.
    #[error("AWS error {} (HTTP {}): {}", .0.code, .0.http_status, .0.message)]
    Service(Box<ServiceError>),
    /// The response does not match the protocol or the model.
    #[error("could not read the {protocol} response (HTTP {status}): {detail}")]
    Malformed {
        protocol: &'static str,
        status: u16,
        detail: String,
    },
    /// A response this server cannot read yet (event streams).
    #[error("unsupported response: {what}")]
    Unsupported { what: String },
}

/// An error AWS returned.
#[derive(Debug, Clone, Default)]
pub struct ServiceError {
    /// The error code (`NoSuchKey`, `ThrottlingException`; for awsQueryCompatible services the
    /// query code, `AWS.SimpleQueueService.NonExistentQueue`).
    pub code: String,
    pub message: String,
    pub http_status: u16,
    pub request_id: Option<String>,
    /// S3's `x-amz-id-2`.
    pub host_id: Option<String>,
    /// The modeled error shape's name, when the code names one.
    pub shape: Option<String>,
    /// The modeled members of that shape, parsed.
    pub fields: Map<String, Value>,
    /// Throttling, a transient code or a 5xx status.
    pub retryable: bool,
    /// awsQueryCompatible: the shape-name code the JSON body carried.
    pub query_error_code: Option<String>,
    /// `Sender` / `Receiver`, when the response says.
    pub fault: Option<String>,
    /// The error's fields as botocore's `Error` dictionary holds them (`Code`, `Message`,
    /// `Type`, and for XML every child of `<Error>`).
    pub details: Map<String, Value>,
}

/// Request id and host id from the headers.
pub fn header_request_id(resp: &HttpResponse) -> (Option<String>, Option<String>) {
    let rid = resp
        .header("x-amzn-RequestId")
        .or_else(|| resp.header("x-amz-request-id"))
        .map(str::to_string);
    (rid, resp.header("x-amz-id-2").map(str::to_string))
}

/// Reads an error response (status ≥ 300) of operation `op`.
pub fn parse_error(
    op: u32,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    opts: &ParseOptions,
) -> super::AwsError {
    let (mut request_id, host_id) = header_request_id(resp);
    let body = trim_ascii(&resp.body);
    let mut err = ServiceError {
        http_status: resp.status,
        host_id,
        ..ServiceError::default()
    };
    let generic = resp.status >= 500 && (body.is_empty() || body.starts_with(b"<html>"));
    let mut xml_root = None;
    if generic {
        status_details(&mut err.details, resp.status);
    } else {
        match protocol {
            ArchivedProtocol::AwsJson1_0
            | ArchivedProtocol::AwsJson1_1
            | ArchivedProtocol::RestJson1 => json_details(protocol, resp, &mut err),
            ArchivedProtocol::RestXml => {
                match (!body.is_empty())
                    .then(|| xml::read_document(body).ok())
                    .flatten()
                {
                    Some(root) => {
                        rest_xml_details(&root, &mut err.details, &mut request_id);
                        xml_root = Some(root);
                    }
                    None => {
                        // As botocore: the S3 ids (only those headers) are always there, empty
                        // when not sent.
                        status_details(&mut err.details, resp.status);
                        request_id =
                            Some(resp.header("x-amz-request-id").unwrap_or("").to_string());
                        err.host_id.get_or_insert_with(String::new);
                    }
                }
            }
            ArchivedProtocol::AwsQuery | ArchivedProtocol::Ec2Query => {
                let root = match xml::read_document(body) {
                    Ok(root) => root,
                    Err(e) => return e.at(protocol, resp),
                };
                request_id = query_details(protocol, &root, &mut err.details);
                xml_root = Some(root);
            }
        }
    }
    let text = |k: &str| {
        err.details
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    err.code = text("Code").unwrap_or_default();
    err.message = text("Message").unwrap_or_default();
    err.fault = text("Type");
    err.query_error_code = text("QueryErrorCode");
    err.request_id = request_id;
    let lookup = err
        .query_error_code
        .clone()
        .unwrap_or_else(|| err.code.clone());
    if let Some(shape) = find_error_shape(op, &lookup) {
        err.shape = Some(shape_name(catalog::shape(shape)).to_string());
        if !generic {
            err.fields = modeled_fields(shape, protocol, resp, xml_root.as_ref(), opts);
        }
    }
    err.retryable = is_retryable(&lookup, &err.code, resp.status);
    super::AwsError::Service(Box::new(err))
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &b[start..end]
}

/// `Code` = the status, `Message` = its reason phrase.
fn status_details(details: &mut Map<String, Value>, status: u16) {
    details.insert("Code".into(), Value::String(status.to_string()));
    details.insert(
        "Message".into(),
        Value::String(reason_phrase(status).into()),
    );
}

/// Strips `aws.foo#` and `:http://...` from a JSON error code.
fn clean_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code)
}

fn json_details(protocol: ArchivedProtocol, resp: &HttpResponse, err: &mut ServiceError) {
    let body = match json::read_body(&resp.body) {
        Ok(Value::Object(obj)) => obj,
        Ok(_) => Map::new(),
        Err(_) => {
            let mut m = Map::new();
            let text = String::from_utf8_lossy(&resp.body).into_owned();
            m.insert("message".into(), Value::String(text));
            m
        }
    };
    let s = |k: &str| body.get(k).and_then(Value::as_str);
    let message = s("message")
        .or_else(|| s("Message"))
        .or_else(|| s("errorMessage"))
        .unwrap_or("");
    let header_type = resp.header("x-amzn-ErrorType");
    let mut code = match s("__type") {
        Some(t) => t.to_string(),
        None if protocol != ArchivedProtocol::RestJson1 && header_type.is_some() => {
            header_type.unwrap_or_default().to_string()
        }
        None => resp.status.to_string(),
    };
    code = clean_code(&code).to_string();
    let d = &mut err.details;
    d.insert("Message".into(), Value::String(message.to_string()));
    if let Some(q) = resp.header("x-amzn-query-error") {
        let mut parts = q.split(';');
        if let (Some(qcode), Some(fault), None) = (parts.next(), parts.next(), parts.next())
            && !qcode.is_empty()
        {
            d.insert("QueryErrorCode".into(), Value::String(code.clone()));
            d.insert("Type".into(), Value::String(fault.to_string()));
            code = qcode.to_string();
        }
    }
    if protocol == ArchivedProtocol::RestJson1 {
        if let Some(h) = header_type {
            code = clean_code(h).to_string();
        } else if let Some(c) = s("code").or_else(|| s("Code")) {
            code = clean_code(c).to_string();
        }
    }
    d.insert("Code".into(), Value::String(code));
}

/// An element's children as botocore's dictionaries hold them: text (null when empty), or a
/// dictionary for an element with children.
fn element_dict(el: &xml::Element) -> Map<String, Value> {
    let mut out = Map::new();
    for c in &el.children {
        if out.contains_key(&c.name) {
            continue;
        }
        let v = if !c.children.is_empty() {
            Value::Object(element_dict(c))
        } else if c.text.is_empty() {
            Value::Null
        } else {
            Value::String(c.text.clone())
        };
        out.insert(c.name.clone(), v);
    }
    out
}

/// The `Error` details of a restXml error body. The request id, as botocore: S3's `<Error>`
/// root takes it from the headers (the body's copy only when no header has one), the
/// `<ErrorResponse>` of the other services from its top-level `<RequestId>` only.
fn rest_xml_details(
    root: &xml::Element,
    details: &mut Map<String, Value>,
    request_id: &mut Option<String>,
) {
    if root.name == "Error" {
        *details = element_dict(root);
        details.remove("HostId");
        if let Some(Value::String(r)) = details.remove("RequestId") {
            request_id.get_or_insert(r);
        }
        return;
    }
    details.insert("Message".into(), Value::String(String::new()));
    details.insert("Code".into(), Value::String(String::new()));
    if let Some(e) = root.child("Error") {
        details.extend(element_dict(e));
    }
    *request_id = root.child_text("RequestId").map(str::to_string);
}

/// The `Error` details of a query error body, and its request id as botocore reads it: the
/// top-level `<RequestId>` (ec2Query: also `<RequestID>`), never a header.
fn query_details(
    protocol: ArchivedProtocol,
    root: &xml::Element,
    details: &mut Map<String, Value>,
) -> Option<String> {
    let error = root
        .child("Error")
        .or_else(|| root.child("Errors").and_then(|e| e.child("Error")));
    if let Some(e) = error {
        *details = element_dict(e);
    }
    root.child_text("RequestId")
        .or_else(|| {
            (protocol == ArchivedProtocol::Ec2Query)
                .then(|| root.child_text("RequestID"))
                .flatten()
        })
        .map(str::to_string)
}

/// The modeled members of error shape `shape`; empty when the body does not fit the model
/// (the error itself is still reported).
fn modeled_fields(
    shape: u32,
    protocol: ArchivedProtocol,
    resp: &HttpResponse,
    xml_root: Option<&xml::Element>,
    opts: &ParseOptions,
) -> Map<String, Value> {
    let parsed = match protocol {
        ArchivedProtocol::AwsJson1_0 | ArchivedProtocol::AwsJson1_1 => {
            match json::parse_body(shape, &resp.body, opts) {
                Ok(Value::Object(m)) => Ok(m),
                Ok(_) => Ok(Map::new()),
                Err(e) => Err(e),
            }
        }
        ArchivedProtocol::RestJson1 | ArchivedProtocol::RestXml => {
            rest::body_members(shape, protocol, &resp.body, opts, true).and_then(|mut m| {
                rest::bound_members(shape, protocol, resp, opts, &mut m)?;
                Ok(m)
            })
        }
        ArchivedProtocol::AwsQuery | ArchivedProtocol::Ec2Query => match xml_root {
            Some(root) => {
                let start = if root.name == "ErrorResponse" {
                    root.child("Error").unwrap_or(root)
                } else {
                    root
                };
                match xml::structure(shape, start, opts, |_| true) {
                    Ok(Value::Object(m)) => Ok(m),
                    Ok(_) => Ok(Map::new()),
                    Err(e) => Err(e),
                }
            }
            None => Ok(Map::new()),
        },
    };
    parsed.unwrap_or_default()
}

/// The error shape `code` names: among the operation's errors, then the service's.
pub fn find_error_shape(op: u32, code: &str) -> Option<u32> {
    if code.is_empty() {
        return None;
    }
    let matches = |idx: u32| {
        let s = catalog::shape(idx);
        shape_name(s) == code
            || s.find_trait(|t| match t {
                ArchivedTrait::AwsQueryError { code: c, .. } => Some(c.as_str() == code),
                _ => None,
            })
            .unwrap_or(false)
    };
    let operation = catalog::operation(op);
    if let Some(e) = operation
        .errors
        .iter()
        .map(|e| e.to_native())
        .find(|&e| matches(e))
    {
        return Some(e);
    }
    catalog::service_operations(operation.service.to_native())
        .flat_map(|o| catalog::operation(o).errors.iter().map(|e| e.to_native()))
        .find(|&e| matches(e))
}

/// Throttling and transient codes, and 5xx/429 statuses, may succeed on a retry.
fn is_retryable(shape_code: &str, code: &str, status: u16) -> bool {
    const CODES: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "IDPCommunicationError",
    ];
    status >= 500 || status == 429 || CODES.contains(&shape_code) || CODES.contains(&code)
}

/// The reason phrase of a status, as Python's `http.client.responses` gives it.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

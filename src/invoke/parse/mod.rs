//! Response parsing for the six AWS protocols: an HTTP response of an operation becomes the
//! operation's output as JSON, or an [`AwsError`].
//!
//! Shared code per format: [`json`] (awsJson1_0/1_1 and restJson1 bodies), [`xml`] (restXml,
//! awsQuery with its `<OpResult>` wrapper, ec2Query), [`rest`] (HTTP bindings of the rest
//! protocols: headers, prefix headers, status code, payload), [`error`] (error codes, messages,
//! request ids and the operation's modeled error shapes). Scalars are written by [`value`].
//!
//! Behaviour follows botocore 1.37.23 (the project's reference, see `docs/WIRE.md`) where the
//! Smithy specs leave room; the differences are listed there.

pub mod error;
pub mod json;
mod json_seed;
pub mod rest;
pub mod value;
pub mod xml;

use catalog_format::format::ArchivedProtocol;
use serde_json::{Map, Value};

use crate::catalog;

pub use error::{AwsError, ServiceError};

/// An HTTP response as received: status, headers in wire order (names in any case), body.
#[derive(Debug, Clone, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        super::find_header(&self.headers, name)
    }
}

/// How values without a JSON form are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct ParseOptions {
    /// Blobs as `{"$bytes": "<base64>"}` (the oracle's form) instead of a base64 string.
    pub tagged_bytes: bool,
    /// NaN and ±Infinity as `{"$float": "NaN"}` instead of the strings `"NaN"`, `"Infinity"`.
    pub tagged_floats: bool,
    /// Leave a streaming blob payload (S3 `GetObject`'s `Body`, Lambda `Invoke`'s `Payload`...)
    /// out of the output: the caller keeps the response body's bytes as they are (to store them
    /// in a file) instead of a base64 copy. [`streaming_payload_member`] names the member.
    pub omit_streaming_payload: bool,
}

/// The output member that carries the response body as a stream of bytes, if the operation
/// has one.
pub fn streaming_payload_member(op: u32) -> Option<&'static str> {
    let output = catalog::operation(op).output.as_ref()?;
    catalog::shape(output.to_native())
        .members
        .iter()
        .find(|m| {
            m.has(catalog_format::format::T_HTTP_PAYLOAD) && {
                let t = catalog::shape(m.target.to_native());
                t.kind == catalog_format::format::ArchivedShapeKind::Blob
                    && t.has(catalog_format::format::T_STREAMING)
            }
        })
        .map(|m| m.name.as_str())
}

/// A successful parse: the output and what identifies the call on the AWS side.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub output: Value,
    /// `x-amzn-RequestId` / `x-amz-request-id`, or the body's `RequestId` (query protocols).
    pub request_id: Option<String>,
    /// S3's `x-amz-id-2`.
    pub host_id: Option<String>,
}

/// Parses the response of operation `op` (catalog index) into its output, or its error.
pub fn parse_response(
    op: u32,
    resp: &HttpResponse,
    opts: &ParseOptions,
) -> Result<Value, AwsError> {
    parse_response_full(op, resp, opts).map(|p| p.output)
}

/// [`parse_response`] with the request ids.
pub fn parse_response_full(
    op: u32,
    resp: &HttpResponse,
    opts: &ParseOptions,
) -> Result<Parsed, AwsError> {
    let operation = catalog::operation(op);
    let service = catalog::service(operation.service.to_native());
    let Some(protocol) = service.protocol.as_ref().copied() else {
        return Err(AwsError::Unsupported {
            what: format!(
                "service `{}` declares no protocol this server speaks",
                service.name.as_str()
            ),
        });
    };
    if resp.status >= 300 {
        return Err(error::parse_error(op, protocol, resp, opts));
    }
    if s3_error_in_200(op, resp) {
        // S3 answers some failures (CopyObject, UploadPartCopy, CompleteMultipartUpload...)
        // with 200 and an `<Error>` body: an error, and a retryable one, as botocore treats it.
        let as_500 = HttpResponse {
            status: 500,
            headers: resp.headers.clone(),
            body: resp.body.clone(),
        };
        return Err(error::parse_error(op, protocol, &as_500, opts));
    }
    let output = match operation.output.as_ref().map(|o| o.to_native()) {
        None => Value::Object(Map::new()),
        Some(shape) => match protocol {
            ArchivedProtocol::AwsJson1_0 | ArchivedProtocol::AwsJson1_1 => {
                json::parse_body(shape, &resp.body, opts).map_err(|e| e.at(protocol, resp))?
            }
            ArchivedProtocol::RestJson1 | ArchivedProtocol::RestXml => {
                rest::parse_output(op, shape, protocol, resp, opts)?
            }
            ArchivedProtocol::AwsQuery | ArchivedProtocol::Ec2Query => {
                xml::parse_query_output(op, shape, protocol, &resp.body, opts)
                    .map_err(|e| e.at(protocol, resp))?
            }
        },
    };
    let (mut request_id, host_id) = error::header_request_id(resp);
    if matches!(
        protocol,
        ArchivedProtocol::AwsQuery | ArchivedProtocol::Ec2Query
    ) {
        // As botocore: the query protocols' request id is the body's, never a header's.
        request_id = xml::body_request_id(&resp.body);
    }
    Ok(Parsed {
        output,
        request_id,
        host_id,
    })
}

/// An S3 response of status 200 whose body is an `<Error>` document, for an operation whose
/// output is not a raw (blob or string) payload, which could legitimately hold such text.
fn s3_error_in_200(op: u32, resp: &HttpResponse) -> bool {
    let operation = catalog::operation(op);
    if resp.status != 200
        || catalog::service(operation.service.to_native())
            .name
            .as_str()
            != "s3"
        || operation.has(catalog_format::format::OP_EVENT_STREAM)
    {
        return false;
    }
    let Some(output) = operation.output.as_ref() else {
        return false;
    };
    let raw_payload = catalog::shape(output.to_native()).members.iter().any(|m| {
        m.has(catalog_format::format::T_HTTP_PAYLOAD)
            && matches!(
                catalog::shape(m.target.to_native()).kind,
                catalog_format::format::ArchivedShapeKind::Blob
                    | catalog_format::format::ArchivedShapeKind::String
            )
    });
    if raw_payload {
        return false;
    }
    let mut text = std::str::from_utf8(&resp.body)
        .unwrap_or("")
        .trim_start_matches('\u{feff}');
    text = text.trim_start();
    if let Some(rest) = text.strip_prefix("<?xml")
        && let Some(end) = rest.find("?>")
    {
        text = rest[end + 2..].trim_start();
    }
    text.strip_prefix("<Error")
        .is_some_and(|r| r.starts_with('>') || r.starts_with(char::is_whitespace))
}

/// A body that does not match the model: where (a member path) and what.
#[derive(Debug, Clone)]
pub struct BodyError {
    path: Vec<String>,
    detail: String,
}

impl BodyError {
    pub(crate) fn new(detail: impl Into<String>) -> Self {
        BodyError {
            path: Vec::new(),
            detail: detail.into(),
        }
    }

    /// Adds the member or index the error sits under (called while unwinding).
    pub(crate) fn under(mut self, segment: impl Into<String>) -> Self {
        self.path.push(segment.into());
        self
    }

    /// The error as an [`AwsError::Malformed`] of a response.
    pub(crate) fn at(self, protocol: ArchivedProtocol, resp: &HttpResponse) -> AwsError {
        let path: Vec<&str> = self.path.iter().rev().map(String::as_str).collect();
        AwsError::Malformed {
            protocol: protocol.smithy_name(),
            status: resp.status,
            detail: if path.is_empty() {
                self.detail
            } else {
                format!("at {}: {}", path.join("."), self.detail)
            },
        }
    }
}

#[cfg(test)]
mod tests;

//! Sending signed requests: one `reqwest` client per process (rustls, HTTP/1.1 and HTTP/2 by
//! ALPN, pooled connections), a deadline per attempt, and response bodies either read into
//! memory (bounded) or streamed into an artifact file with their size and SHA-256.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

use super::request::PreparedRequest;

/// The `User-Agent` of every call, so that agent calls are identifiable in CloudTrail.
pub const USER_AGENT: &str = concat!(
    "aws-exec-mcp/",
    env!("CARGO_PKG_VERSION"),
    " (MCP server; +https://github.com/aws-exec-mcp)"
);

/// The headers of `req` exactly as they go on the wire: the prepared ones, then those the
/// HTTP layer adds (`Host`, `User-Agent`, `Accept`) when the request has none. A preview shows
/// these, so that it is what is then sent.
pub fn wire_headers(req: &PreparedRequest) -> Vec<(String, String)> {
    let mut headers = req.headers.clone();
    let has =
        |h: &[(String, String)], name: &str| h.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    if !has(&headers, "host")
        && let Some(host) = host_header(&req.url)
    {
        headers.insert(0, ("Host".to_string(), host));
    }
    if !has(&headers, "user-agent") {
        headers.push(("User-Agent".to_string(), USER_AGENT.to_string()));
    }
    if !has(&headers, "accept") {
        headers.push(("Accept".to_string(), "*/*".to_string()));
    }
    headers
}

/// `host[:port]` of a URL, the port only when it is not the scheme's default (as HTTP clients
/// write `Host`, and as SigV4 signs it).
fn host_header(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    let host = u.host_str()?;
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    })
}

/// Why a request got no complete response.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the call's time limit ran out")]
    Timeout,
    #[error("could not connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("the connection failed during the exchange: {0}")]
    Transfer(String),
    #[error("the response body is larger than {limit} bytes (AWS_MCP_MAX_BODY_BYTES)")]
    TooLarge { limit: usize },
    #[error("writing the artifact file {path}: {detail}")]
    Artifact { path: String, detail: String },
    #[error("the request cannot be sent: {0}")]
    Build(String),
}

impl SendError {
    /// Whether another attempt may succeed (connection and transfer failures, as the SDKs'
    /// standard retry mode treats them).
    pub fn retryable(&self) -> bool {
        matches!(self, SendError::Connect { .. } | SendError::Transfer(_))
    }
}

/// Where a streaming response body goes.
#[derive(Debug, Clone)]
pub struct ArtifactTarget {
    pub dir: PathBuf,
    /// A stem for the file name (`s3-GetObject`).
    pub stem: String,
    /// The first bytes kept in memory too, to show small text inline.
    pub keep_head: usize,
}

/// A response body stored in a file.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub content_type: Option<String>,
    /// The first `keep_head` bytes.
    pub head: Vec<u8>,
}

/// A response as received.
#[derive(Debug)]
pub struct Received {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body, when read into memory (always for errors).
    pub body: Vec<u8>,
    /// The body, when streamed into a file.
    pub artifact: Option<Artifact>,
}

/// The process's HTTP client.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    max_body: usize,
}

impl HttpClient {
    pub fn new(connect_timeout: Duration, max_body: usize) -> Result<HttpClient, SendError> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            // Redirects are answers to read (S3's 301 PermanentRedirect names the bucket's
            // region), never followed: a signed request must not go elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SendError::Build(e.to_string()))?;
        Ok(HttpClient { client, max_body })
    }

    /// Sends `req` and reads the response before `deadline`. A 2xx body goes to `stream_to`
    /// when given; any other body is read into memory.
    pub async fn send(
        &self,
        req: &PreparedRequest,
        deadline: Instant,
        stream_to: Option<&ArtifactTarget>,
    ) -> Result<Received, SendError> {
        match tokio::time::timeout_at(deadline, self.exchange(req, stream_to)).await {
            Ok(result) => result,
            Err(_) => Err(SendError::Timeout),
        }
    }

    async fn exchange(
        &self,
        req: &PreparedRequest,
        stream_to: Option<&ArtifactTarget>,
    ) -> Result<Received, SendError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|e| SendError::Build(format!("method {}: {e}", req.method)))?;
        let mut builder = self.client.request(method, &req.url);
        // `Host` is written by the client from the URL, to the same value.
        for (name, value) in wire_headers(req)
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("host"))
        {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| SendError::Build(format!("header name {name:?}: {e}")))?;
            let value = reqwest::header::HeaderValue::from_bytes(value.as_bytes())
                .map_err(|e| SendError::Build(format!("header {name} value: {e}")))?;
            builder = builder.header(name, value);
        }
        if !req.body.is_empty() {
            builder = builder.body(req.body.clone());
        }
        let mut response = builder.send().await.map_err(|e| classify(&req.url, &e))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if let (Some(target), true) = (stream_to, (200..300).contains(&status)) {
            let content_type = super::find_header(&headers, "content-type").map(str::to_string);
            let artifact = write_artifact(&mut response, target, content_type).await?;
            return Ok(Received {
                status,
                headers,
                body: Vec::new(),
                artifact: Some(artifact),
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SendError::Transfer(error_chain(&e)))?
        {
            if body.len() + chunk.len() > self.max_body {
                return Err(SendError::TooLarge {
                    limit: self.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Received {
            status,
            headers,
            body,
            artifact: None,
        })
    }
}

/// Streams the body into a new file under the target directory, hashing as it goes. A
/// failed transfer removes the partial file.
async fn write_artifact(
    response: &mut reqwest::Response,
    target: &ArtifactTarget,
    content_type: Option<String>,
) -> Result<Artifact, SendError> {
    let io_error = |path: &Path, e: std::io::Error| SendError::Artifact {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    tokio::fs::create_dir_all(&target.dir)
        .await
        .map_err(|e| io_error(&target.dir, e))?;
    let extension = extension_for(content_type.as_deref());
    let path = target.dir.join(format!(
        "{}-{}{extension}",
        target.stem,
        uuid::Uuid::new_v4().simple()
    ));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .map_err(|e| io_error(&path, e))?;
    let mut hasher = aws_smithy_checksums::ChecksumAlgorithm::Sha256.into_impl();
    let mut size = 0u64;
    let mut head = Vec::new();
    let copied: Result<(), SendError> = async {
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SendError::Transfer(error_chain(&e)))?
        {
            hasher.update(&chunk);
            size += chunk.len() as u64;
            if head.len() < target.keep_head {
                let take = (target.keep_head - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            file.write_all(&chunk)
                .await
                .map_err(|e| io_error(&path, e))?;
        }
        file.flush().await.map_err(|e| io_error(&path, e))?;
        Ok(())
    }
    .await;
    if let Err(e) = copied {
        drop(file);
        let _ = tokio::fs::remove_file(&path).await;
        return Err(e);
    }
    let path = tokio::fs::canonicalize(&path).await.unwrap_or(path);
    Ok(Artifact {
        path,
        size,
        sha256: super::hex(&hasher.finalize()),
        content_type,
        head,
    })
}

/// A file extension for a content type, so that the artifact opens with the right program.
fn extension_for(content_type: Option<&str>) -> &'static str {
    let ct = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match ct.as_str() {
        "application/json" => ".json",
        "text/plain" => ".txt",
        "text/csv" => ".csv",
        "text/html" => ".html",
        "application/xml" | "text/xml" => ".xml",
        "application/zip" => ".zip",
        "application/gzip" | "application/x-gzip" => ".gz",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "application/pdf" => ".pdf",
        _ => ".bin",
    }
}

/// A reqwest error with its causes (reqwest's own message is often just "error sending
/// request").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

fn classify(url: &str, e: &reqwest::Error) -> SendError {
    if e.is_timeout() {
        return SendError::Timeout;
    }
    if e.is_connect() {
        let host = host_header(url).unwrap_or_else(|| url.to_string());
        return SendError::Connect {
            host,
            detail: error_chain(e),
        };
    }
    if e.is_builder() {
        return SendError::Build(error_chain(e));
    }
    SendError::Transfer(error_chain(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_headers_add_what_the_client_sends() {
        let (_, op) = crate::catalog::resolve_operation("sqs", "ListQueues").unwrap();
        let settings = crate::invoke::request::ClientSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:4566".into()),
            ..Default::default()
        };
        let req = crate::invoke::request::prepare(op, &serde_json::json!({}), &settings).unwrap();
        let h = wire_headers(&req);
        assert_eq!(h[0], ("Host".to_string(), "127.0.0.1:4566".to_string()));
        assert!(h.iter().any(|(n, v)| n == "User-Agent" && v == USER_AGENT));
        assert!(h.iter().any(|(n, v)| n == "Accept" && v == "*/*"));
        assert_eq!(
            host_header("https://s3.amazonaws.com:443/b").as_deref(),
            Some("s3.amazonaws.com")
        );
    }

    #[test]
    fn extensions_follow_the_content_type() {
        assert_eq!(
            extension_for(Some("application/json; charset=utf-8")),
            ".json"
        );
        assert_eq!(extension_for(Some("Text/Plain")), ".txt");
        assert_eq!(extension_for(None), ".bin");
        assert_eq!(extension_for(Some("binary/octet-stream")), ".bin");
    }

    #[test]
    fn only_connection_failures_are_retried() {
        assert!(
            SendError::Connect {
                host: "h".into(),
                detail: "refused".into()
            }
            .retryable()
        );
        assert!(SendError::Transfer("reset".into()).retryable());
        assert!(!SendError::Timeout.retryable());
        assert!(!SendError::TooLarge { limit: 1 }.retryable());
    }
}

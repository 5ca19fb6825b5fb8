//! The call pipeline (`invoke::call`) over real HTTP against a scripted loopback server:
//! retries of throttling and 5xx answers, no retry of client errors, the call's deadline,
//! connection failures, and streaming outputs written to artifact files.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_exec_mcp::catalog;
use aws_exec_mcp::invoke::call::{CallError, CallSpec, call};
use aws_exec_mcp::invoke::client::AwsClient;
use aws_exec_mcp::invoke::http::{ArtifactTarget, SendError};
use aws_exec_mcp::invoke::parse::AwsError;
use aws_exec_mcp::invoke::request::ClientSettings;
use aws_exec_mcp::invoke::sign::Credentials;
use serde_json::{Value, json};
use tokio::time::Instant;

/// One scripted answer: status, extra headers, body, and a delay before answering.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    delay: Duration,
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        headers: vec![("Content-Type", "application/x-amz-json-1.0".to_string())],
        body: body.as_bytes().to_vec(),
        delay: Duration::ZERO,
    }
}

/// A loopback server answering each request with the next scripted answer; records the
/// request lines and headers it received.
struct Scripted {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn serve(answers: Vec<Answer>) -> Scripted {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        let mut answers = answers.into_iter();
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            // One request per connection is enough: answers close the connection.
            let Some(a) = answers.next() else { return };
            handle(stream, a, &seen2);
        }
    });
    Scripted { url, seen }
}

fn handle(stream: TcpStream, a: Answer, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    seen.lock().unwrap().push(head);
    std::thread::sleep(a.delay);
    let mut out = stream;
    let mut text = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        a.status,
        a.body.len()
    );
    for (n, v) in &a.headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("\r\n");
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(&a.body);
}

fn op(service: &str, name: &str) -> u32 {
    catalog::resolve_operation(service, name).unwrap().1
}

fn settings(url: &str) -> ClientSettings {
    ClientSettings {
        region: Some("us-east-1".into()),
        endpoint_url: Some(url.to_string()),
        ..Default::default()
    }
}

fn creds() -> Credentials {
    Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "secret".into(),
        ..Default::default()
    }
}

fn client() -> Arc<AwsClient> {
    Arc::new(AwsClient::new(Arc::new(
        aws_exec_mcp::config::Config::default(),
    )))
}

async fn run(
    url: &str,
    service: &str,
    operation: &str,
    input: Value,
    timeout: Duration,
    artifacts: Option<&ArtifactTarget>,
) -> Result<aws_exec_mcp::invoke::call::CallOutput, CallError> {
    let aws = client();
    let s = settings(url);
    let c = creds();
    let spec = CallSpec {
        op: op(service, operation),
        input: &input,
        settings: &s,
        credentials: Some(&c),
        deadline: Instant::now() + timeout,
        max_attempts: 3,
        artifacts,
    };
    call(aws.http().unwrap(), &spec).await
}

#[tokio::test]
async fn throttling_and_5xx_are_retried_then_succeed() {
    let server = serve(vec![
        answer(
            400,
            r#"{"__type":"com.amazonaws.sqs#ThrottlingException","message":"slow down"}"#,
        ),
        answer(503, ""),
        answer(200, r#"{"QueueUrls":["http://q/1"]}"#),
    ]);
    let out = run(
        &server.url,
        "sqs",
        "ListQueues",
        json!({}),
        Duration::from_secs(30),
        None,
    )
    .await
    .unwrap();
    assert_eq!(out.attempts, 3);
    assert_eq!(out.output["QueueUrls"][0], "http://q/1");
    let seen = server.seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    // Each attempt is signed afresh and names the server.
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("authorization: aws4-hmac-sha256")
    );
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("user-agent: aws-exec-mcp/")
    );
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = serve(vec![
        Answer {
            headers: vec![
                ("Content-Type", "application/x-amz-json-1.0".to_string()),
                ("x-amzn-RequestId", "req-1".to_string()),
            ],
            ..answer(
                400,
                r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"no queue"}"#,
            )
        },
        answer(200, "{}"),
    ]);
    let err = run(
        &server.url,
        "sqs",
        "GetQueueUrl",
        json!({"QueueName": "q"}),
        Duration::from_secs(30),
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(err.attempts(), 1);
    let CallError::Aws {
        error: AwsError::Service(e),
        ..
    } = err
    else {
        panic!("expected an AWS error, got {err:?}");
    };
    assert_eq!(e.code, "QueueDoesNotExist");
    assert_eq!(e.request_id.as_deref(), Some("req-1"));
    assert!(!e.retryable);
    assert_eq!(server.seen.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_deadline_ends_a_slow_call() {
    let server = serve(vec![Answer {
        delay: Duration::from_secs(5),
        ..answer(200, "{}")
    }]);
    let started = std::time::Instant::now();
    let err = run(
        &server.url,
        "sqs",
        "ListQueues",
        json!({}),
        Duration::from_millis(300),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            CallError::Send {
                error: SendError::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn refused_connections_are_network_errors_after_retries() {
    // A port nothing listens on: bind, note the port, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = run(
        &format!("http://127.0.0.1:{port}"),
        "sqs",
        "ListQueues",
        json!({}),
        Duration::from_secs(30),
        None,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            CallError::Send {
                error: SendError::Connect { .. },
                attempts: 3
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn streaming_outputs_go_to_an_artifact_file() {
    let body = b"hello artifact".to_vec();
    let server = serve(vec![Answer {
        status: 200,
        headers: vec![
            ("Content-Type", "text/plain".to_string()),
            ("ETag", "\"abc\"".to_string()),
        ],
        body: body.clone(),
        delay: Duration::ZERO,
    }]);
    let dir = std::env::temp_dir().join(format!("aws-exec-mcp-artifacts-{}", std::process::id()));
    let target = ArtifactTarget {
        dir: dir.clone(),
        stem: "s3-GetObject".into(),
        keep_head: 1024,
    };
    let out = run(
        &format!("{}/", server.url),
        "s3",
        "GetObject",
        json!({"Bucket": "b", "Key": "k.txt"}),
        Duration::from_secs(30),
        Some(&target),
    )
    .await
    .unwrap();
    assert_eq!(out.output["ETag"], "\"abc\"");
    assert!(out.output.get("Body").is_none());
    let (member, artifact) = out.artifact.expect("artifact");
    assert_eq!(member, "Body");
    assert_eq!(std::fs::read(&artifact.path).unwrap(), body);
    assert_eq!(artifact.size, body.len() as u64);
    assert_eq!(artifact.sha256, sha256_hex(&body));
    assert!(artifact.path.extension().is_some_and(|e| e == "txt"));
    assert_eq!(artifact.head, body);
    let _ = std::fs::remove_dir_all(&dir);
}

/// SHA-256 with an independent implementation (the platform's `sha256sum`).
fn sha256_hex(data: &[u8]) -> String {
    let mut child = std::process::Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(data).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

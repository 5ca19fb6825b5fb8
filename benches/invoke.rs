//! Our own overhead per invoke, without a real service's latency: `aws_execute` invoke run
//! in process against a loopback HTTP server that answers at once (keep-alive), beside the same
//! HTTP exchange done with a bare reqwest client (the network floor). The difference is what the
//! server adds per call: argument parsing and validation, credentials and identity (cached),
//! client settings, serialization, signing, response parsing and the result JSON. Also the
//! parts alone: validate, prepare + sign, parse.
//!
//! Then the same invokes with the audit log on (the shipped default; a scratch database and
//! artifact directory, `BENCH_ARTIFACT_MAX=0` for rows only): latency, and the process's CPU
//! time per call (writer and file threads included) beside the same without it.
//!
//! `cargo bench --bench invoke` prints one line per case and a JSON line; target: overhead
//! under 0.3 ms per call.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use aws_exec_mcp::catalog;
use aws_exec_mcp::config::Config;
use aws_exec_mcp::invoke::parse::{HttpResponse, ParseOptions, parse_response};
use aws_exec_mcp::invoke::request::{self, ClientSettings};
use aws_exec_mcp::invoke::sign::{self, Credentials, SignatureMode};
use aws_exec_mcp::principal::Principal;
use aws_exec_mcp::tools::{Shared, ToolContext, execute};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const STS_BODY: &str = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
const SQS_BODY: &str =
    r#"{"QueueUrls":["http://127.0.0.1/123456789012/a","http://127.0.0.1/123456789012/b"]}"#;
const DDB_BODY: &str = r#"{"TableNames":["t1","t2","t3"]}"#;

/// Answers every request on a connection at once, by what it asks for.
async fn serve(listener: tokio::net::TcpListener) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut reader = BufReader::new(read);
            loop {
                let mut head = String::new();
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
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
                if reader.read_exact(&mut body).await.is_err() {
                    return;
                }
                let (ctype, answer) =
                    if String::from_utf8_lossy(&body).contains("GetCallerIdentity") {
                        ("text/xml", STS_BODY)
                    } else if head.contains("AmazonSQS.ListQueues") {
                        ("application/x-amz-json-1.0", SQS_BODY)
                    } else {
                        ("application/x-amz-json-1.0", DDB_BODY)
                    };
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nx-amzn-RequestId: bench\r\nContent-Length: {}\r\n\r\n{answer}",
                    answer.len()
                );
                if write.write_all(reply.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

/// CPU time of this process so far (user + system, all threads), from /proc/self/stat in
/// clock ticks (USER_HZ, 100 on Linux).
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, s)| s.split_whitespace().collect())
        .unwrap_or_default();
    let field = |n: usize| {
        fields
            .get(n - 3)
            .and_then(|x| x.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((field(14) + field(15)) * 10)
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6;
    (p(0.5), p(0.95))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    runtime.spawn(serve(listener));
    // The credential chain reads these (the bench is single-threaded here).
    unsafe {
        std::env::set_var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        std::env::set_var("AWS_SECRET_ACCESS_KEY", "secret");
        std::env::set_var("AWS_ENDPOINT_URL", &endpoint);
        std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        std::env::set_var("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        std::env::set_var(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        );
    }
    let ctx = ToolContext::new(
        Principal::Local,
        Shared::local(Arc::new(Config::default()))
            .with_audit(aws_exec_mcp::audit::AuditLog::disabled()),
    );
    // The same calls with the audit log on (the shipped default), in a scratch directory.
    let scratch = std::env::temp_dir().join(format!("aws-exec-mcp-bench-{}", std::process::id()));
    let audit_config = aws_exec_mcp::audit::AuditConfig {
        sqlite_path: scratch.join("audit.sqlite"),
        artifact_dir: scratch.join("artifacts").join("audit"),
        artifact_max_bytes: std::env::var("BENCH_ARTIFACT_MAX")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1 << 20),
        ..aws_exec_mcp::audit::AuditConfig::default()
    };
    let audited = ToolContext::new(
        Principal::Local,
        Shared::local(Arc::new(Config::default()))
            .with_audit(aws_exec_mcp::audit::AuditLog::open(&audit_config).expect("audit log")),
    );
    let rounds = 2000;
    let mut report = Vec::new();
    for (svc, op, payload) in [
        ("sqs", "ListQueues", json!({"QueueNamePrefix": "a"})),
        ("dynamodb", "ListTables", json!({"Limit": 10})),
    ] {
        let args = json!({"action": "invoke", "service": svc, "operation": op,
            "payload": payload, "region": "us-east-1"});
        let validate_args = json!({"action": "validate", "service": svc, "operation": op,
            "payload": payload});
        // Warm up (connection, credentials, identity), then time `rounds` invokes.
        let timed = |ctx: &ToolContext| -> Vec<Duration> {
            for _ in 0..50 {
                let r = runtime.block_on(execute::run(ctx, &args));
                assert!(r.is_ok(), "{svc} {op}: {:?}", r.err());
            }
            (0..rounds)
                .map(|_| {
                    let t = Instant::now();
                    let r = runtime.block_on(execute::run(ctx, &args));
                    std::hint::black_box(r.map(|o| o.to_json_text()).ok());
                    t.elapsed()
                })
                .collect()
        };
        let ours = timed(&ctx);

        // With the audit log: latency, and the CPU time of the whole process per call (the
        // writer and file threads included, warm-up and flush too), beside the same without
        // it.
        let per_call = |cpu: Duration| cpu.as_secs_f64() * 1e6 / (rounds + 50) as f64;
        let c0 = process_cpu();
        std::hint::black_box(timed(&ctx));
        let cpu_plain = per_call(process_cpu() - c0);
        let c0 = process_cpu();
        let with_audit = timed(&audited);
        runtime.block_on(audited.shared.audit.flush());
        let cpu_audit = per_call(process_cpu() - c0);

        // The network floor: the same prepared request sent with a bare reqwest client.
        let (_, opi) = catalog::resolve_operation(svc, op).expect("op");
        let settings = ClientSettings {
            region: Some("us-east-1".into()),
            endpoint_url: Some(endpoint.clone()),
            ..ClientSettings::default()
        };
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: "secret".into(),
            ..Credentials::default()
        };
        let mut prepared = request::prepare(opi, &payload, &settings).expect("prepare");
        sign::sign_request(
            &mut prepared,
            Some(&creds),
            SystemTime::now(),
            SignatureMode::Headers,
            false,
        )
        .expect("sign");
        let bare = reqwest::Client::builder()
            .tcp_nodelay(true)
            .build()
            .expect("client");
        let send = || {
            let mut b = bare.post(&prepared.url).body(prepared.body.clone());
            for (n, v) in &prepared.headers {
                b = b.header(n, v);
            }
            b
        };
        for _ in 0..50 {
            runtime.block_on(async {
                send()
                    .send()
                    .await
                    .expect("send")
                    .bytes()
                    .await
                    .expect("body")
            });
        }
        let floor: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                runtime.block_on(async {
                    std::hint::black_box(
                        send()
                            .send()
                            .await
                            .expect("send")
                            .bytes()
                            .await
                            .expect("body"),
                    )
                });
                t.elapsed()
            })
            .collect();

        // The parts alone.
        let validate: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(execute::validate(&ctx, &validate_args).is_ok());
                t.elapsed()
            })
            .collect();
        let prepare_sign: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                let mut req = request::prepare(opi, &payload, &settings).expect("prepare");
                sign::sign_request(
                    &mut req,
                    Some(&creds),
                    SystemTime::now(),
                    SignatureMode::Headers,
                    false,
                )
                .expect("sign");
                std::hint::black_box(req);
                t.elapsed()
            })
            .collect();
        let body = if svc == "sqs" { SQS_BODY } else { DDB_BODY };
        let resp = HttpResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/x-amz-json-1.0".into())],
            body: body.as_bytes().to_vec(),
        };
        let parse: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(parse_response(opi, &resp, &ParseOptions::default()).is_ok());
                t.elapsed()
            })
            .collect();

        let svc_idx = catalog::resolve_service(svc).expect("service");
        let settings_time: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(ctx.shared.aws.settings(svc_idx, None, "us-east-1").is_ok());
                t.elapsed()
            })
            .collect();
        let identity_request = aws_exec_mcp::credentials::IdentityRequest::default();
        let session_time: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                let s = runtime.block_on(ctx.shared.credentials.session(
                    &ctx.principal,
                    &identity_request,
                    "us-east-1",
                ));
                std::hint::black_box(s.is_ok());
                t.elapsed()
            })
            .collect();
        let (o50, o95) = percentiles(ours);
        let (a50, a95) = percentiles(with_audit);
        let (f50, f95) = percentiles(floor);
        let (v50, _) = percentiles(validate);
        let (s50, _) = percentiles(prepare_sign);
        let (p50, _) = percentiles(parse);
        let (set50, _) = percentiles(settings_time);
        let (ses50, _) = percentiles(session_time);
        println!(
            "{svc} {op}: invoke p50 {o50:.1} µs (p95 {o95:.1}), bare HTTP p50 {f50:.1} µs (p95 {f95:.1}), \
             overhead p50 {:.1} µs [validate {v50:.1}, settings {set50:.1}, session {ses50:.1}, \
             prepare+sign {s50:.1}, parse {p50:.1} µs]",
            o50 - f50
        );
        println!(
            "{svc} {op}: with the audit log p50 {a50:.1} µs (p95 {a95:.1}): +{:.1} µs; process CPU \
             per call {cpu_audit:.1} µs with it, {cpu_plain:.1} µs without (+{:.1} µs)",
            a50 - o50,
            cpu_audit - cpu_plain
        );
        report.push(
            json!({"case": format!("{svc} {op}"), "invoke_p50_us": o50, "invoke_p95_us": o95,
            "bare_http_p50_us": f50, "overhead_p50_us": o50 - f50, "validate_p50_us": v50,
            "prepare_sign_p50_us": s50, "parse_p50_us": p50, "settings_p50_us": set50,
            "session_p50_us": ses50, "audit_invoke_p50_us": a50, "audit_invoke_p95_us": a95,
            "cpu_per_call_us": cpu_plain, "audit_cpu_per_call_us": cpu_audit}),
        );
    }
    audited.shared.audit.shutdown(Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "{}",
        json!({"bench": "invoke-overhead", "target_overhead_us": 300, "cases": Value::Array(report)})
    );
}

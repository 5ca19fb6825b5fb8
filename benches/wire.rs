//! In-process timings of the wire: serialize + sign (request::prepare, sign::sign_request) and
//! parse (parse::parse_response), on the cases scripts/bench_wire.py writes
//! (`target/bench-wire-cases.jsonl`, passed as the first argument). Prints one JSON line per
//! case: `{name, p50_us, p95_us}`; bench_wire.py prints them beside botocore's.

use std::time::{Duration, Instant, SystemTime};

use aws_exec_mcp::catalog;
use aws_exec_mcp::invoke::parse::{HttpResponse, ParseOptions, parse_response};
use aws_exec_mcp::invoke::request::{self, ClientSettings, TokenFill};
use aws_exec_mcp::invoke::serialize::BlobInput;
use aws_exec_mcp::invoke::sign::{self, Credentials, SignatureMode};
use serde_json::Value;

/// mimalloc: the JSON trees of large responses are many small allocations, which glibc's
/// allocator serves at about half the speed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn measure(rounds: usize, mut f: impl FnMut() -> bool) -> (f64, f64) {
    for _ in 0..5 {
        assert!(f(), "the case fails");
    }
    let mut samples: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e6;
    (p(0.5), p(0.95))
}

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with('-')) else {
        eprintln!(
            "usage: cargo bench --bench wire -- target/bench-wire-cases.jsonl (made by scripts/bench_wire.py)"
        );
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let settings = ClientSettings {
        region: Some("us-east-1".into()),
        blobs: BlobInput::Text,
        idempotency_token: TokenFill::Fixed("00000000-0000-4000-8000-000000000000".into()),
        ..ClientSettings::default()
    };
    let creds = Credentials {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
        ..Credentials::default()
    };
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Value = serde_json::from_str(line).expect("case JSON");
        let req = &case["req"];
        let (svc, op) = catalog::resolve_operation(
            req["service"].as_str().unwrap_or_default(),
            req["operation"].as_str().unwrap_or_default(),
        )
        .expect("operation in the catalog");
        let _ = svc;
        let big = line.len() > 100_000;
        let rounds = if big { 50 } else { 2000 };
        let (p50, p95) = match req["cmd"].as_str() {
            Some("serialize") => {
                let params = req["params"].clone();
                measure(rounds, || {
                    let Ok(mut prepared) = request::prepare(op, &params, &settings) else {
                        return false;
                    };
                    sign::sign_request(
                        &mut prepared,
                        Some(&creds),
                        time,
                        SignatureMode::Headers,
                        false,
                    )
                    .is_ok()
                })
            }
            _ => {
                let resp = HttpResponse {
                    status: req["status"].as_u64().unwrap_or(200) as u16,
                    headers: req["headers"]
                        .as_object()
                        .map(|h| {
                            h.iter()
                                .map(|(k, v)| {
                                    (k.clone(), v.as_str().unwrap_or_default().to_string())
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    body: req["body"].as_str().unwrap_or_default().as_bytes().to_vec(),
                };
                let opts = ParseOptions::default();
                measure(rounds, || parse_response(op, &resp, &opts).is_ok())
            }
        };
        println!(
            "{}",
            serde_json::json!({"name": case["name"], "p50_us": p50, "p95_us": p95})
        );
    }
}

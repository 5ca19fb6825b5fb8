//! In-process timings of the three tools (no pipe, no JSON-RPC): what the server itself spends
//! per call. `cargo bench --bench tools` prints p50/p95 per case; scripts/bench.py measures the
//! same calls end to end over stdio.

use std::time::{Duration, Instant};

use aws_exec_mcp::tools::{ToolContext, execute, schema, search};
use serde_json::{Value, json};

/// mimalloc: the JSON trees of large responses are many small allocations, which glibc's
/// allocator serves at about half the speed.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn time(name: &str, rounds: usize, f: impl FnMut() -> bool) {
    time_with_setup(name, rounds, || {}, f);
}

/// Like [`time`], running `setup` (not timed) before each call.
fn time_with_setup(
    name: &str,
    rounds: usize,
    mut setup: impl FnMut(),
    mut f: impl FnMut() -> bool,
) {
    // Warm-up (lazy caches, page faults), then measure each call.
    for _ in 0..3 {
        f();
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(rounds);
    let mut failures = 0;
    for _ in 0..rounds {
        setup();
        let t = Instant::now();
        failures += usize::from(!f());
        samples.push(t.elapsed());
    }
    samples.sort();
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<40} p50 {:>9.1} µs  p95 {:>9.1} µs  max {:>9.1} µs{}",
        p(0.5).as_secs_f64() * 1e6,
        p(0.95).as_secs_f64() * 1e6,
        p(1.0).as_secs_f64() * 1e6,
        if failures > 0 {
            format!("  ({failures} tool errors)")
        } else {
            String::new()
        }
    );
}

fn main() {
    let me = ToolContext::local_default();
    let queries = [
        "list my s3 buckets",
        "stop an ec2 instance",
        "DescribeLogGroups",
        "aws lambda get-function",
        "descibe secruity groups",
        "create a managed postgres database",
        "who am I logged in as",
        "list clusters",
        "kubernetes node groups",
        "attach policy to role",
    ];
    for q in queries {
        let args = json!({"query": q});
        time(&format!("search {q:?}"), 200, || {
            search::run(&me, &args).is_ok()
        });
    }
    // The same queries taken in turn: no query finds its data still in the CPU caches, as in a
    // session where every call asks something else.
    let mixed: Vec<Value> = queries.iter().map(|q| json!({"query": q})).collect();
    let mut next = mixed.iter().cycle();
    time("search, the queries above in turn", 2000, || {
        next.next().is_some_and(|a| search::run(&me, a).is_ok())
    });
    // Again, with the CPU caches flushed before each call (a 32 MiB buffer written through, not
    // timed): what a query costs when the client and other processes ran in between, as over
    // stdio.
    let mut flush = vec![0u8; 32 << 20];
    let mut round = 0u8;
    let mut next = mixed.iter().cycle();
    time_with_setup(
        "search, in turn, caches flushed",
        600,
        || {
            round = round.wrapping_add(1);
            for byte in flush.iter_mut().step_by(64) {
                *byte = byte.wrapping_add(round);
            }
            std::hint::black_box(&flush);
        },
        || next.next().is_some_and(|a| search::run(&me, a).is_ok()),
    );
    for (svc, op) in [
        ("ec2", "RunInstances"),
        ("s3", "PutObject"),
        ("dynamodb", "Query"),
    ] {
        let args = json!({"service": svc, "operation": op});
        time(&format!("schema {svc}:{op} (cached reply)"), 200, || {
            schema::run(&me, &args).is_ok()
        });
        // What a first call costs: rendering the schema from the shape graph and serialising it.
        let Ok((_, op_idx)) = aws_exec_mcp::catalog::resolve_operation(svc, op) else {
            println!("schema {svc}:{op}: not in this build");
            continue;
        };
        time(&format!("schema {svc}:{op} (first render)"), 200, || {
            !aws_exec_mcp::schema::operation_input_schema(op_idx)
                .to_string()
                .is_empty()
        });
    }
    let validates: [(&str, &str, Value); 3] = [
        (
            "s3",
            "PutObject",
            json!({"Bucket": "b", "Key": "k", "Body": "aGVsbG8="}),
        ),
        (
            "dynamodb",
            "Query",
            json!({"TableName": "t", "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
        ),
        (
            "ec2",
            "RunInstances",
            json!({"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1}),
        ),
    ];
    for (svc, op, payload) in validates {
        let args =
            json!({"action": "validate", "service": svc, "operation": op, "payload": payload});
        time(&format!("validate {svc}:{op}"), 500, || {
            execute::validate(&me, &args).is_ok()
        });
    }
    // Endpoint rules: the first resolve of each service (in a fresh process: nothing of the
    // rule set is cached yet), then later ones. The partition table is loaded first so that
    // its one-time cost is not counted in the first service's figure.
    let t = Instant::now();
    let partitions = aws_exec_mcp::invoke::endpoint::partitions::partition_of("us-east-1");
    println!(
        "endpoint partitions: read once in {:.1} µs{}",
        t.elapsed().as_secs_f64() * 1e6,
        if partitions.is_some() {
            ""
        } else {
            " (failed)"
        }
    );
    for (svc, params) in [
        (
            "s3",
            json!({"Region": "eu-west-1", "Bucket": "my-bucket", "UseFIPS": false}),
        ),
        ("sts", json!({"Region": "us-east-1"})),
        ("ec2", json!({"Region": "cn-north-1", "UseDualStack": true})),
    ] {
        let Ok(s) = aws_exec_mcp::catalog::resolve_service(svc) else {
            println!("endpoint {svc}: not in this build");
            continue;
        };
        let params = params.as_object().cloned().unwrap_or_default();
        let t = Instant::now();
        let first = aws_exec_mcp::invoke::endpoint::resolve_service(s, &params).is_ok();
        println!(
            "endpoint {svc}: first resolve {:.1} µs{}",
            t.elapsed().as_secs_f64() * 1e6,
            if first { "" } else { " (failed)" }
        );
        time(&format!("endpoint {svc} resolve"), 2000, || {
            aws_exec_mcp::invoke::endpoint::resolve_service(s, &params).is_ok()
        });
    }
}

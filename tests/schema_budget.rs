//! Every operation's default `aws_get_operation_schema` answer fits its budget (12 KB of JSON
//! text), and what the compact answer leaves out is reachable: `path` for one part (a large
//! enum's full list included), `detail: "full"` for everything.

use std::time::Instant;

use aws_exec_mcp::catalog;
use aws_exec_mcp::tools::schema::COMPACT_REPLY_BYTES;
use aws_exec_mcp::tools::{ErrorType, ToolContext, schema};
use serde_json::{Value, json};

fn reply(ctx: &ToolContext, args: Value) -> Value {
    match schema::run(ctx, &args) {
        Ok(out) => out.into_value().expect("JSON reply"),
        Err(e) => panic!("{args}: {}", e.to_text()),
    }
}

#[test]
fn every_default_schema_fits_its_budget() {
    let ctx = ToolContext::local_default();
    let cat = catalog::get();
    let started = Instant::now();
    let mut sizes: Vec<(usize, String)> = Vec::with_capacity(cat.operations.len());
    let mut compacted = 0;
    for (i, op) in cat.operations.iter().enumerate() {
        let service = catalog::service(op.service.to_native()).name.as_str();
        let text = match schema::run(
            &ctx,
            &json!({"service": service, "operation": op.name.as_str()}),
        ) {
            Ok(out) => out.to_json_text(),
            Err(e) => panic!("{service} {}: {}", op.name.as_str(), e.to_text()),
        };
        if text.contains("\"compacted\"") {
            compacted += 1;
        }
        sizes.push((text.len(), format!("{service} {} ({i})", op.name.as_str())));
    }
    let elapsed = started.elapsed();
    sizes.sort();
    let pct = |p: usize| sizes[(sizes.len() - 1) * p / 100].0;
    println!(
        "{} operations in {elapsed:.2?}: median {} B, p95 {} B, p99 {} B, max {} B ({}); {compacted} compacted",
        sizes.len(),
        pct(50),
        pct(95),
        pct(99),
        sizes.last().map_or(0, |s| s.0),
        sizes.last().map_or("", |s| s.1.as_str()),
    );
    let over: Vec<&(usize, String)> = sizes.iter().filter(|s| s.0 > COMPACT_REPLY_BYTES).collect();
    assert!(
        over.is_empty(),
        "{} over {COMPACT_REPLY_BYTES} B: {:?}",
        over.len(),
        &over[..over.len().min(10)]
    );
}

#[test]
fn path_and_full_give_what_compact_leaves_out() {
    let ctx = ToolContext::local_default();
    let compact = reply(&ctx, json!({"service": "ec2", "operation": "RunInstances"}));
    assert!(
        compact["compacted"]["enums"].as_u64().unwrap_or(0) >= 1,
        "{}",
        compact["compacted"]
    );
    let it = &compact["schema"]["properties"]["InstanceType"];
    assert!(it.get("enum").is_none(), "{it}");
    let text = it["description"].as_str().unwrap_or_default();
    assert!(
        text.contains("values") && text.contains("path \"/InstanceType\""),
        "{text}"
    );

    // The full list through `path`.
    let part = reply(
        &ctx,
        json!({"service": "ec2", "operation": "RunInstances", "path": "/InstanceType"}),
    );
    assert_eq!(part["path"], "/InstanceType");
    let values = part["schema"]["enum"].as_array().expect("the whole enum");
    assert!(values.len() > 500 && values.contains(&json!("t3.micro")));

    // Nested parts: list items and structure members, any letter case.
    let part = reply(
        &ctx,
        json!({"service": "ec2", "operation": "RunInstances", "path": "/blockDeviceMappings/items/Ebs"}),
    );
    assert!(
        part["schema"]["properties"]["VolumeSize"].is_object(),
        "{part}"
    );

    // A wrong path names what may follow.
    let e = schema::run(
        &ctx,
        &json!({"service": "ec2", "operation": "RunInstances", "path": "/BlockDeviceMappings/Nope"}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidArguments);
    assert!(
        e.message.contains("/BlockDeviceMappings/Nope"),
        "{}",
        e.message
    );
    assert_eq!(e.details["expected"], json!(["items"]));

    // detail "full": everything, larger than the budget.
    let full = schema::run(
        &ctx,
        &json!({"service": "quicksight", "operation": "CreateDashboard", "detail": "full"}),
    )
    .unwrap()
    .to_json_text();
    assert!(full.len() > 200_000, "{}", full.len());
    assert!(!full.contains("\"compacted\""));
    let e = schema::run(
        &ctx,
        &json!({"service": "s3", "operation": "PutObject", "detail": "most"}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidArguments);

    // Small schemas stay whole; above 4 KB optional members' descriptions are cut to a
    // sentence, and the members all stay.
    let small = reply(&ctx, json!({"service": "sqs", "operation": "GetQueueUrl"}));
    assert!(small.get("compacted").is_none(), "small schemas stay whole");
    let put = reply(&ctx, json!({"service": "s3", "operation": "PutObject"}));
    assert_eq!(put["compacted"]["structures"], 0, "{}", put["compacted"]);
    assert_eq!(put["compacted"]["members"], 0);
    let full = reply(
        &ctx,
        json!({"service": "s3", "operation": "PutObject", "detail": "full"}),
    );
    assert_eq!(
        put["schema"]["properties"].as_object().map(|m| m.len()),
        full["schema"]["properties"].as_object().map(|m| m.len())
    );
}

//! Input schemas and payload validation over the real catalog.
//!
//! - every operation of ~30 common services: the schema is valid draft 2020-12 (meta-validated
//!   and compiled by the `jsonschema` crate), and its skeleton example validates against the
//!   schema and passes `validate_input`;
//! - every catalog pattern compiles with the engine the validator uses;
//! - targeted cases: enums, recursion through `$defs`, unions, blobs, timestamps, prelude
//!   targets, Java patterns (`\p{..}`, look-around), unknown-member suggestions, list length;
//! - the tools' argument handling and error results;
//! - intEnum, sparse lists and self-recursive inputs on a small hand-built catalog (the pinned
//!   AWS models have no intEnum at all).
//!
//! Latency figures: `cargo test --release --test schema_conformance -- --ignored --nocapture`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use std::time::Instant;

use aws_exec_mcp::catalog;
use aws_exec_mcp::schema::{operation_input_schema, render_operation_in};
use aws_exec_mcp::tools::{ErrorType, ToolContext, execute, schema};
use aws_exec_mcp::validate::{IssueKind, ValidationIssue, validate_input, validate_input_in};
use catalog_format::format::*;
use serde_json::{Value, json};

/// Canonical model-directory names of the services checked operation by operation.
const SERVICES: &[&str] = &[
    "s3",
    "ec2",
    "dynamodb",
    "lambda",
    "iam",
    "sqs",
    "sns",
    "sts",
    "kms",
    "rds",
    "ecs",
    "eks",
    "cloudformation",
    "cloudwatch",
    "cloudwatch-logs",
    "secrets-manager",
    "ssm",
    "route-53",
    "ecr",
    "sfn",
    "glue",
    "athena",
    "sagemaker",
    "bedrock",
    "bedrock-runtime",
    "organizations",
    "cost-explorer",
    "kinesis",
    "api-gateway",
    "inspector2",
];

fn op(service: &str, operation: &str) -> u32 {
    catalog::resolve_operation(service, operation)
        .unwrap_or_else(|e| panic!("{service} {operation}: {e}"))
        .1
}

fn compiled(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::options()
        .with_pattern_options(jsonschema::PatternOptions::fancy_regex().size_limit(1 << 26))
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema:#}"))
}

fn issues(service: &str, operation: &str, payload: Value) -> Vec<ValidationIssue> {
    validate_input(op(service, operation), &payload)
}

fn has(issues: &[ValidationIssue], kind: IssueKind, path: &str) -> bool {
    issues.iter().any(|i| i.kind == kind && i.path == path)
}

fn show(issues: &[ValidationIssue]) -> String {
    issues
        .iter()
        .map(|i| {
            format!(
                "{} {} — {} (hint: {})",
                i.kind.as_str(),
                i.path,
                i.message,
                i.hint
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts whether validating `payload` reports a pattern mismatch at `path`.
#[track_caller]
fn expect_pattern(service: &str, operation: &str, payload: Value, path: &str, mismatch: bool) {
    let found = issues(service, operation, payload);
    assert_eq!(
        has(&found, IssueKind::PatternMismatch, path),
        mismatch,
        "{service} {operation} {path}: {}",
        show(&found)
    );
}

/// Checks every operation of the given services; returns (operations checked, failures).
fn check_services<'a>(names: impl Iterator<Item = &'a str>) -> (usize, Vec<String>) {
    let mut checked = 0;
    let mut failures = Vec::new();
    for name in names {
        let Some(s) = catalog::find_service(name) else {
            assert!(
                catalog::get().snapshot.slim,
                "service {name} missing from the full catalog"
            );
            continue;
        };
        assert_eq!(
            catalog::service(s).name.as_str(),
            name,
            "not a canonical name"
        );
        for o in catalog::service_operations(s) {
            checked += 1;
            let label = format!("{name} {}", catalog::operation(o).name.as_str());
            let schema = operation_input_schema(o);
            if let Err(e) = jsonschema::meta::validate(&schema) {
                failures.push(format!("{label}: not valid draft 2020-12: {e}"));
                continue;
            }
            let validator = match jsonschema::draft202012::options()
                .with_pattern_options(jsonschema::PatternOptions::fancy_regex().size_limit(1 << 26))
                .build(&schema)
            {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{label}: does not compile: {e}"));
                    continue;
                }
            };
            let Some(skeleton) = schema["examples"].get(0) else {
                failures.push(format!("{label}: no skeleton example"));
                continue;
            };
            for error in validator.iter_errors(skeleton).take(3) {
                failures.push(format!(
                    "{label}: skeleton fails the schema: {error} at {}",
                    error.instance_path()
                ));
            }
            let found = validate_input(o, skeleton);
            if !found.is_empty() {
                failures.push(format!(
                    "{label}: skeleton fails validate_input: {}",
                    show(&found)
                ));
            }
            // A model example, when included, validates too.
            if let Some(example) = schema["examples"].get(1)
                && (!validator.is_valid(example) || !validate_input(o, example).is_empty())
            {
                failures.push(format!("{label}: model example does not validate"));
            }
        }
    }
    (checked, failures)
}

#[test]
fn every_operation_of_30_services_has_a_valid_schema_and_skeleton() {
    let (checked, failures) = check_services(SERVICES.iter().copied());
    println!("{checked} operations checked");
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    if !catalog::get().snapshot.slim {
        assert!(checked > 2500, "only {checked} operations");
    }
}

/// The same over the whole catalog (~16k operations; slow in debug builds).
#[test]
#[ignore = "whole catalog; run with --release --ignored"]
fn every_operation_of_every_service_has_a_valid_schema_and_skeleton() {
    let names: Vec<&str> = catalog::get()
        .services
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    let (checked, failures) = check_services(names.into_iter());
    println!(
        "{checked} operations checked, {} failure(s)",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_catalog_pattern_compiles() {
    let mut plain = 0;
    let mut fancy = 0;
    let mut failed = Vec::new();
    for (i, p) in catalog::get().patterns.iter().enumerate() {
        let t = p.translated.as_str();
        if t.is_empty() {
            failed.push(format!("#{i} untranslated: {}", p.source.as_str()));
            continue;
        }
        let ok = if p.needs_fancy {
            fancy += 1;
            fancy_regex::Regex::new(t)
                .map(|_| ())
                .map_err(|e| e.to_string())
        } else {
            plain += 1;
            regex::Regex::new(t).map(|_| ()).map_err(|e| e.to_string())
        };
        if let Err(e) = ok {
            failed.push(format!("#{i} {} -> {t}: {e}", p.source.as_str()));
        }
    }
    println!(
        "patterns: {plain} regex, {fancy} fancy-regex, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn schema_top_level_shape_and_examples() {
    let s = operation_input_schema(op("s3", "PutObject"));
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["type"], "object");
    assert_eq!(s["additionalProperties"], false);
    let required: Vec<&str> = s["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        required.contains(&"Bucket") && required.contains(&"Key"),
        "{required:?}"
    );
    // Blobs are base64 strings; a streaming body is described.
    let body = &s["properties"]["Body"];
    assert_eq!(body["type"], "string");
    assert_eq!(body["contentEncoding"], "base64");
    assert!(
        body["description"].as_str().unwrap().contains("Streaming"),
        "{body}"
    );
    // Enums carry their values.
    let acl = &s["properties"]["ACL"];
    let acl = if let Some(r) = acl["$ref"].as_str() {
        &s["$defs"][r.trim_start_matches("#/$defs/")]
    } else {
        acl
    };
    assert!(
        acl["enum"].as_array().unwrap().contains(&json!("private")),
        "{acl}"
    );
    // Timestamps are date-time strings.
    assert_eq!(s["properties"]["Expires"]["format"], "date-time");
    // The skeleton holds exactly the required members.
    let skeleton = s["examples"][0].as_object().unwrap();
    let mut keys: Vec<&str> = skeleton.keys().map(String::as_str).collect();
    keys.sort();
    let mut req = required.clone();
    req.sort();
    assert_eq!(keys, req);
    // No input: an empty closed object.
    let s = operation_input_schema(op("s3", "ListBuckets"));
    assert_eq!(s["type"], "object");
    assert_eq!(s["examples"][0], json!({}));
}

#[test]
fn recursive_shapes_go_to_defs() {
    let s = operation_input_schema(op("dynamodb", "PutItem"));
    let defs = s["$defs"].as_object().expect("$defs");
    let av = defs.get("AttributeValue").expect("AttributeValue in $defs");
    assert_eq!(av["minProperties"], 1);
    assert_eq!(av["maxProperties"], 1);
    assert_eq!(
        av["properties"]["M"]["additionalProperties"]["$ref"],
        "#/$defs/AttributeValue"
    );
    assert_eq!(av["properties"]["B"]["contentEncoding"], "base64");
    // Every $ref points at an existing definition.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&s, &mut all);
    for r in all {
        let name = r
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("odd ref {r}"));
        assert!(defs.contains_key(name), "dangling {r}");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        );
    }
    let v = compiled(&s);
    let good = json!({"TableName": "t", "Item": {"a": {"M": {"b": {"L": [{"S": "x"}, {"N": "1"}, {"BOOL": true}]}}}}});
    assert!(v.is_valid(&good));
    assert!(validate_input(op("dynamodb", "PutItem"), &good).is_empty());
}

#[test]
fn unions_need_exactly_one_member_and_paths_are_json_pointers() {
    let found = issues(
        "dynamodb",
        "PutItem",
        json!({"TableName": "t", "Item": {
            "a": {"S": 5},
            "b": {"S": "x", "N": "1"},
            "c": {},
            "d/e": {"Q": "x"},
        }}),
    );
    assert!(
        has(&found, IssueKind::InvalidType, "/Item/a/S"),
        "{}",
        show(&found)
    );
    assert!(
        has(&found, IssueKind::UnionViolation, "/Item/b"),
        "{}",
        show(&found)
    );
    assert!(
        has(&found, IssueKind::UnionViolation, "/Item/c"),
        "{}",
        show(&found)
    );
    assert!(
        has(&found, IssueKind::AdditionalProperty, "/Item/d~1e/Q"),
        "{}",
        show(&found)
    );
    let s_issue = found.iter().find(|i| i.path == "/Item/a/S").unwrap();
    assert_eq!(s_issue.expected, "string");
    assert_eq!(s_issue.got, "integer 5");
    assert!(s_issue.hint.contains("\"5\""), "{}", s_issue.hint);
}

#[test]
fn all_errors_are_reported_at_once_with_suggestions() {
    let found = issues(
        "s3",
        "ListObjectsV2",
        json!({"bucket": "b", "MaxKeys": "5", "EncodingType": "URL"}),
    );
    assert!(
        has(&found, IssueKind::MissingRequired, "/Bucket"),
        "{}",
        show(&found)
    );
    let unknown = found
        .iter()
        .find(|i| i.kind == IssueKind::AdditionalProperty)
        .unwrap();
    assert_eq!(unknown.path, "/bucket");
    assert!(
        unknown.hint.contains("did you mean `Bucket`")
            || unknown.hint.contains("Did you mean `Bucket`"),
        "{}",
        unknown.hint
    );
    let max_keys = found.iter().find(|i| i.path == "/MaxKeys").unwrap();
    assert_eq!(max_keys.kind, IssueKind::InvalidType);
    assert!(max_keys.hint.contains("Write 5 without quotes"));
    let enc = found.iter().find(|i| i.path == "/EncodingType").unwrap();
    assert_eq!(enc.kind, IssueKind::EnumViolation);
    assert!(enc.hint.contains("`url`"), "{}", enc.hint);
    assert_eq!(found.len(), 4, "{}", show(&found));
}

#[test]
fn blobs_and_timestamps() {
    let ok = issues(
        "s3",
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "Body": "SGVsbG8=",
        "Expires": "2024-01-31T13:45:00+02:00"}),
    );
    assert!(ok.is_empty(), "{}", show(&ok));
    let ok = issues(
        "s3",
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "Expires": 1_700_000_000}),
    );
    assert!(ok.is_empty(), "{}", show(&ok));
    let bad = issues(
        "s3",
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "Body": "not base64!",
        "Expires": "yesterday"}),
    );
    assert!(has(&bad, IssueKind::FormatError, "/Body"), "{}", show(&bad));
    assert!(
        has(&bad, IssueKind::FormatError, "/Expires"),
        "{}",
        show(&bad)
    );
    // Blob length counts decoded bytes (kms Encrypt Plaintext: 1..4096 bytes).
    let bad = issues("kms", "Encrypt", json!({"KeyId": "k", "Plaintext": ""}));
    assert!(
        has(&bad, IssueKind::MinLengthViolation, "/Plaintext"),
        "{}",
        show(&bad)
    );
}

#[test]
fn prelude_targets_validate_with_their_type() {
    // inspector2 ListMembers.onlyAssociated targets smithy.api#Boolean directly.
    let s = operation_input_schema(op("inspector2", "ListMembers"));
    assert_eq!(s["properties"]["onlyAssociated"]["type"], "boolean");
    assert!(issues("inspector2", "ListMembers", json!({"onlyAssociated": true})).is_empty());
    let bad = issues(
        "inspector2",
        "ListMembers",
        json!({"onlyAssociated": "true"}),
    );
    assert!(
        has(&bad, IssueKind::InvalidType, "/onlyAssociated"),
        "{}",
        show(&bad)
    );
    assert!(compiled(&s).is_valid(&json!({"onlyAssociated": true})));
}

#[test]
fn java_patterns_with_unicode_classes_and_look_around() {
    // cost-explorer: ^(?! )[\p{L}\p{N}\p{Z}-_]*(?<! )$ — Unicode classes and look-around.
    let period = json!({"Start": "2024-01-01", "End": "2024-02-01"});
    let path = "/CostCategoryName";
    let payload = |name: &str| json!({"TimePeriod": period, "CostCategoryName": name});
    expect_pattern(
        "cost-explorer",
        "GetCostCategories",
        payload("Équipe 7_x"),
        path,
        false,
    );
    expect_pattern(
        "cost-explorer",
        "GetCostCategories",
        payload(" leading space"),
        path,
        true,
    );
    // route-53: ^\p{ASCII}+$ (Java's ASCII class).
    let payload = |r: &str| json!({"Name": "n", "CallerReference": r});
    expect_pattern(
        "route-53",
        "CreateCidrCollection",
        payload("café"),
        "/CallerReference",
        true,
    );
    expect_pattern(
        "route-53",
        "CreateCidrCollection",
        payload("cafe"),
        "/CallerReference",
        false,
    );
    // lambda: ^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$ — negative look-ahead.
    let payload = json!({"FunctionName": "f", "Name": "123"});
    expect_pattern("lambda", "GetAlias", payload, "/Name", true);
    let ok = issues(
        "lambda",
        "GetAlias",
        json!({"FunctionName": "f", "Name": "live"}),
    );
    assert!(ok.is_empty(), "{}", show(&ok));
    // The schema shows the translated pattern, which the jsonschema crate compiles.
    let s = operation_input_schema(op("lambda", "GetAlias"));
    let v = compiled(&s);
    assert!(!v.is_valid(&json!({"FunctionName": "f", "Name": "123"})));
    assert!(v.is_valid(&json!({"FunctionName": "f", "Name": "live"})));
}

#[test]
fn length_on_lists_and_maps_counts_items() {
    let s = operation_input_schema(op("dynamodb", "TransactWriteItems"));
    let items = &s["properties"]["TransactItems"];
    assert_eq!(items["type"], "array");
    assert_eq!(items["minItems"], 1);
    assert_eq!(items["maxItems"], 100);
    assert!(items.get("minLength").is_none());
    let bad = issues(
        "dynamodb",
        "TransactWriteItems",
        json!({"TransactItems": []}),
    );
    assert!(
        has(&bad, IssueKind::MinItemsViolation, "/TransactItems"),
        "{}",
        show(&bad)
    );
    let s = operation_input_schema(op("dynamodb", "BatchGetItem"));
    assert_eq!(s["properties"]["RequestItems"]["minProperties"], 1);
    let bad = issues("dynamodb", "BatchGetItem", json!({"RequestItems": {}}));
    assert!(
        has(&bad, IssueKind::MinPropertiesViolation, "/RequestItems"),
        "{}",
        show(&bad)
    );
}

#[test]
fn numbers_ranges_and_strings_lengths() {
    let bad = issues("dynamodb", "Query", json!({"TableName": "t", "Limit": 0}));
    assert!(
        has(&bad, IssueKind::MinimumViolation, "/Limit"),
        "{}",
        show(&bad)
    );
    let bad = issues("dynamodb", "Query", json!({"TableName": "t", "Limit": 1.5}));
    assert!(
        has(&bad, IssueKind::InvalidType, "/Limit"),
        "{}",
        show(&bad)
    );
    let bad = issues(
        "dynamodb",
        "Query",
        json!({"TableName": "t", "Limit": 1e30}),
    );
    assert!(
        has(&bad, IssueKind::MaximumViolation, "/Limit"),
        "{}",
        show(&bad)
    );
    let bad = issues("dynamodb", "Query", json!({"TableName": "t".repeat(2000)}));
    assert!(
        has(&bad, IssueKind::MaxLengthViolation, "/TableName"),
        "{}",
        show(&bad)
    );
    let s = operation_input_schema(op("dynamodb", "Query"));
    assert_eq!(s["properties"]["Limit"]["minimum"], 1);
}

#[test]
fn idempotency_tokens_are_optional_and_marked() {
    let s = operation_input_schema(op("ec2", "RunInstances"));
    let token = &s["properties"]["ClientToken"];
    assert!(
        token["description"]
            .as_str()
            .unwrap()
            .contains("filled in automatically")
    );
    let required = s["required"].as_array().unwrap();
    assert!(!required.contains(&json!("ClientToken")));
    let r = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "ec2",
        "operation": "RunInstances", "payload": {"MinCount": 1, "MaxCount": 1}}),
    )
    .unwrap()
    .into_value()
    .unwrap();
    assert_eq!(r["valid"], true);
    assert_eq!(r["autoFilled"], json!(["ClientToken"]));
}

#[test]
fn never_panics_on_odd_payloads() {
    let put_item = op("dynamodb", "PutItem");
    // Nesting far beyond the cap.
    let mut v = json!({"S": "x"});
    for _ in 0..200 {
        v = json!({"M": {"k": v}});
    }
    let found = validate_input(put_item, &json!({"TableName": "t", "Item": {"a": v}}));
    assert!(
        found.iter().any(|i| i.kind == IssueKind::DepthExceeded),
        "{}",
        show(&found)
    );
    // Every kind of JSON value in every top-level member of some large inputs.
    let odd = [
        json!(null),
        json!(true),
        json!(-1),
        json!(u64::MAX),
        json!(1e308),
        json!(-0.5),
        json!(""),
        json!("🦀 ünïcødé \u{0} \u{202e}"),
        json!([]),
        json!([null, 1, "x"]),
        json!({}),
        json!({"": null}),
    ];
    for (svc, name) in [
        ("ec2", "RunInstances"),
        ("s3", "PutObject"),
        ("dynamodb", "Query"),
        ("sagemaker", "CreateTrainingJob"),
        ("glue", "CreateJob"),
    ] {
        let o = op(svc, name);
        let input = catalog::shape(catalog::operation(o).input.as_ref().unwrap().to_native());
        for m in input.members.iter() {
            for value in &odd {
                let mut payload = serde_json::Map::new();
                payload.insert(m.name.to_string(), value.clone());
                let payload = Value::Object(payload);
                let _ = validate_input(o, &payload);
            }
        }
        for value in &odd {
            let _ = validate_input(o, value);
        }
    }
    // Lots of issues are capped.
    let many: serde_json::Map<String, Value> =
        (0..500).map(|i| (format!("x{i}"), json!(1))).collect();
    let found = validate_input(put_item, &Value::Object(many));
    assert!(found.len() <= aws_exec_mcp::validate::MAX_ISSUES + 1);
}

// ---- the tools -------------------------------------------------------------------------------

#[test]
fn schema_tool_returns_canonical_names() {
    let r = schema::run(
        &ToolContext::local_default(),
        &json!({"service": "S3API", "operation": "put-object"}),
    )
    .unwrap()
    .into_value()
    .unwrap();
    assert_eq!(r["service"], "s3");
    assert_eq!(r["operation"], "PutObject");
    assert!(r["description"].as_str().unwrap().len() > 20);
    assert_eq!(r["schema"]["type"], "object");
}

#[test]
fn schema_tool_errors_name_the_closest_names() {
    let e = schema::run(
        &ToolContext::local_default(),
        &json!({"service": "dynamo", "operation": "Query"}),
    );
    // An alias-like prefix resolves or suggests; a nonsense name suggests.
    if let Err(e) = e {
        assert_eq!(e.error_type, ErrorType::ServiceNotFound);
    }
    let e = schema::run(
        &ToolContext::local_default(),
        &json!({"service": "s3", "operation": "PutObjekt"}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::OperationNotFound);
    assert!(e.hint.contains("PutObject"), "{}", e.hint);
    let e = schema::run(&ToolContext::local_default(), &json!({"service": "s3"})).unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidArguments);
}

#[test]
fn execute_validate_and_invoke() {
    let ok = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3", "operation": "ListObjectsV2",
        "payload": "{\"Bucket\": \"my-bucket\", \"MaxKeys\": 10}"}),
    )
    .unwrap()
    .into_value()
    .unwrap();
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["readOnly"], true);
    assert_eq!(ok["destructive"], false);
    let destructive = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3",
        "operation": "DeleteBucket", "payload": {"Bucket": "b"}}),
    )
    .unwrap()
    .into_value()
    .unwrap();
    assert_eq!(destructive["destructive"], true);

    let e = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3", "operation": "ListObjectsV2",
        "payload": {"Buckett": "b", "MaxKeys": "ten"}}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::ValidationError);
    let j = e.to_json();
    assert_eq!(j["error"]["type"], "ValidationError");
    assert_eq!(j["error"]["retryable"], true);
    assert_eq!(j["error"]["missing"], json!(["/Bucket"]));
    assert_eq!(j["error"]["errors"].as_array().unwrap().len(), 3);
    assert!(e.hint.contains("Bucket"), "{}", e.hint);

    let e = execute::validate(&ToolContext::local_default(), &json!({"action": "validate", "service": "s3", "operation": "ListBuckets", "payload": "{nope"})).unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidPayload);
    let e = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3", "operation": "ListBuckets", "payload": [1]}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidPayload);
    let e = execute::validate(&ToolContext::local_default(), &json!({"action": "validate", "service": "s3", "operation": "ListBuckets", "options": "[]"})).unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidOptions);
    let e = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "run", "service": "s3", "operation": "ListBuckets"}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidArguments);
    let e = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s4", "operation": "ListBuckets"}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::ServiceNotFound);
    let e = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3", "operation": "ListBuckets", "region": 5}),
    )
    .unwrap_err();
    assert_eq!(e.error_type, ErrorType::InvalidArguments);
    // Absent payload = {}.
    let ok = execute::validate(
        &ToolContext::local_default(),
        &json!({"action": "validate", "service": "s3", "operation": "ListBuckets"}),
    )
    .unwrap()
    .into_value()
    .unwrap();
    assert_eq!(ok["valid"], true);
    // No input: any member is unknown.
    let e = execute::validate(&ToolContext::local_default(), &json!({"action": "validate", "service": "sts", "operation": "GetCallerIdentity", "payload": {"x": 1}})).unwrap_err();
    assert_eq!(e.error_type, ErrorType::ValidationError);
}

// ---- a hand-built catalog: intEnum, sparse lists, big numbers, a self-recursive input --------

fn member(name: &str, target: u32, flags: u32, traits: Vec<Trait>) -> Member {
    Member {
        name: name.into(),
        target,
        flags,
        traits,
    }
}

fn shape(id: &str, kind: ShapeKind, members: Vec<Member>, flags: u32, traits: Vec<Trait>) -> Shape {
    Shape {
        id: id.into(),
        kind,
        members,
        flags,
        traits,
    }
}

/// Shapes: 0 String, 1 Unit, 2 IntEnum Level, 3 List (sparse) of String, 4 BigInteger,
/// 5 Input, 6 Node (self-recursive), 7 String with a pattern.
fn test_catalog() -> &'static ArchivedCatalog {
    static CAT: OnceLock<&'static ArchivedCatalog> = OnceLock::new();
    CAT.get_or_init(|| {
        let shapes = vec![
            shape("smithy.api#String", ShapeKind::String, vec![], 0, vec![]),
            shape("smithy.api#Unit", ShapeKind::Structure, vec![], 0, vec![]),
            shape(
                "t#Level",
                ShapeKind::IntEnum,
                vec![
                    member("LOW", 1, 0, vec![Trait::IntEnumValue(1)]),
                    member("HIGH", 1, 0, vec![Trait::IntEnumValue(10)]),
                ],
                0,
                vec![],
            ),
            shape(
                "t#Names",
                ShapeKind::List,
                vec![member("member", 0, 0, vec![])],
                T_SPARSE,
                vec![Trait::Length(0)],
            ),
            shape(
                "t#Big",
                ShapeKind::BigInteger,
                vec![],
                0,
                vec![Trait::Range(0)],
            ),
            shape(
                "t#Input",
                ShapeKind::Structure,
                vec![
                    member(
                        "level",
                        2,
                        T_REQUIRED,
                        vec![Trait::Documentation("How loud.".into())],
                    ),
                    member("names", 3, 0, vec![]),
                    member("big", 4, 0, vec![]),
                    member("node", 6, 0, vec![]),
                    member("code", 7, T_REQUIRED, vec![]),
                ],
                T_INPUT,
                vec![],
            ),
            shape(
                "t#Node",
                ShapeKind::Structure,
                vec![member("value", 0, 0, vec![]), member("next", 6, 0, vec![])],
                0,
                vec![],
            ),
            shape(
                "t#Code",
                ShapeKind::String,
                vec![],
                0,
                vec![Trait::Pattern(0), Trait::Length(1)],
            ),
        ];
        let cat = Catalog {
            operations: vec![
                Operation {
                    name: "Do".into(),
                    input: Some(5),
                    ..Default::default()
                },
                Operation {
                    name: "Walk".into(),
                    input: Some(6),
                    ..Default::default()
                },
            ],
            shapes,
            patterns: vec![Pattern {
                source: r"^\p{Upper}{2}\d$".into(),
                translated: "^[A-Z]{2}[0-9]$".into(),
                needs_fancy: false,
            }],
            lengths: vec![
                LengthBounds {
                    min: Some(1),
                    max: Some(3),
                },
                LengthBounds {
                    min: Some(3),
                    max: Some(3),
                },
            ],
            ranges: vec![RangeBounds {
                min: Some("0".into()),
                max: None,
            }],
            ..Default::default()
        };
        // Leak the aligned buffer itself: rkyv needs the archive aligned.
        let bytes = Box::leak(Box::new(
            rkyv::to_bytes::<rkyv::rancor::Error>(&cat).unwrap(),
        ));
        rkyv::access::<ArchivedCatalog, rkyv::rancor::Error>(bytes.as_slice()).unwrap()
    })
}

#[test]
fn int_enums_render_and_validate_as_integers() {
    let cat = test_catalog();
    let s = render_operation_in(cat, 0);
    let level = &s["properties"]["level"];
    assert_eq!(level["type"], "integer");
    assert_eq!(level["enum"], json!([1, 10]));
    assert_eq!(level["description"], "How loud.");
    assert!(jsonschema::meta::validate(&s).is_ok());
    let skeleton = &s["examples"][0];
    assert_eq!(skeleton, &json!({"level": 1, "code": "AA0"}));
    assert!(compiled(&s).is_valid(skeleton));
    assert!(validate_input_in(cat, 0, skeleton).is_empty());
    let found = validate_input_in(cat, 0, &json!({"level": 2, "code": "AA0"}));
    assert!(
        has(&found, IssueKind::EnumViolation, "/level"),
        "{}",
        show(&found)
    );
    let found = validate_input_in(cat, 0, &json!({"level": "1", "code": "AA0"}));
    assert!(
        has(&found, IssueKind::InvalidType, "/level"),
        "{}",
        show(&found)
    );
    assert!(found[0].hint.contains("without quotes"));
}

#[test]
fn sparse_lists_big_integers_and_patterns() {
    let cat = test_catalog();
    let ok = validate_input_in(
        cat,
        0,
        &json!({"level": 1, "code": "AB1", "names": ["a", null], "big": "123456789012345678901234567890"}),
    );
    assert!(ok.is_empty(), "{}", show(&ok));
    let bad = validate_input_in(
        cat,
        0,
        &json!({"level": 1, "code": "ab1", "names": [], "big": "-1"}),
    );
    assert!(
        has(&bad, IssueKind::PatternMismatch, "/code"),
        "{}",
        show(&bad)
    );
    assert!(
        has(&bad, IssueKind::MinItemsViolation, "/names"),
        "{}",
        show(&bad)
    );
    assert!(
        has(&bad, IssueKind::MinimumViolation, "/big"),
        "{}",
        show(&bad)
    );
    let bad = validate_input_in(cat, 0, &json!({"level": 1, "code": "AB1", "big": "12x"}));
    assert!(has(&bad, IssueKind::FormatError, "/big"), "{}", show(&bad));
    let s = render_operation_in(cat, 0);
    assert_eq!(
        s["properties"]["names"]["items"]["anyOf"][1],
        json!({"type": "null"})
    );
    assert_eq!(s["properties"]["code"]["pattern"], "^[A-Z]{2}[0-9]$");
    assert_eq!(s["properties"]["big"]["type"], json!(["integer", "string"]));
    let v = compiled(&s);
    assert!(v.is_valid(&json!({"level": 1, "code": "AB1", "names": ["a", null], "big": "123"})));
}

#[test]
fn self_recursive_inputs_refer_to_the_root() {
    let cat = test_catalog();
    let s = render_operation_in(cat, 1);
    assert_eq!(s["properties"]["next"]["$ref"], "#");
    assert!(jsonschema::meta::validate(&s).is_ok());
    let v = compiled(&s);
    let deep = json!({"value": "a", "next": {"value": "b", "next": {"value": "c"}}});
    assert!(v.is_valid(&deep));
    assert!(!v.is_valid(&json!({"next": {"nope": 1}})));
    assert!(validate_input_in(cat, 1, &deep).is_empty());
    let found = validate_input_in(cat, 1, &json!({"next": {"next": {"vlaue": 1}}}));
    assert!(
        has(&found, IssueKind::AdditionalProperty, "/next/next/vlaue"),
        "{}",
        show(&found)
    );
    // The Node shape in operation 0 is used once from Input and once from itself: $defs.
    let s = render_operation_in(cat, 0);
    assert_eq!(s["properties"]["node"]["$ref"], "#/$defs/Node");
    assert_eq!(
        s["$defs"]["Node"]["properties"]["next"]["$ref"],
        "#/$defs/Node"
    );
}

// ---- latency (release build, --ignored) ------------------------------------------------------

#[test]
#[ignore = "timing figures; run in release with --ignored --nocapture"]
fn latency_of_the_largest_schemas_and_validation() {
    fn per_call(rounds: u32, mut f: impl FnMut()) -> f64 {
        for _ in 0..3 {
            f();
        }
        let t = Instant::now();
        for _ in 0..rounds {
            f();
        }
        t.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
    }
    for (svc, name) in [
        ("ec2", "RunInstances"),
        ("s3", "PutObject"),
        ("dynamodb", "Query"),
    ] {
        let o = op(svc, name);
        let schema = operation_input_schema(o);
        let size = schema.to_string().len();
        let render = per_call(200, || {
            std::hint::black_box(operation_input_schema(o));
        });
        let cached = per_call(2000, || {
            std::hint::black_box(operation_input_schema(o));
        });
        let tool = per_call(2000, || {
            std::hint::black_box(
                schema::run(
                    &ToolContext::local_default(),
                    &json!({"service": svc, "operation": name}),
                )
                .ok(),
            );
        });
        let skeleton = schema["examples"][0].clone();
        let validate = per_call(5000, || {
            std::hint::black_box(validate_input(o, &skeleton));
        });
        println!(
            "{svc} {name}: schema {size} bytes; render {render:.1} µs, cached {cached:.1} µs, \
             tool {tool:.1} µs; validate skeleton {validate:.2} µs"
        );
    }
    let payloads = [
        (
            "s3",
            "PutObject",
            json!({"Bucket": "b", "Key": "k", "Body": "aGVsbG8=", "ContentType": "text/plain"}),
        ),
        (
            "dynamodb",
            "Query",
            json!({"TableName": "t", "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}}, "Limit": 10}),
        ),
        (
            "ec2",
            "RunInstances",
            json!({"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "InstanceType": "t3.micro",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "x"}]}]}),
        ),
    ];
    for (svc, name, payload) in payloads {
        let o = op(svc, name);
        assert!(validate_input(o, &payload).is_empty());
        let validate = per_call(5000, || {
            std::hint::black_box(validate_input(o, &payload));
        });
        let args =
            json!({"action": "validate", "service": svc, "operation": name, "payload": payload});
        let tool = per_call(5000, || {
            std::hint::black_box(execute::validate(&ToolContext::local_default(), &args).ok());
        });
        println!("{svc} {name}: validate {validate:.2} µs, execute tool {tool:.2} µs");
    }
}

/// A member's own length or range replaces its target's (Smithy's member-trait rule, as
/// botocore validates), in validate and in the schema; an empty host label is refused.
#[test]
fn member_limits_replace_their_targets() {
    let ctx = ToolContext::local_default();
    let valid = |service: &str, operation: &str, payload: Value| {
        execute::validate(
            &ctx,
            &json!({"action": "validate", "service": service, "operation": operation,
                    "payload": payload}),
        )
        .is_ok()
    };
    // maxResults: the member allows 1000, its target 100.
    assert!(valid(
        "cost-optimization-hub",
        "ListRecommendations",
        json!({"maxResults": 473})
    ));
    assert!(!valid(
        "cost-optimization-hub",
        "ListRecommendations",
        json!({"maxResults": 1001})
    ));
    // projectName: the member's min length is 1, its target's 3.
    let run = |name: &str| {
        json!({"spaceName": "space", "projectName": name,
               "workflowId": "12345678-1234-1234-1234-123456789012"})
    };
    assert!(valid("codecatalyst", "StartWorkflowRun", run("nd")));
    assert!(!valid("codecatalyst", "StartWorkflowRun", run("")));
    let schema = |service: &str, operation: &str| {
        let (_, op) = catalog::resolve_operation(service, operation).unwrap();
        operation_input_schema(op)
    };
    let s = schema("cost-optimization-hub", "ListRecommendations");
    assert_eq!(s["properties"]["maxResults"]["maximum"], 1000, "{s}");
    let s = schema("codecatalyst", "StartWorkflowRun");
    assert_eq!(s["properties"]["projectName"]["minLength"], 1, "{s}");
    // A host label must be a valid label: "" would make an invalid host name.
    let route = |r: &str| json!({"RequestRoute": r, "RequestToken": "t"});
    assert!(!valid("s3", "WriteGetObjectResponse", route("")));
    assert!(!valid("s3", "WriteGetObjectResponse", route("a b")));
    assert!(valid("s3", "WriteGetObjectResponse", route("route-1")));
}

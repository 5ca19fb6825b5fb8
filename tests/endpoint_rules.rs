//! Runs every endpoint test case of every compiled-in model (`smithy.rules#endpointTests`)
//! through the rules engine: the expected URL, properties and headers, or the expected error
//! message. These are the cases AWS publishes with each model, so passing them all is the
//! engine's conformance test.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aws_exec_mcp::catalog;
use aws_exec_mcp::invoke::endpoint::{self, EndpointError};
use serde_json::{Map, Value};

/// The models the binary was built from: `AWS_MCP_MODELS_DIR` as the build reads it, else the
/// vendored snapshot.
fn models_dir() -> PathBuf {
    match std::env::var_os("AWS_MCP_MODELS_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("models/aws"),
    }
}

/// `smithy.rules#endpointTests` of every service shape in the models, by shape id (they are
/// not compiled into the catalog: only this test reads them).
fn endpoint_tests() -> HashMap<String, Value> {
    let mut out = HashMap::new();
    let mut stack = vec![models_dir()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !text.contains("smithy.rules#endpointTests") {
                continue;
            }
            let model: Value = serde_json::from_str(&text).expect("a model file is JSON");
            let Some(shapes) = model["shapes"].as_object() else {
                continue;
            };
            for (id, shape) in shapes {
                if let Some(tests) = shape["traits"].get("smithy.rules#endpointTests") {
                    out.insert(id.clone(), tests.clone());
                }
            }
        }
    }
    out
}

/// One failing case, for the report.
struct Failure {
    service: String,
    documentation: String,
    detail: String,
}

fn run_case(service: u32, case: &Value) -> Result<(), String> {
    let params: Map<String, Value> = case["params"].as_object().cloned().unwrap_or_default();
    check(&case["expect"], endpoint::resolve_service(service, &params))
}

/// The case again through an operation call: parameters bound from the operation's input,
/// client settings and SDK built-ins (`operationInputs`), as invocation will bind them.
fn run_operation_inputs(service: u32, case: &Value) -> Result<usize, String> {
    let Some(inputs) = case["operationInputs"].as_array() else {
        return Ok(0);
    };
    let svc = catalog::service(service).name.as_str();
    for oi in inputs {
        let name = oi["operationName"].as_str().unwrap_or_default();
        let (_, op) =
            catalog::resolve_operation(svc, name).map_err(|e| format!("operation {name}: {e}"))?;
        let object = |key: &str| oi[key].as_object().cloned().unwrap_or_default();
        let params = endpoint::params::operation_params(
            op,
            &object("operationParams"),
            &object("clientParams"),
            &object("builtInParams"),
        )
        .map_err(|e| e.to_string())?;
        check(&case["expect"], endpoint::resolve_service(service, &params))
            .map_err(|e| format!("{name} {params:?}: {e}"))?;
    }
    Ok(inputs.len())
}

fn check(expect: &Value, got: Result<endpoint::Endpoint, EndpointError>) -> Result<(), String> {
    if let Some(message) = expect.get("error").and_then(Value::as_str) {
        return match got {
            Err(EndpointError::Rule(m)) if m == message => Ok(()),
            Err(e) => Err(format!("expected error {message:?}, got error {e:?}")),
            Ok(e) => Err(format!(
                "expected error {message:?}, got endpoint {}",
                e.url
            )),
        };
    }
    let want = &expect["endpoint"];
    let got = got.map_err(|e| format!("expected {}, got error {e}", want["url"]))?;
    if want["url"] != got.url {
        return Err(format!("url: expected {}, got {:?}", want["url"], got.url));
    }
    let want_props = want
        .get("properties")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    if want_props != Value::Object(got.properties.clone()) {
        return Err(format!(
            "properties: expected {want_props}, got {}",
            Value::Object(got.properties)
        ));
    }
    let want_headers = want
        .get("headers")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    let got_headers = serde_json::to_value(&got.headers).map_err(|e| e.to_string())?;
    if want_headers != got_headers {
        return Err(format!(
            "headers: expected {want_headers}, got {got_headers}"
        ));
    }
    Ok(())
}

#[test]
fn every_model_endpoint_test_case_passes() {
    let cat = catalog::get();
    let all_tests = endpoint_tests();
    let (mut cases, mut services, mut op_inputs) = (0usize, 0usize, 0usize);
    let mut failures: Vec<Failure> = Vec::new();
    for (i, svc) in cat.services.iter().enumerate() {
        let Some(tests) = all_tests.get(svc.shape_id.as_str()) else {
            continue;
        };
        let Some(list) = tests["testCases"].as_array() else {
            continue;
        };
        services += 1;
        for case in list {
            cases += 1;
            let outcome = run_case(i as u32, case).and_then(|()| {
                op_inputs += run_operation_inputs(i as u32, case)?;
                Ok(())
            });
            if let Err(detail) = outcome {
                failures.push(Failure {
                    service: svc.name.as_str().to_string(),
                    documentation: case["documentation"].as_str().unwrap_or("").to_string(),
                    detail,
                });
            }
        }
    }
    let mut report = String::new();
    for f in failures.iter().take(40) {
        report.push_str(&format!(
            "\n  {}: {}\n    {}",
            f.service, f.documentation, f.detail
        ));
    }
    println!(
        "{cases} endpoint test cases of {services} services ({op_inputs} operation calls), {} failed",
        failures.len()
    );
    assert!(cases > 1000 || cat.snapshot.slim, "too few cases: {cases}");
    assert!(
        op_inputs > 100 || cat.snapshot.slim,
        "too few operation inputs: {op_inputs}"
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:{report}",
        failures.len()
    );
}

/// A service with endpoint tests has its rule set in the catalog (codegen lowered it).
#[test]
fn every_tested_service_has_its_rule_set() {
    let all_tests = endpoint_tests();
    for (i, svc) in catalog::get().services.iter().enumerate() {
        if all_tests.contains_key(svc.shape_id.as_str()) {
            assert!(endpoint::rule_set(i as u32).is_ok(), "{}", svc.name);
        }
    }
}

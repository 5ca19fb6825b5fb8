//! Differential test of endpoint resolution against botocore (`../shared/oracle`, botocore
//! 1.37.23, the release matching the models): for real operations with inputs that botocore
//! itself samples, in several partitions,
//! * the parameters we bind from the operation's input (context params, operation context
//!   params, static context params) equal the ones botocore computes, and
//! * our rules engine, given botocore's full parameter set, yields botocore's endpoint.
//!
//! The oracle's venv is made (or checked, well under a second once made) by the oracle's own
//! `setup.sh` into `.oracle-venv/`; `scripts/test.sh` does the same beforehand.

mod common;

use aws_exec_mcp::catalog;
use aws_exec_mcp::invoke::endpoint::{self, EndpointError};
use serde_json::{Map, Value, json};

/// Operations whose endpoints depend on their input, and some that do not.
const OPERATIONS: &[(&str, &str)] = &[
    ("s3", "GetObject"),
    ("s3", "PutObject"),
    ("s3", "ListObjectsV2"),
    ("s3", "CreateBucket"),
    ("s3", "ListBuckets"),
    ("s3", "DeleteObjects"),
    ("s3-control", "GetAccessPoint"),
    ("s3-control", "ListJobs"),
    ("dynamodb", "GetItem"),
    ("dynamodb", "Query"),
    ("dynamodb", "BatchGetItem"),
    ("dynamodb", "TransactGetItems"),
    ("kinesis", "PutRecord"),
    ("kinesis", "ListShards"),
    ("eventbridge", "PutEvents"),
    ("sts", "GetCallerIdentity"),
    ("ec2", "DescribeInstances"),
    ("lambda", "Invoke"),
    ("sqs", "SendMessage"),
    ("cloudwatch-logs", "PutLogEvents"),
];

const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"];

#[test]
fn endpoints_agree_with_botocore() {
    let mut oracle = common::oracle();
    let (mut compared, mut mismatches) = (0usize, Vec::new());
    for &(service, operation) in OPERATIONS {
        let Ok((svc, op)) = catalog::resolve_operation(service, operation) else {
            continue; // slim build
        };
        for seed in 1..=3u32 {
            let sample = oracle.ask(&json!({"cmd": "sample", "service": service,
                "operation": operation, "seed": seed, "mode": "required"}));
            let input: Map<String, Value> = match sample["params"].as_object() {
                Some(p) => p.clone(),
                None => panic!("no sample for {service} {operation}: {sample}"),
            };
            for region in REGIONS {
                let theirs = oracle.ask(&json!({"cmd": "endpoint", "service": service,
                    "region": region, "operation": operation, "op_params": input}));
                let Some(params) = theirs["params"].as_object() else {
                    continue; // botocore could not compute parameters for this input
                };
                compared += 1;
                let what = format!("{service} {operation} seed {seed} {region}");
                // Parameters bound from the input agree.
                let ours = endpoint::params::operation_params(op, &input, &Map::new(), &Map::new())
                    .unwrap_or_else(|e| panic!("{what}: {e}"));
                for (k, v) in &ours {
                    if params.get(k) != Some(v) {
                        mismatches.push(format!(
                            "{what}: parameter {k}: ours {v}, botocore {:?}",
                            params.get(k)
                        ));
                    }
                }
                // The rules engine agrees on botocore's parameters.
                let got = endpoint::resolve_service(svc, params);
                match (theirs["ok"].as_bool(), got) {
                    (Some(true), Ok(e)) => {
                        let props = Value::Object(e.properties.clone());
                        let headers = serde_json::to_value(&e.headers).unwrap_or_default();
                        if theirs["url"] != e.url
                            || theirs["properties"] != props
                            || theirs["headers"] != headers
                        {
                            mismatches.push(format!(
                                "{what}: ours {} {props} {headers}, botocore {} {} {}",
                                e.url, theirs["properties"], theirs["headers"], theirs["url"]
                            ));
                        }
                    }
                    (Some(false), Err(EndpointError::Rule(m))) => {
                        let theirs_msg = theirs["error"].as_str().unwrap_or_default();
                        if !theirs_msg.contains(&m) {
                            mismatches
                                .push(format!("{what}: ours error {m:?}, botocore {theirs_msg:?}"));
                        }
                    }
                    (_, got) => mismatches.push(format!("{what}: ours {got:?}, botocore {theirs}")),
                }
            }
        }
    }
    println!("{compared} endpoint resolutions compared with botocore");
    assert!(
        compared > 0 || catalog::get().snapshot.slim,
        "nothing was compared"
    );
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

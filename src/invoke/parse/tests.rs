//! Bad input is a typed error, never a panic; a few protocol behaviours.

use super::*;
use crate::catalog;

fn op(service: &str, name: &str) -> u32 {
    let s = catalog::find_service(service).unwrap();
    catalog::find_operation(s, name).unwrap()
}

fn resp(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn malformed_bodies_are_typed_errors() {
    let opts = ParseOptions::default();
    for (svc, name, body) in [
        ("dynamodb", "GetItem", "{not json"),
        ("dynamodb", "GetItem", "{\"Item\": 5}"),
        ("s3", "ListBuckets", "<ListAllMyBucketsResult><Buckets>"),
        ("sts", "GetCallerIdentity", "<a></b>"),
        (
            "ec2",
            "DescribeVolumes",
            "<r><volumeSet><item><size>big</size></item></volumeSet></r>",
        ),
    ] {
        let e = parse_response(op(svc, name), &resp(200, body), &opts).unwrap_err();
        assert!(matches!(e, AwsError::Malformed { .. }), "{svc} {name}: {e}");
    }
}

#[test]
fn xml_booleans_read_as_botocore_does() {
    // moto writes Python's `False`/`True`: botocore reads any text but `true` as false.
    let opts = ParseOptions::default();
    for (text, want) in [
        ("true", true),
        ("false", false),
        ("True", false),
        ("False", false),
        ("", false),
    ] {
        let body = format!("<r><vpcSet><item><isDefault>{text}</isDefault></item></vpcSet></r>");
        let out = parse_response(op("ec2", "DescribeVpcs"), &resp(200, &body), &opts).unwrap();
        assert_eq!(
            out["Vpcs"][0]["IsDefault"],
            serde_json::json!(want),
            "{text:?}"
        );
    }
}

#[test]
fn query_request_id_is_the_bodys() {
    // As botocore: never the x-amzn-requestid header (moto's differs from EC2's body id).
    let opts = ParseOptions::default();
    let mut r = resp(
        200,
        "<DescribeVpcsResponse><requestId>body-id</requestId><vpcSet/></DescribeVpcsResponse>",
    );
    r.headers
        .push(("x-amzn-requestid".to_string(), "header-id".to_string()));
    let parsed = parse_response_full(op("ec2", "DescribeVpcs"), &r, &opts).unwrap();
    assert_eq!(parsed.request_id.as_deref(), Some("body-id"));
}

#[test]
fn query_errors_map_to_modeled_shapes_and_throttling_is_retryable() {
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
                <Message>Rate exceeded</Message></Error><RequestId>abc</RequestId></ErrorResponse>";
    let e = parse_response(
        op("sts", "AssumeRole"),
        &resp(400, body),
        &ParseOptions::default(),
    )
    .unwrap_err();
    let AwsError::Service(e) = e else {
        panic!("{e}")
    };
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("Throttling", "Rate exceeded")
    );
    assert_eq!(e.request_id.as_deref(), Some("abc"));
    assert!(e.retryable);
}

#[test]
fn json_timestamps_and_blobs() {
    let body = r#"{"KeyMetadata":{"KeyId":"k","CreationDate":1735689600.5}}"#;
    let out = parse_response(
        op("kms", "DescribeKey"),
        &resp(200, body),
        &ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(
        out["KeyMetadata"]["CreationDate"],
        "2025-01-01T00:00:00.500Z"
    );
}

#[test]
fn streaming_payloads_can_stay_out_of_the_output() {
    let get_object = op("s3", "GetObject");
    assert_eq!(streaming_payload_member(get_object), Some("Body"));
    assert_eq!(streaming_payload_member(op("s3", "ListBuckets")), None);
    let r = HttpResponse {
        status: 200,
        headers: vec![
            ("content-length".into(), "5".into()),
            ("etag".into(), "\"e\"".into()),
        ],
        body: b"hello".to_vec(),
    };
    let with = parse_response(get_object, &r, &ParseOptions::default()).unwrap();
    assert_eq!(with["Body"], "aGVsbG8=");
    let opts = ParseOptions {
        omit_streaming_payload: true,
        ..ParseOptions::default()
    };
    let without = parse_response(get_object, &r, &opts).unwrap();
    assert!(without.get("Body").is_none(), "{without}");
    assert_eq!(without["ETag"], "\"e\"");
    assert_eq!(without["ContentLength"], 5);
}

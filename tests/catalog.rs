//! The compiled catalog: archive integrity and name resolution over the real models.

use aws_exec_mcp::catalog;
use aws_exec_mcp::tools::{ErrorType, ToolError};
use catalog_format::format::ArchivedCatalog;

#[test]
fn the_embedded_archive_passes_rkyv_validation() {
    // `catalog::get()` reads the archive unchecked for speed; prove here it is well-formed.
    let checked = rkyv::access::<ArchivedCatalog, rkyv::rancor::Error>(catalog::archive_bytes());
    assert!(checked.is_ok(), "{:?}", checked.err());
}

fn full_catalog() -> bool {
    !catalog::get().snapshot.slim
}

#[test]
fn carries_the_pinned_snapshot() {
    let s = &catalog::get().snapshot;
    assert_eq!(s.commit.as_str(), "56c8953");
    assert_eq!(s.date.as_str(), "2025-04-02");
    assert_eq!(s.manifest_sha256.len(), 64);
    if full_catalog() {
        assert_eq!(catalog::get().services.len(), 403);
        assert!(catalog::get().operations.len() > 16_000);
    }
}

#[test]
fn every_service_and_operation_resolves_by_its_own_names() {
    let c = catalog::get();
    for (i, s) in c.services.iter().enumerate() {
        assert_eq!(
            catalog::find_service(s.name.as_str()),
            Some(i as u32),
            "{}",
            s.name.as_str()
        );
        assert_eq!(
            catalog::find_service(&s.name.as_str().to_uppercase()),
            Some(i as u32)
        );
        for alias in s.aliases.iter() {
            assert_eq!(
                catalog::find_service(alias.as_str()),
                Some(i as u32),
                "alias {}",
                alias.as_str()
            );
        }
        for op in catalog::service_operations(i as u32) {
            let name = catalog::operation(op).name.as_str();
            let found = catalog::find_operation(i as u32, name).expect("own name resolves");
            // Names differing only in case/separators share a key; the first one answers.
            assert_eq!(
                catalog::operation(found).name.as_str().to_lowercase(),
                name.to_lowercase()
            );
        }
    }
}

#[test]
fn aliases_and_name_spellings() {
    if !full_catalog() {
        return;
    }
    let name =
        |alias: &str| catalog::find_service(alias).map(|i| catalog::service(i).name.as_str());
    assert_eq!(name("logs"), Some("cloudwatch-logs"));
    assert_eq!(name("monitoring"), Some("cloudwatch"));
    assert_eq!(name("s3api"), Some("s3"));
    assert_eq!(name("elbv2"), Some("elastic-load-balancing-v2"));
    assert_eq!(name("apigateway"), Some("api-gateway"));
    assert_eq!(name("cognito-idp"), Some("cognito-identity-provider"));
    assert_eq!(name("stepfunctions"), Some("sfn"));
    assert_eq!(name("states"), Some("sfn"));
    assert_eq!(name("SecretsManager"), Some("secrets-manager"));
    assert_eq!(name("Secrets Manager"), Some("secrets-manager"));
    assert_eq!(name("route53"), Some("route-53"));

    let s3 = catalog::find_service("s3").expect("s3");
    for spelling in [
        "ListBuckets",
        "list-buckets",
        "list_buckets",
        "LISTBUCKETS",
        " listBuckets ",
    ] {
        let op = catalog::find_operation(s3, spelling).expect(spelling);
        assert_eq!(catalog::operation(op).name.as_str(), "ListBuckets");
    }
    let rds = catalog::find_service("rds").expect("rds");
    let op = catalog::find_operation(rds, "describe-db-instances").expect("kebab");
    assert_eq!(catalog::operation(op).name.as_str(), "DescribeDBInstances");
}

#[test]
fn misses_come_with_the_closest_names() {
    if !full_catalog() {
        return;
    }
    let err = ToolError::from(catalog::resolve_service("dynamo").expect_err("unknown"));
    assert_eq!(err.error_type, ErrorType::ServiceNotFound);
    let suggestions = err.details["suggestions"]
        .as_array()
        .expect("suggestions")
        .clone();
    assert!(
        suggestions.iter().any(|s| s == "dynamodb"),
        "{suggestions:?}"
    );

    let err =
        ToolError::from(catalog::resolve_operation("s3", "ListBukets").expect_err("unknown op"));
    assert_eq!(err.error_type, ErrorType::OperationNotFound);
    assert_eq!(err.details["suggestions"][0], "ListBuckets");
    assert!(err.hint.contains("ListBuckets"), "{}", err.hint);

    let err = ToolError::from(catalog::resolve_service("zzzzzzzz").expect_err("nothing close"));
    assert!(err.hint.contains("aws_search_operations"));
}

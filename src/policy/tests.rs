//! Policy tests over the real catalog: parsing (every form of docs/POLICY.md, errors with
//! their lines), evaluation, exposure and rate caps.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::*;
use crate::clock::ManualClock;

fn policy(text: &str) -> Policy {
    match Policy::parse(text, PolicySource::File(PathBuf::from("policy.yaml"))) {
        Ok(p) => p,
        Err(e) => panic!("policy does not load:\n{e}"),
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match Policy::parse(text, PolicySource::File(PathBuf::from("policy.yaml"))) {
        Ok(p) => panic!("policy loads, warnings: {:?}", p.warnings()),
        Err(PolicyError::Invalid { errors, .. }) => errors,
        Err(e) => panic!("{e}"),
    }
}

fn op(service: &str, name: &str) -> (u32, u32) {
    catalog::resolve_operation(service, name).unwrap()
}

/// A call's facts, with defaults: local principal, us-east-1, no profile or role.
struct Call {
    service: u32,
    operation: u32,
    region: Option<&'static str>,
    principal: Principal,
    profile: Option<&'static str>,
    role: Option<&'static str>,
    payload: Map<String, Value>,
}

fn call(service: &str, name: &str, payload: Value) -> Call {
    let (s, o) = op(service, name);
    Call {
        service: s,
        operation: o,
        region: Some("us-east-1"),
        principal: Principal::Local,
        profile: None,
        role: None,
        payload: payload.as_object().cloned().unwrap_or_default(),
    }
}

impl Call {
    fn region(mut self, r: &'static str) -> Call {
        self.region = Some(r);
        self
    }
    fn profile(mut self, p: &'static str) -> Call {
        self.profile = Some(p);
        self
    }
    fn role(mut self, r: &'static str) -> Call {
        self.role = Some(r);
        self
    }
    fn principal(mut self, p: Principal) -> Call {
        self.principal = p;
        self
    }
    fn facts(&self) -> CallFacts<'_> {
        CallFacts {
            service: self.service,
            operation: self.operation,
            region: self.region,
            principal: &self.principal,
            profile: self.profile,
            role_arn: self.role,
            payload: &self.payload,
            payload_bytes: payload_size(&self.payload),
        }
    }
    fn on(&self, p: &Policy) -> Decision {
        p.evaluate(&self.facts())
    }
}

// ---- parsing -------------------------------------------------------------------------------

#[test]
fn builtin_policy_loads_clean_and_matches_the_repo_file() {
    let p = Policy::builtin();
    assert_eq!(p.source(), &PolicySource::BuiltIn);
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    assert_eq!(p.mode(), Mode::ReadWrite);
    assert_eq!(p.approval_ttl(), Duration::from_secs(300));
    let repo =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policy.yaml")).unwrap();
    assert_eq!(repo, DEFAULT_POLICY);
    // An empty file means the same as the default.
    let empty = policy("");
    assert_eq!(empty.summary().hidden_operations, 0);
    assert_eq!(
        empty.summary().confirm_operations,
        p.summary().confirm_operations
    );
    // Reads run freely, destructive operations need confirmation.
    let d = call("ec2", "DescribeInstances", json!({})).on(&p);
    assert!(
        d.allowed && !d.requires_confirmation && d.read_only,
        "{d:?}"
    );
    let d = call("ec2", "TerminateInstances", json!({"InstanceIds": ["i-1"]})).on(&p);
    assert!(
        d.allowed && d.requires_confirmation && d.destructive,
        "{d:?}"
    );
    assert_eq!(d.approval_sources, [ApprovalSource::Destructive]);
    assert!(
        d.reasons[0].contains("ec2:TerminateInstances is destructive"),
        "{d:?}"
    );
    // Not destructive, not read: runs without confirmation.
    let d = call("s3", "PutObject", json!({"Bucket": "b", "Key": "k"})).on(&p);
    assert!(
        d.allowed && !d.requires_confirmation && !d.read_only,
        "{d:?}"
    );
}

#[test]
fn the_issue_example_works_as_written() {
    let p = policy(
        r#"
mode: read-only            # or: read-write (default)
deny_when:                 # refuse the call
  - operations: ["ec2:TerminateInstances", "s3:Delete*"]   # service:Operation globs, aliases allowed
    members: ["*Id", "*Ids", "Bucket", "*Name", "*Arn"]    # input member names (globs), at any depth
    matches: "prod-*"                                       # glob on the member's string value
confirm_when:              # require confirmation even if not destructive
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    not_in: ["t3.micro", "t3.small"]
rate_limits:
  - operations: ["*:Delete*"]
    per_minute: 5
"#,
    );
    // read-only: the deny_when, confirm_when and rate rules name only writes, which the mode
    // already denies; the policy says so as warnings.
    assert_eq!(p.warnings().len(), 3, "{:?}", p.warnings());
    assert!(p.warnings()[0].message.contains("never fires"));
    assert_eq!(p.summary().deny_when, 1);
    assert_eq!(p.summary().confirm_when, 1);
    assert_eq!(p.summary().rate_limits, 1);
}

#[test]
fn read_write_example_denies_confirms_and_counts() {
    let p = policy(
        r#"
deny_when:
  - operations: ["ec2:TerminateInstances", "s3:Delete*"]
    members: ["*Id", "*Ids", "Bucket", "*Name", "*Arn"]
    matches: "prod-*"
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    not_in: ["t3.micro", "t3.small"]
rate_limits:
  - operations: ["*:Delete*"]
    per_minute: 5
"#,
    );
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    let d = call(
        "ec2",
        "TerminateInstances",
        json!({"InstanceIds": ["i-1", "prod-web-2"]}),
    )
    .on(&p);
    assert!(!d.allowed);
    assert_eq!(
        d.reasons,
        [
            "Denied by the deny_when rule at policy.yaml:3: ec2:TerminateInstances input member \
             `/InstanceIds/1` = \"prod-web-2\" matches \"prod-*\""
        ]
    );
    let d = call(
        "s3",
        "DeleteObject",
        json!({"Bucket": "prod-data", "Key": "k"}),
    )
    .on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("`/Bucket` = \"prod-data\""),
        "{d:?}"
    );
    let d = call(
        "s3",
        "DeleteObject",
        json!({"Bucket": "dev-data", "Key": "k"}),
    )
    .on(&p);
    assert!(d.allowed && d.requires_confirmation, "{d:?}");

    let run = |t: &str| {
        call(
            "ec2",
            "RunInstances",
            json!({"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "InstanceType": t}),
        )
        .on(&p)
    };
    let d = run("t3.micro");
    assert!(d.allowed && !d.requires_confirmation, "{d:?}");
    let d = run("m5.large");
    assert!(d.allowed && d.requires_confirmation, "{d:?}");
    assert_eq!(d.approval_sources, [ApprovalSource::Rule { line: 7 }]);
    assert!(
        d.reasons[0]
            .contains("`/InstanceType` = \"m5.large\" is not one of [\"t3.micro\", \"t3.small\"]"),
        "{d:?}"
    );
}

#[test]
fn aliases_resolve_to_canonical_services() {
    let p = policy(
        r#"
services:
  allowlist: [logs, s3api, sts]
rules:
  allow: ["^logs:Describe.*$", "^s3:List.*", "^sts:GetCallerIdentity$"]
deny:
  - operations: ["logs:DeleteLogGroup"]
"#,
    );
    let d = call("cloudwatch-logs", "DescribeLogGroups", json!({})).on(&p);
    assert!(d.allowed, "{d:?}");
    let d = call("logs", "DeleteLogGroup", json!({"logGroupName": "g"})).on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("cloudwatch-logs:DeleteLogGroup"),
        "{d:?}"
    );
    let d = call("s3", "ListBuckets", json!({})).on(&p);
    assert!(d.allowed, "{d:?}");
    let d = call("ec2", "DescribeInstances", json!({})).on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("services.allowlist"),
        "{d:?}"
    );
    let d = call("s3", "GetObject", json!({"Bucket": "b", "Key": "k"})).on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("not allowlisted"),
        "{d:?}"
    );
    assert_eq!(
        p.exposure(op("ec2", "DescribeInstances").1),
        Exposure::Hidden
    );
    assert!(!p.service_visible(op("ec2", "DescribeInstances").0));
    assert!(p.service_visible(op("logs", "DescribeLogGroups").0));
}

#[test]
fn unknown_keys_name_the_line() {
    let e = errors("mode: read-only\nrate_limit:\n  - per_minute: 5\n");
    assert_eq!((e[0].line, e[0].column), (2, 1));
    assert!(e[0].message.contains("did you mean `rate_limits`"), "{e:?}");
    let e = errors(
        "confirm_when:\n  - operations: [\"ec2:RunInstances\"]\n    members: [InstanceType]\n    not_inn: [t3.micro]\n",
    );
    assert!(
        e.iter()
            .any(|d| d.line == 4 && d.message.contains("`not_in`")),
        "{e:?}"
    );
    // Rendered as file:line:column: message, one line per error.
    let err = Policy::parse("mdoe: read-only\n", PolicySource::File("p.yaml".into())).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("p.yaml:1:1: unknown key `mdoe`"),
        "{err}"
    );
}

#[test]
fn all_mistakes_are_reported_in_one_round() {
    // A misspelt key does not hide the unknown operation of the same rule, nor cause a
    // follow-on "matches needs members".
    let e = errors(
        "deny_when:\n  - operations: [\"ec2:TerminateInstance\"]\n    membres: [\"*Id\"]\n    matches: \"prod-*\"\n",
    );
    let at: Vec<(usize, usize)> = e.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(at, [(2, 18), (3, 5)], "{e:#?}");
}

#[test]
fn bad_globs_and_regexes_name_the_line() {
    let e = errors(
        r#"
deny:
  - operations: ["ec2:[Tt]erminate*"]
rules:
  deny: ["^ec2:(Describe"]
destructive_patterns: ["(?<=x)Delete"]
deny_when:
  - operations: ["s3:Delete*"]
    members: ["Bucket.Name"]
    matches: "prod-*"
"#,
    );
    let at: Vec<(usize, usize)> = e.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(at, [(3, 18), (5, 10), (6, 24), (9, 15)], "{e:#?}");
    assert!(
        e[0].message.contains("`[` is not allowed"),
        "{}",
        e[0].message
    );
    assert!(
        e[1].message.contains("invalid regex in rules.deny"),
        "{}",
        e[1].message
    );
    assert!(e[2].message.contains("look-around"), "{}", e[2].message);
}

#[test]
fn names_that_match_nothing_are_errors_in_restrictions_and_warnings_in_allows() {
    let e = errors(
        r#"
deny:
  - operations: ["ec2:TerminateInstance", "ec3:*", "s3:Zap*", "ec2"]
  - regions: ["moon-base-1"]
rules:
  deny: ["^ec2:Zap"]
services:
  denylist: [nosuchservice]
"#,
    );
    let messages: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(e.len(), 7, "{messages:#?}");
    assert!(
        messages[0].contains("did you mean `TerminateInstances`"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("Unknown AWS service `ec3`"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].contains("`s3:Zap*` matches no operation"),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].contains("not service:Operation"),
        "{}",
        messages[3]
    );
    assert_eq!(e[4].line, 4);
    assert!(
        messages[5].contains("rules.deny `^ec2:Zap` matches no"),
        "{}",
        messages[5]
    );
    assert_eq!(e[6].line, 8);

    // The same names in allow lists only make the policy stricter: warnings.
    let p = policy(
        r#"
allow:
  - operations: ["ec2:Describe*", "ec2:Zap*"]
services:
  allowlist: [ec2, cloudwatch, nosuchservice]
rules:
  allow: ["^apigateway:GET.*$"]
"#,
    );
    let lines: Vec<usize> = p.warnings().iter().map(|w| w.line).collect();
    assert_eq!(lines, [3, 5, 7], "{:?}", p.warnings());
}

#[test]
fn rules_that_can_never_fire() {
    let e = errors(
        r#"
deny_when:
  - operations: ["s3:DeleteObject"]
    members: ["InstanceType"]
    matches: "x*"
  - operations: ["ec2:RunInstances"]
    members: ["Placement"]
    matches: "x*"
  - operations: ["ec2:TerminateInstances"]
    classes: [read]
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: ["NoSuchThing"]
    when_missing: true
defaults:
  require_approval_for_risk: [high]
"#,
    );
    let lines: Vec<usize> = e.iter().map(|d| d.line).collect();
    assert_eq!(lines, [4, 7, 10, 13, 16], "{e:#?}");
    assert!(e[0].message.contains("can never fire"), "{}", e[0].message);
    assert!(
        e[1].message.contains("structures or maps"),
        "{}",
        e[1].message
    );
    assert!(e[3].message.contains("every call"), "{}", e[3].message);
    assert!(
        e[4].message.contains("risk label `high` is not defined"),
        "{}",
        e[4].message
    );

    // Harmless: warnings.
    let p = policy(
        r#"
mode: read-only
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    in: ["t3.micro", "t3.mega"]
allow:
  - operations: ["ec2:*"]
defaults:
  deny_destructive: true
"#,
    );
    let w: Vec<(usize, &str)> = p
        .warnings()
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(w.len(), 3, "{w:#?}");
    assert_eq!(w[0].0, 4);
    assert!(w[0].1.contains("never fires"), "{}", w[0].1);
    assert_eq!(w[1].0, 6);
    assert!(w[1].1.contains("`t3.mega` is not a value"), "{}", w[1].1);
    assert_eq!(w[2].0, 10);
    assert!(w[2].1.contains("no effect"), "{}", w[2].1);
}

// ---- evaluation ----------------------------------------------------------------------------

#[test]
fn read_only_runs_reads_and_denies_everything_else() {
    let p = policy("mode: read-only\n");
    for (s, o, payload) in [
        ("ec2", "DescribeInstances", json!({})),
        ("s3", "ListBuckets", json!({})),
        ("s3", "GetObject", json!({"Bucket": "b", "Key": "k"})),
        ("s3", "HeadObject", json!({"Bucket": "b", "Key": "k"})),
        ("dynamodb", "Query", json!({"TableName": "t"})),
        ("dynamodb", "Scan", json!({"TableName": "t"})),
        ("dynamodb", "BatchGetItem", json!({"RequestItems": {}})),
        ("sts", "GetCallerIdentity", json!({})),
        ("logs", "DescribeLogGroups", json!({})),
    ] {
        let d = call(s, o, payload).on(&p);
        assert!(d.allowed && d.read_only, "{s}:{o} {d:?}");
        assert_ne!(p.exposure(op(s, o).1), Exposure::Hidden, "{s}:{o}");
    }
    for (s, o) in [
        ("ec2", "TerminateInstances"),
        ("ec2", "RunInstances"),
        ("s3", "PutObject"),
        ("iam", "CreateUser"),
    ] {
        let d = call(s, o, json!({})).on(&p);
        assert!(!d.allowed, "{s}:{o}");
        assert!(
            d.reasons[0].starts_with("Read-only mode (policy.yaml:1)")
                && d.reasons[0].contains("is not a read operation"),
            "{d:?}"
        );
        assert_eq!(p.exposure(op(s, o).1), Exposure::Hidden);
    }
}

#[test]
fn deny_when_walks_nested_members() {
    let p = policy(
        r#"
deny_when:
  - operations: ["ec2:RunInstances"]
    members: ["KmsKeyId"]
    matches: ["arn:aws:kms:*:111111111111:*"]
    reason: "keys of the audit account"
"#,
    );
    let payload = json!({
        "ImageId": "ami-1", "MinCount": 1, "MaxCount": 1,
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}},
            {"DeviceName": "/dev/sdb", "Ebs": {"KmsKeyId": "arn:aws:kms:us-east-1:111111111111:key/k"}}
        ]
    });
    let d = call("ec2", "RunInstances", payload).on(&p);
    assert!(!d.allowed);
    assert!(
        d.reasons[0].contains("`/BlockDeviceMappings/1/Ebs/KmsKeyId`")
            && d.reasons[0].ends_with(": keys of the audit account"),
        "{d:?}"
    );
    // Conditional rules do not hide the operation from search.
    assert_eq!(
        p.exposure(op("ec2", "RunInstances").1),
        Exposure::Visible {
            requires_confirmation: false
        }
    );
}

#[test]
fn regions_and_identities_scope_rules() {
    let p = policy(
        r#"
allow:
  - operations: ["*:*"]
    regions: ["eu-*"]
  - operations: ["sts:GetCallerIdentity"]
deny:
  - classes: [write]
    profiles: ["prod*"]
  - operations: ["iam:*"]
    roles: ["arn:aws:iam::*:role/ReadOnly*"]
  - operations: ["s3:*"]
    principals: ["*@https://idp.example.com"]
confirm_when:
  - classes: [destructive]
    regions: ["eu-central-1"]
"#,
    );
    assert!(p.warnings().is_empty(), "{:?}", p.warnings());
    let d = call("ec2", "DescribeInstances", json!({})).on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("not allowlisted"),
        "{d:?}"
    );
    let d = call("ec2", "DescribeInstances", json!({}))
        .region("eu-west-1")
        .on(&p);
    assert!(d.allowed, "{d:?}");
    let d = call("sts", "GetCallerIdentity", json!({})).on(&p);
    assert!(d.allowed, "{d:?}");

    let put = || call("s3", "PutObject", json!({"Bucket": "b", "Key": "k"})).region("eu-west-1");
    assert!(put().profile("dev").on(&p).allowed);
    let d = put().profile("prod-admin").on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("profiles prod*"),
        "{d:?}"
    );
    let d = put()
        .principal(Principal::Remote {
            issuer: "https://idp.example.com".into(),
            subject: "alice".into(),
        })
        .on(&p);
    assert!(!d.allowed && d.reasons[0].contains("principals"), "{d:?}");

    let iam = || call("iam", "ListUsers", json!({})).region("eu-west-1");
    assert!(iam().on(&p).allowed);
    assert!(
        iam()
            .role("arn:aws:iam::123456789012:role/Admin")
            .on(&p)
            .allowed
    );
    assert!(
        !iam()
            .role("arn:aws:iam::123456789012:role/ReadOnlyX")
            .on(&p)
            .allowed
    );

    // Destructive: confirmation everywhere (model), plus the rule in eu-central-1.
    let stop =
        |r: &'static str| call("ec2", "StopInstances", json!({"InstanceIds": ["i-1"]})).region(r);
    assert_eq!(stop("eu-west-1").on(&p).approval_sources.len(), 1);
    assert_eq!(stop("eu-central-1").on(&p).approval_sources.len(), 2);
    // Scoped rules never hide an operation.
    assert_ne!(p.exposure(op("s3", "PutObject").1), Exposure::Hidden);
    // validate without a region: region-scoped rules apply.
    let mut c = call("ec2", "DescribeInstances", json!({}));
    c.region = None;
    assert!(c.on(&p).allowed);
}

#[test]
fn payload_size_is_capped() {
    let p = policy("max_payload_bytes: 64\n");
    let small = call("s3", "PutObject", json!({"Bucket": "b", "Key": "k"}));
    assert!(small.on(&p).allowed);
    let big = call(
        "s3",
        "PutObject",
        json!({"Bucket": "b", "Key": "k", "Body": "x".repeat(100)}),
    );
    let d = big.on(&p);
    assert!(!d.allowed);
    assert!(
        d.reasons[0].contains("more than max_payload_bytes 64 (policy.yaml:1)"),
        "{d:?}"
    );
    assert_eq!(payload_size(&small.payload), 24);
}

#[test]
fn rate_caps_count_admitted_calls_only() {
    let clock = Arc::new(ManualClock::new(SystemTime::UNIX_EPOCH));
    let p = policy(
        r#"
rate_limits:
  - operations: ["s3:Delete*"]
    per_minute: 2
  - operations: ["sqs:*"]
    per_minute: 1
    per: [operation]
"#,
    )
    .with_rate_store(Arc::new(InMemoryRates::new()), clock.clone());
    let del = call("s3", "DeleteObject", json!({"Bucket": "b", "Key": "k"}));
    // validate and evaluate count nothing.
    for _ in 0..10 {
        assert!(del.on(&p).allowed);
        assert!(p.decide_for_validate(&del.facts()).allowed);
    }
    for _ in 0..2 {
        let d = del.on(&p);
        assert!(d.allowed);
        p.admit(&d).unwrap();
    }
    clock.advance(Duration::from_secs(20));
    let d = del.on(&p);
    assert!(!d.allowed);
    assert_eq!(d.retry_after, Some(Duration::from_secs(40)));
    assert!(
        d.reasons[0].contains("at most 2 calls per minute (policy.yaml:3); retry in 40 s"),
        "{d:?}"
    );
    // Another operation of the class shares the counter.
    let d = call("s3", "DeleteBucket", json!({"Bucket": "b"})).on(&p);
    assert!(!d.allowed);
    clock.advance(Duration::from_secs(40));
    let d = del.on(&p);
    assert!(d.allowed);
    // A decision taken before the cap filled is refused at admit.
    let stale = del.on(&p);
    p.admit(&del.on(&p)).unwrap();
    p.admit(&del.on(&p)).unwrap();
    let e = p.admit(&stale).unwrap_err();
    assert!(e.retry_after > Duration::ZERO, "{e:?}");

    // per: [operation] counts each operation on its own.
    let send = call(
        "sqs",
        "SendMessage",
        json!({"QueueUrl": "q", "MessageBody": "m"}),
    );
    let list = call("sqs", "ListQueues", json!({}));
    p.admit(&send.on(&p)).unwrap();
    assert!(!send.on(&p).allowed);
    assert!(list.on(&p).allowed);
}

#[test]
fn risk_labels_and_destructive_patterns() {
    let p = policy(
        r#"
destructive_patterns: ["^Put"]
risk_patterns:
  high: ["^Delete", "^Terminate"]
  medium: ["^Put", "^Delete"]
defaults:
  require_approval_for_risk: [medium]
"#,
    );
    let d = call("s3", "PutObject", json!({"Bucket": "b", "Key": "k"})).on(&p);
    assert!(d.destructive && d.requires_confirmation);
    assert_eq!(d.risk.as_deref(), Some("medium"));
    assert_eq!(
        d.approval_sources,
        [
            ApprovalSource::Destructive,
            ApprovalSource::Risk("medium".into())
        ]
    );
    assert!(
        d.reasons[0].contains("destructive_patterns `^Put`"),
        "{d:?}"
    );
    // The first label in file order wins: Delete is high, which needs no approval of its own.
    let d = call("s3", "DeleteObject", json!({"Bucket": "b", "Key": "k"})).on(&p);
    assert_eq!(d.risk.as_deref(), Some("high"));
    assert_eq!(d.approval_sources, [ApprovalSource::Destructive]);
    // A read is never destructive, whatever the patterns.
    let p = policy("destructive_patterns: [\"Object\"]\n");
    let d = call("s3", "GetObject", json!({"Bucket": "b", "Key": "k"})).on(&p);
    assert!(!d.destructive && !d.requires_confirmation);
}

#[test]
fn deny_destructive_and_required_tags() {
    let p = policy(
        r#"
defaults:
  deny_destructive: true
required_tags:
  - key: Owner
    pattern: "[a-z]+"
"#,
    );
    let d = call("ec2", "TerminateInstances", json!({"InstanceIds": ["i-1"]})).on(&p);
    assert!(
        !d.allowed && d.reasons[0].contains("deny_destructive (policy.yaml:3)"),
        "{d:?}"
    );
    assert_eq!(
        p.exposure(op("ec2", "TerminateInstances").1),
        Exposure::Hidden
    );
    let run = |tags: Value| {
        call(
            "ec2",
            "RunInstances",
            json!({"ImageId": "a", "MinCount": 1, "MaxCount": 1, "TagSpecifications": [{"ResourceType": "instance", "Tags": tags}]}),
        )
        .on(&p)
    };
    let d = run(json!([]));
    assert!(
        !d.allowed && d.reasons[0].starts_with("Required tag `Owner` is missing"),
        "{d:?}"
    );
    let d = run(json!([{"Key": "Owner", "Value": "Alice"}]));
    assert!(
        !d.allowed && d.reasons[0].contains("does not match `[a-z]+`"),
        "{d:?}"
    );
    assert!(run(json!([{"Key": "Owner", "Value": "alice"}])).allowed);
    // A map of tags (Lambda).
    let d = call(
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "f", "Role": "r", "Code": {}, "Tags": {"Owner": "bob"}}),
    )
    .on(&p);
    assert!(d.allowed, "{d:?}");
    // Operations without tags are not checked.
    assert!(
        call("s3", "PutObject", json!({"Bucket": "b", "Key": "k"}))
            .on(&p)
            .allowed
    );
    // ...unless named: S3's tag query string.
    let p = policy("required_tags:\n  - key: Owner\n    operations: [\"s3:PutObject\"]\n");
    let put = |tagging: Value| {
        call(
            "s3",
            "PutObject",
            json!({"Bucket": "b", "Key": "k", "Tagging": tagging}),
        )
        .on(&p)
    };
    assert!(!put(json!("team=a")).allowed);
    assert!(put(json!("team=a&Owner=alice%20b")).allowed);
}

#[test]
fn confirmation_gate_follows_the_server_flags() {
    let p = Policy::builtin();
    let destructive = call("ec2", "TerminateInstances", json!({"InstanceIds": ["i-1"]})).on(&p);
    let read = call("ec2", "DescribeInstances", json!({})).on(&p);
    assert!(destructive.confirmation_gate(false, false));
    assert!(
        !destructive.confirmation_gate(false, true),
        "auto-approve skips it"
    );
    assert!(
        destructive.confirmation_gate(true, true),
        "MCP_REQUIRE_APPROVAL wins"
    );
    assert!(!read.confirmation_gate(false, false));
    assert!(read.confirmation_gate(true, false));
    // A confirm_when rule is never auto-approved.
    let p = policy("confirm_when:\n  - operations: [\"ec2:TerminateInstances\"]\n");
    let d = call("ec2", "TerminateInstances", json!({"InstanceIds": ["i-1"]})).on(&p);
    assert_eq!(d.approval_sources.len(), 2);
    assert!(d.confirmation_gate(false, true));
    assert_eq!(
        p.exposure(op("ec2", "TerminateInstances").1),
        Exposure::Visible {
            requires_confirmation: true
        }
    );
    let j = d.to_json();
    assert_eq!(j["allowed"], true);
    assert_eq!(j["requireApproval"], true);
    assert_eq!(
        j["approvalSources"],
        json!(["policy:destructive", "policy:confirm_when:line 2"])
    );
}

#[test]
fn a_reference_policy_file_still_loads() {
    // The reference's shipped policy.yaml, shortened (same keys and forms).
    let p = policy(
        r#"
version: 1
services:
  allowlist: [sts, ec2, iam, lambda, s3, cloudwatch, apigateway]
  denylist: []
rules:
  allow:
    - "^sts:GetCallerIdentity$"
    - "^ec2:Describe.*$"
    - "^iam:List.*$"
    - "^s3:(List|Get|Create|Delete|Put).*$"
    - "^ec2:TerminateInstances$"
    - "^apigateway:GET.*$"
  deny: []
destructive_patterns: [Delete, Terminate, Destroy, Stop, Detach, Purge, Remove, Revoke, Disable]
approval:
  ttl_seconds: 3600
"#,
    );
    // ^apigateway:GET.*$ matches nothing (a warning), and so may `Destroy`.
    assert!(
        p.warnings()
            .iter()
            .any(|w| w.message.contains("^apigateway:GET.*$")),
        "{:?}",
        p.warnings()
    );
    assert_eq!(p.approval_ttl(), Duration::from_secs(3600));
    let d = call("ec2", "TerminateInstances", json!({"InstanceIds": ["i-1"]})).on(&p);
    assert!(d.allowed && d.requires_confirmation, "{d:?}");
    let d = call(
        "ec2",
        "RunInstances",
        json!({"ImageId": "a", "MinCount": 1, "MaxCount": 1}),
    )
    .on(&p);
    assert!(!d.allowed, "{d:?}");
    let d = call("lambda", "ListFunctions", json!({})).on(&p);
    assert!(!d.allowed, "{d:?}");
}

#[test]
fn load_uses_the_builtin_only_without_an_explicit_path() {
    let missing = std::env::temp_dir().join(format!("no-policy-{}.yaml", std::process::id()));
    let e = Policy::load(Some(&missing)).unwrap_err();
    assert!(e.to_string().contains("set by POLICY_PATH"), "{e}");
    let p = Policy::load_at(&missing, false).unwrap();
    assert_eq!(p.source(), &PolicySource::BuiltIn);
    let file = std::env::temp_dir().join(format!("policy-{}.yaml", std::process::id()));
    std::fs::write(&file, "mode: read-only\nmaxpayload: 5\n").unwrap();
    let e = Policy::load(Some(&file)).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}:2:1: unknown key `maxpayload`", file.display())),
        "{e}"
    );
    std::fs::write(&file, "mode: read-only\n").unwrap();
    assert_eq!(Policy::load(Some(&file)).unwrap().mode(), Mode::ReadOnly);
    let _ = std::fs::remove_file(&file);
}

/// Timings (not asserted): `cargo test --release --lib policy::tests::timings -- --ignored
/// --nocapture`.
#[test]
#[ignore]
fn timings() {
    let typical = r#"
mode: read-write
max_payload_bytes: 262144
allow:
  - operations: ["*:Describe*", "*:List*", "*:Get*", "s3:*", "logs:*", "sts:*", "ec2:*"]
deny:
  - operations: ["iam:*", "organizations:*"]
  - classes: [write]
    profiles: ["prod*"]
deny_when:
  - operations: ["ec2:TerminateInstances", "s3:Delete*"]
    members: ["*Id", "*Ids", "Bucket", "*Name", "*Arn"]
    matches: "prod-*"
  - operations: ["*:*"]
    members: ["*Arn"]
    matches: "arn:aws:iam::999999999999:*"
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    not_in: ["t3.micro", "t3.small"]
rate_limits:
  - operations: ["*:Delete*"]
    per_minute: 5
rules:
  deny: ["^ec2:.*Vpc.*$", ".*:DeleteBucket$"]
"#;
    let _ = catalog::get();
    let parts = [
        (
            "allow globs",
            "allow:\n  - operations: [\"*:Describe*\", \"*:List*\", \"*:Get*\", \"s3:*\"]\n",
        ),
        (
            "deny class+profile",
            "deny:\n  - classes: [write]\n    profiles: [\"prod*\"]\n",
        ),
        (
            "deny_when small",
            "deny_when:\n  - operations: [\"ec2:TerminateInstances\", \"s3:Delete*\"]\n    members: [\"*Id\", \"*Ids\", \"Bucket\", \"*Name\", \"*Arn\"]\n    matches: \"prod-*\"\n",
        ),
        (
            "deny_when all ops",
            "deny_when:\n  - operations: [\"*:*\"]\n    members: [\"*Arn\"]\n    matches: \"x*\"\n",
        ),
        (
            "confirm_when RunInstances",
            "confirm_when:\n  - operations: [\"ec2:RunInstances\"]\n    members: [\"InstanceType\"]\n    not_in: [\"t3.micro\"]\n",
        ),
        ("regex literal", "rules:\n  deny: [\"^ec2:.*Vpc.*$\"]\n"),
        ("regex general", "rules:\n  deny: [\".*:DeleteBucket$\"]\n"),
    ];
    for (name, text) in parts
        .iter()
        .copied()
        .chain([("builtin", DEFAULT_POLICY), ("typical", typical)])
    {
        let t = std::time::Instant::now();
        let n = 5;
        for _ in 0..n {
            let _ = policy(text);
        }
        println!("load {name}: {:?} per load", t.elapsed() / n);
    }
    let p = policy(typical);
    let cases = [
        call("ec2", "DescribeInstances", json!({"InstanceIds": ["i-1"]})),
        call(
            "ec2",
            "RunInstances",
            json!({"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1, "InstanceType": "m5.large",
                   "BlockDeviceMappings": [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 8}}],
                   "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "b"}]}]}),
        ),
        call(
            "s3",
            "DeleteObject",
            json!({"Bucket": "dev-data", "Key": "k"}),
        ),
    ];
    for c in &cases {
        let facts = c.facts();
        let n = 100_000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(p.evaluate(std::hint::black_box(&facts)));
        }
        println!(
            "evaluate {}: {:?} per call",
            op_key(c.operation),
            t.elapsed() / n
        );
    }
    let t = std::time::Instant::now();
    let mut visible = 0;
    for i in 0..catalog::get().operations.len() as u32 {
        if p.exposure(i) != Exposure::Hidden {
            visible += 1;
        }
    }
    println!(
        "exposure of every operation: {:?} ({visible} visible)",
        t.elapsed()
    );
}

#[test]
fn always_confirms_applies_the_server_flags() {
    let p = policy(
        r#"
risk_patterns:
  high: ["^Reboot"]
defaults:
  require_approval_for_risk: [high]
confirm_when:
  - operations: ["sqs:PurgeQueue"]
"#,
    );
    let delete = op("s3", "DeleteBucket").1;
    let reboot = op("ec2", "RebootInstances").1;
    let purge = op("sqs", "PurgeQueue").1;
    let list = op("s3", "ListBuckets").1;
    // Destructive only: auto-approve removes the flag; a risk label or a rule keeps it.
    assert!(p.always_confirms(delete, false, false));
    assert!(!p.always_confirms(delete, false, true));
    assert!(p.always_confirms(reboot, false, true));
    assert!(p.always_confirms(purge, false, true));
    // A read needs none, unless the server asks for every call.
    assert!(!p.always_confirms(list, false, false));
    assert!(p.always_confirms(list, true, true));
    // Hidden operations are not flagged (they are not listed at all).
    let ro = policy("mode: read-only\n");
    assert!(!ro.always_confirms(delete, true, false));
}

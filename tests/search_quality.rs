//! Ranking quality of `aws_search_operations` on queries of our own (tests/data/search-own.jsonl
//! and the cases below), never the evaluation set's, so that the ranking is checked for
//! generalising rather than for one set. Latency is measured by a benchmark, not here.

use aws_exec_mcp::catalog::{self, search::search};

/// The full catalog is compiled in (not an `AWS_MCP_SERVICES` slim build).
fn full_catalog() -> bool {
    !catalog::get().snapshot.slim
}

fn name(op: u32) -> String {
    let cat = catalog::get();
    let o = &cat.operations[op as usize];
    format!(
        "{}:{}",
        cat.services[o.service.to_native() as usize].name.as_str(),
        o.name.as_str()
    )
}

fn top(query: &str, n: usize) -> Vec<String> {
    search(query, None, n)
        .into_iter()
        .map(|h| name(h.op))
        .collect()
}

#[track_caller]
fn assert_first(query: &str, wanted: &[&str]) {
    let got = top(query, 5);
    assert!(
        got.first().is_some_and(|g| wanted.contains(&g.as_str())),
        "{query:?}: wanted one of {wanted:?} first, got {got:?}"
    );
}

#[test]
fn own_query_set_meets_the_bar() {
    if !full_catalog() {
        return;
    }
    let text = include_str!("data/search-own.jsonl");
    let (mut n, mut top1, mut top5) = (0, 0, 0);
    let mut misses = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).expect("valid JSONL");
        let query = row["query"].as_str().unwrap_or_default();
        let good: Vec<String> = ["expected", "also_ok"]
            .iter()
            .flat_map(|k| row[*k].as_array().cloned().unwrap_or_default())
            .filter_map(|v| v.as_str().map(str::to_lowercase))
            .collect();
        let got = top(query, 10);
        let rank = got.iter().position(|g| good.contains(&g.to_lowercase()));
        n += 1;
        top1 += usize::from(rank == Some(0));
        top5 += usize::from(rank.is_some_and(|r| r < 5));
        if rank != Some(0) {
            misses.push(format!(
                "{query:?} rank {rank:?}: {:?}",
                &got[..got.len().min(3)]
            ));
        }
    }
    let (t1, t5) = (top1 as f64 / n as f64, top5 as f64 / n as f64);
    assert!(n >= 40, "the set has {n} queries");
    assert!(t1 >= 0.9, "top-1 {t1:.3} < 0.9; misses: {misses:#?}");
    assert!(t5 >= 0.95, "top-5 {t5:.3} < 0.95; misses: {misses:#?}");
}

#[test]
fn exact_and_cli_names() {
    if !full_catalog() {
        return;
    }
    assert_first("DescribeVpcs", &["ec2:DescribeVpcs"]);
    assert_first("describe-vpcs", &["ec2:DescribeVpcs"]);
    assert_first("aws iam get-role", &["iam:GetRole"]);
    assert_first("aws s3api head-object", &["s3:HeadObject"]);
    assert_first("ec2:CreateTags", &["ec2:CreateTags"]);
    assert_first("list_functions", &["lambda:ListFunctions"]);
    assert_first("sqs purge-queue", &["sqs:PurgeQueue"]);
}

/// The AWS CLI's own commands (models/awscli/commands.tsv, waiters, renamed example files)
/// reach the operations they call.
#[test]
fn cli_high_level_commands() {
    if !full_catalog() {
        return;
    }
    assert_first("aws s3 cp", &["s3:PutObject"]);
    assert_first("aws s3 ls", &["s3:ListObjectsV2"]);
    assert_first("aws s3 mb", &["s3:CreateBucket"]);
    assert_first("aws s3 rb", &["s3:DeleteBucket"]);
    assert_first("aws s3 sync", &["s3:ListObjectsV2"]);
    assert_first("aws s3 presign", &["s3:GetObject"]);
    assert_first("aws eks update-kubeconfig", &["eks:DescribeCluster"]);
    assert_first("update-kubeconfig", &["eks:DescribeCluster"]);
    assert_first("aws ecr get-login-password", &["ecr:GetAuthorizationToken"]);
    assert_first(
        "aws ecr-public get-login-password",
        &["ecr-public:GetAuthorizationToken"],
    );
    assert_first(
        "aws cloudformation deploy",
        &["cloudformation:CreateChangeSet"],
    );
    assert_first(
        "aws rds generate-db-auth-token",
        &["rds:DescribeDBInstances"],
    );
    assert_first("aws ec2 wait instance-running", &["ec2:DescribeInstances"]);
    assert_first(
        "aws codeartifact login",
        &["codeartifact:GetAuthorizationToken"],
    );
    assert!(top("aws logs tail", 2).contains(&"cloudwatch-logs:FilterLogEvents".to_string()));
    // The other operations of a command come next.
    let cp = top("aws s3 cp", 5);
    for op in ["s3:GetObject", "s3:CopyObject"] {
        assert!(
            cp.contains(&op.to_string()),
            "aws s3 cp: {op} not in {cp:?}"
        );
    }
}

/// Words only the CLI's examples use for an operation find it.
#[test]
fn words_of_the_cli_examples() {
    if !full_catalog() {
        return;
    }
    assert_first("configure kubectl for my cluster", &["eks:DescribeCluster"]);
    assert_first("purge a queue", &["sqs:PurgeQueue"]);
    assert_first("start a session on an instance", &["ssm:StartSession"]);
}

/// Questions about past actions ask for the account's API history (CloudTrail).
#[test]
fn who_did_what_asks_the_api_history() {
    if !full_catalog() {
        return;
    }
    for q in [
        "who deleted my bucket yesterday",
        "who terminated the instance",
        "when was my security group changed",
    ] {
        assert_first(q, &["cloudtrail:LookupEvents"]);
    }
    // "who am i" stays the caller's identity; a plain delete stays a delete.
    assert_first("who am i", &["sts:GetCallerIdentity"]);
    assert_first("delete my bucket", &["s3:DeleteBucket"]);
}

/// Tagging a thing is the service's tagging operation, whatever it calls the resource.
#[test]
fn tagging_the_resource_named() {
    if !full_catalog() {
        return;
    }
    assert_first("add a tag to my lambda function", &["lambda:TagResource"]);
    assert_first("tag a CloudFront distribution", &["cloudfront:TagResource"]);
    assert_first("tag an s3 bucket", &["s3:PutBucketTagging"]);
    assert_first("add tags to an ec2 instance", &["ec2:CreateTags"]);
    assert_first("delete tags from an ec2 instance", &["ec2:DeleteTags"]);
    assert_first("tag an iam role", &["iam:TagRole"]);
    assert_first("untag an sqs queue", &["sqs:UntagQueue"]);
    assert_first(
        "list the tags of a dynamodb table",
        &["dynamodb:ListTagsOfResource"],
    );
    assert_first("show tags on my lambda function", &["lambda:ListTags"]);
    // The tags of a resource are not the Resource Groups Tagging API's unless asked.
    assert_first(
        "find resources by tag",
        &["resource-groups-tagging-api:GetResources"],
    );
}

#[test]
fn bulk_deletes_and_shells() {
    if !full_catalog() {
        return;
    }
    assert_first("empty the queue", &["sqs:PurgeQueue"]);
    assert!(top("remove all messages from a queue", 5).contains(&"sqs:PurgeQueue".to_string()));
    assert_first("delete all objects in a bucket", &["s3:DeleteObjects"]);
    assert_first(
        "open a shell on an instance without ssh",
        &["ssm:StartSession"],
    );
    // "log in" is a login, not CloudWatch Logs.
    assert_first("log in to ecr", &["ecr:GetAuthorizationToken"]);
    assert_first("list log groups", &["cloudwatch-logs:DescribeLogGroups"]);
}

#[test]
fn tasks_in_plain_words() {
    if !full_catalog() {
        return;
    }
    assert_first(
        "list the objects in my bucket",
        &["s3:ListObjectsV2", "s3:ListObjects"],
    );
    assert_first("delete a dynamodb table", &["dynamodb:DeleteTable"]);
    assert_first(
        "show my cloudformation stacks",
        &["cloudformation:DescribeStacks", "cloudformation:ListStacks"],
    );
    assert_first("create an iam user", &["iam:CreateUser"]);
    assert_first("get an item from a dynamodb table", &["dynamodb:GetItem"]);
    assert_first("reboot an ec2 instance", &["ec2:RebootInstances"]);
}

#[test]
fn synonyms_typos_and_joins() {
    if !full_catalog() {
        return;
    }
    assert_first("terminate my vms", &["ec2:TerminateInstances"]);
    assert_first("list my k8s clusters", &["eks:ListClusters"]);
    assert_first("dynamo db list tables", &["dynamodb:ListTables"]);
    assert_first(
        "cloud formation list stacks",
        &["cloudformation:ListStacks"],
    );
    assert_first("describ instanses", &["ec2:DescribeInstances"]);
    assert_first("creat lamda function", &["lambda:CreateFunction"]);
}

#[test]
fn plural_and_head_noun_agreement() {
    if !full_catalog() {
        return;
    }
    // A plural asks for a list; the object of the query beats its context.
    assert_first(
        "show the tables in my nosql database",
        &["dynamodb:ListTables"],
    );
    assert_first(
        "list the objects in an s3 bucket",
        &["s3:ListObjectsV2", "s3:ListObjects"],
    );
    assert_first(
        "get a secret from secrets manager",
        &["secrets-manager:GetSecretValue"],
    );
}

#[test]
fn service_filter_restricts_results() {
    if !full_catalog() {
        return;
    }
    let Some(logs) = catalog::find_service("logs") else {
        panic!("cloudwatch-logs is compiled in");
    };
    let hits = search("list", Some(logs), 50);
    assert!(!hits.is_empty());
    let range = catalog::service_operations(logs);
    assert!(hits.iter().all(|h| range.contains(&h.op)));
}

#[test]
fn results_are_sorted_deterministic_and_bounded() {
    for q in ["list buckets", "create", "describe instances", "s3"] {
        let a = search(q, None, 20);
        let b = search(q, None, 20);
        assert_eq!(a, b, "{q}");
        assert!(a.len() <= 20);
        assert!(
            a.windows(2).all(|w| w[0].score >= w[1].score),
            "{q}: not sorted"
        );
    }
    assert!(search("list buckets", None, 0).is_empty());
}

#[test]
fn odd_input_never_panics() {
    // A deterministic stream of awkward queries: unicode, punctuation, numbers, very long.
    let pieces = [
        "",
        " ",
        "!",
        "🦀",
        "ß",
        "İ",
        "ǅ",
        "-",
        "--x",
        "a",
        "aws",
        "the",
        "123",
        "v2",
        "ListBuckets",
        "describe-instances",
        "s3:",
        ":::",
        "\t",
        "\u{200b}",
        "x".repeat(300).leak(),
        "ééé",
        "lambda",
        "dynamo",
        "db",
        "list",
        "of",
        "in",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..500 {
        let mut q = String::new();
        for _ in 0..(seed % 7) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            q.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            q.push(if seed & 1 == 0 { ' ' } else { '_' });
        }
        seed = seed.wrapping_add(0x2545_f491_4f6c_dd1d);
        let _ = search(&q, None, 10);
        let _ = search(&q, Some(0), 3);
    }
    let _ = search("lambda", Some(u32::MAX), 10);
}

#!/usr/bin/env python3
"""Wire benchmark: our serialize + sign and parse against botocore's on the same cases.

    scripts/bench_wire.py            (run by scripts/bench.sh)

1. Writes the cases to target/bench-wire-cases.jsonl: serialize cases (sqs SendMessage,
   dynamodb GetItem, ec2 RunInstances with a full sampled input) and parse cases (a small
   DynamoDB GetItem response, a 1 MB S3 ListObjectsV2 XML listing, a 1 MB DynamoDB Scan JSON).
2. Times botocore 1.37.23 in process on each case (the oracle's cmd_serialize / cmd_parse:
   the full client pipeline, endpoint rules, serialisation, signing / parsing).
3. Runs `cargo bench --bench wire -- target/bench-wire-cases.jsonl` (ours, in process) and
   prints both side by side with the ratio.

Needs the oracle's venv (../shared/oracle/setup.sh) and runs this script under it.
"""

import importlib.util
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED_DIR", os.path.join(ROOT, "..", "shared"))
CASES = os.path.join(ROOT, "target", "bench-wire-cases.jsonl")


def load_oracle():
    path = os.path.join(SHARED, "oracle", "oracle.py")
    spec = importlib.util.spec_from_file_location("oracle", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def s3_listing(size):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
             "<Name>bench-bucket</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>"
             "<IsTruncated>false</IsTruncated>"]
    i = 0
    total = len(parts[0])
    while total < size:
        item = ("<Contents><Key>logs/2025/01/01/object-%07d.json</Key>"
                "<LastModified>2025-01-01T00:00:%02d.000Z</LastModified>"
                "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>"
                "<Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>") % (i, i % 60, 1000 + i)
        parts.append(item)
        total += len(item)
        i += 1
    parts.append("</ListBucketResult>")
    return "".join(parts)


def dynamodb_scan(size):
    items = []
    total = 0
    i = 0
    while total < size:
        item = {"pk": {"S": "user#%07d" % i}, "sk": {"S": "profile"}, "age": {"N": str(20 + i % 60)},
                "tags": {"SS": ["a", "b", "c"]}, "active": {"BOOL": i % 2 == 0},
                "meta": {"M": {"created": {"S": "2025-01-01T00:00:00Z"}, "score": {"N": "%d.5" % i}}}}
        items.append(item)
        total += len(json.dumps(item))
        i += 1
    return json.dumps({"Items": items, "Count": len(items), "ScannedCount": len(items)})


def write_cases(oracle):
    sample = oracle.cmd_sample({"cmd": "sample", "service": "ec2", "operation": "RunInstances",
                                "seed": 7, "mode": "full", "spicy_strings": False}) \
        if hasattr(oracle, "cmd_sample") else None
    if not sample or not sample.get("ok"):
        raise SystemExit("cannot sample ec2 RunInstances: %r" % (sample,))
    cases = [
        {"name": "serialize+sign sqs SendMessage", "req": {"cmd": "serialize", "service": "sqs",
         "operation": "SendMessage", "params": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                                               "MessageBody": "hello world"}}},
        {"name": "serialize+sign dynamodb GetItem", "req": {"cmd": "serialize", "service": "dynamodb",
         "operation": "GetItem", "params": {"TableName": "users", "Key": {"pk": {"S": "user#1"}}}}},
        {"name": "serialize+sign ec2 RunInstances (full)", "req": {"cmd": "serialize", "service": "ec2",
         "operation": "RunInstances", "params": sample["params"]}},
        {"name": "parse dynamodb GetItem (small)", "req": {"cmd": "parse", "service": "dynamodb",
         "operation": "GetItem", "status": 200, "headers": {"x-amzn-RequestId": "r1"},
         "body": json.dumps({"Item": {"pk": {"S": "user#1"}, "name": {"S": "Ada"}, "age": {"N": "36"}}}),
         "params": {"TableName": "users", "Key": {"pk": {"S": "user#1"}}}}},
        {"name": "parse s3 ListObjectsV2 (1 MB XML)", "req": {"cmd": "parse", "service": "s3",
         "operation": "ListObjectsV2", "status": 200, "headers": {"x-amz-request-id": "r2"},
         "body": s3_listing(1 << 20), "params": {"Bucket": "bench-bucket", "EncodingType": "url"}}},
        {"name": "parse dynamodb Scan (1 MB JSON)", "req": {"cmd": "parse", "service": "dynamodb",
         "operation": "Scan", "status": 200, "headers": {"x-amzn-RequestId": "r3"},
         "body": dynamodb_scan(1 << 20), "params": {"TableName": "users"}}},
    ]
    os.makedirs(os.path.dirname(CASES), exist_ok=True)
    with open(CASES, "w") as f:
        for c in cases:
            f.write(json.dumps(c) + "\n")
    return cases


def time_botocore(oracle, case):
    req = case["req"]
    fn = oracle.cmd_serialize if req["cmd"] == "serialize" else oracle.cmd_parse
    out = fn(dict(req))  # warm-up: creates the client
    if not out.get("ok"):
        raise SystemExit("botocore failed on %s: %r" % (case["name"], out))
    rounds = 20 if len(json.dumps(req)) > 100_000 else 300
    samples = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn(dict(req))
        samples.append(time.perf_counter() - t)
    samples.sort()
    return samples[len(samples) // 2] * 1e6


def main():
    oracle = load_oracle()
    cases = write_cases(oracle)
    theirs = {c["name"]: time_botocore(oracle, c) for c in cases}
    out = subprocess.run(["cargo", "bench", "--quiet", "--bench", "wire", "--", CASES],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    ours = {}
    for line in out.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            ours[d["name"]] = d
    print("%-42s %14s %14s %9s" % ("case (p50, in process)", "aws-exec-mcp", "botocore", "ratio"))
    for c in cases:
        n = c["name"]
        o = ours.get(n, {}).get("p50_us")
        t = theirs[n]
        print("%-42s %11.1f µs %11.1f µs %8.0fx" % (n, o or float("nan"), t, t / o if o else float("nan")))


if __name__ == "__main__":
    main()

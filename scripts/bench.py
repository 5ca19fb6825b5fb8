#!/usr/bin/env python3
"""End-to-end benchmark of the aws-exec-mcp binary over stdio (standard library only).

usage: scripts/bench.py [--bin target/release/aws-exec-mcp] [--rounds N] [--starts N] [--json OUT]

Prints, for the given binary: process start -> `initialize` answered (median and p95 over
--starts fresh processes), per-call latency (p50/p95/max) of aws_search_operations over a mixed
query list, aws_get_operation_schema for the largest operations, aws_execute validate, their
response sizes, the server's peak RSS (VmHWM) after all calls, and the binary's size.
Latency is measured from writing the request line to reading the reply line, so it includes
the pipe round trip (tens of microseconds) as a client sees it. The client reads through a
buffered pipe: an unbuffered `readline()` costs one system call per byte and would dominate.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SEARCHES = [
    "list my s3 buckets", "stop an ec2 instance", "DescribeLogGroups", "aws lambda get-function",
    "send a message to a queue", "descibe secruity groups", "create a managed postgres database",
    "who am I logged in as", "list clusters", "rotate secret", "put item dynamodb",
    "start a glue crawler", "kubernetes node groups", "cloudfront invalidation", "vpc subnets",
    "get parameter store value", "translate text", "list keys", "bedrock invoke model",
    "attach policy to role",
]
SCHEMAS = [("ec2", "RunInstances"), ("s3", "PutObject"), ("dynamodb", "Query"),
           ("sagemaker", "CreateTrainingJob"), ("sts", "GetCallerIdentity")]
VALIDATES = [
    ("s3", "PutObject", {"Bucket": "my-bucket", "Key": "a/b.txt", "Body": "aGVsbG8="}),
    ("dynamodb", "Query", {"TableName": "orders", "KeyConditionExpression": "pk = :v",
                           "ExpressionAttributeValues": {":v": {"S": "x"}}}),
    ("ec2", "RunInstances", {"ImageId": "ami-12345678", "MinCount": 1, "MaxCount": 1,
                             "InstanceType": "t3.micro"}),
    ("dynamodb", "PutItem", {"TableName": "t", "Item": {"a": {"N": 5}}}),  # invalid: N is a string
]


class Server:
    def __init__(self, binary):
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 0

    def request(self, method, params):
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method,
                           "params": params}).encode() + b"\n"
        t0 = time.perf_counter()
        self.proc.stdin.write(line)
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        elapsed = time.perf_counter() - t0
        if not reply:
            raise RuntimeError(f"server closed stdout during {method}")
        return json.loads(reply), elapsed, len(reply)

    def notify(self, method):
        self.proc.stdin.write(json.dumps({"jsonrpc": "2.0", "method": method}).encode() + b"\n")
        self.proc.stdin.flush()

    def initialize(self):
        return self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                           "clientInfo": {"name": "bench", "version": "1"}})

    def call(self, tool, args):
        return self.request("tools/call", {"name": tool, "arguments": args})

    def peak_rss_kib(self):
        return self.status_kib().get("VmHWM")

    def status_kib(self):
        """VmHWM, RssAnon (heap, stacks), RssFile (the binary's pages: code and catalog) in KiB."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmHWM", "RssAnon", "RssFile", "RssShmem"):
                    out[key] = int(rest.split()[0])
        return out

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=10)


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def ms(v):
    return f"{v * 1000:.3f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/aws-exec-mcp")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"error: {args.bin} is not an executable; run `cargo build --release` first")
    report = {"binary": args.bin, "binary_bytes": os.path.getsize(args.bin)}
    version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    print(version)

    starts = []
    for _ in range(args.starts):
        t0 = time.perf_counter()
        s = Server(args.bin)
        s.initialize()
        starts.append(time.perf_counter() - t0)
        s.close()
    report["start_to_initialize_ms"] = {"p50": statistics.median(starts) * 1e3,
                                        "p95": pct(starts, 95) * 1e3}

    s = Server(args.bin)
    s.initialize()
    s.notify("notifications/initialized")

    def run(tool, arglist):
        times, sizes, errors = [], [], 0
        for _ in range(args.rounds):
            for a in arglist:
                reply, t, size = s.call(tool, a)
                times.append(t)
                sizes.append(size)
                errors += bool(reply.get("error"))
        return {"calls": len(times), "p50_ms": pct(times, 50) * 1e3, "p95_ms": pct(times, 95) * 1e3,
                "max_ms": max(times) * 1e3, "mean_bytes": int(statistics.mean(sizes)),
                "max_bytes": max(sizes), "jsonrpc_errors": errors}

    report["search"] = run("aws_search_operations", [{"query": q} for q in SEARCHES])
    report["schema"] = {}
    for svc, op in SCHEMAS:
        report["schema"][f"{svc}:{op}"] = run("aws_get_operation_schema",
                                              [{"service": svc, "operation": op}])
    report["validate"] = run("aws_execute", [{"action": "validate", "service": svc, "operation": op,
                                              "payload": p} for svc, op, p in VALIDATES])
    report["peak_rss_mib"] = (s.peak_rss_kib() or 0) / 1024
    st = s.status_kib()
    report["rss_anon_mib"] = st.get("RssAnon", 0) / 1024
    report["rss_file_mib"] = st.get("RssFile", 0) / 1024
    report["exit_code"] = s.close()

    print(f"binary size:                 {report['binary_bytes'] / 1e6:.1f} MB")
    st = report["start_to_initialize_ms"]
    print(f"start -> initialize answered: p50 {st['p50']:.2f} ms, p95 {st['p95']:.2f} ms "
          f"({args.starts} starts)")

    def line(name, r):
        print(f"{name:<28} p50 {r['p50_ms']:.3f} ms  p95 {r['p95_ms']:.3f} ms  max {r['max_ms']:.3f} ms"
              f"  reply {r['mean_bytes']} B avg / {r['max_bytes']} B max  ({r['calls']} calls)")

    line("search (20 mixed queries)", report["search"])
    for k, r in report["schema"].items():
        line(f"schema {k}", r)
    line("validate (4 payloads)", report["validate"])
    print(f"peak RSS after all calls:    {report['peak_rss_mib']:.1f} MiB "
          f"(now: {report['rss_anon_mib']:.1f} MiB heap and stacks, "
          f"{report['rss_file_mib']:.1f} MiB mapped from the binary)")
    print(f"exit code after stdin EOF:   {report['exit_code']}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)


if __name__ == "__main__":
    main()

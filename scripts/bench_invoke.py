#!/usr/bin/env python3
"""Invoke benchmark against moto on loopback: our binary beside plain HTTP and boto3.

usage: .moto-venv/bin/python scripts/bench_invoke.py [--bin target/release/aws-exec-mcp]
                                                    [--rounds 300] [--warmup 20]
                                                    [--rss-calls 1000] [--json OUT]

Run it with the moto venv's python (../shared/moto/setup.sh makes .moto-venv; it has boto3
1.37.23); scripts/bench.sh does. Uses moto at MOTO_ENDPOINT, or starts one with
../shared/moto/start.sh auto (run dir .moto-run/bench) and stops it afterwards.

For the same calls (sqs ListQueues, dynamodb ListTables, s3 HeadBucket, s3 ListObjectsV2 of a
5-object bucket), interleaved round by round so all three see the same machine load:
  (a) ours:  aws_execute invoke over stdio through the binary, timed by a raw JSON-RPC client
             from writing the request line to reading the reply line (initialize done first);
  (b) plain: the same request as prebuilt bytes over http.client (headers built once, with a
             constant SigV4-shaped Authorization so moto routes it: moto checks no signatures);
             the lower bound of any client, no signing, no parsing;
  (c) boto3: the same call through a boto3 client created once (signing, parsing, retries off);
each --rounds times after --warmup calls; p50/p95 per call and the ratios ours/plain and
ours/boto3 (of the p50s); beside them, the same tool calls as `validate` (stdio, JSON-RPC and
the tool without the network). Then (d) the server's VmRSS and peak VmHWM after --rss-calls
invokes (/proc/PID/status). moto answers `Connection: close`, so every client (ours included) opens a
new loopback connection per request. moto itself costs milliseconds per request, so the ratios
show what each client adds on top of a slow server, not raw client speed (bench_wire.py has that).

Prints a table and one JSON line (`{"bench": "invoke", ...}`), with the targets beside the
figures: e2e <= 1.1x plain HTTP, <= 0.8x boto3, peak RSS < 40 MiB.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("SHARED_DIR", os.path.join(ROOT, "..", "shared"))
REGION = "us-east-1"
TARGET_PLAIN = 1.1
TARGET_BOTO3 = 0.8
TARGET_RSS_MIB = 40.0


class Server:
    """Our binary over stdio with a raw JSON-RPC client (buffered pipe, one line each way)."""

    def __init__(self, binary, env, memory_after):
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0
        self.invokes = 0
        self.memory_after = memory_after
        self.memory = None  # VmRSS / VmHWM once `memory_after` invokes are done

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
        return json.loads(reply), elapsed

    def initialize(self):
        reply, _ = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                               "clientInfo": {"name": "bench-invoke", "version": "1"}})
        if "result" not in reply:
            raise RuntimeError(f"initialize failed: {reply}")
        self.proc.stdin.write(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}\n')
        self.proc.stdin.flush()

    def validate(self, service, operation, payload):
        reply, elapsed = self.request("tools/call", {"name": "aws_execute", "arguments": {
            "action": "validate", "service": service, "operation": operation, "payload": payload}})
        if "error" in reply or (reply.get("result") or {}).get("isError"):
            raise RuntimeError(f"validate {service} {operation} failed: {json.dumps(reply)[:600]}")
        return elapsed

    def invoke(self, service, operation, payload):
        reply, elapsed = self.request("tools/call", {"name": "aws_execute", "arguments": {
            "action": "invoke", "service": service, "operation": operation, "payload": payload}})
        self.invokes += 1
        if self.invokes == self.memory_after:
            self.memory = self.memory_kib()
        result = reply.get("result") or {}
        if "error" in reply or result.get("isError"):
            raise RuntimeError(f"invoke {service} {operation} failed: "
                               f"{json.dumps(reply.get('error') or result.get('structuredContent'))[:600]}")
        return elapsed

    def memory_kib(self):
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                key = line.split(":")[0]
                if key in ("VmHWM", "VmRSS"):
                    out[key] = int(line.split()[1])
        return out

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=10)


class Moto:
    """MOTO_ENDPOINT, or a moto started with ../shared/moto/start.sh (stopped by `stop`)."""

    def __init__(self):
        self.endpoint = os.environ.get("MOTO_ENDPOINT", "").rstrip("/")
        self.run_dir = None
        if self.endpoint:
            return
        venv = sys.prefix if os.access(os.path.join(sys.prefix, "bin", "moto_server"), os.X_OK) \
            else os.path.join(ROOT, ".moto-venv")
        self.run_dir = os.path.join(ROOT, ".moto-run", "bench")
        out = subprocess.run(["bash", os.path.join(SHARED, "moto", "start.sh"), "auto", venv, self.run_dir],
                             cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
        self.endpoint = out.strip().split("=", 1)[1]

    def stop(self):
        if self.run_dir:
            subprocess.run(["bash", os.path.join(SHARED, "moto", "stop.sh"), self.run_dir], cwd=ROOT,
                           check=False)
            self.run_dir = None


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def plain_request(service, method, path, headers, body=b""):
    """Headers for one prebuilt request: what a signed request carries, computed once."""
    date = time.strftime("%Y%m%d", time.gmtime())
    h = {"X-Amz-Date": date + "T000000Z", "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD",
         "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/{date}/{REGION}/{service}/aws4_request, "
                          "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64,
         "Content-Length": str(len(body))}
    h.update(headers)
    return method, path, h, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "aws-exec-mcp"))
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--rss-calls", type=int, default=1000,
                    help="invokes (warm-up and timed ones included) before reading the RSS")
    ap.add_argument("--json")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"error: {args.bin} is not an executable; run `cargo build --release` first")
    try:
        import boto3
        import botocore.config
    except ImportError:
        sys.exit("error: boto3 missing: run this with the moto venv's python "
                 "(.moto-venv/bin/python, from ../shared/moto/setup.sh)")

    moto = Moto()
    tmp = tempfile.TemporaryDirectory(prefix="bench-invoke-")
    server = unaudited = None
    cleanup = []
    try:
        endpoint = moto.endpoint
        host = urllib.parse.urlsplit(endpoint).netloc
        kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                  aws_secret_access_key="testing",
                  config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}))
        clients = {name: boto3.client(name, **kw) for name in ("sqs", "dynamodb", "s3")}

        # Fixtures: a queue, a table, a bucket with 5 small objects.
        tag = uuid.uuid4().hex[:10]
        queue = clients["sqs"].create_queue(QueueName=f"bench-{tag}")["QueueUrl"]
        cleanup.append(lambda: clients["sqs"].delete_queue(QueueUrl=queue))
        table = f"bench-{tag}"
        clients["dynamodb"].create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        cleanup.append(lambda: clients["dynamodb"].delete_table(TableName=table))
        bucket = f"bench-{tag}"
        clients["s3"].create_bucket(Bucket=bucket)
        keys = [f"obj-{i}.txt" for i in range(5)]
        for k in keys:
            clients["s3"].put_object(Bucket=bucket, Key=k, Body=b"x" * 100)
        cleanup.append(lambda: clients["s3"].delete_bucket(Bucket=bucket))
        cleanup.append(lambda: clients["s3"].delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]}))

        json10 = "application/x-amz-json-1.0"
        calls = [
            {"name": "sqs ListQueues", "service": "sqs", "operation": "ListQueues", "payload": {},
             "boto3": lambda: clients["sqs"].list_queues(),
             "plain": plain_request("sqs", "POST", "/", {"X-Amz-Target": "AmazonSQS.ListQueues",
                                                          "Content-Type": json10}, b"{}")},
            {"name": "dynamodb ListTables", "service": "dynamodb", "operation": "ListTables", "payload": {},
             "boto3": lambda: clients["dynamodb"].list_tables(),
             "plain": plain_request("dynamodb", "POST", "/", {"X-Amz-Target": "DynamoDB_20120810.ListTables",
                                                               "Content-Type": json10}, b"{}")},
            {"name": "s3 HeadBucket", "service": "s3", "operation": "HeadBucket", "payload": {"Bucket": bucket},
             "boto3": lambda: clients["s3"].head_bucket(Bucket=bucket),
             "plain": plain_request("s3", "HEAD", f"/{bucket}", {})},
            {"name": "s3 ListObjectsV2 (5 keys)", "service": "s3", "operation": "ListObjectsV2",
             "payload": {"Bucket": bucket},
             "boto3": lambda: clients["s3"].list_objects_v2(Bucket=bucket),
             "plain": plain_request("s3", "GET", f"/{bucket}?list-type=2", {})},
        ]

        conn = http.client.HTTPConnection(host, timeout=30)

        def plain(call):
            method, path, headers, body = call["plain"]
            t0 = time.perf_counter()
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            resp.read()
            elapsed = time.perf_counter() - t0
            if resp.status != 200:
                raise RuntimeError(f"plain {call['name']}: HTTP {resp.status}")
            return elapsed

        def boto(call):
            t0 = time.perf_counter()
            call["boto3"]()
            return time.perf_counter() - t0

        env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp.name, "AWS_ENDPOINT_URL": endpoint,
               "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION,
               "AWS_EC2_METADATA_DISABLED": "true", "ARTIFACT_PATH": tmp.name, "AWS_MCP_FILE_ROOT": tmp.name,
               "AWS_CONFIG_FILE": os.path.join(tmp.name, "no-config"),
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp.name, "no-credentials"),
               # The shipped default: every call recorded in the audit log (SQLite, WAL).
               "SQLITE_PATH": os.path.join(tmp.name, "audit.sqlite")}
        server = Server(args.bin, env, args.rss_calls)
        server.initialize()
        # The same server without the audit log, to show its share.
        unaudited = Server(args.bin, dict(env, AUDIT_ENABLED="false"), args.rss_calls)
        unaudited.initialize()

        def ours(call):
            return server.invoke(call["service"], call["operation"], call["payload"])

        def ours_no_audit(call):
            return unaudited.invoke(call["service"], call["operation"], call["payload"])

        methods = {"ours": ours, "ours_no_audit": ours_no_audit, "plain": plain, "boto3": boto}
        for _ in range(args.warmup):
            for call in calls:
                for fn in methods.values():
                    fn(call)
        samples = {c["name"]: {m: [] for m in methods} for c in calls}
        for _ in range(args.rounds):
            for call in calls:
                for m, fn in methods.items():
                    samples[call["name"]][m].append(fn(call))

        # The same tool calls without the network: what stdio + JSON-RPC + the tool cost.
        no_network = [server.validate(c["service"], c["operation"], c["payload"])
                      for _ in range(args.rounds) for c in calls]
        while server.invokes < args.rss_calls:
            ours(calls[server.invokes % len(calls)])
        memory = server.memory
        invokes = args.rss_calls
        version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    finally:
        if server is not None:
            server.close()
        if unaudited is not None:
            unaudited.close()
        for undo in reversed(cleanup):
            try:
                undo()
            except Exception as e:  # noqa: BLE001 - best effort; moto is a scratch server
                print(f"cleanup: {e}", file=sys.stderr)
        moto.stop()
        tmp.cleanup()

    def stats(values):
        return {"p50_ms": statistics.median(values) * 1e3, "p95_ms": pct(values, 95) * 1e3}

    report = {"bench": "invoke", "binary": version, "moto_endpoint": endpoint, "rounds": args.rounds,
              "calls": {}}
    pooled = {m: [] for m in methods}
    for name, per in samples.items():
        row = {m: stats(v) for m, v in per.items()}
        row["ours/plain"] = row["ours"]["p50_ms"] / row["plain"]["p50_ms"]
        row["ours/boto3"] = row["ours"]["p50_ms"] / row["boto3"]["p50_ms"]
        report["calls"][name] = row
        for m, v in per.items():
            pooled[m].extend(v)
    overall = {m: stats(v) for m, v in pooled.items()}
    overall["ours/plain"] = overall["ours"]["p50_ms"] / overall["plain"]["p50_ms"]
    overall["ours/boto3"] = overall["ours"]["p50_ms"] / overall["boto3"]["p50_ms"]
    report["overall"] = overall
    report["validate_no_network"] = stats(no_network)
    report["rss"] = {"invokes": invokes, "vm_rss_mib": memory.get("VmRSS", 0) / 1024,
                     "vm_hwm_mib": memory.get("VmHWM", 0) / 1024}
    report["targets"] = {"ours/plain": TARGET_PLAIN, "ours/boto3": TARGET_BOTO3, "rss_mib": TARGET_RSS_MIB}
    report["met"] = {"ours/plain": overall["ours/plain"] <= TARGET_PLAIN,
                     "ours/boto3": overall["ours/boto3"] <= TARGET_BOTO3,
                     "rss_mib": report["rss"]["vm_hwm_mib"] < TARGET_RSS_MIB}

    def verdict(ok):
        return "ok" if ok else "MISSED"

    print(version)
    print(f"moto {endpoint}, {args.rounds} rounds after {args.warmup} warm-up, p50 / p95 in ms")
    print(f"{'call':<28} {'ours':>15} {'plain HTTP':>15} {'boto3':>15} {'ours/plain':>11} {'ours/boto3':>11}")

    def row_line(name, r):
        cell = lambda m: f"{r[m]['p50_ms']:6.2f} / {r[m]['p95_ms']:6.2f}"  # noqa: E731
        print(f"{name:<28} {cell('ours'):>15} {cell('plain'):>15} {cell('boto3'):>15} "
              f"{r['ours/plain']:10.2f}x {r['ours/boto3']:10.2f}x")

    for name, r in report["calls"].items():
        row_line(name, r)
    row_line("all calls", overall)
    print(f"targets (all calls, p50): ours/plain <= {TARGET_PLAIN}x: {overall['ours/plain']:.3f}x "
          f"{verdict(report['met']['ours/plain'])}; ours/boto3 <= {TARGET_BOTO3}x: "
          f"{overall['ours/boto3']:.3f}x {verdict(report['met']['ours/boto3'])}; "
          f"ours - plain: {overall['ours']['p50_ms'] - overall['plain']['p50_ms']:+.2f} ms")
    print(f"audit log share (all calls, p50): ours {overall['ours']['p50_ms']:.2f} ms, without the "
          f"audit log {overall['ours_no_audit']['p50_ms']:.2f} ms "
          f"({overall['ours']['p50_ms'] - overall['ours_no_audit']['p50_ms']:+.2f} ms)")
    print(f"the same calls as aws_execute validate (stdio + JSON-RPC + tool, no network): "
          f"p50 {report['validate_no_network']['p50_ms']:.3f} ms, p95 {report['validate_no_network']['p95_ms']:.3f} ms")
    print(f"server memory after {invokes} invokes: VmRSS {report['rss']['vm_rss_mib']:.1f} MiB, "
          f"peak VmHWM {report['rss']['vm_hwm_mib']:.1f} MiB (target < {TARGET_RSS_MIB:.0f} MiB: "
          f"{verdict(report['met']['rss_mib'])})")
    print(json.dumps(report, separators=(",", ":")))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)


if __name__ == "__main__":
    main()

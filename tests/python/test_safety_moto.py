"""End-to-end safety tests against moto: the policy in every tool, confirmation driven by the
policy, rate caps, the audit log (rows, masking, crash recovery, retention) and the masking of
stored results. The official MCP Python SDK drives the server binary over stdio; each test
starts the servers it needs with its own policy file and audit database.
"""

import json
import os
import pathlib
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from harness import (ACCOUNT, BIN, CALLER_ARN, McpServer, assert_error, assert_success,
                     server_env, structured, unique)

SECRET = "hunter2-Sup3rSecret-value"


def write_policy(tmp_path, text):
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return str(path)


def start(base_env, tmp_path, policy=None, name="server", **extra):
    """A server with its own audit database and artifacts under `tmp_path`."""
    env = server_env(base_env,
                     SQLITE_PATH=str(tmp_path / "audit.sqlite"),
                     ARTIFACT_PATH=str(tmp_path / "artifacts"),
                     POLICY_PATH=write_policy(tmp_path, policy) if policy is not None else None,
                     **extra)
    assert os.access(BIN, os.X_OK), f"{BIN} missing: run `cargo build --release`"
    return McpServer(env, tmp_path / f"{name}.log")


def tool(server, name, arguments):
    return server._run(server.session.call_tool(name, arguments), 60)


def rows(db, where="1=1", params=()):
    """The audit log's operation rows as dicts, oldest first."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(
            f"SELECT * FROM operations WHERE {where} ORDER BY started_at", params)]
    finally:
        con.close()


def wait_rows(db, predicate, timeout=10):
    """Polls until `predicate(rows)` holds (the writer commits asynchronously after a call)."""
    deadline = time.monotonic() + timeout
    last = []
    while time.monotonic() < deadline:
        try:
            last = rows(db)
            if predicate(last):
                return last
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"audit rows never matched; last: {json.dumps(last, indent=1)[:3000]}")


def every_file_bytes(*dirs):
    out = b""
    for d in dirs:
        for p in pathlib.Path(d).rglob("*"):
            if p.is_file():
                out += p.read_bytes()
    return out


# ---------------------------------------------------------------------------------------------
# The policy in search, schema, validate and invoke
# ---------------------------------------------------------------------------------------------

MATRIX_POLICY = """
deny_when:
  - operations: ["s3:Delete*", "sqs:DeleteQueue"]
    members: ["Bucket", "QueueUrl"]
    matches: "*prod-*"
    reason: production resources are never deleted by agents
confirm_when:
  - operations: ["ec2:RunInstances"]
    members: ["InstanceType"]
    not_in: ["t3.micro", "t3.small"]
deny:
  - operations: ["sqs:*"]
    regions: ["eu-*"]
  - operations: ["iam:*"]
    profiles: ["dev"]
rate_limits:
  - operations: ["sts:GetCallerIdentity"]
    per_minute: 2
"""


def test_policy_matrix(base_env, tmp_path):
    server = start(base_env, tmp_path, MATRIX_POLICY, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true")
    db = tmp_path / "audit.sqlite"
    try:
        prod, dev = unique("prod-bucket"), unique("dev-bucket")
        for b in (prod, dev):
            assert_success(server.execute("invoke", "s3", "CreateBucket", {"Bucket": b}))

        # With AWS_MCP_AUTO_APPROVE_DESTRUCTIVE, destructive operations are not flagged.
        found = structured(tool(server, "aws_search_operations",
                                {"query": "delete bucket", "serviceHint": "s3"}))
        hit = next(r for r in found["results"] if r["operation"] == "DeleteBucket")
        assert hit["destructive"] is True and "requiresConfirmation" not in hit, hit

        # validate: the decision and its reasons, nothing enforced.
        data = assert_success(server.execute("validate", "s3", "DeleteBucket", {"Bucket": prod}))
        assert data["valid"] is True and data["policy"]["allowed"] is False, data
        assert "production resources" in data["policy"]["reasons"][0], data
        assert "/Bucket" in data["policy"]["reasons"][0] and prod in data["policy"]["reasons"][0], data
        data = assert_success(server.execute("validate", "s3", "DeleteBucket", {"Bucket": dev}))
        assert data["policy"]["allowed"] is True and data["destructive"] is True, data

        # invoke: the denied call is refused before AWS; the bucket is still there.
        err = server.fails("PolicyDenied", "s3", "DeleteBucket", {"Bucket": prod})
        assert "production resources" in err["message"] and err["reasons"], err
        assert err["retryable"] is False, err
        assert_success(server.execute("invoke", "s3", "HeadBucket", {"Bucket": prod}))
        # The same rule lets dev buckets go (destructive, auto-approved here).
        assert_success(server.execute("invoke", "s3", "DeleteBucket", {"Bucket": dev}))

        # Region rules: sqs is denied in eu-*, allowed elsewhere; a fan-out reports both.
        server.fails("PolicyDenied", "sqs", "ListQueues", {}, region="eu-west-1")
        assert_success(server.execute("invoke", "sqs", "ListQueues", {}, region="us-east-1"))
        fan = assert_success(server.execute("invoke", "sqs", "ListQueues", {},
                                            region=["us-east-1", "eu-west-1", "us-west-2"]))
        by_region = {r["region"]: r for r in fan["results"]}
        assert [r["region"] for r in fan["results"]] == ["us-east-1", "eu-west-1", "us-west-2"], fan
        assert by_region["eu-west-1"]["error"]["type"] == "PolicyDenied", fan
        assert "result" in by_region["us-west-2"] and fan["failed"] == 1, fan

        # Identity rules: iam is denied with the dev profile only.
        server.fails("PolicyDenied", "iam", "ListUsers", {}, profile="dev")
        assert_success(server.execute("invoke", "iam", "ListUsers", {}))

        # confirm_when on a member: m5.large needs confirmation even with auto-approve.
        run = {"ImageId": "ami-12c6146b", "MinCount": 1, "MaxCount": 1, "InstanceType": "m5.large"}
        err = server.fails("ConfirmationRequired", "ec2", "RunInstances", run)
        assert any("InstanceType" in r for r in err["reasons"]), err
        data = assert_success(server.execute("validate", "ec2", "RunInstances", run))
        assert data["requiresConfirmation"] is True, data
        small = dict(run, InstanceType="t3.micro")
        started = assert_success(server.execute("invoke", "ec2", "RunInstances", small))
        ids = [i["InstanceId"] for i in started["result"]["Instances"]]
        assert_success(server.execute("invoke", "ec2", "TerminateInstances", {"InstanceIds": ids}))

        # Rate caps: the third call within a minute is refused with the time to wait.
        for _ in range(2):
            assert_success(server.execute("invoke", "sts", "GetCallerIdentity", {}))
        err = server.fails("RateLimited", "sts", "GetCallerIdentity", {})
        assert err["retryable"] is True and 1 <= err["retryAfterSeconds"] <= 60, err
        # validate counts nothing and says the cap is full.
        data = assert_success(server.execute("validate", "sts", "GetCallerIdentity", {}))
        assert data["policy"]["allowed"] is False and data["policy"]["retryAfterSeconds"] >= 1, data

        # The audit log has the refused calls as `denied`, with their reasons.
        found = wait_rows(db, lambda rs: sum(r["status"] == "denied" for r in rs) >= 5)
        denied = [r for r in found if r["status"] == "denied"]
        ops = {(r["service"], r["operation"], r["region"]) for r in denied}
        assert ("s3", "DeleteBucket", "us-east-1") in ops, ops
        assert ("sqs", "ListQueues", "eu-west-1") in ops, ops
        assert ("sts", "GetCallerIdentity", "us-east-1") in ops, ops
        # A preview of a refused call is refused too (it is not recorded: nothing was sent).
        server.fails("PolicyDenied", "s3", "DeleteBucket", {"Bucket": prod}, preview=True)
        previews = len([r for r in rows(db) if r["operation"] == "DeleteBucket"])
        assert previews == len([r for r in found if r["operation"] == "DeleteBucket"]), rows(db)
    finally:
        server.close()
    # Clean up the prod bucket with a server under the default policy.
    (tmp_path / "cleanup").mkdir()
    cleanup = start(base_env, tmp_path / "cleanup", None,
                    AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true", AUDIT_ENABLED="false")
    try:
        assert_success(cleanup.execute("invoke", "s3", "DeleteBucket", {"Bucket": prod}))
    finally:
        cleanup.close()


ALLOW_POLICY = """
allow:
  - operations: ["s3:List*", "s3:Get*", "s3:CreateBucket", "logs:Describe*", "sts:*"]
rules:
  deny: ["^s3:GetBucketPolicy$"]
"""


def test_allow_rules_aliases_and_reference_regexes(base_env, tmp_path):
    server = start(base_env, tmp_path, ALLOW_POLICY, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true")
    try:
        # `logs` is an alias of cloudwatch-logs: its Describe* operations are allowed.
        assert_success(server.execute("invoke", "logs", "DescribeLogGroups", {}))
        assert_success(server.execute("invoke", "cloudwatch-logs", "DescribeLogGroups", {}))
        err = server.fails("PolicyDenied", "logs", "CreateLogGroup", {"logGroupName": unique("g")})
        assert "allow" in err["message"].lower(), err
        # Allowed writes run; what no allow rule names is refused, even with auto-approve.
        bucket = unique("e2e-allow")
        assert_success(server.execute("invoke", "s3", "CreateBucket", {"Bucket": bucket}))
        assert_success(server.execute("invoke", "s3", "ListObjectsV2", {"Bucket": bucket}))
        server.fails("PolicyDenied", "s3", "DeleteBucket", {"Bucket": bucket})
        # The reference's rules.deny regex wins over the allow rule.
        err = server.fails("PolicyDenied", "s3", "GetBucketPolicy", {"Bucket": bucket})
        assert "GetBucketPolicy" in err["message"], err
        # Search shows only the allowed operations; another service not at all.
        found = structured(tool(server, "aws_search_operations", {"query": "bucket", "serviceHint": "s3",
                                                                  "limit": 50}))
        names = {r["operation"] for r in found["results"]}
        assert "CreateBucket" in names and not names & {"DeleteBucket", "PutObject",
                                                        "GetBucketPolicy"}, names
        found = structured(tool(server, "aws_search_operations", {"query": "terminate instances"}))
        assert all(r["service"] in ("s3", "cloudwatch-logs", "sts") for r in found["results"]), found
        found = structured(tool(server, "aws_search_operations", {"query": "instances", "serviceHint": "ec2"}))
        assert found["count"] == 0 and "allows no operation of ec2" in found["hint"], found
    finally:
        server.close()
    (tmp_path / "cleanup").mkdir()
    cleanup = start(base_env, tmp_path / "cleanup", None, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true")
    try:
        assert_success(cleanup.execute("invoke", "s3", "DeleteBucket", {"Bucket": bucket}))
    finally:
        cleanup.close()


def test_read_only_mode_hides_writes_and_runs_reads(base_env, tmp_path):
    server = start(base_env, tmp_path, "mode: read-only\n")
    try:
        # search lists reads only.
        found = structured(tool(server, "aws_search_operations",
                                {"query": "s3 bucket", "serviceHint": "s3", "limit": 50}))
        names = {r["operation"] for r in found["results"]}
        assert {"ListBuckets", "GetBucketPolicy"} & names, names
        assert not names & {"CreateBucket", "DeleteBucket", "PutObject"}, names
        # schema of a write: OperationNotAllowed; of a read: the schema.
        err = assert_error(tool(server, "aws_get_operation_schema",
                                {"service": "s3", "operation": "CreateBucket"}), "OperationNotAllowed")
        assert "s3:CreateBucket" in err["message"], err
        assert_success(tool(server, "aws_get_operation_schema",
                            {"service": "s3", "operation": "ListObjectsV2"}))
        # Every read runs, a write is refused with the rule.
        assert_success(server.execute("invoke", "s3", "ListBuckets", {}))
        assert_success(server.execute("invoke", "ec2", "DescribeVpcs", {}))
        assert_success(server.execute("invoke", "sts", "GetCallerIdentity", {}))
        err = server.fails("PolicyDenied", "s3", "CreateBucket", {"Bucket": unique("ro")})
        assert "Read-only mode" in err["message"], err
        data = assert_success(server.execute("validate", "s3", "CreateBucket", {"Bucket": "x"}))
        assert data["policy"]["allowed"] is False and data["readOnly"] is False, data
    finally:
        server.close()


def test_destructive_search_flag_and_policy_confirmation(base_env, tmp_path):
    """The default policy: destructive operations are flagged in search and schema and need
    confirmation; the token from ConfirmationRequired runs the call and the audit log links the
    pending row to the confirmed call."""
    server = start(base_env, tmp_path, None, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE=None)
    db = tmp_path / "audit.sqlite"
    try:
        found = structured(tool(server, "aws_search_operations",
                                {"query": "delete queue", "serviceHint": "sqs"}))
        hit = next(r for r in found["results"] if r["operation"] == "DeleteQueue")
        assert hit["destructive"] is True and hit["requiresConfirmation"] is True, hit
        schema = structured(tool(server, "aws_get_operation_schema",
                                 {"service": "sqs", "operation": "DeleteQueue"}))
        assert schema["requiresConfirmation"] is True and schema["schema"], schema

        url = server.result("sqs", "CreateQueue", {"QueueName": unique("e2e-audit")})["QueueUrl"]
        err = server.fails("ConfirmationRequired", "sqs", "DeleteQueue", {"QueueUrl": url})
        token = err["token"]
        pending = wait_rows(db, lambda rs: any(r["status"] == "pending_confirmation" for r in rs))
        row = next(r for r in pending if r["status"] == "pending_confirmation")
        assert row["confirmation_id"] == token.split(".")[0], row
        done = assert_success(server.execute("invoke", "sqs", "DeleteQueue", {"QueueUrl": url},
                                             confirmationToken=token))
        op_id = done["audit"]["opId"]
        final = wait_rows(db, lambda rs: any(r["id"] == op_id and r["status"] == "success" for r in rs))
        row = next(r for r in final if r["id"] == op_id)
        assert row["decision"] == "confirmed" and row["confirmation_id"] == token.split(".")[0], row
        assert not any(r["status"] == "pending_confirmation" for r in final), final
    finally:
        server.close()


# ---------------------------------------------------------------------------------------------
# The audit log
# ---------------------------------------------------------------------------------------------


def test_audit_rows_and_masking(base_env, tmp_path):
    server = start(base_env, tmp_path, None, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true",
                   AWS_MCP_LOG="debug,rmcp=error")
    db = tmp_path / "audit.sqlite"
    try:
        name = unique("e2e-secret")
        created = server.invoke("secretsmanager", "CreateSecret",
                                {"Name": name, "SecretString": SECRET})
        got = server.result("secretsmanager", "GetSecretValue", {"SecretId": name})
        assert got["SecretString"] == SECRET, got  # the caller sees its own secret
        err = server.fails("AwsError", "secretsmanager", "GetSecretValue",
                           {"SecretId": unique("missing")})
        assert err["code"] == "ResourceNotFoundException", err
        server.result("secretsmanager", "DeleteSecret",
                      {"SecretId": name, "ForceDeleteWithoutRecovery": True})
        # Credentials AWS hands out: an IAM access key and an assumed role's session.
        user = unique("e2e-audit-user")
        server.result("iam", "CreateUser", {"UserName": user})
        key = server.result("iam", "CreateAccessKey", {"UserName": user})["AccessKey"]
        role = server.result("sts", "AssumeRole", {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/e2e-audit",
                                                   "RoleSessionName": "audit"})["Credentials"]
        # And a call made as an assumed role (the server's own STS call and session).
        server.invoke("s3", "ListBuckets", {}, roleArn=f"arn:aws:iam::{ACCOUNT}:role/e2e-audit-per-call")
        server.result("iam", "DeleteAccessKey", {"UserName": user, "AccessKeyId": key["AccessKeyId"]})
        server.result("iam", "DeleteUser", {"UserName": user})
        secrets = [SECRET, key["SecretAccessKey"], role["SecretAccessKey"], role["SessionToken"]]

        found = wait_rows(db, lambda rs: len([r for r in rs if r["status"] in ("success", "failed")]) >= 4)
        by_op = {}
        for r in found:
            by_op.setdefault(r["operation"], []).append(r)
        create = by_op["CreateSecret"][0]
        assert create["id"] == created["audit"]["opId"], (create, created)
        assert create["status"] == "success" and create["service"] == "secrets-manager", create
        assert create["principal"] == "local" and create["region"] == "us-east-1", create
        assert create["account"] == ACCOUNT and create["caller_arn"] == CALLER_ARN, create
        assert create["attempts"] == 1 and create["duration_ms"] is not None, create
        failed = next(r for r in by_op["GetSecretValue"] if r["status"] == "failed")
        assert failed["error_code"] == "ResourceNotFoundException", failed
        assert failed["http_status"] == err["httpStatus"], failed
        assert failed["request_id"] == err.get("requestId"), (failed, err)
        assert by_op["DeleteSecret"][0]["status"] == "success"

        # The secret is nowhere on disk: database (and its WAL), artifacts, log.
        server.close()
        server = None
        disk = every_file_bytes(tmp_path)
        assert len(disk) > 10_000 and b"CreateAccessKey" in disk, "nothing to search"
        for value in secrets:
            assert value.encode() not in disk, f"a secret was persisted: {value[:6]}..."
        # What is not secret is kept (access key ids count as credentials and are masked).
        assert user.encode() in disk and name.encode() in disk
        # The request and response documents exist (one JSON document per line of the day's
        # segment) and are masked.
        audit_docs = list((tmp_path / "artifacts" / "audit").rglob("*.jsonl"))
        assert audit_docs, "no request/response documents"
        docs = [json.loads(line) for p in audit_docs for line in p.read_text().splitlines()]
        assert any(d.get("SecretString") == "** masked **" for d in docs), docs[:3]
    finally:
        if server is not None:
            server.close()


def test_audit_cli_lists_calls(base_env, tmp_path):
    server = start(base_env, tmp_path, None)
    try:
        server.invoke("s3", "ListBuckets", {})
    finally:
        server.close()
    env = server_env(base_env, SQLITE_PATH=str(tmp_path / "audit.sqlite"))
    out = subprocess.run([BIN, "audit", "--json", "--service", "s3"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    listed = json.loads(out.stdout)
    assert any(r["operation"] == "ListBuckets" and r["status"] == "success" for r in listed), listed


class Silent:
    """A TCP endpoint that accepts connections and never answers: calls to it hang."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.conns = []
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def test_crash_mid_call_is_recovered_as_interrupted(base_env, tmp_path):
    """kill -9 while a call waits for AWS: at the next start the `started` row is closed as
    `interrupted`, nothing is lost and nothing stays open."""
    silent = Silent()
    env = server_env(base_env, SQLITE_PATH=str(tmp_path / "audit.sqlite"),
                     ARTIFACT_PATH=str(tmp_path / "artifacts"),
                     AWS_ENDPOINT_URL_SQS=silent.url, AUDIT_ENABLED="true")
    db = tmp_path / "audit.sqlite"
    proc = subprocess.Popen([BIN], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=open(tmp_path / "crash.log", "w"))
    try:
        def send(msg):
            proc.stdin.write((json.dumps(msg) + "\n").encode())
            proc.stdin.flush()

        send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "crash-test", "version": "1"}}})
        assert b'"id":1' in proc.stdout.readline()
        send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        send({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
              "params": {"name": "aws_execute",
                         "arguments": {"action": "invoke", "service": "sqs", "operation": "ListQueues",
                                       "payload": {}, "options": {"timeoutSeconds": 300}}}})
        wait_rows(db, lambda rs: any(r["status"] == "started" for r in rs))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        silent.close()
    assert rows(db)[0]["status"] == "started"
    # The next server closes the orphan at start.
    server = start(base_env, tmp_path, None, name="after-crash")
    try:
        server.invoke("sts", "GetCallerIdentity", {})
        found = wait_rows(db, lambda rs: all(r["status"] != "started" for r in rs) and len(rs) >= 2)
        orphan = next(r for r in found if r["operation"] == "ListQueues")
        assert orphan["status"] == "interrupted", orphan
        assert orphan["finished_at"], orphan
    finally:
        server.close()


def test_retention_removes_old_rows_and_files(base_env, tmp_path):
    server = start(base_env, tmp_path, None)
    db = tmp_path / "audit.sqlite"
    try:
        first = server.invoke("s3", "ListBuckets", {})["audit"]["opId"]
        wait_rows(db, lambda rs: any(r["id"] == first and r["status"] == "success" for r in rs))
    finally:
        server.close()
    docs = list((tmp_path / "artifacts" / "audit").rglob("*.jsonl"))
    assert docs
    # Age the row and its documents by a year, as if they had been written then (documents
    # live in one segment file per day: the day's directory moves).
    day_dir = docs[0].parent
    old_dir = day_dir.parent / "2025-01-01"
    day_dir.rename(old_dir)
    docs = [old_dir / p.name for p in docs]
    con = sqlite3.connect(db)
    con.execute("UPDATE artifacts SET path = replace(path, ?, ?)", (str(day_dir), str(old_dir)))
    old = "2025-01-01T00:00:00.000000Z"
    con.execute("UPDATE operations SET started_at = ?, finished_at = ? WHERE id = ?", (old, old, first))
    con.execute("UPDATE transactions SET started_at = ? WHERE id = (SELECT tx_id FROM operations WHERE id = ?)",
                (old, first))
    con.commit()
    con.close()
    server = start(base_env, tmp_path, None, name="retention", AUDIT_RETENTION_DAYS="30")
    try:
        fresh = server.invoke("s3", "ListBuckets", {})["audit"]["opId"]
        found = wait_rows(db, lambda rs: any(r["id"] == fresh for r in rs)
                          and not any(r["id"] == first for r in rs))
        assert all(r["id"] != first for r in found)
    finally:
        server.close()
    assert not any(p.exists() for p in docs), "the old row's documents are still there"


def test_audit_fail_closed_refuses_calls(base_env, tmp_path):
    """A database that cannot be opened: calls are refused before AWS (closed), or run (open)."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the database directory should be")
    bad = str(blocker / "audit.sqlite")
    server = McpServer(server_env(base_env, SQLITE_PATH=bad, ARTIFACT_PATH=str(tmp_path / "a")),
                       tmp_path / "closed.log")
    try:
        err = server.fails("AuditUnavailable", "s3", "ListBuckets", {})
        assert "audit" in err["message"].lower() and "AUDIT_FAIL_MODE" in err["hint"], err
        # validate records nothing and still works.
        assert_success(server.execute("validate", "s3", "ListBuckets", {}))
    finally:
        server.close()
    server = McpServer(server_env(base_env, SQLITE_PATH=bad, ARTIFACT_PATH=str(tmp_path / "a"),
                                  AUDIT_FAIL_MODE="open"), tmp_path / "open.log")
    try:
        server.invoke("s3", "ListBuckets", {})
    finally:
        server.close()


# ---------------------------------------------------------------------------------------------
# Stored results are masked and expire
# ---------------------------------------------------------------------------------------------


def test_stored_full_results_are_masked(base_env, tmp_path):
    server = start(base_env, tmp_path, None, AWS_MCP_AUTO_APPROVE_DESTRUCTIVE="true")
    prefix = "/" + unique("e2e-masked")
    try:
        for i in range(3):
            server.invoke("ssm", "PutParameter", {"Name": f"{prefix}/p{i}", "Type": "SecureString",
                                                  "Value": f"{SECRET}-{i}"})
        data = server.invoke("ssm", "GetParametersByPath",
                             {"Path": prefix, "WithDecryption": True},
                             responseMode="compact", maxResultItems=1)
        assert data["result"]["Parameters"][0]["Value"].startswith(SECRET), data
        stored = pathlib.Path(data["fullResult"]["artifact"]).read_text()
        assert SECRET not in stored, "a secret value was written to the results file"
        assert f"{prefix}/p1" in stored, "the stored result keeps what is not secret"
        page = assert_success(server.execute("invoke", "ssm", "GetParametersByPath",
                                             {"Path": prefix, "WithDecryption": True},
                                             cursor=data["cursor"]))
        assert SECRET not in json.dumps(page), page
        for i in range(3):
            server.invoke("ssm", "DeleteParameter", {"Name": f"{prefix}/p{i}"})
    finally:
        server.close()
    assert SECRET.encode() not in every_file_bytes(tmp_path / "artifacts", tmp_path / "audit.sqlite")

#!/usr/bin/env python3
"""What the audit log costs an `aws_execute` call, end to end.

Starts the release binary (target/release/aws-exec-mcp, or AWS_MCP_BIN) over stdio with the
official MCP Python client, once per variant, each in its own temporary directory:

  off       AUDIT_ENABLED=false
  on        the default audit log (rows, request and response files)
  on-nofile AUDIT_ARTIFACT_MAX_BYTES=0 (rows only)

then runs interleaved rounds of `aws_execute` invoke dynamodb ListTables against moto (the
variants' order shuffled in each round) and prints p50/p95 per variant, the differences with
`off`, and the server's CPU time per call by thread. Each call is timed on the client's event
loop (no thread hop in the figure).

    MOTO_ENDPOINT=http://127.0.0.1:41945 .venv-ci/bin/python scripts/audit_probe.py \
        [--rounds 3] [--calls 100] [--variants off,on,on-nofile] [--tmpdir DIR]

A variant can name another binary, to compare two builds in one run (same machine load):
`--variants off,on,on@/tmp/old-aws-exec-mcp,on-nofile@/tmp/old-aws-exec-mcp`.

Noise: the machine's other work shows directly (compare variants of one run, not runs). On
ext4 without a journal, creating a file gets slow for minutes after many files were deleted
nearby (the allocator skips recently freed inodes): a probe run right after another one (whose
temporary directory held thousands of artifact files) pays more for the `on` variant's files.
Wait a few minutes between runs, or point --tmpdir elsewhere.
"""

import argparse
import asyncio
import os
import pathlib
import random
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import harness  # noqa: E402
from harness import McpServer  # noqa: E402

VARIANTS = {
    "off": {"AUDIT_ENABLED": "false"},
    "on": {},
    "on-nofile": {"AUDIT_ARTIFACT_MAX_BYTES": "0"},
}
ARGS = {"action": "invoke", "service": "dynamodb", "operation": "ListTables", "payload": {}}


def env_for(base, extra):
    d = pathlib.Path(base)
    for sub in ("home", "artifacts", "audit"):
        (d / sub).mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(d / "home"),
        "AWS_ENDPOINT_URL": os.environ["MOTO_ENDPOINT"].rstrip("/"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(d / "aws-config-missing"),
        "AWS_SHARED_CREDENTIALS_FILE": str(d / "aws-credentials-missing"),
        "ARTIFACT_PATH": str(d / "artifacts"),
        "SQLITE_PATH": str(d / "audit" / "aws_mcp.sqlite"),
        "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
    }
    env.update(extra)
    return env


async def timed_calls(session, n):
    """`n` calls in a row; each one's duration in ms."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        result = await session.call_tool("aws_execute", ARGS)
        out.append((time.perf_counter() - t0) * 1000)
        if result.is_error:
            raise RuntimeError(f"the call failed: {result.content[0].text[:500]}")
    return out


def run_calls(server, n):
    # On the server's own event loop: the timing leaves out the hop from this thread.
    fut = asyncio.run_coroutine_threadsafe(timed_calls(server.session, n), server._loop)
    return fut.result(600)


def children():
    """The pids whose parent is this process."""
    me, out = os.getpid(), set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = pathlib.Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, the fields after `)` do not.
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                out.add(int(entry))
    return out


def cpu_by_thread(pid):
    """{thread name: CPU time in ns} of a process (Linux schedstat)."""
    out = {}
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            name = (task / "comm").read_text().strip()
            ns = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        # Worker threads with numbered names are summed under one name.
        out[name] = out.get(name, 0) + ns
    return out


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * q))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--calls", type=int, default=100, help="calls per variant and round")
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--tmpdir", default=None, help="where the variants' directories go")
    args = ap.parse_args()
    if not os.environ.get("MOTO_ENDPOINT"):
        sys.exit("MOTO_ENDPOINT is not set")
    names = [v for v in args.variants.split(",") if v]
    for n in names:
        if n.split("@")[0] not in VARIANTS:
            sys.exit(f"unknown variant {n}; known: {', '.join(VARIANTS)} (optionally @BINARY)")

    with tempfile.TemporaryDirectory(prefix="audit-probe-", dir=args.tmpdir) as tmp:
        servers = {}
        pids = {}
        default_bin = harness.BIN
        try:
            for i, name in enumerate(names):
                kind, _, binary = name.partition("@")
                base = pathlib.Path(tmp) / f"{i}-{kind}"
                base.mkdir()
                # The harness starts `harness.BIN` (AWS_MCP_BIN, else the release build).
                harness.BIN = binary or default_bin
                before = children()
                servers[name] = McpServer(env_for(base, VARIANTS[kind]), str(base / "server.log"))
                new = children() - before
                pids[name] = new.pop() if len(new) == 1 else None
            for name in names:
                run_calls(servers[name], args.warmup)
            samples = {name: [] for name in names}
            deltas = {name: [] for name in names}
            cpu = {name: {} for name in names}
            for rnd in range(args.rounds):
                order = names[:]
                random.shuffle(order)
                line = []
                medians = {}
                for name in order:
                    t0 = cpu_by_thread(pids[name]) if pids[name] else {}
                    s = run_calls(servers[name], args.calls)
                    t1 = cpu_by_thread(pids[name]) if pids[name] else {}
                    for thread, ns in t1.items():
                        cpu[name][thread] = cpu[name].get(thread, 0) + ns - t0.get(thread, 0)
                    samples[name].extend(s)
                    medians[name] = statistics.median(s)
                    line.append(f"{name} {medians[name]:.2f}")
                if "off" in medians:
                    for name in names:
                        deltas[name].append(medians[name] - medians["off"])
                print(f"round {rnd + 1}: " + ", ".join(line) + " (p50 ms)", flush=True)
        finally:
            for s in servers.values():
                s.close()
        for i, name in enumerate(names):
            if name.split("@")[0] == "on":
                segments = (pathlib.Path(tmp) / f"{i}-on" / "artifacts").rglob("*.jsonl")
                docs = sum(len(p.read_text().splitlines()) for p in segments)
                print(f"{name}: {docs} documents written")

    print()
    # Δ: against `off` over all calls; round Δ: the median of the rounds' p50 differences
    # (steadier when the machine's load changes between rounds); CPU: the server process's
    # CPU time per call, all threads (Linux schedstat).
    width = max(10, *(len(n) for n in names))
    print(f"{'variant':<{width}} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'Δp50 ms':>9} "
          f"{'Δp95 ms':>9} {'round Δ':>8} {'CPU µs':>7}")
    base = samples.get("off")
    for name in names:
        s = samples[name]
        p50, p95 = pct(s, 0.5), pct(s, 0.95)
        off = base is not None and name != "off"
        d50 = f"{p50 - pct(base, 0.5):+.2f}" if off else ""
        d95 = f"{p95 - pct(base, 0.95):+.2f}" if off else ""
        rd = f"{statistics.median(deltas[name]):+.2f}" if off and deltas[name] else ""
        per_call = sum(cpu[name].values()) / 1000 / max(1, len(s))
        print(f"{name:<{width}} {len(s):>6} {p50:>8.2f} {p95:>8.2f} {d50:>9} {d95:>9} {rd:>8} "
              f"{per_call:>7.0f}")
    print()
    print("CPU µs per call by thread:")
    for name in names:
        threads = sorted(cpu[name].items(), key=lambda kv: -kv[1])
        n = max(1, len(samples[name]))
        print(f"  {name}: " + ", ".join(f"{t} {ns / 1000 / n:.0f}" for t, ns in threads if ns > 0))


if __name__ == "__main__":
    main()

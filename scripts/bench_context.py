#!/usr/bin/env python3
"""Context cost per task: what an agent reads to go from a task to a checked call.

For each of the first N tasks (default 50) of the search eval set, replays the flow an agent
makes over stdio with the official MCP client: aws_search_operations {query} -> the first
hit's aws_get_operation_schema -> aws_execute validate with a payload built from the schema's
example skeleton. Prints the bytes of text returned per task (and tokens, estimated as
bytes / 4), the median and the 10 most expensive tasks, against the targets (median under
4 KB, no task over 16 KB).

  .venv-ci/bin/python scripts/bench_context.py [--bin target/release/aws-exec-mcp]
      [--set ../shared/eval/search-public.jsonl] [--tasks 50] [--json]
"""

import argparse
import json
import os
import pathlib
import statistics
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))

import harness  # noqa: E402

TARGET_MEDIAN = 4 * 1024
TARGET_MAX = 16 * 1024


def text_of(result):
    return "".join(c.text for c in result.content if getattr(c, "type", None) == "text")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "aws-exec-mcp"))
    ap.add_argument("--set", default=str(ROOT.parent / "shared" / "eval" / "search-public.jsonl"))
    ap.add_argument("--tasks", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    tasks = [json.loads(line) for line in open(args.set) if line.strip()][: args.tasks]
    tmp = tempfile.mkdtemp(prefix="bench-context-")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp, "AWS_REGION": "us-east-1",
           "AWS_CONFIG_FILE": os.path.join(tmp, "none"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(tmp, "none"), "AUDIT_ENABLED": "false"}
    harness.BIN = args.bin
    server = harness.McpServer(env, os.path.join(tmp, "server.log"))
    rows = []
    try:
        for t in tasks:
            call = lambda name, a: server._run(server.session.call_tool(name, a), 60)  # noqa: E731
            found = call("aws_search_operations", {"query": t["query"]})
            sizes = {"search": len(text_of(found).encode())}
            hits = (found.structured_content or {}).get("results") or []
            if hits:
                top = hits[0]
                schema = call("aws_get_operation_schema",
                              {"service": top["service"], "operation": top["operation"]})
                sizes["schema"] = len(text_of(schema).encode())
                examples = ((schema.structured_content or {}).get("schema") or {}).get("examples") or [{}]
                checked = call("aws_execute", {"action": "validate", "service": top["service"],
                                               "operation": top["operation"], "payload": examples[0]})
                sizes["validate"] = len(text_of(checked).encode())
                chosen = f"{top['service']}:{top['operation']}"
            else:
                chosen = "(no hit)"
            total = sum(sizes.values())
            rows.append({"id": t.get("id"), "query": t["query"], "operation": chosen, "bytes": total,
                         "tokens": total // 4, **sizes})
    finally:
        server.close()

    totals = [r["bytes"] for r in rows]
    median = statistics.median(totals)
    worst = sorted(rows, key=lambda r: -r["bytes"])[:10]
    report = {"bench": "context", "tasks": len(rows), "total_bytes": sum(totals),
              "total_tokens": sum(totals) // 4, "median_bytes": median, "max_bytes": max(totals),
              "median_ok": median < TARGET_MEDIAN, "max_ok": max(totals) <= TARGET_MAX,
              "worst": worst}
    print(f"context cost over {len(rows)} tasks (search -> schema -> validate), text bytes "
          f"(tokens ~ bytes/4):")
    print(f"  total {sum(totals)} B (~{sum(totals) // 4} tokens), per task median {median:.0f} B "
          f"(~{median / 4:.0f} tokens), mean {statistics.mean(totals):.0f} B, max {max(totals)} B")
    parts = {p: statistics.median([r.get(p, 0) for r in rows]) for p in ("search", "schema", "validate")}
    report["median_parts"] = parts
    print("  median per step: " + ", ".join(f"{p} {v:.0f} B" for p, v in parts.items()))
    print(f"  targets: median < {TARGET_MEDIAN} B: {'ok' if report['median_ok'] else 'MISSED'}; "
          f"no task over {TARGET_MAX} B: {'ok' if report['max_ok'] else 'MISSED'}")
    print("  the 10 most expensive tasks:")
    for r in worst:
        print(f"    {r['bytes']:6d} B  search {r['search']:5d}  schema {r.get('schema', 0):6d}  "
              f"validate {r.get('validate', 0):5d}  {r['operation']:<45} {r['query'][:50]}")
    if args.json:
        print(json.dumps(report, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())

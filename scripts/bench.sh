#!/usr/bin/env bash
# The benchmark: builds the release binary (full catalog), then prints
#  - in-process tool timings (cargo bench --bench tools),
#  - end-to-end figures over stdio (scripts/bench.py): start -> initialize, search/schema/validate
#    latency and reply sizes, peak RSS, binary size; once as scheduled by the OS and once with
#    client and server pinned to one CPU (no cross-CPU wake-ups),
#  - the wire (scripts/bench_wire.py): serialize + sign and parse per request, ours beside
#    botocore's on the same cases, in process, with the ratio,
#  - invoke against moto on loopback (scripts/bench_invoke.py): p50/p95 of real calls through the
#    binary over stdio beside plain HTTP and boto3 (ratios, targets <= 1.1x and <= 0.8x), and the
#    server's RSS after 1,000 invokes (target < 40 MiB); starts and stops its own moto unless
#    MOTO_ENDPOINT is set,
#  - with BENCH_SLIM=1: the size of a two-service build (AWS_MCP_SERVICES=ec2,s3, own target dir).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
echo "== in-process (cargo bench --bench tools)"
cargo bench --quiet --bench tools 2>/dev/null
echo
echo "== end to end over stdio (scripts/bench.py)"
python3 scripts/bench.py --bin target/release/aws-exec-mcp "$@"
# On a VM, waking a process on the other (idle) vCPU can add ~0.3 ms per message, in
# bursts; with client and server on one CPU that artefact is gone and what is left is the
# server's own cost plus the pipe.
if command -v taskset >/dev/null; then
  echo
  echo "== end to end over stdio, client and server pinned to one CPU (taskset -c 0)"
  taskset -c 0 python3 scripts/bench.py --bin target/release/aws-exec-mcp "$@"
fi
echo
echo "== wire: serialize + sign and parse, in process, beside botocore 1.37.23 (scripts/bench_wire.py)"
venv=$(bash "${SHARED_DIR:-../shared}/oracle/setup.sh" "$PWD/.oracle-venv")
"$venv/bin/python" scripts/bench_wire.py
echo
echo "== invoke overhead in process: aws_execute invoke against an instant loopback server, beside a bare reqwest exchange (cargo bench --bench invoke)"
cargo bench --quiet --bench invoke 2>/dev/null
echo
echo "== invoke against moto on loopback, beside plain HTTP and boto3 1.37.23 (scripts/bench_invoke.py)"
moto_venv=$(bash "${SHARED_DIR:-../shared}/moto/setup.sh" "$PWD/.moto-venv")
# Pinned to one CPU, as the stdio figures above: on this VM a wake-up across vCPUs costs up to
# ~0.3 ms, and our path has one more process hop (client -> server -> moto) than the others.
# Unpinned figures: run the script directly.
taskset -c 0 "$moto_venv/bin/python" scripts/bench_invoke.py --bin target/release/aws-exec-mcp
echo
echo "== context cost per task: search -> schema -> validate over 50 eval tasks (scripts/bench_context.py)"
if [ -x .venv-ci/bin/python ]; then
  .venv-ci/bin/python scripts/bench_context.py --bin target/release/aws-exec-mcp
else
  echo "    skipped: .venv-ci missing (scripts/test.sh creates it)"
fi
if [ "${BENCH_SLIM:-0}" = 1 ]; then
  echo
  echo "== slim build: AWS_MCP_SERVICES=ec2,s3"
  AWS_MCP_SERVICES=ec2,s3 CARGO_TARGET_DIR=target/slim cargo build --release --quiet
  ls -l target/slim/release/aws-exec-mcp | awk '{printf "slim binary size: %.1f MB\n", $5/1e6}'
  target/slim/release/aws-exec-mcp --version
fi

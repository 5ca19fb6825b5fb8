#!/usr/bin/env bash
# Regenerates tests/data/wire_parse_moto.jsonl (real moto responses for tests/wire_parse.rs):
# moto venv setup, a moto server of its own on a free loopback port, the capture, and the stop
# (always, on any exit).
#
#   scripts/capture-moto-fixtures.sh [OUT]      default tests/data/wire_parse_moto.jsonl
#
# Needs the shared folder beside the checkout (SHARED_DIR, default ../shared): moto 5.1.3 and
# boto3/botocore 1.37.23 from ../shared/moto (venv .moto-venv/, run dir .moto-run/capture/).
# Then run: cargo test --release --test wire_parse -- --nocapture
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
shared=${SHARED_DIR:-$root/../shared}
moto="$shared/moto"
[ -x "$moto/start.sh" ] || { echo "error: $moto/start.sh not found (set SHARED_DIR)" >&2; exit 2; }

run_dir="$root/.moto-run/capture"
mkdir -p "$run_dir"
venv=$("$moto/setup.sh" "$root/.moto-venv")
trap '"$moto/stop.sh" "$run_dir"' EXIT
eval "$("$moto/start.sh" auto "$venv" "$run_dir")"
export MOTO_ENDPOINT
"$venv/bin/python" tests/data/capture_moto.py "${1:-tests/data/wire_parse_moto.jsonl}"

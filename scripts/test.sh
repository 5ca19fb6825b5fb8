#!/usr/bin/env bash
# The project's test command (see README): everything CI checks, runnable by a developer.
#
#   scripts/test.sh
#
# One build profile only (release), so the full AWS catalog is generated once and the
# integration tests drive the same binary people run:
#   1. cargo fmt --check
#   2. cargo build --release                      (the binary, full catalog), then
#      scripts/check-features.sh                  (the test build resolves the same features:
#                                                 the binary tested is the binary shipped)
#   3. cargo test --release --workspace           (unit + Rust integration tests; the endpoint
#                                                 tests run botocore via ../shared/oracle)
#   4. cargo clippy --release --all-targets       (-D warnings; same profile, no second build)
#   5. moto on loopback (../shared/moto/start.sh auto), then
#      pytest tests/python                        (official MCP Python SDK as a stdio client;
#                                                 test_invoke_moto.py invokes real calls against
#                                                 moto at MOTO_ENDPOINT), then moto is stopped
#   6. node --test tests/node                     (official MCP TypeScript SDK as a stdio client)
#   7. the search quality gates                   (../shared/eval/search_eval.py: the shared set,
#                                                 top-1 >= 0.85; eval/search-cli-holdout.jsonl,
#                                                 top-1 >= 0.57)
#   8. scripts/check-slim.sh                      (an ec2+s3 slim build, in target/slim)
#
# The Python venv is .venv-ci/ (created or refreshed from tests/python/requirements.txt when
# that file changes); tests/node/node_modules comes from `npm ci` (package-lock.json). The search
# gate and moto need the shared folder beside the checkout (SHARED_DIR, default ../shared); outside
# CI they are skipped with a warning when it is missing (the moto tests then skip themselves; under
# CI=true a missing MOTO_ENDPOINT fails them). moto (pinned, ../shared/moto) runs from .moto-venv/
# (start.sh runs setup.sh when it is missing) with its pid and log in .moto-run/test-sh/, on a free
# port, and is stopped when this script exits, whatever the outcome.
# Never set AWS_MCP_SERVICES here: the tests expect the full catalog.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [ -n "${AWS_MCP_SERVICES:-}" ]; then
  echo "error: AWS_MCP_SERVICES is set ('$AWS_MCP_SERVICES'); the tests need the full catalog: unset it" >&2
  exit 2
fi

venv="$root/.venv-ci"
# Servers started without SQLITE_PATH / ARTIFACT_PATH (the search gate, a few protocol tests)
# keep their audit log and artifacts inside the checkout, not in the user's data directory.
export XDG_DATA_HOME="$root/target/test-data"
mkdir -p "$XDG_DATA_HOME"
shared="${SHARED_DIR:-$root/../shared}"
bin="$root/target/release/aws-exec-mcp"
script_start=$SECONDS

moto_run="$root/.moto-run/test-sh"
moto_started=0
# Stops the moto this script started (by its recorded pid); a no-op otherwise.
stop_moto() {
  if [ "$moto_started" = 1 ]; then
    moto_started=0
    bash "$shared/moto/stop.sh" "$moto_run" || true
  fi
}
trap stop_moto EXIT

step() {
  printf '\n==> %s\n' "$*"
  step_start=$SECONDS
}
done_step() {
  printf '    (%ss)\n' "$((SECONDS - step_start))"
}

# Creates .venv-ci/ or refreshes it when requirements.txt changed.
ensure_venv() {
  local req="$root/tests/python/requirements.txt"
  local stamp="$venv/.requirements.sha256"
  local want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$venv/bin/pytest" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "    creating $venv from tests/python/requirements.txt"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
}

# Installs tests/node/node_modules from package-lock.json when missing or out of date.
ensure_node_modules() {
  local dir="$root/tests/node"
  local stamp="$dir/node_modules/.package-lock.sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "    npm ci in tests/node"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

step "cargo fmt --check"
cargo fmt --all --check
done_step

step "cargo build --release (full catalog)"
cargo build --release
"$bin" --version
done_step

step "same features in the shipped and the tested build (scripts/check-features.sh)"
bash "$root/scripts/check-features.sh"
done_step

step "cargo test --release --workspace"
cargo test --release --workspace
done_step

step "cargo clippy --release --all-targets -D warnings"
cargo clippy --release --workspace --all-targets -- -D warnings
done_step

step "moto on loopback for the invoke tests (../shared/moto/start.sh auto)"
unset MOTO_ENDPOINT
if [ -x "$shared/moto/start.sh" ]; then
  # Two steps rather than eval "$(start.sh auto)": a failed start must stop the script.
  moto_env=$(bash "$shared/moto/start.sh" auto "$root/.moto-venv" "$moto_run")
  moto_started=1
  eval "$moto_env"
  export MOTO_ENDPOINT
  echo "    $MOTO_ENDPOINT"
elif [ "${CI:-}" = "true" ]; then
  echo "error: $shared/moto/start.sh not found (set SHARED_DIR)" >&2
  exit 1
else
  echo "    WARNING: skipped: $shared/moto/start.sh not found (set SHARED_DIR); the moto tests skip themselves"
fi
done_step

step "Python MCP client tests (tests/python, invoke against moto)"
ensure_venv
AWS_MCP_BIN="$bin" "$venv/bin/python" -m pytest "$root/tests/python" -q -p no:cacheprovider
stop_moto
unset MOTO_ENDPOINT
done_step

step "TypeScript MCP client tests (tests/node)"
if command -v node >/dev/null && command -v npm >/dev/null; then
  ensure_node_modules
  (cd "$root/tests/node" && AWS_MCP_BIN="$bin" node --test)
elif [ "${CI:-}" = "true" ]; then
  echo "error: node and npm are needed for tests/node" >&2
  exit 1
else
  echo "    WARNING: skipped: node/npm not found"
fi
done_step

step "search quality gates (shared set top-1 >= 0.85, CLI examples held out top-1 >= 0.57)"
if [ -f "$shared/eval/search_eval.py" ]; then
  python3 "$shared/eval/search_eval.py" --set "$shared/eval/search-public.jsonl" --min-top1 0.85 -- "$bin"
  # The held-out 20% of the AWS CLI's examples (models/awscli, never indexed); their titles are
  # often generic ("To delete an alias"), hence the lower bar (0.611 at the time of writing).
  python3 "$shared/eval/search_eval.py" --set "$root/eval/search-cli-holdout.jsonl" --min-top1 0.57 -- "$bin" | tail -n 8
elif [ "${CI:-}" = "true" ]; then
  echo "error: $shared/eval/search_eval.py not found (set SHARED_DIR)" >&2
  exit 1
else
  echo "    WARNING: skipped: $shared/eval/search_eval.py not found (set SHARED_DIR to run it)"
fi
done_step

step "slim build (scripts/check-slim.sh)"
bash "$root/scripts/check-slim.sh"
done_step

printf '\nall checks passed in %ss\n' "$((SECONDS - script_start))"

#!/usr/bin/env bash
# Fails when the tested build is not the shipped build: for every package in the server's
# dependency graph (its normal dependencies, and the build-dependencies and proc-macros that
# generate its code), the features resolved for `cargo build --release -p aws-exec-mcp` must
# equal those resolved when the workspace tests are built (`cargo test --workspace`, which adds
# every member's dev-dependencies and unifies features across members). A difference means the
# tests run a different program (a different serde_json, regex...) than the one shipped, and
# that `cargo test` rebuilds target/release/aws-exec-mcp into another binary. Uses `cargo tree`
# only: fast, nothing is compiled.
#
#   scripts/check-features.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# `cargo tree` resolves features with dev-dependencies exactly when dev edges are requested,
# so `-e normal,build` alone is the resolution of a plain build and `-e normal,build,dev` over
# the workspace the one of the test build. A package built both for the host (build scripts,
# proc-macros) and the target appears once per feature set. Each line:
# `<package id>|<features>`; `(*)` marks a repeat.
tree() {
  cargo tree --locked "$@" -f '{p}|{f}' --prefix none | sed -e 's/ (\*)$//' -e '/^$/d' | sort -u
}

shipped=$(tree -p aws-exec-mcp -e normal,build)
tested=$(tree --workspace -e normal,build,dev)

# The packages of the shipped graph, as the test build resolves them.
ids=$(cut -d'|' -f1 <<<"$shipped" | sort -u)
tested_same=$(awk -F'|' 'NR == FNR { want[$1] = 1; next } ($1 in want)' <(echo "$ids") <(echo "$tested"))

if ! drift=$(diff <(echo "$shipped") <(echo "$tested_same")); then
  echo "error: the workspace tests build these packages with other features than the shipped binary:" >&2
  echo "  (< shipped by cargo build --release -p aws-exec-mcp, > built by cargo test --workspace)" >&2
  sed 's/^/  /' <<<"$drift" | grep '^  [<>]' >&2
  echo "Enable the same features in the server's Cargo.toml, or keep the crate that enables them" >&2
  echo "out of the server's graph (see docs/DESIGN.md, \"One build\")." >&2
  exit 1
fi
echo "features: the $(wc -l <<<"$ids") packages of the shipped graph build with the same features under cargo test --workspace"

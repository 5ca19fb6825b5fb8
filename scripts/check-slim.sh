#!/usr/bin/env bash
# Checks slim builds (AWS_MCP_SERVICES): an ec2+s3 build carries exactly those two services plus
# sts (always compiled in: the server assumes roles and identifies callers with it), and
# an unknown service name fails the build with the list of valid names. Uses its own target dir
# (target/slim) so the full-catalog build in target/ stays valid.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_TARGET_DIR="$root/target/slim"
bin="$CARGO_TARGET_DIR/release/aws-exec-mcp"
fail() { echo "check-slim: FAILED: $*" >&2; exit 1; }

# Aliases work in the selection: `s3api` is s3's CLI name.
AWS_MCP_SERVICES="ec2, s3api" cargo build --release --quiet
version=$("$bin" --version)
echo "    $version"
[[ "$version" == *", 3 services,"* ]] || fail "--version should report 3 services: $version"
names=$("$bin" services | python3 -c 'import json,sys; print(",".join(s["name"] for s in json.load(sys.stdin)))')
[ "$names" = "ec2,s3,sts" ] || fail "services should be ec2,s3,sts, got $names"
services_in_search=$("$bin" search "list lambda functions" --limit 50 |
  python3 -c 'import json,sys; print(",".join(sorted({r["service"] for r in json.load(sys.stdin)["results"]})))')
case "$services_in_search" in ""|ec2|s3|sts|"ec2,s3"|"ec2,sts"|"s3,sts"|"ec2,s3,sts") ;; *) fail "search reached other services: $services_in_search";; esac
if "$bin" schema lambda Invoke >/tmp/check-slim.$$ 2>&1; then fail "lambda should be absent"; fi
grep -q ServiceNotFound /tmp/check-slim.$$ || fail "lambda should be ServiceNotFound: $(cat /tmp/check-slim.$$)"
rm -f /tmp/check-slim.$$
size=$(stat -c %s "$bin")
echo "    slim ec2+s3 binary: $((size / 1000000)) MB"

# An unknown name fails the build and lists the valid names.
if out=$(AWS_MCP_SERVICES=ec2,nosuchservice cargo build --release --quiet 2>&1); then
  fail "a build naming an unknown service should fail"
fi
[[ "$out" == *"nosuchservice"* && "$out" == *"Valid names"* && "$out" == *"cloudwatch-logs"* ]] ||
  fail "the build error should name the unknown service and list valid names: $out"
echo "    unknown service name: build fails with the list of valid names"
echo "check-slim: ok"

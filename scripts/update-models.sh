#!/usr/bin/env bash
# Re-pin the vendored AWS Smithy model snapshot.
#
#   scripts/update-models.sh <dir> [<commit> [<date>]]
#
# <dir> is a checkout of aws/api-models-aws (its `models/` folder is used when present) or a
# folder in the same layout: <service>/service/<version>/<file>.json. The snapshot is copied
# into models/aws/ (replacing it) and models/SNAPSHOT is rewritten with the source commit, its
# date and the checksum of the file manifest (see `manifest_checksum` below), which build.rs
# prints into `aws-exec-mcp --version`.
set -euo pipefail

usage() { echo "usage: $0 <api-models-aws checkout or models dir> [<commit> [<date>]]" >&2; exit 2; }
[ $# -ge 1 ] || usage
src=$1
[ -d "$src" ] || { echo "error: '$src' is not a directory" >&2; exit 2; }
[ -d "$src/models" ] && [ ! -d "$src/s3" ] && src_models="$src/models" || src_models="$src"

commit=${2:-}
date=${3:-}
if [ -z "$commit" ] && git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
  commit=$(git -C "$src" rev-parse --short=7 HEAD)
  date=$(git -C "$src" log -1 --format=%cs HEAD)
fi
[ -n "$commit" ] || { echo "error: '$src' is not a git checkout: pass <commit> and <date>" >&2; exit 2; }
[ -n "$date" ] || { echo "error: pass the snapshot <date> (YYYY-MM-DD)" >&2; exit 2; }

count=$(find "$src_models" -path '*/service/*/*.json' -type f | wc -l)
[ "$count" -gt 0 ] || { echo "error: no <service>/service/<version>/*.json files under '$src_models'" >&2; exit 1; }

root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$root/models/aws.new"
mkdir -p "$root/models/aws.new"
cp -R "$src_models"/. "$root/models/aws.new/"
rm -rf "$root/models/aws.new/.git"
for f in LICENSE NOTICE; do
  [ -f "$src/$f" ] && cp "$src/$f" "$root/models/aws.new/$f"
done
rm -rf "$root/models/aws"
mv "$root/models/aws.new" "$root/models/aws"

# The manifest checksum: SHA-256 over `sha256sum` lines of every model JSON file, sorted by path.
manifest_checksum() {
  (cd "$1" && find . -type f -name '*.json' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)
}
sum=$(manifest_checksum "$root/models/aws")
cat > "$root/models/SNAPSHOT" <<EOT
repo=https://github.com/aws/api-models-aws
commit=$commit
date=$date
model_files=$count
manifest_sha256=$sum
EOT
echo "pinned $count model files at $commit ($date); manifest sha256 $sum"
echo "now run: cargo build --release"

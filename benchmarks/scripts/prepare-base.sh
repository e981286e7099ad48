#!/usr/bin/env bash
# Checks out <ref> into <dir> (a git worktree) and builds the library there, so that
# `node dist/cli.js gate --base <dir>` can measure it side by side with this checkout.
#
#   benchmarks/scripts/prepare-base.sh <ref> <dir> [--npm-ci]
#
# By default the base borrows this checkout's third-party node_modules (linked, not copied)
# and gets its own @concurrent/* links to its own packages: fast, no network, right when the
# dependencies did not change. --npm-ci installs the base's own lockfile instead (CI does).
set -euo pipefail
ref=${1:?usage: prepare-base.sh <ref> <dir> [--npm-ci]}
dir=${2:?usage: prepare-base.sh <ref> <dir> [--npm-ci]}
here=$(cd "$(dirname "$0")/../.." && pwd)

if [ ! -e "$dir/.git" ]; then
  git -C "$here" worktree add --detach "$dir" "$ref" >/dev/null
else
  git -C "$dir" checkout --detach -q "$ref"
fi
cd "$dir"
if [ "${3:-}" = "--npm-ci" ]; then
  npm ci --no-audit --no-fund
else
  rm -rf node_modules && mkdir -p node_modules/@concurrent
  for entry in "$here"/node_modules/* "$here"/node_modules/.bin; do
    name=$(basename "$entry")
    [ "$name" = "@concurrent" ] || ln -s "$entry" "node_modules/$name"
  done
  for pkg in packages/*/; do
    name=$(node -p "require('./${pkg}package.json').name" 2>/dev/null || true)
    case "$name" in @concurrent/*) ln -s "../../$pkg" "node_modules/$name" ;; esac
  done
fi
npx turbo run build --filter=@concurrent/futures... --output-logs=errors-only
echo "base $(git rev-parse --short HEAD) built in $dir"

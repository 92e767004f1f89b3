#!/usr/bin/env bash
# Installs the Node client libraries TestNodeClients drives Shoal with
# (package.json, pinned by package-lock.json) outside the repository, into
# $SHOAL_NODE_CLIENTS or ~/.cache/shoal/node-clients, where the test looks
# for them. It needs the npm registry; the test skips when they are absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${SHOAL_NODE_CLIENTS:-${XDG_CACHE_HOME:-$HOME/.cache}/shoal/node-clients}"
mkdir -p "$dir"
cp "$here/package.json" "$here/package-lock.json" "$dir/"
cd "$dir"
npm ci --no-audit --no-fund --loglevel=error
echo "node clients installed in $dir"

#!/usr/bin/env bash
# Rebuilds the starter tools' .wasm from their AssemblyScript sources with the pinned compiler (tools/asc), using the same
# flags as the server's AscCompiler. The .wasm files are embedded in the binary; MarketplaceStarterTests checks them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
asc="${NEXTRA_ASC_DIR:-$root/tools/asc}/node_modules/assemblyscript/bin/asc.js"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp "$root/tools/asc/sdk/nextra.ts" "$scratch/"
for src in "$here"/*.ts; do
  name="$(basename "$src" .ts)"
  cp "$src" "$scratch/module.ts"
  (cd "$scratch" && node "$asc" module.ts --outFile module.wasm --optimize --runtime incremental --use abort= --noColors)
  cp "$scratch/module.wasm" "$here/$name.wasm"
  echo "$name.wasm $(stat -c %s "$here/$name.wasm") bytes"
done

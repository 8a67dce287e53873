#!/usr/bin/env bash
# The OpenAPI document of nextra, offline (no server, no network): `nextra openapi` writes the one the server serves.
#   ./gen.sh lint           lint it with @redocly/cli (recommended rules); exits non-zero on errors
#   ./gen.sh types [FILE]   regenerate the UI's API types (default: wwwroot/src/api-gen/schema.d.ts) with openapi-typescript
#   ./gen.sh check          regenerate the types into a temp file and diff against the checked-in one
#   ./gen.sh doc [FILE]     just write the document (default: stdout)
# NEXTRA_BIN names the nextra binary to use; without it, `dotnet run` builds src/Nextra.Host (Release, no UI build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
schema="$root/wwwroot/src/api-gen/schema.d.ts"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1

[ -d "$here/node_modules" ] || (cd "$here" && npm ci --no-audit --no-fund >/dev/null)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

document() { # $1: output file
  if [ -n "${NEXTRA_BIN:-}" ]; then
    "$NEXTRA_BIN" openapi -o "$1"
  else
    dotnet run --project "$root/src/Nextra.Host" -c Release -p:SkipUi=true -v q -- openapi -o "$1"
  fi
}

types() { # $1: output file
  document "$tmp/openapi.json"
  "$here/node_modules/.bin/openapi-typescript" "$tmp/openapi.json" -o "$1" --silent
}

case "${1:-}" in
  lint)
    document "$tmp/openapi.json"
    "$here/node_modules/.bin/redocly" lint --config "$here/redocly.yaml" --format stylish "$tmp/openapi.json"
    ;;
  types)
    mkdir -p "$(dirname "${2:-$schema}")"
    types "${2:-$schema}"
    echo "wrote ${2:-$schema}"
    ;;
  check)
    types "$tmp/schema.d.ts"
    if diff -u "$schema" "$tmp/schema.d.ts"; then
      echo "types current: $schema matches the document"
    else
      echo "types stale: run tools/openapi/gen.sh types and commit $schema" >&2
      exit 1
    fi
    ;;
  doc)
    if [ -n "${2:-}" ]; then document "$2"; else document "$tmp/openapi.json"; cat "$tmp/openapi.json"; fi
    ;;
  *)
    sed -n '2,7p' "$0" >&2
    exit 2
    ;;
esac

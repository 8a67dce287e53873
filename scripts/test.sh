#!/usr/bin/env bash
# The whole test suite: UI unit tests (vitest), then every .NET test project (unit, integration,
# process and browser tests). Prints one closing line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
logdir="$root/artifacts/test"
mkdir -p "$logdir"
passed=0; failed=0; skipped=0; rc=0

if [ -f wwwroot/package.json ]; then
  echo "== UI: npm ci, build, vitest"
  (cd wwwroot && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build) || rc=1
  if (cd wwwroot && npx vitest run --reporter=default --reporter=json --outputFile="$logdir/vitest.json"); then :; else rc=1; fi
  if [ -f "$logdir/vitest.json" ]; then
    read -r p f s < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests,(r.numPendingTests||0)+(r.numTodoTests||0))' "$logdir/vitest.json")
    passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
  fi
fi

if [ -f tools/asc/package.json ]; then
  echo "== AssemblyScript compiler (tools/asc)"
  (cd tools/asc && { [ -d node_modules ] || npm ci --no-audit --no-fund; }) || rc=1
fi

echo "== .NET: dotnet test"
dotnet test Nextra.sln -c Release 2>&1 | tee "$logdir/dotnet.log"
drc=${PIPESTATUS[0]}
[ "$drc" -eq 0 ] || rc=1
# One "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, Total: T" line per test assembly.
read -r p f s < <(awk '/(Passed|Failed)! +- Failed:/ { gsub(",",""); f+=$4; p+=$6; s+=$8 } END { printf "%d %d %d\n", p, f, s }' "$logdir/dotnet.log")
passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
if [ "$drc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed+1)); echo "dotnet test failed before reporting (build error?)"; fi

# The OpenAPI document (from `nextra openapi`, no server): redocly's recommended rules with 0 errors, and the UI's
# generated API types (wwwroot/src/api-gen/schema.d.ts) current. One counted step each.
if [ -f tools/openapi/gen.sh ]; then
  echo "== OpenAPI: lint (redocly, recommended) and generated UI types current"
  export NEXTRA_BIN="$root/src/Nextra.Host/bin/Release/net10.0/nextra"
  (cd tools/openapi && { [ -d node_modules ] || npm ci --no-audit --no-fund; }) || rc=1
  if bash tools/openapi/gen.sh lint 2>&1 | tee "$logdir/openapi-lint.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    passed=$((passed+1)); else failed=$((failed+1)); rc=1; echo "not ok - OpenAPI lint" | tee -a "$logdir/openapi-lint.log"; fi
  if bash tools/openapi/gen.sh check 2>&1 | tee "$logdir/openapi-types.log"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    passed=$((passed+1)); else failed=$((failed+1)); rc=1; echo "not ok - OpenAPI types current" | tee -a "$logdir/openapi-types.log"; fi
  unset NEXTRA_BIN
fi

if [ -f wwwroot/e2e/run.mjs ]; then
  echo "== Browser: e2e against a real nextra serve (headless Chromium)"
  bin="$root/src/Nextra.Host/bin/Release/net10.0/nextra"
  (cd wwwroot && NEXTRA_BIN="$bin" NEXTRA_CHROMIUM="${NEXTRA_TEST_CHROMIUM:-/usr/bin/chromium}" npm run e2e) 2>&1 | tee "$logdir/e2e.log"
  erc=${PIPESTATUS[0]}
  read -r p f s < <(awk '/^# pass /{p=$3} /^# fail /{f=$3} /^# skipped /{s=$3} END { printf "%d %d %d\n", p, f, s }' "$logdir/e2e.log")
  passed=$((passed+p)); failed=$((failed+f)); skipped=$((skipped+s))
  if [ "$erc" -ne 0 ]; then rc=1; [ "$f" -eq 0 ] && failed=$((failed+1)); fi
fi

# The Native AOT build and a smoke test of the published binary (slow: CI sets NEXTRA_TEST_AOT=1).
if [ "${NEXTRA_TEST_AOT:-0}" = "1" ]; then
  echo "== Native AOT: publish + smoke test"
  if bash scripts/aot-smoke.sh 2>&1 | tee "$logdir/aot.log"; then passed=$((passed+1)); else failed=$((failed+1)); rc=1; fi
else
  echo "== Native AOT smoke test skipped (set NEXTRA_TEST_AOT=1)"; skipped=$((skipped+1))
fi

# Name every failure again at the very end, so a truncated CI log still says which test failed.
if [ "$failed" -gt 0 ]; then
  echo "== Failures"
  grep -hE '^\s*Failed [A-Za-z_].* \[|\[FAIL\]' "$logdir/dotnet.log" 2>/dev/null | sed 's/^ */  /' | sort -u | head -40
  # and the first lines of each .NET failure's message (the assertion), so CI's tail says why
  grep -hE -A6 '^\s*Failed [A-Za-z_].* \[' "$logdir/dotnet.log" 2>/dev/null | grep -vE '^\s*Stack Trace:|^\s*at ' | cut -c1-300 | head -60
  grep -hE '^\s*not ok ' "$logdir/e2e.log" 2>/dev/null | sed 's/^ */  /' | head -20
  grep -hE 'FAIL ' "$logdir"/vitest*.log 2>/dev/null | head -20
  grep -hE '^not ok - OpenAPI' "$logdir"/openapi-*.log 2>/dev/null
  grep -hE ' error |types stale' "$logdir"/openapi-*.log 2>/dev/null | head -20
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc

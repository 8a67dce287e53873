#!/usr/bin/env bash
# Smoke test of the Native AOT binary: publish it (if missing, or REBUILD=1), then on a temp data
# dir: serve on a free port, wait for /health/ready, `user create`, `apikey create`, create and read
# a flow over HTTP, the OpenAPI document (served and `nextra openapi`), SIGTERM, expect exit 0. Prints size, start-to-ready time and RSS, then PASS/FAIL.
set -uo pipefail
cd "$(dirname "$0")/.."
out=publish/aot
bin="$out/nextra"

fail() { echo "FAIL: $*"; [ -n "${log:-}" ] && [ -f "$log" ] && tail -20 "$log"; exit 1; }

if [ ! -x "$bin" ] || [ "${REBUILD:-0}" = "1" ]; then
  echo "== publishing $bin"
  dotnet publish src/Nextra.Host -c Release -r linux-x64 -p:PublishAot=true -o "$out" >/tmp/nextra-aot-publish.log 2>&1 \
    || { tail -30 /tmp/nextra-aot-publish.log; fail "dotnet publish"; }
fi
command -v curl >/dev/null || fail "curl is needed"

data=$(mktemp -d)
log="$data/serve.log"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export NEXTRA_ACCOUNTS__PASSWORD_ITERATIONS=100000

start_ns=$(date +%s%N)
"$bin" serve --data-dir "$data/d" --urls "http://127.0.0.1:0" >"$log" 2>&1 &
pid=$!

# The port is chosen by the OS; read it from the structured "Now listening on" log line.
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'Now listening on: \\"http://127.0.0.1:[0-9]*' "$log" 2>/dev/null | head -1 | grep -o 'http://.*' || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || fail "server exited early"
  sleep 0.01
done
[ -n "$url" ] || fail "no listen address in log"
ready=0
for _ in $(seq 1 500); do
  if curl -fsS "$url/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.01
done
[ "$ready" = 1 ] || fail "not ready"
ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
grep -q '/setup?token=' "$log" || sleep 0.5
grep -q '/setup?token=' "$log" || fail "no setup link printed"

"$bin" user create --email smoke@example.test --password smoke-password --data-dir "$data/d" >/dev/null || fail "user create"
key=$("$bin" apikey create --email smoke@example.test --name smoke --data-dir "$data/d" | tail -1)
case "$key" in nxk_*) ;; *) fail "apikey create printed '$key'";; esac

# A real flow: a WebAssembly code block (Wasmtime under AOT), imported as YAML, then run with ?wait.
cat > "$data/smoke.yaml" <<'YAML'
organism: {name: smoke}
payloads:
  Text: {fields: {text: string}}
listeners:
  - name: echo
    description: echoes its input from WebAssembly
    payload_class: Text
    handler: code
    config:
      wat: |
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param $p i32) (param $l i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))
YAML
created=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: text/yaml' \
  --data-binary @"$data/smoke.yaml" "$url/api/flows/import") || fail "create flow"
id=$(printf '%s' "$created" | grep -o '"id":"[^"]*"' | head -1 | cut -d'"' -f4)
[ -n "$id" ] || fail "no id in $created"
read_back=$(curl -fsS -H "Authorization: Bearer $key" "$url/api/flows/$id") || fail "read flow"
printf '%s' "$read_back" | grep -q '"name":"smoke"' || fail "read back: $read_back"
curl -fsS -H "Authorization: Bearer $key" "$url/api/flows/$id/export" | grep -q 'name: smoke' || fail "export"
run=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"payload":{"text":"hi"},"target":"echo"}' "$url/api/triggers/$id/inject?wait=20") || fail "inject"
printf '%s' "$run" | grep -q '"status":"succeeded"' || fail "run: $run"
printf '%s' "$run" | grep -q '"fuel":' || fail "no fuel on the code step: $run"
run_id=$(printf '%s' "$run" | grep -o '"runId":"[^"]*"' | head -1 | cut -d'"' -f4)
curl -fsS -H "Authorization: Bearer $key" "$url/api/runs/$run_id" | grep -q '"status":"succeeded"' || fail "GET run $run_id"
usage=$(curl -fsS -H "Authorization: Bearer $key" "$url/api/usage") || fail "usage"
printf '%s' "$usage" | grep -q '"tier":"enterprise"' || fail "usage: $usage"
printf '%s' "$usage" | grep -q '"runsThisMonth":1' || fail "usage counts the run: $usage"
"$bin" tenant list --data-dir "$data/d" | grep -q 'enterprise' || fail "tenant list"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/flows")
[ "$code" = 401 ] || fail "anonymous /api/flows gave $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{"name":"x","organismYaml":"a: b: c"}' "$url/api/flows")
[ "$code" = 422 ] || fail "invalid YAML gave $code"
# The OpenAPI document: served, and written by `nextra openapi` without a server (same generator under AOT).
# (to a file: `curl | grep -q` fails under pipefail when grep stops reading at the first match)
curl -fsS "$url/openapi/v1.json" -o "$data/served-openapi.json" || fail "served OpenAPI document"
grep -q '"/api/triggers/{flowId}/webhook/{token}"' "$data/served-openapi.json" || fail "served OpenAPI document lacks the webhook"
"$bin" openapi -o "$data/openapi.json" || fail "nextra openapi"
grep -q '"/api/triggers/{flowId}/webhook/{token}"' "$data/openapi.json" || fail "nextra openapi wrote no webhook path"
grep -q '"securitySchemes"' "$data/openapi.json" || fail "nextra openapi wrote no security schemes"

rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=""
[ "$rc" = 0 ] || fail "exit code $rc after SIGTERM"

size=$(stat -c %s "$bin")
echo "binary: $bin $size bytes ($((size / 1024 / 1024)) MiB); start-to-ready: ${ready_ms} ms; RSS after requests: $((rss_kb / 1024)) MiB"
echo "PASS"

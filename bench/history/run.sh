#!/usr/bin/env bash
# Run history on disk (issue 19, defect 7). POSTs N webhook bodies of about SIZE_KB KB of XML (text full of escaped
# markup, like a ticket holding HTML) with ?wait to a webhook -> output flow on a fresh data directory, with
# [runs] max_disk_mb = MAX_DISK_MB and retention every second. Prints what one run stores (payloads + injection +
# outputs columns, in bytes, against the body's size), then, after two retention passes, traces.db and its WAL
# against the budget and how many runs are kept.
# Usage: bench/history/run.sh [N] [SIZE_KB] [MAX_DISK_MB]   (default 30 684 8). BIN=path/to/nextra skips the build.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
N=${1:-30}; SIZE_KB=${2:-684}; BUDGET=${3:-8}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-history}; rm -rf "$OUT"; mkdir -p "$OUT"
source "$REPO/bench/runs/lib.sh"
trap 'stop_server' EXIT
if [ -z "${BIN:-}" ]; then
  dotnet build "$REPO/src/Nextra.Host" -c Release -p:SkipUi=true -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
  BIN="$OUT/bin/nextra"
fi
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
start_server "$DATA" "$PORT" NEXTRA_RUNS__MAX_DISK_MB="$BUDGET" NEXTRA_RUNS__RETENTION_INTERVAL_SECONDS=1 NEXTRA_SERVER__MAX_BODY_BYTES=4194304 \
  NEXTRA_TRIGGERS__MAX_BODY_BYTES=4194304
FLOW=$(api POST /api/flows "$(python3 -c 'import json,sys; print(json.dumps({"name":"history","organismYaml":open(sys.argv[1]).read()}))' "$REPO/bench/nesting/ticket.yaml")" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api POST "/api/flows/$FLOW/start" '{}' >/dev/null
HOOK=$(api GET "/api/flows/$FLOW/triggers" | python3 -c 'import json,sys; print([t["url"] for t in json.load(sys.stdin) if t["type"]=="webhook"][0])')
python3 -c 'import sys; n=int(sys.argv[1])*1024; unit="&lt;p class=&quot;x&quot;&gt;hello &amp;amp; bye&lt;/p&gt; "; body=(unit*(n//len(unit)+1))[:n-80]; body=body[:body.rfind(" ")]; sys.stdout.write("<Ticket><Subject>big</Subject><Body>"+body+"</Body></Ticket>")' "$SIZE_KB" >"$OUT/body.xml"
BYTES=$(stat -c %s "$OUT/body.xml")
for i in $(seq 1 "$N"); do
  code=$(curl -s -o "$OUT/answer.json" -w '%{http_code}' -X POST -H 'Content-Type: application/xml' --data-binary "@$OUT/body.xml" "$HOOK?wait=60")
  [ "$code" = 200 ] || { echo "run $i: HTTP $code $(head -c 300 "$OUT/answer.json")"; exit 1; }
done
sleep 3
python3 - "$DATA/traces.db" "$BYTES" "$BUDGET" "$N" <<'PY'
import os, sqlite3, sys
path, body, budget, sent = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
c = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
runs = c.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
stored = c.execute("""SELECT (SELECT COALESCE(SUM(length(CAST(body AS BLOB))),0) FROM payloads)
                           + (SELECT COALESCE(SUM(length(CAST(injection AS BLOB)) + length(CAST(outputs AS BLOB))),0) FROM runs)""").fetchone()[0]
size = os.path.getsize(path) + (os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0)
print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
print(f"body: {body} bytes; stored per run: {stored // max(runs, 1)} bytes ({stored / max(runs, 1) / body:.2f}x the body)")
print(f"sent {sent} runs ({sent * body / 1048576:.1f} MB of bodies); kept {runs}; traces.db + WAL: {size / 1048576:.2f} MB; budget [runs] max_disk_mb = {budget:g}")
PY

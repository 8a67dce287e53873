#!/usr/bin/env bash
# Cost of OTLP tracing on the run-time: the same binary and flow (bench/runs greeter, webhook ?wait, traces recorded),
# wrk at 64 connections, rounds alternating tracing off / on (exporting to a loopback OTLP sink that answers 200).
# Metrics are always on in every round (they cannot be switched off), so this measures tracing alone.
# Usage: bench/runs/tracing.sh [SECONDS per round, default 15] [ROUNDS, default 3] (BIN=path/to/nextra to skip the build)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
SECS=${1:-15}; ROUNDS=${2:-3}; PEERKIT=${PEERKIT:-/work/shared/peers}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-tracing}; rm -rf "$OUT"; mkdir -p "$OUT"
source "$HERE/lib.sh"
SINK_PID=""
trap 'stop_server; [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true' EXIT
if [ -z "${BIN:-}" ]; then
  dotnet build "$REPO/src/Nextra.Host" -c Release -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
  BIN="$OUT/bin/nextra"
fi
SINK_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$SINK_PORT" >"$OUT/sink.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
SINK_PID=$!
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
start_server "$DATA" 5091
read -r FLOW HOOK < <(deploy_flow greeter)
stop_server
for round in $(seq 1 "$ROUNDS"); do
  for mode in off on; do
    if [ "$mode" = on ]; then start_server "$DATA" 5091 NEXTRA_TELEMETRY__OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" NEXTRA_TELEMETRY__EXPORT_METRICS=false
    else start_server "$DATA" 5091; fi
    wrk -t2 -c64 -d5s -s "$PEERKIT/post.lua" "$HOOK?wait=5" >/dev/null 2>&1 || true   # warm-up
    wrk -t2 -c64 -d"${SECS}s" --latency -s "$PEERKIT/post.lua" "$HOOK?wait=5" >"$OUT/$mode-$round.txt" 2>&1 || true
    stop_server
    awk -v m="$mode" -v r="$round" '/Requests\/sec/ {q=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print "round " r " tracing " m ": " q " runs/s, p50 " p50 ", p99 " p99}' "$OUT/$mode-$round.txt" | tee -a "$OUT/summary.txt"
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/summary.txt"

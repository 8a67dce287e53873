#!/usr/bin/env bash
# Run-time benchmark: webhook -> branch -> output with ?wait (durable inbox on, traces recorded), at
# saturation (wrk at 1/16/64 connections, the peers' load.sh), p99 at ~1,000 runs/s, acknowledge-only
# throughput, resident memory of 1,000 running idle flows, and the wake latency of a sleeping flow.
# Then, in the same script, n8n and Node-RED from /work/shared/peers (when installed) under the same load.
# Loopback only. Usage: bench/runs/run.sh [SECONDS per point, default 20] [PEERS_DIR or "none"]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
SECS=${1:-20}; PEERS=${2:-${TMPDIR:-/tmp}/nextra-peers}; PEERKIT=${PEERKIT:-/work/shared/peers}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-runs}; rm -rf "$OUT"; mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
source "$HERE/lib.sh"
trap 'stop_server' EXIT

echo "== build (Release)"
dotnet build "$REPO/src/Nextra.Host" -c Release -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
BIN="$OUT/bin/nextra"
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)

echo "== nextra: resident memory of 1,000 running idle flows (fresh server)"
start_server "$DATA" 5090
read -r FLOW HOOK < <(deploy_flow greeter)
curl -sS -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$HOOK?wait=5" | head -c 300; echo
sleep 3; RSS1=$(rss_kib "$SERVER_PID")
deploy_flow idle 999 >/dev/null
sleep 5; RSS1000=$(rss_kib "$SERVER_PID")
RUNNING=$(curl -s "$BASE/metrics" | awk '/^nextra_flows_total\{status="running"\}/ {print $2}')
echo "running flows $RUNNING; RSS with 1 flow $((RSS1/1024)) MiB, with 1,000 flows $((RSS1000/1024)) MiB, $(( (RSS1000-RSS1)/999 )) KiB per flow" | tee "$OUT/nextra-idle.txt"
stop_server

echo "== nextra: throughput with ?wait (each point ${SECS}s after 5s warm-up; 1,000 flows deployed, one loaded)"
start_server "$DATA" 5090
bash "$PEERKIT/load.sh" "$HOOK?wait=5" "$PEERKIT/post.lua" "$SECS" | tee "$OUT/nextra-wait.txt"
echo "-- ?wait at a fixed offered rate (20 connections x 1 request / 20 ms = at most 1,000/s)"
PAUSE_MS=20 wrk -t2 -c20 -d"${SECS}s" --latency -s "$HERE/rate.lua" "$HOOK?wait=5" >"$OUT/nextra-rate.txt" 2>&1 || true
awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print "rate " r " req/s p50 " p50 " p99 " p99}' "$OUT/nextra-rate.txt" | tee "$OUT/nextra-rate-line.txt"
echo "-- acknowledge only, 64 connections (202 after the inbox commit; runs finish in the background)"
wrk -t2 -c64 -d"${SECS}s" --latency -s "$PEERKIT/post.lua" "$HOOK" >"$OUT/nextra-ack.txt" 2>&1 || true
awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print "ack " r " req/s p50 " p50 " p99 " p99}' "$OUT/nextra-ack.txt" | tee "$OUT/nextra-ack-line.txt"
T0=$(date +%s.%N)
until curl -s "$BASE/metrics" | awk '/^nextra_queue_depth/ {s+=$2} END {exit !(s==0)}' && [ "$(api GET "/api/flows/$FLOW/status" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("activeRuns") or 0)')" = 0 ]; do sleep 0.5; done
echo "backlog drained $(python3 -c "import time; print('%.1f' % (time.time()-$T0))") s after the ack-only load" | tee -a "$OUT/nextra-ack-line.txt"
curl -s "$BASE/metrics" | grep -E '^nextra_(executions_total|queue_depth)' | tee "$OUT/metrics.txt"
stop_server

echo "== nextra: wake latency (idle stop after 3 s)"
start_server "$DATA" 5090 NEXTRA_TIERS__ENTERPRISE__IDLE_STOP_MINUTES=0.05 NEXTRA_ORCHESTRATION__IDLE_CHECK_SECONDS=1
WARM=(); COLD=()
for i in 1 2 3 4 5 6; do
  WARM+=($(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$HOOK?wait=5"))
  sleep 5
  asleep=$(api GET "/api/flows/$FLOW/status" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("asleep"))')
  COLD+=($(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$HOOK?wait=5"))
  echo "round $i: asleep=$asleep warm ${WARM[-1]}s wake ${COLD[-1]}s"
done | tee "$OUT/nextra-wake-rounds.txt"
curl -s "$BASE/metrics" | grep -E '^nextra_wake_seconds_(sum|count)' | tee "$OUT/nextra-wake.txt"
stop_server

PEER_LINES=()
if [ "$PEERS" != none ] && [ -x "$PEERS/nodered/node_modules/.bin/node-red" ] && [ -x "$PEERS/n8n/node_modules/.bin/n8n" ]; then
  for peer in nodered n8n; do
    echo "== $peer (same load.sh)"
    read -r PPID_ URL < <(bash "$PEERKIT/start.sh" "$peer" "$PEERS")
    sleep 2; echo "$peer idle RSS $(( $(rss_kib "$PPID_") / 1024 )) MiB" | tee "$OUT/$peer-idle.txt"
    bash "$PEERKIT/load.sh" "$URL" "$PEERKIT/post.lua" "$SECS" | tee "$OUT/$peer.txt"
    kill "$PPID_"; wait "$PPID_" 2>/dev/null || true; sleep 2
  done
else
  echo "== peers: not installed in $PEERS (run $PEERKIT/setup.sh $PEERS first); skipped"
fi

echo "== summary (req/s at 1/16/64 connections; ratio = nextra / peer)"
python3 - "$OUT" <<'PY'
import os, re, sys
out = sys.argv[1]
def points(name):
    p = os.path.join(out, name)
    if not os.path.exists(p): return None
    rows = {}
    for line in open(p):
        m = re.match(r"c(\d+) ([0-9.]+) req/s p50 (\S+) p99 (\S+)", line)
        if m: rows[m.group(1)] = (float(m.group(2)), m.group(3), m.group(4))
    return rows
ours = points("nextra-wait.txt")
for peer in ("nodered", "n8n"):
    theirs = points(peer + ".txt")
    if not theirs: continue
    for c in ("1", "16", "64"):
        if c in ours and c in theirs:
            print(f"c{c}: nextra {ours[c][0]:.0f}/s (p99 {ours[c][2]}) vs {peer} {theirs[c][0]:.0f}/s (p99 {theirs[c][2]}): x{ours[c][0]/theirs[c][0]:.1f}")
for c, v in (ours or {}).items(): print(f"nextra c{c}: {v[0]:.0f} runs/s p50 {v[1]} p99 {v[2]}")
PY

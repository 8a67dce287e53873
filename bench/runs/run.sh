#!/usr/bin/env bash
# Run-time benchmark, like for like with the peers (webhook -> code -> respond): two flows with ?wait (durable inbox
# on, every run's trace committed before the answer), on the JIT build and on the Native AOT binary, side by side:
#   branch: greeter.yaml (webhook -> branch reading name -> output), answered with the full run object (the default);
#   code:   greeter-code.yaml (webhook -> WASM code block reading name, answering {"greeting":"hello <name>"} -> output),
#           answered with ?answer=output: the greeting alone, as the peers answer.
# At saturation (the peers' load.sh: wrk at 1/16/64 connections); then on the JIT build: p99 at ~1,000 runs/s,
# acknowledge-only throughput, resident memory of 1,000 running idle flows, the wake latency of a sleeping flow.
# Then, in the same script, Node-RED and n8n from /work/shared/peers (each when installed) under the same load,
# and a summary with the ratios. Loopback only.
# Usage: bench/runs/run.sh [SECONDS per point, default 20] [PEERS_DIR or "none"]
#   AOT_BIN=DIR reuses a published Native AOT folder (else it is published to $OUT/aot, minutes); AOT=0 skips AOT;
#   QUICK=1 measures the throughput rows and the peers only (no idle memory, fixed rate, ack-only, wake).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
SECS=${1:-20}; PEERS=${2:-${TMPDIR:-/tmp}/nextra-peers}; PEERKIT=${PEERKIT:-/work/shared/peers}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-runs}; rm -rf "$OUT"; mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
source "$HERE/lib.sh"
trap 'stop_server' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, load average $(load) at the start"

echo "== build (Release, JIT)"
dotnet build "$REPO/src/Nextra.Host" -c Release -p:SkipUi=true -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
JIT_BIN="$OUT/bin"; BIN="$JIT_BIN/nextra"
BUILDS="jit"
if [ "${AOT:-1}" != 0 ]; then
  if [ -z "${AOT_BIN:-}" ]; then
    echo "== publish (Release, Native AOT; minutes)"
    if dotnet publish "$REPO/src/Nextra.Host" -c Release -r linux-x64 -p:PublishAot=true -p:SkipUi=true -o "$OUT/aot" -nologo >"$OUT/aot-publish.log" 2>&1; then
      AOT_BIN="$OUT/aot"
    else
      tail -20 "$OUT/aot-publish.log"; echo "AOT publish failed: AOT rows skipped"
    fi
  fi
  if [ -n "${AOT_BIN:-}" ] && [ -x "$AOT_BIN/nextra" ]; then BUILDS="jit aot"; fi
fi
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)

start_server "$DATA" 5090
read -r FLOW HOOK < <(deploy_flow greeter)
read -r CODE_FLOW CODE_HOOK < <(deploy_flow greeter-code 1 greeter-code.yaml)
echo "branch flow answers: $(curl -sS -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$HOOK?wait=5" | head -c 200)…"
echo "code flow answers (?answer=output): $(curl -sS -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$CODE_HOOK?wait=5&answer=output")"
if [ "${QUICK:-0}" != 1 ]; then
  echo "== nextra: resident memory of 1,000 running idle flows (fresh server)"
  stop_server; start_server "$DATA" 5090
  curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$HOOK?wait=5"
  sleep 3; RSS1=$(rss_kib "$SERVER_PID")
  deploy_flow idle 998 >/dev/null
  sleep 5; RSS1000=$(rss_kib "$SERVER_PID")
  RUNNING=$(curl -s "$BASE/metrics" | awk '/^nextra_flows_total\{status="running"\}/ {print $2}')
  echo "running flows $RUNNING; RSS with 2 flows $((RSS1/1024)) MiB, with 1,000 flows $((RSS1000/1024)) MiB, $(( (RSS1000-RSS1)/998 )) KiB per flow" | tee "$OUT/nextra-idle.txt"
fi
stop_server

for build in $BUILDS; do
  BIN="$([ "$build" = jit ] && echo "$JIT_BIN" || echo "$AOT_BIN")/nextra"
  echo "== nextra $build: throughput with ?wait (each point ${SECS}s after 5s warm-up)"
  start_server "$DATA" 5090
  echo "-- $build, branch flow, full run answered (load average $(load))"
  bash "$PEERKIT/load.sh" "$HOOK?wait=5" "$PEERKIT/post.lua" "$SECS" | tee "$OUT/nextra-$build-branch.txt"
  echo "-- $build, code flow, ?answer=output (load average $(load))"
  bash "$PEERKIT/load.sh" "$CODE_HOOK?wait=5&answer=output" "$PEERKIT/post.lua" "$SECS" | tee "$OUT/nextra-$build-code.txt"
  echo "$build RSS after the load $(( $(rss_kib "$SERVER_PID") / 1024 )) MiB; load average $(load)"
  stop_server
done
BIN="$JIT_BIN/nextra"

if [ "${QUICK:-0}" != 1 ]; then
  echo "== nextra jit: branch flow at a fixed rate, acknowledge only"
  start_server "$DATA" 5090
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

  echo "== nextra jit: wake latency (idle stop after 3 s)"
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
fi

for peer in nodered n8n; do
  exe=$([ $peer = nodered ] && echo "$PEERS/nodered/node_modules/.bin/node-red" || echo "$PEERS/n8n/node_modules/.bin/n8n")
  if [ "$PEERS" = none ] || [ ! -x "$exe" ]; then
    echo "== $peer: not installed in $PEERS (run $PEERKIT/setup.sh $PEERS first); skipped"; continue
  fi
  echo "== $peer (same load.sh; load average $(load))"
  if ! read -r PPID_ URL < <(bash "$PEERKIT/start.sh" "$peer" "$PEERS"); then echo "$peer did not start; skipped"; continue; fi
  sleep 2; echo "$peer idle RSS $(( $(rss_kib "$PPID_") / 1024 )) MiB" | tee "$OUT/$peer-idle.txt"
  bash "$PEERKIT/load.sh" "$URL" "$PEERKIT/post.lua" "$SECS" | tee "$OUT/$peer.txt"
  kill "$PPID_"; wait "$PPID_" 2>/dev/null || true; sleep 2
done

echo "== summary (requests/s at 1/16/64 connections with p50 and p99; ratio = nextra / peer; load average $(load) at the end)"
python3 "$HERE/summary.py" "$OUT"

#!/usr/bin/env bash
# Idle memory (issue 17): N running idle flows (default 10,000), each a webhook trigger and three listeners (idle.yaml:
# intake (branch) -> classify (branch) -> done (output)), in one real `nextra serve` (Release build; and the Native AOT
# binary too when one is given or published). For each build, on a fresh data dir (SQLite) and a free loopback port:
#   1. the server alone, settled: RSS and managed heap;
#   2. N flows created and started through the API (deploy.py, WORKERS requests at a time): the time it took;
#   3. waits until the server is idle (its CPU time stops growing), checks /metrics counts N running (awake) flows,
#      then RSS (VmRSS of /proc/PID/status), peak RSS (VmHWM), managed heap (/metrics, GC.GetTotalMemory) and the
#      cost per flow ((RSS with N - RSS alone) / N);
#   4. one webhook with ?wait to SAMPLE flows spread over the N (sample.py): each must succeed through all three
#      listeners; RSS again after them.
# Pumps are kept awake for the measure (idle_stop_minutes = 0): a flow idle 15 minutes (the tiers' default) sleeps
# and then costs only its registration; the figure here is the awake cost.
# Usage: bench/idle/run.sh [N]
#   BIN=path/to/nextra skips the JIT build; AOT_BIN=DIR also measures a published Native AOT folder; AOT=1 publishes
#   one to $OUT/aot first (minutes). SAMPLE (20), WORKERS (4). GCDUMP=path/to/dotnet-gcdump (JIT only) writes a heap
#   snapshot with N flows and prints its 25 largest types by size.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
N=${1:-10000}; SAMPLE=${SAMPLE:-20}; WORKERS=${WORKERS:-4}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-idle}; rm -rf "$OUT"; mkdir -p "$OUT"
source "$REPO/bench/runs/lib.sh"
trap 'stop_server' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
mib() { python3 -c "import sys; print('%.1f' % (float(sys.argv[1]) / 1048576))" "$1"; }
heap_bytes() { curl -sf "$BASE/metrics" | awk '/^nextra_process_memory_bytes\{kind="managed_heap"\}/ {printf "%.0f\n", $2}'; }
flows_metric() { curl -sf "$BASE/metrics" | awk -v s="$1" '$1 == "nextra_flows_total{status=\"" s "\"}" {printf "%.0f\n", $2}'; }
hwm_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Idle = the server used less than 2% of a core over 3 s (at least MIN s after the call; at most 300 s).
wait_idle() {
  local min=${1:-5} hz; hz=$(getconf CLK_TCK); sleep "$min"
  for _ in $(seq 1 100); do
    local a b; a=$(cpu_ticks "$SERVER_PID"); sleep 3; b=$(cpu_ticks "$SERVER_PID")
    if [ $(( (b - a) * 100 )) -le $(( hz * 3 * 2 )) ]; then return 0; fi
  done
  echo "   (the server never went idle: measuring anyway)"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load average $(load) at the start"
if [ -z "${BIN:-}" ]; then
  echo "== build (Release, JIT)"
  dotnet build "$REPO/src/Nextra.Host" -c Release -p:SkipUi=true -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
  BIN="$OUT/bin/nextra"
fi
JIT_BIN=$BIN; BUILDS="jit"
if [ "${AOT:-0}" = 1 ] && [ -z "${AOT_BIN:-}" ]; then
  echo "== publish (Release, Native AOT; minutes)"
  if dotnet publish "$REPO/src/Nextra.Host" -c Release -r linux-x64 -p:PublishAot=true -p:SkipUi=true -o "$OUT/aot" -nologo >"$OUT/aot-publish.log" 2>&1; then
    AOT_BIN="$OUT/aot"
  else
    tail -20 "$OUT/aot-publish.log"; echo "AOT publish failed: AOT skipped"
  fi
fi
if [ -n "${AOT_BIN:-}" ] && [ -x "$AOT_BIN/nextra" ]; then BUILDS="jit aot"; fi

for build in $BUILDS; do
  BIN=$([ "$build" = jit ] && echo "$JIT_BIN" || echo "$AOT_BIN/nextra")
  DATA="$OUT/data-$build"
  "$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
  KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
  echo "== nextra $build ($BIN): $N idle flows (load average $(load))"
  start_server "$DATA" "$(free_port)" NEXTRA_TIERS__ENTERPRISE__IDLE_STOP_MINUTES=0
  wait_idle 3
  RSS0=$(rss_kib "$SERVER_PID"); HEAP0=$(heap_bytes)
  echo "   server alone: RSS $((RSS0 / 1024)) MiB, managed heap $(mib "$HEAP0") MiB"
  T0=$(date +%s.%N)
  python3 "$HERE/deploy.py" "$BASE" "$KEY" "$N" "$HERE/idle.yaml" "$OUT/ids-$build.txt" "$WORKERS" | sed 's/^/   /'
  SECS=$(python3 -c "import time; print('%.1f' % (time.time() - $T0))")
  wait_idle 5
  RUNNING=$(flows_metric running); ASLEEP=$(flows_metric asleep)
  RSS=$(rss_kib "$SERVER_PID"); HWM=$(hwm_kib "$SERVER_PID"); HEAP=$(heap_bytes)
  PER=$(( (RSS - RSS0) / N ))
  echo "   with $N flows ($RUNNING running and awake, $ASLEEP asleep): RSS $((RSS / 1024)) MiB (peak $((HWM / 1024)) MiB), managed heap $(mib "$HEAP") MiB"
  echo "   per flow: $PER KiB of RSS, $(( (HEAP - HEAP0) / N / 1024 )) KiB of managed heap; create + start took $SECS s ($(python3 -c "print('%.1f' % ($SECS * 1000 / $N))") ms a flow)"
  if [ "$build" = jit ] && [ -n "${GCDUMP:-}" ]; then
    "$GCDUMP" collect -p "$SERVER_PID" -o "$OUT/idle-$N.gcdump" >/dev/null 2>&1 && \
      "$GCDUMP" report "$OUT/idle-$N.gcdump" 2>/dev/null | head -32 | sed 's/^/   /' || echo "   gcdump failed"
    sleep 2; echo "   after the full GC the snapshot induced: RSS $(( $(rss_kib "$SERVER_PID") / 1024 )) MiB, managed heap $(mib "$(heap_bytes)") MiB"
  fi
  python3 "$HERE/sample.py" "$BASE" "$KEY" "$OUT/ids-$build.txt" "$SAMPLE" | sed 's/^/   /'
  echo "   after the sample: RSS $(( $(rss_kib "$SERVER_PID") / 1024 )) MiB"
  echo "$build n=$N rss_mib=$((RSS / 1024)) base_mib=$((RSS0 / 1024)) heap_mib=$(mib "$HEAP") per_flow_kib=$PER create_s=$SECS load=\"$(load)\"" >>"$OUT/summary.txt"
  stop_server
done
echo "== summary (RSS = VmRSS of /proc/PID/status after the server went idle; heap = GC.GetTotalMemory via /metrics)"
cat "$OUT/summary.txt"
echo "load average at the end: $(load)"

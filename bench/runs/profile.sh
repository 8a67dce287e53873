#!/usr/bin/env bash
# Where one `?wait` request spends its time: a fresh server with NEXTRA_LATENCY_PROBE=1 (the per-stage timer of
# src/Nextra.Modules/Observability/LatencyProbe.cs, which writes the means of each 5 s window to standard error),
# greeter.yaml (or greeter-code.yaml) deployed, wrk at one connection, then the last full window as a table.
# Usage: bench/runs/profile.sh [BIN_DIR (folder holding `nextra`; default: build the worktree)] [SECONDS=16] [FLOW=greeter|greeter-code] [CONNS=1]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
SECS=${2:-16}; FLOWNAME=${3:-greeter}; CONNS=${4:-1}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-profile}; rm -rf "$OUT"; mkdir -p "$OUT"
if [ -n "${1:-}" ]; then BINDIR=$1; else
  BINDIR="$OUT/bin"
  dotnet build "$REPO/src/Nextra.Host" -c Release -p:SkipUi=true -o "$BINDIR" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
fi
BIN="$BINDIR/nextra"
source "$HERE/lib.sh"
trap 'stop_server' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
start_server "$DATA" "$PORT" NEXTRA_LATENCY_PROBE=1
read -r FLOW HOOK < <(deploy_flow "$FLOWNAME" 1 "$FLOWNAME.yaml")
T=$([ "$CONNS" = 1 ] && echo 1 || echo 2)
wrk -t$T -c"$CONNS" -d"${SECS}s" --timeout 10s --latency -s "$HERE/post.lua" "$HOOK?wait=5" >"$OUT/wrk.txt" 2>&1
stop_server
echo "wrk: $(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt") req/s, p50 $(awk '$1=="50%" {print $2}' "$OUT/wrk.txt"), load $(cut -d' ' -f1-3 /proc/loadavg)"
# The last window that saw a full five seconds of load (the final one may be cut by the end of wrk).
python3 - "$DATA.log" <<'PY'
import sys, re
lines = [l for l in open(sys.argv[1]) if l.startswith("latency-probe")]
if len(lines) < 2: sys.exit("no full latency-probe window in the log (run longer)")
line = lines[-2]
print("| stage | n | mean µs |\n|---|---|---|")
for part in line.split(" | ")[1:]:
    m = re.match(r"(.*) n=(\d+) mean_us=([0-9.]+)", part.strip())
    if m: print(f"| {m.group(1)} | {m.group(2)} | {m.group(3)} |")
PY

#!/usr/bin/env bash
# A/B of two builds of the run path on a shared machine: alternate the builds round by round (so load from
# other work hits both alike) and compare ratios, not absolute figures. Each round, for each build: a fresh
# server on its own data dir, greeter.yaml deployed, webhook with ?wait=5 at 1 and at 64 connections
# (3 s warm-up, SECONDS measured). Prints one line per point and the per-round B/A ratios with the load average.
# Usage: bench/runs/ab.sh BIN_A BIN_B [ROUNDS=3] [SECONDS=10]   (BIN_x: folder holding the `nextra` executable)
#   CONNS="1 16 64" sets the connection counts measured (default 1 and 64).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
A=$1; B=$2; ROUNDS=${3:-3}; SECS=${4:-10}; CONNS=${CONNS:-1 64}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-ab}; rm -rf "$OUT"; mkdir -p "$OUT"
source "$HERE/lib.sh"
trap 'stop_server' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
point() { # URL CONNS -> req/s
  local t=2; [ "$2" = 1 ] && t=1
  wrk -t$t -c"$2" -d3s --timeout 10s -s "$HERE/post.lua" "$1" >/dev/null 2>&1 || true
  wrk -t$t -c"$2" -d"${SECS}s" --timeout 10s --latency -s "$HERE/post.lua" "$1" 2>&1 | awk '/Requests\/sec/ {print $2; f=1} END {if (!f) print 0}'
}
for r in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    BIN="$([ $side = A ] && echo "$A" || echo "$B")/nextra"; DATA="$OUT/data-$side-$r"
    "$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
    KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
    start_server "$DATA" "$PORT"
    read -r FLOW HOOK < <(deploy_flow greeter)
    line="round $r $side"
    for c in $CONNS; do line="$line c$c $(point "$HOOK?wait=5" "$c")"; done
    stop_server
    echo "$line load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$OUT/points.txt"
  done
done
python3 - "$OUT/points.txt" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
names = rows[0][3:-2:2]
pts = {(r[1], r[2]): [float(v or 0) for v in r[4:-2:2]] for r in rows}
rounds = sorted({r[1] for r in rows}, key=int)
for i, c in enumerate(names):
    ratios = [pts[(n, "B")][i] / pts[(n, "A")][i] for n in rounds if pts[(n, "A")][i] > 0]
    a = [pts[(n, "A")][i] for n in rounds]; b = [pts[(n, "B")][i] for n in rounds]
    print(f"{c}: A {min(a):.0f}-{max(a):.0f} req/s, B {min(b):.0f}-{max(b):.0f} req/s, B/A per round "
          + ", ".join(f"{x:.2f}" for x in ratios) + f" (median {statistics.median(ratios):.2f})")
print("load average during the points: " + ", ".join(r[-1] for r in rows))
PY

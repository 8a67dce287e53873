#!/usr/bin/env bash
# Hosted-mode benchmark, in one run on this machine:
#  1. webhook -> branch -> output with ?wait (durable inbox and traces on) at 1/16/64 connections (the peers' load.sh):
#     one instance on SQLite, then one instance on Postgres + Redis; prints the Postgres/SQLite ratio per point;
#  2. failover: 3 instances (lease_seconds 10, the default), kill -9 of the flow's owner, then the time until a webhook
#     sent to a surviving instance with ?wait comes back completed (goal: <= lease_seconds + 1 s), three rounds;
#  3. idle memory: 1,000 running flows spread over the 3 instances, resident memory of each.
# Postgres, Redis and the instances come from scripts/cluster.sh in a directory of this run's own (nothing shared with
# a .cluster/ you may have). Loopback only. Usage: bench/hosted/run.sh [SECONDS per load point, default 20]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
SECS=${1:-20}; PEERKIT=${PEERKIT:-/work/shared/peers}
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-hosted}
export NEXTRA_CLUSTER_DIR="$OUT/cluster" NEXTRA_CLUSTER_PORT=${NEXTRA_CLUSTER_PORT:-8180}
export NEXTRA_CLUSTER_PG_PORT=${NEXTRA_CLUSTER_PG_PORT:-55532} NEXTRA_CLUSTER_REDIS_PORT=${NEXTRA_CLUSTER_REDIS_PORT:-56479}
[ -d "$OUT/cluster" ] && bash "$REPO/scripts/cluster.sh" down >/dev/null 2>&1 || true
rm -rf "$OUT"; mkdir -p "$OUT"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
LOAD="$PEERKIT/load.sh"; LUA="$PEERKIT/post.lua"
[ -f "$LOAD" ] || LOAD="$HERE/load.sh"
[ -f "$LUA" ] || LUA="$HERE/post.lua"
source "$REPO/bench/runs/lib.sh"
deploy_flow() { python3 "$REPO/bench/runs/deploy.py" "$BASE" "$KEY" "${2:-1}" "$1"; } # the runs bench's greeter flow
cleanup() { stop_server; bash "$REPO/scripts/cluster.sh" down >/dev/null 2>&1 || true; }
trap cleanup EXIT
# No webhook rate limit in the way of the load (as bench/runs).
export NEXTRA_TRIGGERS__WEBHOOK_RATE_PER_SECOND=10000000 NEXTRA_TRIGGERS__WEBHOOK_BURST=10000000 NEXTRA_LOGGING__LEVEL=Warning

echo "== build (Release)"
dotnet build "$REPO/src/Nextra.Host" -c Release -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
BIN="$OUT/bin/nextra"; export NEXTRA_CLUSTER_BIN="$BIN"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

echo "== 1a. one instance on SQLite: ?wait at 1/16/64 connections (${SECS}s a point after 5s warm-up)"
DATA="$OUT/sqlite"
"$BIN" user create --email bench-$$@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null
KEY=$("$BIN" apikey create --email bench-$$@example.test --name bench --data-dir "$DATA" | tail -1)
start_server "$DATA" 5190
read -r FLOW HOOK < <(deploy_flow greeter)
bash "$LOAD" "$HOOK?wait=5" "$LUA" "$SECS" | tee "$OUT/sqlite.txt"
stop_server

echo "== 1b. one instance on Postgres + Redis (scripts/cluster.sh up 1): the same load"
bash "$REPO/scripts/cluster.sh" up 1 | sed 's/^/   /'
eval "$(bash "$REPO/scripts/cluster.sh" env)"
"$BIN" user create --email bench-$$@example.test --password bench-password-1 --data-dir "$OUT/cli" >/dev/null
KEY=$("$BIN" apikey create --email bench-$$@example.test --name bench --data-dir "$OUT/cli" | tail -1)
BASE="http://127.0.0.1:$((NEXTRA_CLUSTER_PORT + 1))"
read -r FLOW HOOK < <(deploy_flow greeter)
bash "$LOAD" "$HOOK?wait=5" "$LUA" "$SECS" | tee "$OUT/postgres.txt"

echo "== 2. failover: 3 instances, kill -9 of the flow's owner, time to the first run completed elsewhere"
bash "$REPO/scripts/cluster.sh" up 3 | sed 's/^/   /'
psql_() { PGPASSWORD=nextra psql -h 127.0.0.1 -p "$NEXTRA_CLUSTER_PG_PORT" -U nextra -d nextra -qtAc "$1"; }
partition_of() { python3 -c '
import sys
h = 2166136261
for b in sys.argv[1].encode(): h = ((h ^ b) * 16777619) & 0xFFFFFFFF
print(h % 64)' "$1"; }
PART=$(partition_of "$FLOW")
owner() { psql_ "SELECT owner FROM partition_leases WHERE partition = $PART AND expires_at > now()"; }
for round in 1 2 3; do
  # Wait until the partitions settled (every instance live, the flow owned), then kill its owner.
  for _ in $(seq 1 300); do o=$(owner); [ -n "$o" ] && break; sleep 0.1; done
  o=$(owner); i=${o#nextra-}; pid=$(cat "$NEXTRA_CLUSTER_DIR/nextra-$i.pid")
  survivor=$(( i % 3 + 1 ))
  url="http://127.0.0.1:$((NEXTRA_CLUSTER_PORT + survivor))/${HOOK#http://*/}"
  curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$url?wait=5" || { echo "warm-up webhook failed"; exit 1; }
  t0=$(date +%s.%N); kill -9 "$pid"
  code=$(curl -s -o "$OUT/failover-$round.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"name":"x"}' "$url?wait=60")
  t1=$(date +%s.%N)
  status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("status"))' "$OUT/failover-$round.json" 2>/dev/null || echo "?")
  new=$(owner)
  python3 -c "print('round $round: killed $o; a webhook to nextra-$survivor answered $code ($status) %.2f s after the kill; new owner $new' % ($t1 - $t0))" | tee -a "$OUT/failover.txt"
  rm -f "$NEXTRA_CLUSTER_DIR/nextra-$i.pid"
  bash "$REPO/scripts/cluster.sh" up 3 >/dev/null
done

echo "== 3. idle memory: 1,000 running flows over 3 instances"
declare -A BEFORE
for i in 1 2 3; do BEFORE[$i]=$(rss_kib "$(cat "$NEXTRA_CLUSTER_DIR/nextra-$i.pid")"); done
deploy_flow idle 999 >/dev/null
sleep 10
for i in 1 2 3; do
  pid=$(cat "$NEXTRA_CLUSTER_DIR/nextra-$i.pid"); after=$(rss_kib "$pid")
  flows=$(curl -s "http://127.0.0.1:$((NEXTRA_CLUSTER_PORT + i))/metrics" | awk '/^nextra_flows_total\{status="running"\}/ {print $2}')
  echo "nextra-$i: ${flows:-?} running flows here, RSS $(( ${BEFORE[$i]} / 1024 )) MiB before, $(( after / 1024 )) MiB after" | tee -a "$OUT/idle.txt"
done
bash "$REPO/scripts/cluster.sh" status | tail -5

echo "== summary"
python3 - "$OUT" <<'PY'
import os, re, sys
out = sys.argv[1]
def points(name):
    rows = {}
    for line in open(os.path.join(out, name)):
        m = re.match(r"c(\d+) ([0-9.]+) req/s p50 (\S+) p99 (\S+)", line)
        if m: rows[m.group(1)] = (float(m.group(2)), m.group(3), m.group(4))
    return rows
s, p = points("sqlite.txt"), points("postgres.txt")
for c in ("1", "16", "64"):
    if c in s and c in p:
        print(f"c{c}: postgres+redis {p[c][0]:.0f} runs/s (p50 {p[c][1]}, p99 {p[c][2]}) vs sqlite {s[c][0]:.0f} runs/s (p99 {s[c][2]}): x{p[c][0]/s[c][0]:.2f}")
for name in ("failover.txt", "idle.txt"):
    print(open(os.path.join(out, name)).read().rstrip())
PY
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Deeply nested XML in a webhook body (issue 19, defect 1): for each depth, POST
# <Ticket><Subject><a>×N</a>×N</Subject><Body>x</Body></Ticket> with ?wait=120 and print how long the
# server took to answer, then how long a normal run posted right behind a deep body (without ?wait)
# took, which shows whether one payload holds up the flow's other runs.
# Usage: bench/nesting/run.sh [DEPTH...] (default 10000 50000 100000 149000). BIN=path/to/nextra skips the build;
# MAX_WAIT=SECONDS (default 120) raises ?wait and the server's max_wait_seconds, to time answers slower than 2 minutes.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../.." && pwd)
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/nextra-bench-nesting}; rm -rf "$OUT"; mkdir -p "$OUT"
source "$REPO/bench/runs/lib.sh"
trap 'stop_server' EXIT
DEPTHS=("$@"); [ ${#DEPTHS[@]} -gt 0 ] || DEPTHS=(10000 50000 100000 149000)
if [ -z "${BIN:-}" ]; then
  dotnet build "$REPO/src/Nextra.Host" -c Release -p:SkipUi=true -o "$OUT/bin" -v q -nologo >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
  BIN="$OUT/bin/nextra"
fi
DATA="$OUT/data"
"$BIN" user create --email bench@example.test --password bench-password-1 --data-dir "$DATA" >/dev/null 2>&1
KEY=$("$BIN" apikey create --email bench@example.test --name bench --data-dir "$DATA" 2>/dev/null | tail -1)
PORT=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
WAIT=${MAX_WAIT:-120}
start_server "$DATA" "$PORT" NEXTRA_TRIGGERS__MAX_WAIT_SECONDS="$WAIT"
FLOW=$(api POST /api/flows "$(python3 -c 'import json,sys; print(json.dumps({"name":"nesting","organismYaml":open(sys.argv[1]).read()}))' "$HERE/ticket.yaml")" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api POST "/api/flows/$FLOW/start" '{}' >/dev/null
HOOK=$(api GET "/api/flows/$FLOW/triggers" | python3 -c 'import json,sys; print([t["url"] for t in json.load(sys.stdin) if t["type"]=="webhook"][0])')
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %-10s %-8s %-22s %s\n' depth bytes status "answer (s)" "normal run queued behind it (s)"
for n in "${DEPTHS[@]}"; do
  python3 -c 'import sys; n=int(sys.argv[1]); sys.stdout.write("<Ticket><Subject>"+"<a>"*n+"</a>"*n+"</Subject><Body>x</Body></Ticket>")' "$n" >"$OUT/deep-$n.xml"
  read -r code secs < <(curl -s -o "$OUT/answer-$n.json" -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/xml' \
    --data-binary "@$OUT/deep-$n.xml" "$HOOK?wait=$WAIT")
  run=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("code") or d.get("status"))' "$OUT/answer-$n.json" 2>/dev/null || echo "?")
  # The same body without ?wait, then a small valid one with ?wait: the second waits for the first only if they share a serial path.
  curl -s -o /dev/null -X POST -H 'Content-Type: application/xml' --data-binary "@$OUT/deep-$n.xml" "$HOOK"
  behind=$(curl -s -o /dev/null -w '%{time_total}' -X POST -H 'Content-Type: application/xml' \
    --data-binary '<Ticket><Subject>hi</Subject><Body>x</Body></Ticket>' "$HOOK?wait=$WAIT")
  printf '%-8s %-10s %-8s %-22s %s\n' "$n" "$(stat -c %s "$OUT/deep-$n.xml")" "$code" "$secs ($run)" "$behind"
done

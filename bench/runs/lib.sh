# Helpers for run.sh: start/stop a nextra server, API calls with the bench key.
api() { # METHOD PATH [JSON]
  curl -sS -f -X "$1" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' ${3:+-d "$3"} "$BASE$2"
}
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
start_server() { # DATADIR PORT [ENV=VALUE...] -> sets SERVER_PID, BASE
  local data=$1 port=$2; shift 2
  env NEXTRA_LOGGING__LEVEL=Warning NEXTRA_TRIGGERS__WEBHOOK_RATE_PER_SECOND=10000000 NEXTRA_TRIGGERS__WEBHOOK_BURST=10000000 "$@" \
    "$BIN" serve --data-dir "$data" --urls "http://127.0.0.1:$port" >"$data.log" 2>&1 &
  SERVER_PID=$!; BASE="http://127.0.0.1:$port"
  for _ in $(seq 1 300); do curl -sf "$BASE/health/ready" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server did not start; see $data.log" >&2; return 1
}
stop_server() { kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
deploy_flow() { # NAME [COUNT] [YAML beside deploy.py, default greeter.yaml] -> prints "FLOWID HOOKURL" of the first
  python3 "$HERE/deploy.py" "$BASE" "$KEY" "${2:-1}" "$1" ${3:+"$3"}
}
ms_of() { # wrk latency like 1.23ms / 850.00us / 1.02s -> ms
  python3 -c 'import sys,re; v=sys.argv[1]; m=re.match(r"([0-9.]+)(us|ms|s)",v); f={"us":0.001,"ms":1,"s":1000}; print("%.2f" % (float(m.group(1))*f[m.group(2)]) if m else "nan")' "$1"
}

#!/usr/bin/env bash
# A local hosted-mode deployment in one command: PostgreSQL and Redis (Debian packages, loopback), N `nextra serve`
# instances on consecutive ports sharing them, and HAProxy in front on one port.
#
#   scripts/cluster.sh up [N]      build nextra if needed, start everything (N instances, default 3)
#   scripts/cluster.sh status      each instance (pid, port, ready?), then `nextra cluster status` (partitions, flows)
#   scripts/cluster.sh down        stop everything (the data stays in .cluster/; `rm -rf .cluster` to forget it)
#   scripts/cluster.sh env         print the environment a CLI command needs to talk to this deployment, e.g.
#                                  eval "$(scripts/cluster.sh env)"; nextra user create --email … --password …
#
# Everything lives under the repository's .cluster/ (when run as root, PostgreSQL's data directory lives under
# /var/lib/postgresql/nextra-cluster-<hash>, because PostgreSQL refuses to run as root; .cluster/pg links to it).
# Ports (override with the environment): NEXTRA_CLUSTER_PORT (the proxy, 8080; instances take the next N ports),
# NEXTRA_CLUSTER_PG_PORT (55432), NEXTRA_CLUSTER_REDIS_PORT (56379). NEXTRA_CLUSTER_BIN: a nextra binary to use
# instead of building src/Nextra.Host. NEXTRA_CLUSTER_DIR: another directory than .cluster/ (bench/hosted uses one of
# its own). Instances inherit the caller's environment: export e.g. NEXTRA_CLUSTER__LEASE_SECONDS=5 before `up`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${NEXTRA_CLUSTER_DIR:-$root/.cluster}"; mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
proxy_port="${NEXTRA_CLUSTER_PORT:-8080}"
pg_port="${NEXTRA_CLUSTER_PG_PORT:-55432}"
redis_port="${NEXTRA_CLUSTER_REDIS_PORT:-56379}"
bin="${NEXTRA_CLUSTER_BIN:-$root/src/Nextra.Host/bin/Release/net10.0/nextra}"
cmd="${1:-status}"

die() { echo "cluster.sh: $*" >&2; exit 1; }
pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$d" ] || die "PostgreSQL is not installed (Debian: apt-get install postgresql)"
  echo "$d"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_data() {
  if [ "$(id -u)" = 0 ]; then echo "/var/lib/postgresql/nextra-cluster-$(echo -n "$dir" | md5sum | cut -c1-12)"; else echo "$dir/pg"; fi
}
pg_conn() { echo "Host=127.0.0.1;Port=$pg_port;Username=nextra;Password=nextra;Database=nextra"; }
instance_count() { cat "$dir/instances" 2>/dev/null || echo 0; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The settings every instance and CLI command of this deployment shares (the secrets key too: every instance must
# decrypt what another wrote).
cluster_env() {
  echo "export NEXTRA_STORAGE__PROVIDER=postgres"
  echo "export NEXTRA_STORAGE__POSTGRES='$(pg_conn)'"
  echo "export NEXTRA_REDIS__CONFIGURATION='127.0.0.1:$redis_port'"
  echo "export NEXTRA_SECRETS__KEY='$(cat "$dir/secrets.key")'"
  echo "export NEXTRA_SERVER__PUBLIC_URL='http://127.0.0.1:$proxy_port'"
}

start_postgres() {
  local b data
  b=$(pg_bin); data=$(pg_data)
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "== PostgreSQL: initdb $data"
    mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    as_pg "$b/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    [ "$(id -u)" = 0 ] && ln -sfn "$data" "$dir/pg"
  fi
  if ! as_pg "$b/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "== PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$b/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $pg_port -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=300" start >/dev/null
  fi
  as_pg "$b/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qtAc \
    "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nextra') THEN CREATE ROLE nextra LOGIN PASSWORD 'nextra'; END IF; END\$\$;" >/dev/null
  if [ "$(as_pg "$b/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'nextra'")" != 1 ]; then
    as_pg "$b/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc "CREATE DATABASE nextra OWNER nextra" >/dev/null
  fi
}

start_redis() {
  command -v redis-server >/dev/null || die "Redis is not installed (Debian: apt-get install redis-server)"
  if ! alive "$dir/redis.pid"; then
    echo "== Redis on 127.0.0.1:$redis_port"
    mkdir -p "$dir/redis"
    redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --dir "$dir/redis" \
      --pidfile "$dir/redis.pid" --logfile "$dir/redis/redis.log" --save "" --appendonly no
    for _ in $(seq 1 50); do alive "$dir/redis.pid" && break; sleep 0.1; done
  fi
}

start_instances() {
  local n=$1 i port
  # shellcheck disable=SC1090
  eval "$(cluster_env)"
  echo "== migrate (once; each serve also migrates under an advisory lock)"
  "$bin" migrate --data-dir "$dir/cli" >/dev/null
  for i in $(seq 1 "$n"); do
    port=$((proxy_port + i))
    if alive "$dir/nextra-$i.pid"; then continue; fi
    mkdir -p "$dir/nextra-$i"
    # HAProxy (option forwardfor) on loopback is the one proxy whose X-Forwarded-For the instances believe.
    NEXTRA_SERVER__URLS="http://127.0.0.1:$port" NEXTRA_CLUSTER__INSTANCE_ID="nextra-$i" NEXTRA_SERVER__TRUSTED_PROXIES="127.0.0.1" \
      nohup "$bin" serve --data-dir "$dir/nextra-$i" >"$dir/nextra-$i.log" 2>&1 &
    echo $! > "$dir/nextra-$i.pid"
    echo "== nextra-$i on http://127.0.0.1:$port (pid $!, log .cluster/nextra-$i.log)"
  done
  for i in $(seq 1 "$n"); do
    port=$((proxy_port + i))
    for _ in $(seq 1 300); do
      curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
      alive "$dir/nextra-$i.pid" || die "nextra-$i exited; see .cluster/nextra-$i.log"
      sleep 0.2
    done
    curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 || die "nextra-$i is not ready after 60 s; see .cluster/nextra-$i.log"
  done
}

start_proxy() {
  local n=$1 i
  command -v haproxy >/dev/null || die "HAProxy is not installed (Debian: apt-get install haproxy)"
  {
    echo "global"
    echo "  maxconn 4096"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 5s"
    echo "  timeout client 120s"
    echo "  timeout server 120s"
    echo "  timeout tunnel 1h"
    echo "  option forwardfor"
    echo "frontend nextra"
    echo "  bind 127.0.0.1:$proxy_port"
    echo "  default_backend instances"
    echo "backend instances"
    echo "  balance roundrobin"
    echo "  option httpchk GET /health/ready"
    echo "  # Browsers stay on one instance (SignalR negotiate and connect); API clients spread round-robin."
    echo "  cookie NEXTRA_INSTANCE insert indirect nocache httponly"
    for i in $(seq 1 "$n"); do
      echo "  server nextra-$i 127.0.0.1:$((proxy_port + i)) check inter 1s fall 2 rise 1 cookie nextra-$i"
    done
  } > "$dir/haproxy.cfg"
  if alive "$dir/haproxy.pid"; then kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true; sleep 0.3; fi
  haproxy -D -f "$dir/haproxy.cfg" -p "$dir/haproxy.pid"
  echo "== HAProxy on http://127.0.0.1:$proxy_port → $n instances"
}

case "$cmd" in
  up)
    n="${2:-3}"
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive number"
    mkdir -p "$dir"
    [ -f "$dir/secrets.key" ] || head -c 32 /dev/urandom | base64 > "$dir/secrets.key"
    chmod 600 "$dir/secrets.key"
    if [ -z "${NEXTRA_CLUSTER_BIN:-}" ]; then
      echo "== build src/Nextra.Host"
      dotnet build "$root/src/Nextra.Host" -c Release -v q -nologo >/dev/null || die "build failed: dotnet build src/Nextra.Host -c Release"
    fi
    [ -x "$bin" ] || die "no nextra binary at $bin"
    start_postgres
    start_redis
    old=$(instance_count)
    echo "$(( n > old ? n : old ))" > "$dir/instances"
    start_instances "$n"
    start_proxy "$(instance_count)"
    echo
    echo "Open http://127.0.0.1:$proxy_port (the first instance printed a setup link in .cluster/nextra-1.log)."
    echo "CLI against this deployment:  eval \"\$(scripts/cluster.sh env)\"; $bin user create --email you@example.com --password '…'"
    ;;
  env)
    [ -f "$dir/secrets.key" ] || die "no deployment in .cluster/ (scripts/cluster.sh up)"
    cluster_env
    ;;
  status)
    n=$(instance_count)
    [ "$n" -gt 0 ] || { echo "no deployment in .cluster/ (scripts/cluster.sh up)"; exit 0; }
    if alive "$dir/haproxy.pid"; then echo "proxy      http://127.0.0.1:$proxy_port  pid $(cat "$dir/haproxy.pid")"; else echo "proxy      down"; fi
    if alive "$dir/redis.pid"; then echo "redis      127.0.0.1:$redis_port  pid $(cat "$dir/redis.pid")"; else echo "redis      down"; fi
    if as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" status >/dev/null 2>&1; then echo "postgres   127.0.0.1:$pg_port"; else echo "postgres   down"; fi
    for i in $(seq 1 "$n"); do
      port=$((proxy_port + i))
      if alive "$dir/nextra-$i.pid"; then
        ready=$(curl -fsS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" 2>/dev/null || echo down)
        echo "nextra-$i   http://127.0.0.1:$port  pid $(cat "$dir/nextra-$i.pid")  ready: $ready"
      else
        echo "nextra-$i   http://127.0.0.1:$port  not running"
      fi
    done
    echo
    # shellcheck disable=SC1090
    eval "$(cluster_env)"
    "$bin" cluster status --data-dir "$dir/cli" || true
    ;;
  down)
    n=$(instance_count)
    for i in $(seq 1 "$n"); do
      if alive "$dir/nextra-$i.pid"; then kill "$(cat "$dir/nextra-$i.pid")"; fi
    done
    for i in $(seq 1 "$n"); do
      for _ in $(seq 1 100); do alive "$dir/nextra-$i.pid" || break; sleep 0.1; done
      rm -f "$dir/nextra-$i.pid"
    done
    if alive "$dir/haproxy.pid"; then kill "$(cat "$dir/haproxy.pid")"; fi
    if alive "$dir/redis.pid"; then kill "$(cat "$dir/redis.pid")"; fi
    if [ -d "$(pg_data)" ]; then as_pg "$(pg_bin)/pg_ctl" -D "$(pg_data)" -m fast stop >/dev/null 2>&1 || true; fi
    rm -f "$dir/instances" "$dir/haproxy.pid" "$dir/redis.pid"
    echo "stopped (data kept in .cluster/)"
    ;;
  *)
    die "usage: scripts/cluster.sh up [N] | status | env | down"
    ;;
esac

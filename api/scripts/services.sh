#!/usr/bin/env bash
# Finds or starts the PostgreSQL and Redis that `make run` and `make test` use, installing
# them with apt-get (Debian) when absent. Prints shell assignments to eval:
#   PG_BASE_URL=postgres://user@host:port   (no database name)
#   REDIS_BASE_URL=redis://127.0.0.1:6379   (only with --redis)
# Usage: eval "$(api/scripts/services.sh [--redis])"
set -euo pipefail

want_redis=false
[ "${1:-}" = "--redis" ] && want_redis=true
repo=$(cd "$(dirname "$0")/../.." && pwd)
log() { echo "services: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

pg_answers() { # url
  command -v psql >/dev/null 2>&1 && PGCONNECT_TIMEOUT=3 psql -w "$1/postgres" -Atqc 'select 1' >/dev/null 2>&1
}

pg_bin() { # name: the newest installed server binary
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$found" ]; then echo "$found"; else command -v "$1" || true; fi
}

ensure_postgres() {
  if [ -n "${PG_BASE_URL:-}" ] && pg_answers "$PG_BASE_URL"; then echo "$PG_BASE_URL"; return; fi
  local shared="postgres://postgres@127.0.0.1:5432"
  if pg_answers "$shared"; then echo "$shared"; return; fi
  # An installed but stopped Debian cluster: start it, and use it if it trusts us.
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql/*/main >/dev/null 2>&1; then
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL cluster $version/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 2>&1 || true
    for _ in $(seq 1 20); do pg_answers "$shared" && { echo "$shared"; return; }; sleep 0.5; done
  fi
  # A project-local cluster with trust auth on its own port.
  [ -n "$(pg_bin initdb)" ] || apt_install postgresql
  local initdb pg_ctl dir port=55432 url
  initdb=$(pg_bin initdb); pg_ctl=$(pg_bin pg_ctl)
  url="postgres://postgres@127.0.0.1:$port"
  if pg_answers "$url"; then echo "$url"; return; fi
  dir="$repo/.local/pg"
  local run_as=()
  if [ "$(id -u)" = 0 ]; then
    run_as=(runuser -u postgres --)
    id postgres >/dev/null 2>&1 || as_root useradd --system --home /var/lib/postgresql postgres
    # The postgres user must be able to reach the data folder; a checkout under /root is not.
    if ! runuser -u postgres -- test -x "$repo" 2>/dev/null; then
      dir="/tmp/parley-pg-$(echo "$repo" | md5sum | cut -c1-8)"
    fi
  fi
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating a local PostgreSQL cluster in $dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    (cd / && "${run_as[@]}" "$initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >&2)
  fi
  log "starting the local PostgreSQL on port $port"
  (cd / && "${run_as[@]}" "$pg_ctl" -D "$dir" -l "$dir/server.log" -w -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >&2)
  pg_answers "$url" || { log "PostgreSQL did not come up; see $dir/server.log"; exit 1; }
  echo "$url"
}

redis_answers() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

ensure_redis() {
  if redis_answers; then echo "redis://127.0.0.1:6379"; return; fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  log "starting Redis on 127.0.0.1:6379"
  mkdir -p /tmp/parley-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp/parley-redis --logfile /tmp/parley-redis/redis.log >&2
  for _ in $(seq 1 20); do redis_answers && { echo "redis://127.0.0.1:6379"; return; }; sleep 0.25; done
  log "Redis did not come up"; exit 1
}

command -v psql >/dev/null 2>&1 || apt_install postgresql-client
echo "PG_BASE_URL=$(ensure_postgres)"
if $want_redis; then
  # The tests also start private Redis servers (restart scenarios): the binary must be here.
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  echo "REDIS_BASE_URL=$(ensure_redis)"
fi

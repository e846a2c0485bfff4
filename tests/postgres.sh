#!/usr/bin/env bash
# A private PostgreSQL server for the store tests and the store benchmark: Debian's server binaries, a cluster
# of its own under a temporary folder, listening on loopback only (TCP and a socket in that folder), trust
# authentication, so it never touches (or needs) a system cluster.
#
#   tests/postgres.sh start   start it (installs postgresql with apt-get when root and it is missing),
#                             wait until it accepts connections, print its URL
#   tests/postgres.sh url     print the URL of the running server (exit 1 when none runs)
#   tests/postgres.sh stop    stop it and delete its data
#
#   export ORCHESTRATOR_POSTGRES="$(tests/postgres.sh start)"
#
# State lives in $ORCHESTRATOR_POSTGRES_HOME (default: $TMPDIR/orchestrator-postgres), so start, url and stop
# called from different shells find the same server. initdb refuses to run as root: as root, the cluster belongs
# to the 'postgres' user (created by Debian's package) and the server runs as that user.
#
# The cluster is for tests: fsync is off (a crash of the machine may lose it; it is deleted on stop anyway).
# Set ORCHESTRATOR_POSTGRES_FSYNC=on to measure with durable commits.
set -euo pipefail

name=postgres.sh
. "$(dirname "${BASH_SOURCE[0]}")/private-server.sh"
private_home ORCHESTRATOR_POSTGRES_HOME "${TMPDIR:-/tmp}/orchestrator-postgres"
data="$home/data"

# The newest installed server version's binaries (Debian installs each major version beside the others).
find_bin() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$found" ] && [ -x "$found/initdb" ] && [ -x "$found/pg_ctl" ]; then echo "$found"; fi
}

# Runs a server binary as the cluster's owner: the postgres user when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -f "$home/port" ] && [ -n "$(find_bin)" ] && as_owner "$(find_bin)/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() { echo "postgresql://postgres@127.0.0.1:$(cat "$home/port")/postgres"; }

ensure_installed() {
  [ -n "$(find_bin)" ] && return 0
  apt_install postgresql postgresql "the PostgreSQL server"
  [ -n "$(find_bin)" ] || { say "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb found"; exit 2; }
}

start() {
  if running; then
    url
    return 0
  fi

  ensure_installed
  local bin
  bin="$(find_bin)"
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    say "running as root needs the 'postgres' user (Debian's postgresql package creates it)"
    exit 2
  fi

  # A server that died leaves its pid file: stop whatever is left before deleting its folder.
  if [ -f "$data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$data" stop -m immediate >/dev/null 2>&1 || true; fi
  rm -rf "$home"
  mkdir -p "$home"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$home"
    # The server runs as postgres: it must be able to reach its folder.
    if ! runuser -u postgres -- test -w "$home"; then
      say "the postgres user cannot write $home (a parent folder is private); set ORCHESTRATOR_POSTGRES_HOME elsewhere, e.g. /tmp/orchestrator-postgres"
      exit 2
    fi
  fi

  # 5433 when it is free (5432 is left to a system server), else the next free port.
  local port
  port="$(free_port 5433)"

  # Trust, and only for loopback and the private socket: pg_hba.conf gets exactly these lines.
  as_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$home/initdb.out" 2>&1 || {
    say "initdb failed:"; cat "$home/initdb.out" >&2; exit 1;
  }
  as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
  as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# tests/postgres.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$home'
max_connections = 300
fsync = ${ORCHESTRATOR_POSTGRES_FSYNC:-off}
full_page_writes = ${ORCHESTRATOR_POSTGRES_FSYNC:-off}
EOF
  echo "$port" >"$home/port"

  if ! as_owner "$bin/pg_ctl" -D "$data" -l "$home/server.log" -w -t 60 start >/dev/null 2>&1; then
    say "the server did not start within 60 s; its log:"
    tail -n 40 "$home/server.log" >&2 || true
    exit 1
  fi
  url
}

stop() {
  local bin
  bin="$(find_bin)"
  if [ -n "$bin" ] && [ -f "$data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || as_owner "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$home"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url)
    if running; then url; else say "no server runs (start one with: tests/postgres.sh start)"; exit 1; fi
    ;;
  *)
    echo "usage: tests/postgres.sh start|stop|url" >&2
    exit 2
    ;;
esac

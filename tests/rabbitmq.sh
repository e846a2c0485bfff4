#!/usr/bin/env bash
# A private RabbitMQ broker for the integration tests and the broker benchmark: Debian's rabbitmq-server on
# loopback only, its data and logs under a temporary folder, its own node name, so it never touches (or needs)
# a system broker.
#
#   tests/rabbitmq.sh start   start it (installs rabbitmq-server with apt-get when root and it is missing),
#                             wait until it accepts work, print its amqp URL
#   tests/rabbitmq.sh url     print the URL of the running broker (exit 1 when none runs)
#   tests/rabbitmq.sh pid     print the broker's process id (the benchmark reads the broker's CPU time from it)
#   tests/rabbitmq.sh stop    stop it and delete its data
#
#   export ORCHESTRATOR_RABBITMQ="$(tests/rabbitmq.sh start)"
#
# State lives in $ORCHESTRATOR_RABBITMQ_HOME (default: $TMPDIR/orchestrator-rabbitmq), so start, url and stop
# called from different shells find the same broker.
set -euo pipefail

home="${ORCHESTRATOR_RABBITMQ_HOME:-${TMPDIR:-/tmp}/orchestrator-rabbitmq}"
# The folder is deleted on start and stop: refuse one that is clearly not a private broker's.
case "$home" in
  "" | "/" | "$HOME" | "$HOME/") echo "rabbitmq.sh: ORCHESTRATOR_RABBITMQ_HOME must be a folder of its own, not '$home'" >&2; exit 2 ;;
esac
bin=/usr/lib/rabbitmq/bin

say() { echo "rabbitmq.sh: $*" >&2; }

# Run the broker's own scripts directly, not through Debian's wrapper in /usr/sbin: the wrapper switches to the
# rabbitmq user, whose HOME and cookie are the system broker's. HOME here gives the node a private cookie.
ctl() { ERL_EPMD_ADDRESS=127.0.0.1 HOME="$home" "$bin/rabbitmqctl" -n "$(cat "$home/node")" "$@"; }

running() { [ -f "$home/node" ] && ctl -q status >/dev/null 2>&1; }

url() { echo "amqp://guest:guest@127.0.0.1:$(cat "$home/port")/"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_installed() {
  [ -x "$bin/rabbitmq-server" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing rabbitmq-server (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
    # The package starts the system broker on 5672; the tests use their own, so leave the port to it.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now rabbitmq-server >/dev/null 2>&1 || true; fi
  else
    say "rabbitmq-server is not installed; install it with: sudo apt-get install -y rabbitmq-server"
    exit 2
  fi
}

start() {
  if running; then
    url
    return 0
  fi

  ensure_installed
  rm -rf "$home"
  mkdir -p "$home"

  # 5672 when it is free, else the next free port; the Erlang distribution port follows it (+20000).
  local port=5672
  while ! port_free "$port" || ! port_free $((port + 20000)); do
    port=$((port + 1))
    if [ "$port" -gt 5772 ]; then say "no free port in 5672-5772"; exit 1; fi
  done
  echo "$port" >"$home/port"
  echo "orchestrator-test-$port-$$@localhost" >"$home/node"

  # The test broker needs no plugins: tests isolate themselves by queue names, not by vhosts.
  : >"$home/enabled_plugins"
  cat >"$home/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$port
loopback_users.guest = true
# The benchmark publishes persistent messages at full speed; a private broker may use this machine's memory.
vm_memory_high_watermark.relative = 0.6
disk_free_limit.absolute = 50MB
EOF

  (
    export HOME="$home"
    export RABBITMQ_NODENAME="$(cat "$home/node")"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$port"
    export RABBITMQ_DIST_PORT=$((port + 20000))
    export RABBITMQ_MNESIA_BASE="$home/mnesia"
    export RABBITMQ_LOG_BASE="$home/log"
    export RABBITMQ_CONFIG_FILE="$home/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$home/enabled_plugins"
    export RABBITMQ_CONF_ENV_FILE=/dev/null
    export RABBITMQ_PID_FILE="$home/pid"
    # Loopback only, the node-to-node (distribution) port and epmd included.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export ERL_EPMD_ADDRESS=127.0.0.1
    cd "$home"
    setsid nohup "$bin/rabbitmq-server" >"$home/server.out" 2>&1 </dev/null &
  )

  # await_startup waits for the node to boot; it needs the node to exist first, so retry until it does.
  local deadline=$((SECONDS + 90))
  until ERL_EPMD_ADDRESS=127.0.0.1 HOME="$home" timeout 60 "$bin/rabbitmqctl" -n "$(cat "$home/node")" -q await_startup >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "the broker did not start within 90 s; its output:"
      tail -n 40 "$home/server.out" >&2 || true
      exit 1
    fi
    sleep 1
  done
  url
}

stop() {
  if [ -f "$home/node" ]; then
    ctl -q stop >/dev/null 2>&1 || true
    # `stop` returns once the node is down; make sure no VM stays behind if it did not answer.
    if [ -f "$home/pid" ] && kill -0 "$(cat "$home/pid")" 2>/dev/null; then
      kill "$(cat "$home/pid")" 2>/dev/null || true
    fi
  fi
  rm -rf "$home"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  pid)
    if running; then cat "$home/pid"; else say "no broker runs"; exit 1; fi
    ;;
  url)
    if running; then url; else say "no broker runs (start one with: tests/rabbitmq.sh start)"; exit 1; fi
    ;;
  *)
    echo "usage: tests/rabbitmq.sh start|stop|url|pid" >&2
    exit 2
    ;;
esac

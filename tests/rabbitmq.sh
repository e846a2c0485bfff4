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

name=rabbitmq.sh
. "$(dirname "${BASH_SOURCE[0]}")/private-server.sh"
private_home ORCHESTRATOR_RABBITMQ_HOME "${TMPDIR:-/tmp}/orchestrator-rabbitmq"
bin=/usr/lib/rabbitmq/bin

# Run the broker's own scripts directly, not through Debian's wrapper in /usr/sbin: the wrapper switches to the
# rabbitmq user, whose HOME and cookie are the system broker's. HOME here gives the node a private cookie.
ctl() { ERL_EPMD_ADDRESS=127.0.0.1 HOME="$home" "$bin/rabbitmqctl" -n "$(cat "$home/node")" "$@"; }

running() { [ -f "$home/node" ] && ctl -q status >/dev/null 2>&1; }

url() { echo "amqp://guest:guest@127.0.0.1:$(cat "$home/port")/"; }

ensure_installed() { [ -x "$bin/rabbitmq-server" ] || apt_install rabbitmq-server rabbitmq-server; }

start() {
  if running; then
    url
    return 0
  fi

  ensure_installed
  rm -rf "$home"
  mkdir -p "$home"

  # 5672 when it is free, else the next free port; the Erlang distribution port follows it (+20000).
  local port
  port="$(free_port 5672 20000)"
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

#!/usr/bin/env bash
# Runs every test: the .NET test projects, each adapter's own tests (Python, Node, PHP) and the deployment
# checks. Installs what the tests need from Debian's packages when run as root (otherwise says what to
# install), starts a throwaway RabbitMQ broker on loopback for the integration tests unless
# ORCHESTRATOR_RABBITMQ already names one, and a throwaway PostgreSQL server on loopback for the store tests unless
# ORCHESTRATOR_POSTGRES already names one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# What the tests need, as "check|package" pairs.
requirements=(
  "command:php|php-cli"
  "path:/usr/share/php/libphp-phpmailer/autoload.php|libphp-phpmailer"
  "python:aiosmtpd|python3-aiosmtpd"
  "command:docker-compose|docker-compose"
)
if [ -f "$root/tests/rabbitmq.sh" ] && [ -z "${ORCHESTRATOR_RABBITMQ:-}" ]; then
  requirements+=("path:/usr/sbin/rabbitmq-server|rabbitmq-server")
fi
if [ -f "$root/tests/postgres.sh" ] && [ -z "${ORCHESTRATOR_POSTGRES:-}" ]; then
  requirements+=("glob:/usr/lib/postgresql/*/bin/initdb|postgresql")
fi

missing=()
for requirement in "${requirements[@]}"; do
  check="${requirement%%|*}"; package="${requirement##*|}"
  case "$check" in
    command:*) command -v "${check#command:}" >/dev/null 2>&1 || missing+=("$package") ;;
    path:*) [ -e "${check#path:}" ] || missing+=("$package") ;;
    glob:*) compgen -G "${check#glob:}" >/dev/null || missing+=("$package") ;;
    python:*) /usr/bin/python3 -c "import ${check#python:}" >/dev/null 2>&1 || missing+=("$package") ;;
  esac
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (apt-get)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing: ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
fi

# A broker for the integration tests and a PostgreSQL server for the store tests, each stopped on exit (the one
# trap stops whichever of them this script started).
stop_services() {
  if [ -n "${started_rabbitmq:-}" ]; then bash "$root/tests/rabbitmq.sh" stop >/dev/null 2>&1 || true; fi
  if [ -n "${started_postgres:-}" ]; then bash "$root/tests/postgres.sh" stop >/dev/null 2>&1 || true; fi
}
trap stop_services EXIT
if [ -f "$root/tests/rabbitmq.sh" ] && [ -z "${ORCHESTRATOR_RABBITMQ:-}" ]; then
  started_rabbitmq=1
  ORCHESTRATOR_RABBITMQ="$(bash "$root/tests/rabbitmq.sh" start)"
  export ORCHESTRATOR_RABBITMQ
fi
if [ -f "$root/tests/postgres.sh" ] && [ -z "${ORCHESTRATOR_POSTGRES:-}" ]; then
  started_postgres=1
  ORCHESTRATOR_POSTGRES="$(bash "$root/tests/postgres.sh" start)"
  export ORCHESTRATOR_POSTGRES
fi

passed=0
failed=0
log="$(mktemp)"

run_suite() {
  # run_suite NAME COMMAND...: runs one suite, echoing its output, and adds its counts (or one failure).
  local name="$1"; shift
  set +e
  "$@" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  local counted
  counted="$(sed -n -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+),.*/\2 \1/p; s/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p' "$log")"
  local suite_passed=0 suite_failed=0
  while read -r p f; do
    [ -n "$p" ] || continue
    suite_passed=$((suite_passed + p)); suite_failed=$((suite_failed + f))
  done <<<"$counted"
  if [ "$status" != 0 ] && [ "$suite_failed" = 0 ]; then suite_failed=1; fi
  echo "== $name: $suite_passed passed, $suite_failed failed" >&2
  passed=$((passed + suite_passed)); failed=$((failed + suite_failed))
}

# A test host that stops making progress for 5 minutes is ended and the test it was running is named (once seen
# under load, not reproduced since): the suite then fails in minutes instead of holding CI up.
run_suite dotnet dotnet test "$root/Orchestrator.sln" -c Debug --blame-hang-timeout 5m --blame-hang-dump-type none
run_suite adapters bash "$root/adapters/test.sh"
run_suite deploy bash "$root/deploy/check.sh"
rm -f "$log"

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]

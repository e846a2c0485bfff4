#!/usr/bin/env bash
# Runs the Python, Node and PHP adapter suites against the real interpreters on PATH, from the
# repository root, and exits non-zero if any test (or any suite as a whole) failed.
# Installs nothing: CI puts python3, node and php (Debian's php-cli) on PATH before calling it.
# PYTHON, NODE and PHP override the interpreters, e.g. PYTHON=/usr/bin/python3 adapters/test.sh
set -u
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
NODE=${NODE:-node}
PHP=${PHP:-php}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
total_passed=0
total_failed=0

# run NAME COMMAND...: runs one suite, echoes its output, and adds its counts to the totals.
# $counts (set by the caller's parser below) must print "passed failed" for the suite's output.
run() {
  local name=$1 rc passed failed
  shift
  echo "== $name: $*"
  if ! command -v "$1" >/dev/null; then
    echo "$name: '$1' is not on PATH (CI installs it; see adapters/PROTOCOL.md)"
    total_failed=$((total_failed + 1))
    return
  fi
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  read -r passed failed < <("count_$name" <"$log")
  passed=${passed:-0}
  failed=${failed:-0}
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1 # the suite itself broke (crash, syntax error) before counting its tests
  fi
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
}

count_python() { # "Ran 25 tests in 4s" + "OK" | "FAILED (failures=1, errors=2)"
  awk '/^Ran [0-9]+ test/ { ran = $2 }
       /^FAILED/ { while (match($0, /(failures|errors)=[0-9]+/)) { split(substr($0, RSTART, RLENGTH), kv, "="); bad += kv[2]; $0 = substr($0, RSTART + RLENGTH) } }
       END { print ran - bad, bad + 0 }'
}
count_node() { # "# pass 26" / "# fail 0"
  awk '/^# pass [0-9]+$/ { p = $3 } /^# fail [0-9]+$/ { f = $3 } END { print p + 0, f + 0 }'
}
count_php() { # "27 passed, 0 failed"
  awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 } END { print p + 0, f + 0 }'
}

run python "$PYTHON" -m unittest discover -s adapters/python -p 'test_*.py'
run node "$NODE" --test adapters/node/
run php "$PHP" adapters/php/test_adapter.php

echo "adapters: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]

#!/usr/bin/env bash
# Runs every test: the .NET test projects and each adapter's own tests (Python, Node, PHP).
# Installs the language runtimes the tests need with apt when run as root; otherwise says what to install.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

need=()
command -v php >/dev/null 2>&1 || need+=(php-cli)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} (apt-get)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
    exit 2
  fi
fi

passed=0
failed=0
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# .NET tests: one build, then every test project.
set +e
dotnet test "$root/Orchestrator.sln" -c Debug 2>&1 | tee "$log"
dotnet_status=${PIPESTATUS[0]}
set -e
while read -r p f; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\),.*/\2 \1/p' "$log")
if [ "$dotnet_status" != 0 ] && [ "$failed" = 0 ]; then failed=1; fi

# Adapter tests, in each language's own runner.
if [ -f "$root/adapters/test.sh" ]; then
  set +e
  bash "$root/adapters/test.sh" 2>&1 | tee "$log"
  adapters_status=${PIPESTATUS[0]}
  set -e
  if [ "$adapters_status" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

echo
echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ]

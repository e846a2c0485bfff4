#!/usr/bin/env bash
# Checks what can be checked without a Docker engine: docker-compose.yml parses (Debian's docker-compose),
# and every file a Dockerfile copies from the build context exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
failed=0
passed=0

if command -v docker-compose >/dev/null 2>&1; then
  if docker-compose -f docker-compose.yml config -q; then passed=$((passed + 1)); else echo "docker-compose.yml: invalid" >&2; failed=$((failed + 1)); fi
else
  echo "docker-compose not installed (apt-get install docker-compose); compose file not checked" >&2
  failed=$((failed + 1))
fi

# The compose file's build contexts: every dockerfile it names must exist.
while read -r dockerfile; do
  if [ -f "$dockerfile" ]; then passed=$((passed + 1)); else echo "docker-compose.yml names missing $dockerfile" >&2; failed=$((failed + 1)); fi
done < <(sed -n 's/^ *dockerfile: *//p' docker-compose.yml)

# COPY sources, relative to the build context (the repository root for deploy/, the adapter folder for adapters/).
for dockerfile in deploy/Dockerfile.* adapters/*/Dockerfile; do
  context="$root"
  case "$dockerfile" in adapters/*) context="$root/$(dirname "$dockerfile")" ;; esac
  while read -r sources; do
    for source in $sources; do
      if compgen -G "$context/$source" >/dev/null; then passed=$((passed + 1)); else echo "$dockerfile: COPY source '$source' does not exist in $context" >&2; failed=$((failed + 1)); fi
    done
  done < <(grep -E '^COPY ' "$dockerfile" | grep -v -- '--from=' | sed -E 's/^COPY +(--[^ ]+ +)*//; s/ +[^ ]+$//')
done

echo "deploy: $passed passed, $failed failed"
[ "$failed" = 0 ]

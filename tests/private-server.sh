# Sourced by tests/postgres.sh and tests/rabbitmq.sh: what their private servers have in common. The caller sets
# $name (its own file name, for messages) before sourcing this.

say() { echo "$name: $*" >&2; }

# private_home VARIABLE DEFAULT: sets $home to $VARIABLE, else DEFAULT. The folder is deleted on start and stop:
# refuse one that is clearly not a private server's.
private_home() {
  home="${!1:-$2}"
  case "$home" in
    "" | "/" | "$HOME" | "$HOME/") say "$1 must be a folder of its own, not '$home'"; exit 2 ;;
  esac
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST [OFFSET]: prints the first free port of FIRST..FIRST+100 (whose PORT+OFFSET is free too, when given).
free_port() {
  local port="$1" offset="${2:-}"
  while ! port_free "$port" || { [ -n "$offset" ] && ! port_free $((port + offset)); }; do
    port=$((port + 1))
    if [ "$port" -gt $(($1 + 100)) ]; then say "no free port in $1-$(($1 + 100))"; exit 1; fi
  done
  echo "$port"
}

# apt_install PACKAGE SERVICE [WHAT]: installs PACKAGE with apt-get when root; else says how to and exits. The
# package may start a system SERVICE on the default port; the tests use a server of their own, so leave the port to it.
apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing $1 (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$2" >/dev/null 2>&1 || true; fi
  else
    say "${3:-$1} is not installed; install it with: sudo apt-get install -y $1"
    exit 2
  fi
}

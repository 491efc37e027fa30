#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1 for the classroom store's tests and for a class on several app
# processes.  Prints the database URL on its last line.  Usage: tools/pg_local.sh [DATADIR] [PORT]
#   stop:  tools/pg_local.sh stop [DATADIR]
# Installs Debian's postgresql if the server binaries are missing (needs root or sudo).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ "${1:-}" = stop ]; then
  DATA="${2:-/tmp/fintech-lab-pg}"
  BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" stop -m fast || true
  else "$BIN/pg_ctl" -D "$DATA" stop -m fast || true; fi
  exit 0
fi
DATA="${1:-/tmp/fintech-lab-pg}"
PORT="${2:-54329}"
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "pg_local: installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq postgresql >/dev/null
  BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# PostgreSQL refuses to run as root: as root, the cluster belongs to the 'postgres' user.
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUN=(runuser -u postgres --)
fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  "${RUN[@]}" "$BIN/initdb" -D "$DATA" -U fintech --auth=trust -E UTF8 >/dev/null
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c max_connections=300" start >/dev/null
fi
"$BIN/psql" -h 127.0.0.1 -p "$PORT" -U fintech -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='fintech_lab'" \
  | grep -q 1 || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U fintech fintech_lab
echo "postgresql://fintech@127.0.0.1:$PORT/fintech_lab"

#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the trial store tests and prints the line that points
# the tests at it:
#
#   eval "$(.ci/postgres.sh)"     # exports MUP_TEST_POSTGRES_URL
#
# Installs PostgreSQL from Debian when no initdb is found (as root). The server runs as the
# `postgres` user when started by root (initdb refuses root), keeps its data in $MUP_PG_DATA
# (default /tmp/mup-postgres), listens on 127.0.0.1:$MUP_PG_PORT (default 5432) only, and has a
# role mup (password mup, CREATEDB) owning a database mup_test. Durability is off: it is for tests.
# Running the script again while that server runs changes nothing. Stop it with
#   pg_ctl -D /tmp/mup-postgres stop     (as the user that owns the directory)
# Everything but the export line goes to stderr.
set -euo pipefail

PORT=${MUP_PG_PORT:-5432}
DATA=${MUP_PG_DATA:-/tmp/mup-postgres}
URL="jdbc:postgresql://127.0.0.1:${PORT}/mup_test?user=mup&password=mup"

log() { echo "postgres.sh: $*" >&2; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

ours_is_up() {
  PGPASSWORD=mup PGCONNECT_TIMEOUT=3 psql -X -q -h 127.0.0.1 -p "$PORT" -U mup -d mup_test -tAc 'SELECT 1' >/dev/null 2>&1
}

BIN=$(find_bin)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
    exit 1
  fi
  log "installing PostgreSQL from Debian..."
  # The package would create and start a cluster of its own on port 5432: this script starts its own.
  mkdir -p /etc/postgresql-common
  if ! grep -qs '^create_main_cluster' /etc/postgresql-common/createcluster.conf; then
    echo 'create_main_cluster = false' >> /etc/postgresql-common/createcluster.conf
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 apt-get install -y -qq \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >&2
  # Should a cluster have been created and started all the same, it must not hold the port.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }' | while read -r version name; do
      pg_ctlcluster "$version" "$name" stop >&2 || true
    done
  fi
  BIN=$(find_bin)
fi
PATH="$BIN:$PATH"

if ours_is_up; then
  log "already running on 127.0.0.1:$PORT"
  echo "export MUP_TEST_POSTGRES_URL='$URL'"
  exit 0
fi

# Run server commands as `postgres` when we are root, as ourselves otherwise.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$DATA" --shell /bin/sh postgres
  as_server() { runuser -u postgres -- env PATH="$PATH" "$@"; }
  OWNER=postgres
else
  as_server() { "$@"; }
  OWNER=$(id -un)
fi

if [ ! -s "$DATA/PG_VERSION" ]; then
  log "creating a cluster in $DATA"
  mkdir -p "$DATA"
  chown "$OWNER" "$DATA"
  chmod 700 "$DATA"
  as_server initdb -D "$DATA" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  cat >> "$DATA/postgresql.conf" <<CONF
# mup test server: local only, not durable
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

if ! as_server pg_ctl -D "$DATA" status >/dev/null 2>&1; then
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    log "another server already listens on 127.0.0.1:$PORT and mup cannot log in to mup_test;"
    log "stop it, or choose another port with MUP_PG_PORT=5433"
    exit 1
  fi
  log "starting the server on 127.0.0.1:$PORT (log: $DATA/server.log)"
  as_server pg_ctl -D "$DATA" -l "$DATA/server.log" -w -t 60 start >/dev/null
fi

sql() { as_server psql -X -q -v ON_ERROR_STOP=1 -h "$DATA" -p "$PORT" -U postgres -d postgres -tAc "$1"; }
if [ "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'mup'")" != 1 ]; then
  sql "CREATE ROLE mup LOGIN CREATEDB PASSWORD 'mup'"
fi
if [ "$(sql "SELECT 1 FROM pg_database WHERE datname = 'mup_test'")" != 1 ]; then
  sql "CREATE DATABASE mup_test OWNER mup"
fi

if ! ours_is_up; then
  log "the server runs but mup cannot log in to mup_test; see $DATA/server.log"
  exit 1
fi
log "ready on 127.0.0.1:$PORT"
echo "export MUP_TEST_POSTGRES_URL='$URL'"

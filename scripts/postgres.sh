#!/usr/bin/env bash
# A throwaway PostgreSQL for the database tests and benchmarks: installed with apt when missing, initdb'd in a
# temporary directory as an unprivileged user, listening on 127.0.0.1 only on a free port, removed afterwards.
#
# As a command (start, run, stop and remove, also when the command fails or is interrupted):
#   scripts/postgres.sh run COMMAND [ARGS...]    # COMMAND sees CONTEXTFLOW_TEST_POSTGRES (a connection string)
# As a library (the caller owns the trap):
#   source scripts/postgres.sh
#   trap postgres_stop EXIT
#   postgres_start                               # exports CONTEXTFLOW_TEST_POSTGRES
#
# Nothing here touches an existing cluster: the server runs from its own directory with settings given on its
# command line. Durability is off (fsync, synchronous_commit), since the data is thrown away.

postgres_dir=""
postgres_runas=()
postgres_settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

postgres_log() { echo "postgres.sh: $*" >&2; }

# The newest server binaries Debian's packages installed (PostgreSQL 15 on Debian 12).
postgres_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

postgres_install() {
  if [ "$(id -u)" -ne 0 ]; then
    postgres_log "PostgreSQL is not installed and this is not root: install it with 'apt-get install postgresql'," \
      "or set CONTEXTFLOW_TEST_POSTGRES to a connection string"
    return 1
  fi
  postgres_log "PostgreSQL is not installed: installing it with apt..."
  # Only the binaries are wanted. Without this setting the package creates and starts a "main" cluster on port
  # 5432; with it (kept by ucf over the package's version, which lands beside it as .ucf-dist) it creates none.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  local apt_log status
  apt_log=$(mktemp)
  DEBIAN_FRONTEND=noninteractive UCF_FORCE_CONFFOLD=1 bash -c '
    apt-get update -q &&
      apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold postgresql' >"$apt_log" 2>&1
  status=$?
  [ "$status" -eq 0 ] || { postgres_log "apt-get failed:"; tail -n 20 "$apt_log" >&2; }
  rm -f "$apt_log"
  return "$status"
}

# Prints a TCP port on 127.0.0.1 that nothing listens on now (the server may still lose a race for it: see the caller).
postgres_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

postgres_start() {
  local bindir password port attempt
  bindir=$(postgres_bindir) || { postgres_install && bindir=$(postgres_bindir); } || {
    postgres_log "no PostgreSQL server binaries under /usr/lib/postgresql"
    return 1
  }

  # The server refuses to run as root; Debian's package creates the user "postgres" for it.
  postgres_runas=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { postgres_log "running as root, but there is no user 'postgres' to run the server"; return 1; }
    postgres_runas=(runuser -u postgres --)
  fi

  postgres_dir=$(mktemp -d "${TMPDIR:-/tmp}/contextflow-postgres.XXXXXX") || return 1
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  echo "$password" > "$postgres_dir/password"
  [ "$(id -u)" -ne 0 ] || chown -R postgres: "$postgres_dir"

  "${postgres_runas[@]}" "$bindir/initdb" -D "$postgres_dir/data" -U contextflow --pwfile="$postgres_dir/password" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$postgres_dir/initdb.log" 2>&1 || {
    postgres_log "initdb failed:"; cat "$postgres_dir/initdb.log" >&2; return 1
  }
  rm -f "$postgres_dir/password"

  # A free port can be taken between the check and the bind; a few tries settle it.
  for attempt in 1 2 3 4 5; do
    port=$(postgres_free_port) || break
    if "${postgres_runas[@]}" "$bindir/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$postgres_dir' $postgres_settings" \
      start >/dev/null; then
      export CONTEXTFLOW_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=contextflow;Password=$password;Database=postgres"
      postgres_log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($postgres_dir)"
      return 0
    fi
    postgres_log "start on port $port failed (try $attempt)"
  done
  postgres_log "the server did not start:"; tail -n 20 "$postgres_dir/server.log" >&2
  return 1
}

postgres_stop() {
  [ -n "$postgres_dir" ] || return 0
  local bindir
  bindir=$(postgres_bindir)
  if [ -f "$postgres_dir/data/postmaster.pid" ]; then
    "${postgres_runas[@]}" "$bindir/pg_ctl" -D "$postgres_dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      kill -9 "$(head -n 1 "$postgres_dir/data/postmaster.pid")" 2>/dev/null
  fi
  rm -rf "$postgres_dir"
  postgres_dir=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  if [ "${1:-}" != run ] || [ $# -lt 2 ]; then
    echo "usage: $0 run COMMAND [ARGS...]" >&2
    exit 2
  fi
  shift
  trap postgres_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  postgres_start || exit 1
  "$@"
  exit $?
fi

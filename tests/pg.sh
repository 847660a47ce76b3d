#!/usr/bin/env bash
# pg.sh -- a private, throw-away PostgreSQL cluster for the tests.
#
#   tests/pg.sh start DIR PORT   init (if needed) and start; prints the URL
#   tests/pg.sh stop DIR         stop fast
#   tests/pg.sh restart DIR      stop and start again (the reconnect test)
#
# Runs the server as the `postgres` system user (root may not), listening on
# 127.0.0.1 only, trust authentication for the test database only.
set -euo pipefail
cmd=$1 dir=$2 port=${3:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $cmd in
start)
  if [ ! -f "$dir/PG_VERSION" ]; then
    mkdir -p "$dir"; [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_pg "$bin/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = on
max_connections = 200
CONF
  fi
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/log" -w -t 60 start >/dev/null
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qAt -c \
    "SELECT 1 FROM pg_database WHERE datname='madoguchi_test'" | grep -q 1 || \
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres madoguchi_test
  echo "postgresql://postgres@127.0.0.1:$port/madoguchi_test"
  ;;
stop)
  [ -f "$dir/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
  ;;
restart)
  as_pg "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/log" -w start >/dev/null
  ;;
*) echo "usage: $0 start|stop|restart DIR [PORT]" >&2; exit 2 ;;
esac

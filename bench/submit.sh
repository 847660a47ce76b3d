#!/usr/bin/env bash
# submit.sh -- online applications submitted through the JSON API under a
# concurrent load, on SQLite and on PostgreSQL.  One line per figure:
#   figure submit_sqlite VALUE per_s        submissions per second: each a
#                                           30-field procedure and its 200 KB
#                                           attachment in one request (POST
#                                           /api/v1/procedures/CODE/submissions,
#                                           multipart), answered 201 with a
#                                           receipt number once durable
#   figure submit_sqlite_p50 / _p99 / _p999 VALUE ms  their latency
#   figure submit_sqlite_fairness VALUE ratio  the fewest submissions one
#                                           client completed ÷ the most (1:
#                                           every client served alike)
#   figure db_read_sqlite_rps VALUE per_s   the core's database-backed read
#                                           (/api/v1/municipality), same run
#   figure submit_sqlite_vs_db_read VALUE ratio  submissions/s ÷ reads/s
#   figure submit_sqlite_writes_per_commit VALUE ratio  writes one group
#                                           commit (one fsync) carried
#   figure submit_sqlite_commit_ms VALUE ms  a group commit's leader time
#                                           (its writes, COMMIT, fsync)
#   figure submit_sqlite_flow VALUE per_s   the same submissions as a
#                                           resident's client makes them, four
#                                           requests each: create a draft,
#                                           upload the attachment (PUT, raw
#                                           body), save the answers, submit --
#                                           four durable writes -- and its
#                                           _flow_p50 / _flow_p99, _flow_post_p99
#                                           (the final POST .../submit alone),
#                                           _flow_vs_db_read,
#                                           _flow_writes_per_commit, _flow_commit_ms
#   ... and the same with _pg for PostgreSQL.
#
# The procedure is bench/submit-procedure.json (30 fields, schema-checked
# by `procedure load`), the answers bench/submit-answers.json.
# 64 clients (CLIENTS), each its own resident (Bearer token), one
# keep-alive connection each, as fast as the server answers: the load
# client is C (bench/submit_client.c, libcurl, one thread per client).
#
# Pinning: the server may use both cores (SERVER_CPUS, default 0,1; 0
# confines it to one), the load (submit_client, wrk) runs on core 1 and
# shares it with the server; SERVER_THREADS worker threads (default:
# CLIENTS, so that each keep-alive connection has a loop of its own --
# the acceptor gives each new connection to the loop with the fewest --
# and a submission waiting for its group commit holds up no other
# client); on PostgreSQL SERVER_THREADS_PG (default 16: each thread is
# a database connection, and 64 backends on two cores measured 84/s
# against 140/s with 16); the private PostgreSQL (tests/pg.sh) is
# pinned to core 0.  Each client submits ~16 different 200 KB attachments
# a second, far past a resident's default attachment quota (100 MiB) and
# upload rate (60 a minute; src/svc/apply/README.md): the server runs with
# both off (--upload-quota 0 --upload-rate 0), as a ward would for a
# trusted bulk client.  Residents are registered before the
# measurement with the cheap test password hash (--hash-cost-for-tests;
# no password is checked during the measurement, which uses tokens).
# BENCH_SECONDS (default 10) per measurement; SUBMIT_PG=0 skips PostgreSQL;
# SUBMIT_DB_DIR puts the SQLite file elsewhere (e.g. /dev/shm, where a sync
# costs nothing: a diagnostic that separates the disk's sync time from the
# rest, never a figure of record).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all >/dev/null
command -v wrk >/dev/null || { echo "bench/submit.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
S=${BENCH_SECONDS:-10}
CLIENTS=${CLIENTS:-64}
FILE_BYTES=${FILE_BYTES:-204800}
PORT=${SUBMIT_PORT:-18093}
SERVER_THREADS=${SERVER_THREADS:-$CLIENTS}
SERVER_THREADS_PG=${SERVER_THREADS_PG:-16}
SERVER_CPUS=${SERVER_CPUS:-0,1}   # 0: the server on one core, the client on the other
PGPORT=${SUBMIT_PGPORT:-55493}
T=$(mktemp -d)
chmod 755 "$T"
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [ -d "$T/pg" ] && tests/pg.sh stop "$T/pg" || true
  rm -rf "$T"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
mkdir -p "$T/proc"
cp bench/submit-procedure.json "$T/proc/"

# register n residents, their session tokens one a line in $T/tokens
register() { # base
  : > "$T/tokens"
  for i in $(seq "$CLIENTS"); do
    jar="$T/jar$i"
    pre=$(curl -fs -c "$jar" -b "$jar" "$1/resident/register" | sed -n 's/.*name="pre" value="\([^"]*\)".*/\1/p' | head -1)
    curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "pre=$pre" \
      --data-urlencode "email=bench$i@example.jp" --data-urlencode "password=Bench-Kinmokusei-$i-2026" \
      "$1/resident/register"
    awk '$6 == "mg_session" { print $7 }' "$jar" >> "$T/tokens"
    rm -f "$jar"
  done
  [ "$(wc -l < "$T/tokens")" -eq "$CLIENTS" ] || { echo "registration failed" >&2; exit 1; }
}

run() { # name db-url
  local name=$1 db=$2 threads=$SERVER_THREADS
  [ "$1" = pg ] && threads=$SERVER_THREADS_PG
  ./build/madoguchi demo --db "$db" --key-dir "$T/keys" >/dev/null
  ./build/madoguchi procedure load --db "$db" --tenant 139998 "$T/proc" >/dev/null 2>&1
  taskset -c "$SERVER_CPUS" ./build/madoguchi serve --db "$db" --key-dir "$T/keys" --listen "127.0.0.1:$PORT" \
    --threads "$threads" --no-access-log --default-tenant 139998 --static build/assets \
    --hash-cost-for-tests test --upload-quota 0 --upload-rate 0 >"$T/log-$name" 2>&1 & local mg=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  register "http://127.0.0.1:$PORT"
  local m0 m1 m2
  group_metrics() {
    curl -fs "http://127.0.0.1:$PORT/metrics" |
      awk '/^madoguchi_apply_group_(commits|writes)_total|^madoguchi_apply_group_busy/ {print $2}' | tr '\n' ' '
  }
  m0=$(group_metrics)
  # the resident's flow: four requests a submission
  taskset -c 1 ./build/bench/submit_client "http://127.0.0.1:$PORT" "$T/tokens" "$S" \
    bench/submit-answers.json bench-submit id_document "$FILE_BYTES" > "$T/flow-$name"
  m1=$(group_metrics)
  # one request a submission (answers + attachment)
  taskset -c 1 ./build/bench/submit_client "http://127.0.0.1:$PORT" "$T/tokens" "$S" \
    bench/submit-answers.json bench-submit id_document "$FILE_BYTES" oneshot > "$T/one-$name"
  m2=$(group_metrics)
  local dbread
  dbread=$(taskset -c 1 wrk -t1 -c50 -d"${S}s" "http://127.0.0.1:$PORT/api/v1/municipality" | awk '/Requests\/sec/ {print $2}')
  kill "$mg"; wait "$mg" 2>/dev/null || true
  # group commit (SQLite only): writes per commit and the leader's time
  group_figures() { # figure-prefix metrics-before metrics-after
    awk -v n="$1" -v m0="$2" -v m1="$3" 'BEGIN {
      split(m0, a, " "); split(m1, b, " ")
      if (b[1] > a[1]) {
        printf "figure %s_writes_per_commit %.1f ratio\n", n, (b[2] - a[2]) / (b[1] - a[1])
        printf "figure %s_commit_ms %.2f ms\n", n, 1000 * (b[3] - a[3]) / (b[1] - a[1])
      }
    }'
  }
  awk -v n="$name" -v r="$dbread" '
    { v[$1] = $2 }
    END {
      printf "figure submit_%s %.1f per_s\n", n, v["rate"]
      printf "figure submit_%s_p50 %.1f ms\n", n, v["p50"]
      printf "figure submit_%s_p99 %.1f ms\n", n, v["p99"]
      printf "figure submit_%s_p999 %.1f ms\n", n, v["p999"]
      if (v["client_max"] > 0)
        printf "figure submit_%s_fairness %.2f ratio\n", n, v["client_min"] / v["client_max"]
      printf "figure db_read_%s_rps %.0f per_s\n", n, r
      printf "figure submit_%s_vs_db_read %.4f ratio\n", n, v["rate"] / r
    }' "$T/one-$name"
  group_figures "submit_$name" "$m1" "$m2"
  awk -v n="$name" -v r="$dbread" '
    { v[$1] = $2 }
    END {
      printf "figure submit_%s_flow %.1f per_s\n", n, v["rate"]
      printf "figure submit_%s_flow_p50 %.1f ms\n", n, v["p50"]
      printf "figure submit_%s_flow_p99 %.1f ms\n", n, v["p99"]
      printf "figure submit_%s_flow_post_p99 %.1f ms\n", n, v["submit_p99"]
      printf "figure submit_%s_flow_vs_db_read %.4f ratio\n", n, v["rate"] / r
    }' "$T/flow-$name"
  group_figures "submit_${name}_flow" "$m0" "$m1"
}

DBDIR=${SUBMIT_DB_DIR:-$T}
run sqlite "sqlite:$DBDIR/submit-bench-$$.sqlite"
rm -rf "$DBDIR/submit-bench-$$.sqlite"*

if [ "${SUBMIT_PG:-1}" != 0 ]; then
  mkdir -p "$T/pg"
  url=$(taskset -c 0 tests/pg.sh start "$T/pg" "$PGPORT")
  rm -rf "$T/keys"
  run pg "$url"
fi

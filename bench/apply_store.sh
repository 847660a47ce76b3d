#!/usr/bin/env bash
# apply_store.sh -- durable submissions per second through src/svc/apply on the
# real store, without HTTP (build/bench/apply_bench, bench/apply_bench.c).
#
#   bench/apply_store.sh [THREADS [PER_THREAD]]      (default 64 x 10)
#   BENCH_DB=postgresql://... bench/apply_store.sh   (default: a fresh
#                                                     SQLite file in /tmp)
#
# A 30-field procedure with a 200 KB PDF attachment; each thread has its
# own connection, as the server's workers do.  Prints
#   figure commit_ceiling N per_s        one-row durable transactions
#   figure apply_file_put_store N per_s  + apply_file_put_p99 ms
#   figure apply_submit_store N per_s    + apply_submit_p50 / _p99 ms
# and how many writes each commit carried (group commit, src/store/group.c).
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-64}"
per="${2:-10}"
make -s -j2 build/bench/apply_bench
work=/tmp/mg-apply-bench
db="${BENCH_DB:-}"
if [ -z "$db" ]; then
  rm -rf "$work"; mkdir -p "$work"
  db="sqlite:$work/bench.db"
fi
build/bench/apply_bench "$db" "$threads" "$per"

#!/usr/bin/env bash
# booking.sh -- the キャンセル枠 opening of facility reservations (issue
# 16): 2,000 clients within 5 s of 08:30:00 for 40 slots, one per group
# (build/bench/booking_bench, bench/booking_bench.c has the method), the
# fair queue on for the opening's first second.
# Goals: p95 < 1 s, winners = the slots (40), no error, no overlap.
#
#   bench/booking.sh [CLIENTS] [WINDOW_S] [THREADS]
#
# SQLite in /tmp/mg-booking-bench (MADOGUCHI_BENCH_DB=postgresql://...
# for PostgreSQL: the database must be empty).  Prints
#   figure booking_rush_p50 N ms
#   figure booking_rush_p95 N ms
#   figure booking_rush_decided_p95 N ms
#   figure booking_rush_winners N count
#   figure booking_rush_errors N count
#   figure booking_rush_overlaps N count
#   figure booking_rps N ratio
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -j2 build/bench/booking_bench
work=/tmp/mg-booking-bench
rm -rf "$work" && mkdir -p "$work"
db="${MADOGUCHI_BENCH_DB:-sqlite:$work/bench.db}"
build/bench/booking_bench "$db" "${1:-2000}" "${2:-5}" "${3:-4}"

#!/usr/bin/env bash
# waste.sh -- the bulky-waste chatbot's matcher (src/svc/waste) on the
# hand-written query set bench/data/waste_queries.tsv (and the shared
# sample), against the demo ward's item master: top-1 accuracy, refused
# items recognised, size questions asked, latency (build/bench/waste_bench,
# bench/waste_bench.c).  Goals (issue 15): top-1 >= 0.95, every refused
# item recognised, p95 < 5 ms.
#
#   bench/waste.sh [PASSES]        (default 20 timed passes)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -j2 build/bench/waste_bench
queries=bench/data/waste_queries.tsv
[ -f "$queries" ] || queries=tests/data/waste/sample_queries.tsv
echo "# query set: $queries"
build/bench/waste_bench data/waste/items.csv "$queries" "${1:-20}"

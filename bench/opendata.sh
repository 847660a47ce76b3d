#!/usr/bin/env bash
# opendata.sh -- the open data catalog's figures, one line each:
#   figure package_search_p50|p95|p99 VALUE ms   (10,000 datasets, mixed queries)
#   figure package_search_qps VALUE per_s
#   figure package_show VALUE ratio               (against the bare libh2o ceiling)
#   figure package_show_rps / ceiling_rps VALUE per_s
#   figure opendata_import_10k VALUE s            (generating the 10,000 datasets)
# Method as bench/http.sh: server and ceiling each on core 0 with one worker
# thread, the load (wrk, 50 connections; the latency client) on core 1.
# OPENDATA_N (default 10000) datasets; BENCH_SECONDS (default 10) per wrk run;
# QUERIES (default 2000) package_search requests: one at a time for the
# latency figures, four in flight for the throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all >/dev/null
command -v wrk >/dev/null || { echo "bench/opendata.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
N=${OPENDATA_N:-10000}
S=${BENCH_SECONDS:-10}
Q=${QUERIES:-2000}
T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT

./build/madoguchi demo --db "sqlite:$T/db" --key-dir "$T/keys" >/dev/null
./build/madoguchi opendata import --db "sqlite:$T/db" --tenant 139998 data/opendata/demo >/dev/null
t0=$(date +%s.%N)
./build/bench/opendata_bench gen "sqlite:$T/db" 139998 "$N"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "figure opendata_import_%dk %.1f s\n", n / 1000, b - a }'
./build/bench/opendata_bench queries "$Q" > "$T/queries"

taskset -c 0 build/bench/h2o_bare 18091 & BARE=$!
taskset -c 0 ./build/madoguchi serve --db "sqlite:$T/db" --key-dir "$T/keys" --listen 127.0.0.1:18092 \
  --threads 1 --no-access-log --default-tenant 139998 --static build/assets >"$T/log" 2>&1 & MG=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18092/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:18091/ >/dev/null 2>&1 && break; sleep 0.1; done

# latency: one request at a time; throughput: four in flight
taskset -c 1 node bench/opendata_latency.mjs http://127.0.0.1:18092 "$T/queries" 1 > "$T/lat.json"
taskset -c 1 node bench/opendata_latency.mjs http://127.0.0.1:18092 "$T/queries" 4 > "$T/qps.json"
node -e 'const j=require(process.argv[1]), k=require(process.argv[2]); if (j.errors || k.errors) { console.error("errors:", j.errors, k.errors); process.exit(1); }
for (const p of ["p50","p95","p99"]) console.log(`figure package_search_${p} ${j[p].toFixed(2)} ms`);
console.log(`figure package_search_qps ${k.qps.toFixed(0)} per_s`);' "$T/lat.json" "$T/qps.json"

rps() { taskset -c 1 wrk -t1 -c50 -d"${S}s" "$1" | awk '/Requests\/sec/ {print $2}'; }
ceiling=$(rps http://127.0.0.1:18091/)
show=$(rps "http://127.0.0.1:18092/api/3/action/package_show?id=bench-004242")
echo "figure ceiling_rps $ceiling per_s"
echo "figure package_show_rps $show per_s"
awk -v a="$show" -v c="$ceiling" 'BEGIN { printf "figure package_show %.2f ratio\n", a / c }'
kill $BARE $MG

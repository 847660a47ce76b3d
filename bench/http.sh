#!/usr/bin/env bash
# http.sh -- HTTP throughput of madoguchi against a bare libh2o handler
# (the ceiling), in the same run on the same pinned core, and the memory of
# 10,000 idle keep-alive connections.  Prints one line per figure:
#   figure NAME VALUE UNIT
# Server on core 0 (one worker thread), wrk on core 1, 50 connections.
# BENCH_SECONDS (default 10) per measurement.
#
# Besides requests per second, the CPU time the server process spent per
# request (all its threads, from /proc/PID/stat) during each measurement:
# *_us_per_req and the *_cpu ratios (the ceiling's µs per request over
# madoguchi's).  On a shared machine the requests per second move with
# whatever else runs (and the ceiling is often limited by wrk itself, not
# by the server); the CPU per request hardly moves, so it says whether a
# change made the server cheaper.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all >/dev/null
command -v wrk >/dev/null || { echo "bench/http.sh needs wrk (apt-get install wrk)" >&2; exit 1; }
S=${BENCH_SECONDS:-10}
T=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$T"' EXIT
ulimit -n 65536 2>/dev/null || true

TICK=$(getconf CLK_TCK)
cpu_ticks() { # pid -> user+system ticks of the whole process
  awk '{print $14 + $15}' "/proc/$1/stat"
}
measure() { # url pid -> "RPS US_PER_REQ"
  local c0 c1 r
  c0=$(cpu_ticks "$2")
  r=$(taskset -c 1 wrk -t1 -c50 -d"${S}s" --latency "$1" | awk '/Requests\/sec/ {print $2}')
  c1=$(cpu_ticks "$2")
  awk -v r="$r" -v c=$((c1 - c0)) -v t="$TICK" -v s="$S" 'BEGIN { printf "%s %.1f\n", r, c / t * 1e6 / (r * s) }'
}

taskset -c 0 build/bench/h2o_bare 18081 & BARE=$!
./build/madoguchi demo --db "sqlite:$T/db" --key-dir "$T/keys" >/dev/null
taskset -c 0 ./build/madoguchi serve --db "sqlite:$T/db" --key-dir "$T/keys" --listen 127.0.0.1:18082 \
  --threads 1 --no-access-log --default-tenant 139998 --static build/assets >"$T/log" 2>&1 & MG=$!
for _ in $(seq 100); do curl -fs http://127.0.0.1:18082/healthz >/dev/null 2>&1 && curl -fs http://127.0.0.1:18081/ >/dev/null 2>&1 && break; sleep 0.1; done

read -r ceiling ceiling_us < <(measure http://127.0.0.1:18081/ "$BARE")
read -r cached cached_us < <(measure http://127.0.0.1:18082/ "$MG")
read -r dbread dbread_us < <(measure http://127.0.0.1:18082/api/v1/municipality "$MG")
echo "figure ceiling_rps $ceiling per_s"
echo "figure cached_page_rps $cached per_s"
echo "figure db_read_rps $dbread per_s"
awk -v a="$cached" -v c="$ceiling" 'BEGIN { printf "figure cached_page %.2f ratio\n", a / c }'
awk -v a="$dbread" -v c="$ceiling" 'BEGIN { printf "figure db_read %.2f ratio\n", a / c }'
echo "figure ceiling_us_per_req $ceiling_us us"
echo "figure cached_page_us_per_req $cached_us us"
echo "figure db_read_us_per_req $dbread_us us"
awk -v a="$cached_us" -v c="$ceiling_us" 'BEGIN { printf "figure cached_page_cpu %.2f ratio\n", c / a }'
awk -v a="$dbread_us" -v c="$ceiling_us" 'BEGIN { printf "figure db_read_cpu %.2f ratio\n", c / a }'

node bench/idle_conns.mjs 18082 "$MG" 10000 > "$T/idle.json"
node -e 'const j=require(process.argv[1]); console.log(`figure idle_10k_rss ${j.rss_after_mb.toFixed(1)} MB`); console.log(`figure idle_10k_added ${(j.rss_after_mb-j.rss_before_mb).toFixed(1)} MB`); if (j.connections!==10000) { console.error("only", j.connections, "connections answered"); process.exit(1); }' "$T/idle.json"
kill $BARE $MG

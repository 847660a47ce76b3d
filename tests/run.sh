#!/usr/bin/env bash
# run.sh -- the whole test suite (make test):
#
#   1. build (normal) and the unit tests, on SQLite
#   2. a private PostgreSQL: the storage-backed unit tests again on it
#   3. HTTP tests against the real server on loopback (Node's test runner)
#   4. browser tests in Debian's Chromium (playwright-core + axe-core)
#   5. the sanitizer build (ASan+UBSan): unit tests and HTTP tests again
#   6. libFuzzer targets, briefly (MADOGUCHI_FUZZ_SECONDS, default 10 each)
#
# Every suite prints TAP; this script counts the results and ends with the
# line "N passed, N failed".  It exits non-zero when anything failed.
# Options (environment): MADOGUCHI_SKIP_SAN=1, MADOGUCHI_SKIP_BROWSER=1,
# MADOGUCHI_SKIP_FUZZ=1 for a quicker local run; CI runs everything.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/tests/out
rm -rf "$OUT"; mkdir -p "$OUT"
PASSED=0 FAILED=0
FAILED_SUITES=()

say() { printf '\n== %s\n' "$*"; }

# count TAP results of a C test binary's output file
count_tap() { # file suite exit-code
  local p f
  p=$(grep -cE '^ok [0-9]+' "$1" || true)
  f=$(grep -cE '^not ok [0-9]+' "$1" || true)
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "  $2: exited $3 without reporting a failed test (crash?):"; tail -15 "$1"
  fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  [ "$f" -gt 0 ] && FAILED_SUITES+=("$2")
  printf '  %-40s %3d passed, %d failed\n' "$2" "$p" "$f"
}

# count a node --test run (TAP reporter): its summary lines
count_node() { # file suite rc
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  p=${p:-0}; f=${f:-0}
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; echo "  $2: no result (did it start?)"; tail -20 "$1"; fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  [ "$f" -gt 0 ] && FAILED_SUITES+=("$2")
  printf '  %-40s %3d passed, %d failed\n' "$2" "$p" "$f"
}

run_units() { # build-dir label db-url
  local bin name
  for bin in "$1"/tests/unit/*/test_*; do
    [ -x "$bin" ] || continue
    name=${bin#"$1"/tests/unit/}
    if [ -n "${3:-}" ]; then
      grep -q MADOGUCHI_TEST_DB "tests/unit/$name.c" 2>/dev/null || continue
    fi
    MADOGUCHI_TEST_DB=${3:-} timeout 600 "$bin" > "$OUT/$2-${name//\//_}.tap" 2>&1
    count_tap "$OUT/$2-${name//\//_}.tap" "$2 $name" $?
  done
}

say "build"
make -j2 all > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; echo "0 passed, 1 failed"; exit 1; }

say "unit tests (SQLite)"
run_units build unit ""

say "PostgreSQL"
PGDIR=$(mktemp -d /tmp/madoguchi-pg.XXXXXX)
chmod 755 "$PGDIR"
PGPORT=${MADOGUCHI_PG_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
PGURL=$(tests/pg.sh start "$PGDIR/data" "$PGPORT") || { echo "could not start PostgreSQL"; cat "$PGDIR/data/log" 2>/dev/null | tail -20; echo "0 passed, 1 failed"; exit 1; }
export MADOGUCHI_PG_URL=$PGURL MADOGUCHI_PG_DIR=$PGDIR/data
trap 'tests/pg.sh stop "$PGDIR/data"; rm -rf "$PGDIR"' EXIT
echo "  $PGURL"
say "unit tests (PostgreSQL)"
run_units build unit-pg "$PGURL"

NODE_TEST=(node --test --test-reporter=tap --test-concurrency=1)
if ls tests/http/*.test.mjs >/dev/null 2>&1; then
  say "HTTP tests"
  MADOGUCHI_BIN=$ROOT/build/madoguchi "${NODE_TEST[@]}" tests/http/*.test.mjs > "$OUT/http.tap" 2>&1
  count_node "$OUT/http.tap" "http" $?
fi

if [ "${MADOGUCHI_SKIP_BROWSER:-0}" != 1 ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  say "browser tests (Chromium, axe-core)"
  MADOGUCHI_BIN=$ROOT/build/madoguchi "${NODE_TEST[@]}" tests/browser/*.test.mjs > "$OUT/browser.tap" 2>&1
  count_node "$OUT/browser.tap" "browser" $?
fi

if [ "${MADOGUCHI_SKIP_SAN:-0}" != 1 ]; then
  say "sanitizer build (ASan+UBSan)"
  if make -j2 SAN=1 all > "$OUT/build-san.log" 2>&1; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
    run_units build-san san ""
    run_units build-san san-pg "$PGURL"
    if ls tests/http/*.test.mjs >/dev/null 2>&1; then
      MADOGUCHI_BIN=$ROOT/build-san/madoguchi MADOGUCHI_SAN=1 "${NODE_TEST[@]}" tests/http/*.test.mjs > "$OUT/http-san.tap" 2>&1
      count_node "$OUT/http-san.tap" "san http" $?
    fi
  else
    tail -30 "$OUT/build-san.log"; FAILED=$((FAILED + 1)); FAILED_SUITES+=("san build")
  fi
fi

if [ "${MADOGUCHI_SKIP_FUZZ:-0}" != 1 ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
  say "fuzzing (${MADOGUCHI_FUZZ_SECONDS:-10} s per target)"
  if make fuzz > "$OUT/build-fuzz.log" 2>&1; then
    for f in build-fuzz/fuzz_*; do
      name=$(basename "$f"); corpus=tests/fuzz/corpus/${name#fuzz_}
      mkdir -p "$OUT/corpus-$name"
      if "$f" -max_total_time="${MADOGUCHI_FUZZ_SECONDS:-10}" -timeout=5 -rss_limit_mb=2048 \
           "$OUT/corpus-$name" $( [ -d "$corpus" ] && echo "$corpus" ) > "$OUT/$name.log" 2>&1; then
        PASSED=$((PASSED + 1)); printf '  %-40s ok (%s)\n' "$name" "$(grep -oE '#[0-9]+.*DONE.*' "$OUT/$name.log" | tail -1 | cut -c1-40)"
      else
        FAILED=$((FAILED + 1)); FAILED_SUITES+=("$name"); tail -30 "$OUT/$name.log"
      fi
    done
  else
    tail -30 "$OUT/build-fuzz.log"; FAILED=$((FAILED + 1)); FAILED_SUITES+=("fuzz build")
  fi
fi

echo
if [ ${#FAILED_SUITES[@]} -gt 0 ]; then
  echo "failed suites: ${FAILED_SUITES[*]} (outputs in tests/out/)"
  grep -h -B2 -A6 '^not ok' "$OUT"/*.tap 2>/dev/null | head -80
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

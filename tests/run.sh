#!/usr/bin/env bash
# run.sh -- the whole test suite (make test):
#
#   0. check-src: the module rules of src/ (scripts/checksrc.sh) and the
#      checker's tests (tests/checksrc/)
#   1. build (normal) and the unit tests, on SQLite
#   2. a private PostgreSQL: the storage-backed unit tests again on it
#   3. HTTP tests against the real server on loopback (Node's test runner,
#      two files at a time: MADOGUCHI_TEST_CONCURRENCY); the ones that take
#      a database run on that PostgreSQL as well
#   4. HTTP tests on PostgreSQL: the open data tests (MADOGUCHI_HTTP_DB, a
#      fresh database each) and the inbox ones (MADOGUCHI_INBOX_PG=1)
#   5. security tests (tests/security/*.test.mjs, when there are any),
#      like the HTTP tests, on the normal build
#   6. browser tests in Debian's Chromium (playwright-core + axe-core), two
#      files at a time;
#      meanwhile, in the background and at a lower priority, the
#      sanitizer and fuzzing builds compile (nothing else runs then)
#   7. the sanitizer build (ASan+UBSan): unit tests and HTTP tests again;
#      the server must exit 0 with no sanitizer report (tests/http/lib.mjs)
#   8. libFuzzer targets, briefly (MADOGUCHI_FUZZ_SECONDS, default 10 each)
#
# Every suite prints TAP; this script counts the results and ends with the
# line "N passed, N failed".  It exits non-zero when anything failed.  A
# test that did not run to a verdict is not a pass: Node's skipped,
# cancelled and todo tests count as failed, and so does a runner or a test
# binary that exits non-zero without reporting a failure.
# Options (environment): MADOGUCHI_SKIP_SAN=1, MADOGUCHI_SKIP_BROWSER=1,
# MADOGUCHI_SKIP_FUZZ=1 for a quicker local run; CI runs everything.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
OUT=$ROOT/tests/out
rm -rf "$OUT"; mkdir -p "$OUT"
PASSED=0 FAILED=0
FAILED_SUITES=()
STAGE_TIMES=()
STAGE_NAME="" STAGE_T0=$SECONDS
BG_PID=""

say() { printf '\n== %s\n' "$*"; }

# a stage's wall time goes into the closing summary
stage() { # name (empty: close the current one)
  if [ -n "$STAGE_NAME" ]; then
    STAGE_TIMES+=("$STAGE_NAME $((SECONDS - STAGE_T0))s")
  fi
  STAGE_NAME=$1 STAGE_T0=$SECONDS
  [ -n "$1" ] && say "$1"
}

fail_suite() { # suite
  FAILED_SUITES+=("$1")
}

# count TAP results of a C test binary's output file
count_tap() { # file suite exit-code
  local p f
  p=$(grep -cE '^ok [0-9]+' "$1" || true)
  f=$(grep -cE '^not ok [0-9]+' "$1" || true)
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; echo "  $2: exited $3 without reporting a failed test (crash? a leak?):"; tail -15 "$1"
  fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  [ "$f" -gt 0 ] && fail_suite "$2"
  printf '  %-40s %3d passed, %d failed\n' "$2" "$p" "$f"
}

# the last value of a summary line ("# pass 12") of a node --test TAP file
tap_sum() { # key file
  local v
  v=$(grep -E "^# $1 [0-9]+" "$2" | tail -1 | awk '{print $3}')
  echo "${v:-0}"
}

# count a node --test run (TAP reporter) from its summary lines: skipped,
# cancelled and todo tests are failures (they checked nothing), and so is a
# non-zero exit of the runner with no failure reported
count_node() { # file suite rc
  local p f s c t extra=""
  p=$(tap_sum pass "$1") f=$(tap_sum fail "$1") s=$(tap_sum skipped "$1")
  c=$(tap_sum cancelled "$1") t=$(tap_sum todo "$1")
  if [ $((s + c + t)) -gt 0 ]; then
    extra=" (skipped $s, cancelled $c, todo $t: counted as failed)"
    # which ones: SKIP/TODO directives, and the tests a failure cancelled
    awk '/^ *(not )?ok [0-9]+ .*# (SKIP|TODO)/ { print "    " $0 }
         /^ *(not )?ok [0-9]+/ { last = $0 }
         /failureType: .cancelledByParent./ { print "    " last " (cancelled)" }' "$1" | head -20
  fi
  f=$((f + s + c + t))
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    f=1; extra=" (no result: did it start?)"; tail -20 "$1"
  elif [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1; extra=" (node --test exited $3 with no failure reported)"; tail -20 "$1"
  fi
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f))
  [ "$f" -gt 0 ] && fail_suite "$2"
  printf '  %-40s %3d passed, %d failed%s\n' "$2" "$p" "$f" "$extra"
}

# background jobs of one stage, at most NODE_PAR at a time: par_slot
# waits for a free place, par_add records a job started with &, par_end
# waits for them all (only these jobs: not the sanitizer build beside)
PAR_PIDS=()
par_slot() {
  local n p
  while :; do
    n=0
    for p in "${PAR_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
    [ "$n" -lt "$NODE_PAR" ] && return
    sleep 0.2
  done
}
par_add() { PAR_PIDS+=("$1"); }
par_end() { [ ${#PAR_PIDS[@]} -gt 0 ] && wait "${PAR_PIDS[@]}" 2>/dev/null; PAR_PIDS=(); }

# the C test binaries of a build, two at a time; on PostgreSQL each binary
# has a database of its own (some use its public schema), so that two
# never meet; counted in order once all have ended
run_units() { # build-dir label db-url
  local bin name tap url db names=()
  for bin in "$1"/tests/unit/*/test_*; do
    [ -x "$bin" ] || continue
    name=${bin#"$1"/tests/unit/}
    tap=$OUT/$2-${name//\//_}.tap
    url=""
    if [ -n "${3:-}" ]; then
      grep -qE 'MADOGUCHI_TEST_DB|tdb_begin' "tests/unit/$name.c" 2>/dev/null || continue
      db=mgu_$(printf '%s_%s' "$2" "$name" | tr -c 'a-z0-9' '_')
      if ! psql "$3" -qAtc "DROP DATABASE IF EXISTS $db" > "$tap" 2>&1 ||
         ! psql "$3" -qAtc "CREATE DATABASE $db" >> "$tap" 2>&1; then
        echo 1 > "$tap.rc"; names+=("$name"); continue
      fi
      url=${3%/*}/$db
    fi
    names+=("$name")
    par_slot
    ( MADOGUCHI_TEST_DB=$url timeout 600 "$bin" > "$tap" 2>&1; echo $? > "$tap.rc" ) &
    par_add $!
  done
  par_end
  for name in "${names[@]}"; do
    tap=$OUT/$2-${name//\//_}.tap
    count_tap "$tap" "$2 $name" "$(cat "$tap.rc" 2>/dev/null || echo 1)"
  done
}

# the HTTP, security and browser test files run two at a time (each file
# starts its own server on its own port with its own database or schema,
# and its own Chromium, so files are independent; two cores); the browser
# tests wait for states, not times, so the sanitizer build compiling
# beside them (niced) only slows them
NODE_TEST=(node --test --test-reporter=tap)
NODE_PAR=${MADOGUCHI_TEST_CONCURRENCY:-2}

# one node --test run, counted as one suite; a run that hangs (a test
# file whose process never exits: an open port, a leaked timer) is ended
# after MADOGUCHI_NODE_RUN_TIMEOUT seconds (default 1800) and counts as
# failed, instead of holding CI until its own limit
run_node() { # label tap-file files...  (NODE_CONC: files at a time, default 1)
  local label=$1 tap=$2 rc; shift 2
  timeout --kill-after=30 "${MADOGUCHI_NODE_RUN_TIMEOUT:-1800}" "${NODE_TEST[@]}" \
    --test-concurrency="${NODE_CONC:-1}" "$@" > "$tap" 2>&1
  rc=$?
  [ "$rc" -eq 124 ] && echo "  $label: no end after ${MADOGUCHI_NODE_RUN_TIMEOUT:-1800} s: stopped (a hang)"
  count_node "$tap" "$label" "$rc"
}

# the module rules of src/ (scripts/checksrc.mjs; one result), then the
# checker's own tests on its fixture trees
stage "check-src"
if scripts/checksrc.sh > "$OUT/check-src.log" 2>&1; then
  PASSED=$((PASSED + 1)); printf '  %-40s ok (%s)\n' check-src "$(tail -1 "$OUT/check-src.log")"
else
  FAILED=$((FAILED + 1)); fail_suite check-src; grep -v '^check-src: ' "$OUT/check-src.log" | head -40; tail -1 "$OUT/check-src.log"
fi
run_node checksrc-tests "$OUT/checksrc.tap" tests/checksrc/

stage "build"
make -j2 all > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; echo "0 passed, 1 failed"; exit 1; }

stage "unit tests (SQLite)"
run_units build unit ""

# the test servers' databases, files and PostgreSQL's cluster in memory
# (tmpfs) when there is room: the tests check behaviour, not the disk, and
# waiting for fsync was a fifth of an HTTP test file's time here
# (tests/http/booking_resident.test.mjs: 9.4 and 10.1 s on disk, 7.3 and
# 8.0 s on tmpfs, run by turns).  MADOGUCHI_TEST_ON_DISK=1 keeps them on
# the disk (/tmp).  The benchmarks (bench/) measure on the disk.
TESTTMP=""
if [ "${MADOGUCHI_TEST_ON_DISK:-0}" != 1 ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
   [ "$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -gt 4000000 ] 2>/dev/null; then
  TESTTMP=$(mktemp -d /dev/shm/madoguchi-tests.XXXXXX) && chmod 755 "$TESTTMP" && export TMPDIR=$TESTTMP
  # until the full cleanup below is set: memory is not given back by itself
  trap '[ -n "$TESTTMP" ] && rm -rf "$TESTTMP"' EXIT
  trap 'exit 1' INT TERM
fi

stage "PostgreSQL"
PGDIR=$(mktemp -d "${TMPDIR:-/tmp}/madoguchi-pg.XXXXXX")
chmod 755 "$PGDIR"
PGPORT=${MADOGUCHI_PG_PORT:-$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
PGURL=$(tests/pg.sh start "$PGDIR/data" "$PGPORT") || { echo "could not start PostgreSQL"; cat "$PGDIR/data/log" 2>/dev/null | tail -20; rm -rf "$PGDIR"; [ -n "$TESTTMP" ] && rm -rf "$TESTTMP"; echo "0 passed, 1 failed"; exit 1; }
export MADOGUCHI_PG_URL=$PGURL MADOGUCHI_PG_DIR=$PGDIR/data
cleanup() {
  if [ -n "$BG_PID" ]; then kill -- -"$BG_PID" 2>/dev/null || kill "$BG_PID" 2>/dev/null; fi
  # the test runs of a stage still going (an interrupted run): each one's
  # timeout(1), which passes the signal on, then its subshell
  local p
  for p in "${PAR_PIDS[@]}"; do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  tests/pg.sh stop "$PGDIR/data"; rm -rf "$PGDIR"
  [ -n "$TESTTMP" ] && rm -rf "$TESTTMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM   # so that the EXIT trap runs then too
echo "  $PGURL"
stage "unit tests (PostgreSQL)"
run_units build unit-pg "$PGURL"

if ls tests/http/*.test.mjs >/dev/null 2>&1; then
  stage "HTTP tests"
  NODE_CONC=$NODE_PAR MADOGUCHI_BIN=$ROOT/build/madoguchi run_node http "$OUT/http.tap" tests/http/*.test.mjs

  # the HTTP tests written to run on PostgreSQL too, there: the ones whose
  # server takes its database from MADOGUCHI_HTTP_DB (a fresh database for
  # each file), and the inbox fixture's, MADOGUCHI_INBOX_PG=1 (a fresh
  # schema of the suite's database)
  stage "HTTP tests on PostgreSQL"
  # two files at a time, each on a fresh database of its own (or, the
  # inbox fixture's, a fresh schema of the suite's database)
  pg_runs=()
  for f in $(grep -lE 'process\.env\.MADOGUCHI_HTTP_DB \|\|' tests/http/*.test.mjs); do
    n=$(basename "$f" .test.mjs)
    db=mg_http_${n//[^a-z0-9_]/_}
    pg_runs+=("$n")
    if psql "$PGURL" -qAtc "CREATE DATABASE $db" > "$OUT/http-pg-$n.tap" 2>&1; then
      par_slot
      ( MADOGUCHI_HTTP_DB=${PGURL%/*}/$db MADOGUCHI_BIN=$ROOT/build/madoguchi \
          timeout --kill-after=30 "${MADOGUCHI_NODE_RUN_TIMEOUT:-1800}" "${NODE_TEST[@]}" \
          --test-concurrency=1 "$f" > "$OUT/http-pg-$n.tap" 2>&1; echo $? > "$OUT/http-pg-$n.rc" ) &
      par_add $!
    else
      echo createdb > "$OUT/http-pg-$n.rc"
    fi
  done
  inbox=$(grep -l "inboxFixture(" tests/http/*.test.mjs)
  if [ -n "$inbox" ]; then
    pg_runs+=(inbox)
    par_slot
    # shellcheck disable=SC2086
    ( MADOGUCHI_INBOX_PG=1 MADOGUCHI_BIN=$ROOT/build/madoguchi \
        timeout --kill-after=30 "${MADOGUCHI_NODE_RUN_TIMEOUT:-1800}" "${NODE_TEST[@]}" \
        --test-concurrency=1 $inbox > "$OUT/http-pg-inbox.tap" 2>&1; echo $? > "$OUT/http-pg-inbox.rc" ) &
    par_add $!
  fi
  par_end
  for n in "${pg_runs[@]}"; do
    rc=$(cat "$OUT/http-pg-$n.rc" 2>/dev/null || echo 1)
    if [ "$rc" = createdb ]; then
      cat "$OUT/http-pg-$n.tap"; FAILED=$((FAILED + 1)); fail_suite "http-pg $n (createdb)"; continue
    fi
    [ "$rc" -eq 124 ] && echo "  http-pg $n: no end after ${MADOGUCHI_NODE_RUN_TIMEOUT:-1800} s: stopped (a hang)"
    count_node "$OUT/http-pg-$n.tap" "http-pg $n" "$rc"
  done
fi

if ls tests/security/*.test.mjs >/dev/null 2>&1; then
  stage "security tests"
  NODE_CONC=$NODE_PAR MADOGUCHI_BIN=$ROOT/build/madoguchi run_node security "$OUT/security.tap" tests/security/*.test.mjs
fi

# the sanitizer and fuzzing builds compile in the background (a lower
# priority) while the browser tests run, which wait for states, not times;
# nothing else runs meanwhile
WANT_SAN=0 WANT_FUZZ=0
[ "${MADOGUCHI_SKIP_SAN:-0}" != 1 ] && WANT_SAN=1
[ "${MADOGUCHI_SKIP_FUZZ:-0}" != 1 ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1 && WANT_FUZZ=1
if [ $WANT_SAN = 1 ] || [ $WANT_FUZZ = 1 ]; then
  set -m   # its own process group, so that an interrupted run stops it all
  (
    if [ $WANT_SAN = 1 ]; then
      nice -n 10 make -j2 SAN=1 all > "$OUT/build-san.log" 2>&1; echo $? > "$OUT/build-san.rc"
    fi
    if [ $WANT_FUZZ = 1 ]; then
      nice -n 10 make -j2 fuzz > "$OUT/build-fuzz.log" 2>&1; echo $? > "$OUT/build-fuzz.rc"
    fi
  ) &
  BG_PID=$!
  set +m
fi

if [ "${MADOGUCHI_SKIP_BROWSER:-0}" != 1 ] && ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  stage "browser tests (Chromium, axe-core)"
  NODE_CONC=$NODE_PAR MADOGUCHI_BIN=$ROOT/build/madoguchi run_node browser "$OUT/browser.tap" tests/browser/*.test.mjs
fi

if [ -n "$BG_PID" ]; then
  stage "waiting for the sanitizer and fuzzing builds"
  wait "$BG_PID"
  BG_PID=""
fi

if [ $WANT_SAN = 1 ]; then
  stage "sanitizer build (ASan+UBSan)"
  if [ "$(cat "$OUT/build-san.rc" 2>/dev/null)" = 0 ]; then
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
    run_units build-san san ""
    run_units build-san san-pg "$PGURL"
    if ls tests/http/*.test.mjs >/dev/null 2>&1; then
      NODE_CONC=$NODE_PAR MADOGUCHI_BIN=$ROOT/build-san/madoguchi MADOGUCHI_SAN=1 run_node "san http" "$OUT/http-san.tap" tests/http/*.test.mjs
    fi
  else
    tail -30 "$OUT/build-san.log"; FAILED=$((FAILED + 1)); fail_suite "san build"
  fi
fi

if [ $WANT_FUZZ = 1 ]; then
  stage "fuzzing (${MADOGUCHI_FUZZ_SECONDS:-10} s per target)"
  if [ "$(cat "$OUT/build-fuzz.rc" 2>/dev/null)" = 0 ]; then
    for f in build-fuzz/fuzz_*; do
      name=$(basename "$f"); corpus=tests/fuzz/corpus/${name#fuzz_}
      mkdir -p "$OUT/corpus-$name"
      # a crash or leak input goes to tests/out/, not into the source tree
      if "$f" -max_total_time="${MADOGUCHI_FUZZ_SECONDS:-10}" -timeout=5 -rss_limit_mb=2048 \
           -artifact_prefix="$OUT/$name-" "$OUT/corpus-$name" $( [ -d "$corpus" ] && echo "$corpus" ) > "$OUT/$name.log" 2>&1; then
        PASSED=$((PASSED + 1)); printf '  %-40s ok (%s)\n' "$name" "$(grep -oE '#[0-9]+.*DONE.*' "$OUT/$name.log" | tail -1 | cut -c1-40)"
      else
        FAILED=$((FAILED + 1)); fail_suite "$name"; tail -30 "$OUT/$name.log"
      fi
    done
  else
    tail -30 "$OUT/build-fuzz.log"; FAILED=$((FAILED + 1)); fail_suite "fuzz build"
  fi
fi
stage ""

echo
printf 'stage times: '; printf '%s, ' "${STAGE_TIMES[@]}"; printf 'total %d min %d s\n' $((SECONDS / 60)) $((SECONDS % 60))
chromium=$(grep -hoE '^# chromium [^ ]+' "$OUT"/browser.tap 2>/dev/null | sort -u | sed 's/^# //' | paste -sd' ')
[ -n "$chromium" ] && echo "browser: $chromium"
if [ ${#FAILED_SUITES[@]} -gt 0 ]; then
  echo "failed suites: ${FAILED_SUITES[*]} (outputs in tests/out/)"
  grep -h -B2 -A6 '^not ok' "$OUT"/*.tap 2>/dev/null | head -80
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]

#!/bin/sh
# bench/nursery.sh -- nursery allocation figures (docs/performance.md,
# section "Nursery allocation").
#
# For each preset (suginami, saitama, tokyo, stress) and algorithm
# (baseline, da, sibling, exact) one process of build/bench/nursery_bench
# generates the instance (seed 1), runs the algorithm, verifies the result
# and prints `figure NAME VALUE UNIT` lines: wall time of the algorithm,
# peak memory, children placed, blocking coalitions, % first choice, hard
# violations (must be 0).  Then the differences against `baseline`
# measured in the same run, and the command-line round trip (parse +
# allocate + write) on tokyo.  `exact` runs on suginami and saitama only.
#
#   bench/nursery.sh            everything (about a minute)
#   QUICK=1 bench/nursery.sh    without the 1,000,000-child preset
set -eu
cd "$(dirname "$0")/.."
BIN=build/bench/nursery_bench
if [ ! -x "$BIN" ] || [ bench/nursery_bench.c -nt "$BIN" ]; then
	if ! make -s "$BIN" >/dev/null 2>&1; then
		# another module may break the full build: build ours alone
		mkdir -p build/bench-nursery
		BIN=build/bench-nursery/nursery_bench
		cc -std=gnu17 -O2 -Wall -Wextra -D_GNU_SOURCE -Isrc -o "$BIN" \
			bench/nursery_bench.c src/svc/nursery/*.c src/base/err.c \
			src/jp/cp932.c src/jp/jp_int.c -lglpk -lutf8proc -lm
	fi
fi
presets="suginami saitama tokyo stress"
[ "${QUICK:-0}" = 1 ] && presets="suginami saitama tokyo"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# nursery bench: $(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for p in $presets; do
	for a in baseline da sibling exact; do
		case "$p/$a" in tokyo/exact | stress/exact) continue ;; esac
		extra=""
		[ "$a" = da ] && extra="--verify"
		"$BIN" --preset "$p" --algo "$a" --time-limit 60 $extra \
			>"$tmp/$p.$a"
		grep -v "^figure gen_" "$tmp/$p.$a"
	done
	grep "^figure gen_" "$tmp/$p.da"
	for a in da sibling exact; do
		[ -f "$tmp/$p.$a" ] || continue
		awk -v a="$a" -v p="$p" '
			FNR == NR { v[$2] = $3; next }
			{ w[$2] = $3 }
			END {
				b = "baseline_" p; x = a "_" p
				printf "figure %s_placed_minus_baseline %d children\n", x, w[x "_placed"] - v[b "_placed"]
				printf "figure %s_blocking_minus_baseline %d coalitions\n", x, w[x "_blocking"] - v[b "_blocking"]
			}' "$tmp/$p.baseline" "$tmp/$p.$a"
	done
done
# the command line end to end (parse CSV, allocate, write CSV)
CLI=build/madoguchi
if [ -x "$CLI" ]; then
	"$CLI" nursery generate --preset tokyo --seed 1 -o "$tmp/tokyo.csv"
	for a in da sibling; do
		t0=$(date +%s.%N)
		"$CLI" nursery allocate --algo "$a" "$tmp/tokyo.csv" \
			-o "$tmp/tokyo.$a.csv" 2>/dev/null
		t1=$(date +%s.%N)
		echo "figure cli_${a}_tokyo_s $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
	done
	t0=$(date +%s.%N)
	"$CLI" nursery verify "$tmp/tokyo.csv" "$tmp/tokyo.da.csv" >/dev/null
	t1=$(date +%s.%N)
	echo "figure cli_verify_tokyo_s $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s"
fi

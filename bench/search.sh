#!/usr/bin/env bash
# search.sh -- the search module on 100,000+ real Japanese documents
# (Debian's manpages-ja and manpages-ja-dev, one document per paragraph).
#
#   bench/search.sh [--no-groonga] [QUERIES_PER_CLASS]
#
# Builds the corpus into /tmp/mg-search-corpus.tsv (bench/search_corpus.py;
# never committed), runs build/bench/search_bench in /tmp/mg-search-bench
# and prints its lines, ending with
#   figure index_build N docs_per_s
#   figure search_p50 / search_p95 / search_p99 N ms
#   figure search_qps N per_s
# (one thread, limit 10 with snippets, frequency-weighted queries of 1, 2,
# 3, 4 characters and two words; BENCH_QUERIES=any for the stress mix with
# particles such as 「の」).  When libgroonga-dev is installed it then runs
# the same corpus and queries through Groonga (bench/groonga/) for the
# comparison in docs/search.md (lines prefixed "groonga", no figures).
set -euo pipefail
cd "$(dirname "$0")/.."

groonga=1
if [ "${1:-}" = "--no-groonga" ]; then groonga=0; shift; fi
nper="${1:-200}"
corpus=/tmp/mg-search-corpus.tsv
work=/tmp/mg-search-bench

if [ ! -d /usr/share/man/ja/man3 ] || [ ! -d /usr/share/man/ja/man1 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "search.sh: installing manpages-ja manpages-ja-dev (the corpus)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      manpages-ja manpages-ja-dev >/dev/null
  else
    echo "search.sh: コーパスに manpages-ja と manpages-ja-dev が必要です /" \
         "the corpus needs manpages-ja and manpages-ja-dev: apt-get install manpages-ja manpages-ja-dev" >&2
    exit 1
  fi
fi

if [ ! -s "$corpus" ] || [ bench/search_corpus.py -nt "$corpus" ]; then
  python3 bench/search_corpus.py "$corpus"
fi
n=$(wc -l < "$corpus")
if [ "$n" -lt 100000 ]; then
  echo "search.sh: the corpus has only $n documents (want 100,000)" >&2
  exit 1
fi

make -s build/bench/search_bench >/dev/null
mkdir -p "$work"
build/bench/search_bench "$corpus" "$work" "$nper"

if [ "$groonga" = 1 ] && pkg-config --exists groonga 2>/dev/null; then
  cc -std=gnu17 -O2 -Wall -Wextra -Werror -Wshadow -Wvla -D_GNU_SOURCE \
    -o "$work/search_groonga" bench/groonga/search_groonga.c \
    $(pkg-config --cflags --libs groonga)
  "$work/search_groonga" "$corpus" "$work" 2>/dev/null
elif [ "$groonga" = 1 ]; then
  echo "search.sh: libgroonga-dev not installed: no Groonga comparison" >&2
fi

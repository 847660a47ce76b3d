#!/usr/bin/env bash
# run-all.sh -- every benchmark in turn (`make bench`), each printing its
# own `figure NAME VALUE UNIT` lines; the figures of record and the
# commands that produced them are in docs/performance.md.  A benchmark
# that fails is named at the end and makes the exit status 1; the others
# still run.  They are run one after the other, never together: each
# pins its server and load to the machine's cores and measures its own
# ceiling in the same run.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
for b in http.sh opendata.sh search.sh nursery.sh apply_store.sh submit.sh waste.sh booking.sh; do
  echo "# bench/$b"
  if ! "bench/$b"; then
    failed+=("$b")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi

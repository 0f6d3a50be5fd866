#!/usr/bin/env bash
# bench/import-ab.sh ROUNDS pg|sqlite BIN [BIN ...]
#
# Interleaved timed imports of CSV (default bench/out/data-s1/flows.csv, from
# `tradegraph generate --scale 1 --out bench/out/data-s1`; set CSV to
# another) by each tradegraph binary in turn, ROUNDS times, each into a fresh,
# migrated database by bench/import.sh (pg: database tg_imp on
# 127.0.0.1:5432, user postgres; sqlite: /tmp/tg_imp.db). Prints each
# import's phases from its log (rows written, indexes restored, rollup,
# totals, VACUUM on PostgreSQL, the CLI's whole time), then the median of
# each per binary. A phase a binary does not log prints as 0.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 ROUNDS pg|sqlite BIN [BIN ...]" >&2
  exit 2
fi
ROUNDS=$1 DB=$2
shift 2
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CSV=${CSV:-$ROOT/bench/out/data-s1/flows.csv}
[ -f "$CSV" ] || { echo "no $CSV: run tradegraph generate --scale 1 --out $(dirname "$CSV")" >&2; exit 2; }
case $DB in pg | sqlite) ;; *) echo "usage: $0 ROUNDS pg|sqlite BIN [BIN ...]" >&2; exit 2 ;; esac
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

# One import's phases, from the line bench/import.sh prints, as seconds.
phases() {
  awk '
    function secs(message) {
      if (!match($0, message "( [a-z_]+=[^ ]+)* seconds=[0-9.]+")) return 0
      part = substr($0, RSTART, RLENGTH); sub(/.*seconds=/, "", part); return part
    }
    { w = 0; if (match($0, /in [0-9.]+ s \(/)) w = substr($0, RSTART + 3, RLENGTH - 7)
      printf "%s %s %s %s %s %s\n", secs("rows written"), secs("foreign keys restored"),
        secs("yearly rollup updated"), secs("period totals updated"), secs("vacuumed and analysed"), w }'
}

echo "binary rows indexes rollup totals vacuum whole (seconds)"
for _ in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    line=$("$ROOT/bench/import.sh" "$bin" "$DB" "$CSV" | phases)
    echo "$bin $line" | tee -a "$OUT"
  done
done
echo "medians of $ROUNDS: rows indexes rollup totals vacuum whole"
for bin in "$@"; do
  printf '%s' "$bin"
  for column in 2 3 4 5 6 7; do
    awk -v b="$bin" -v c="$column" '$1 == b { print $c }' "$OUT" | sort -n \
      | awk '{ a[NR] = $1 } END { printf " %.3f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
  done
  echo
done

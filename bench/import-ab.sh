#!/usr/bin/env bash
# bench/import-ab.sh ROUNDS pg|sqlite BIN [BIN ...]
#
# Interleaved timed imports of CSV (default bench/out/data-s1/flows.csv, from
# `tradegraph generate --scale 1 --out bench/out/data-s1`; set CSV to
# another) by each tradegraph binary in turn, ROUNDS times, each into a fresh,
# migrated database: pg, database tg_imp on 127.0.0.1:5432 (user postgres);
# sqlite, /tmp/tg_imp.db. Prints each import's phases from its RUST_LOG=info
# output (rows written, indexes restored, rollup, totals, VACUUM on
# PostgreSQL, the CLI's whole time), then the median of each per binary.
# A phase a binary does not log prints as 0.
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
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

fresh_database() {
  case $DB in
    pg)
      psql -h 127.0.0.1 -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS tg_imp" \
        -c "CREATE DATABASE tg_imp" 2>/dev/null
      URL=postgres://postgres@127.0.0.1/tg_imp ;;
    sqlite)
      rm -f /tmp/tg_imp.db*
      URL="sqlite:///tmp/tg_imp.db?mode=rwc" ;;
    *) echo "usage: $0 ROUNDS pg|sqlite BIN [BIN ...]" >&2; exit 2 ;;
  esac
}

# One import's phases, from its log on stdin, as one line of seconds.
phases() {
  sed 's/\x1b\[[0-9;]*m//g' | awk '
    function secs(line) { match(line, /seconds=[0-9.]+/); return substr(line, RSTART + 8, RLENGTH - 8) }
    /rows written/ { r = secs($0) }
    /indexes and foreign keys restored/ { x = secs($0) }
    /yearly rollup updated/ { u = secs($0) }
    /period totals updated/ { t = secs($0) }
    /vacuumed and analysed/ { v = secs($0) }
    /^imported/ { match($0, /in [0-9.]+ s/); w = substr($0, RSTART + 3, RLENGTH - 5) }
    END { printf "%s %s %s %s %s %s\n", r + 0, x + 0, u + 0, t + 0, v + 0, w + 0 }'
}

echo "binary rows indexes rollup totals vacuum whole (seconds)"
for _ in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    fresh_database
    "$bin" migrate --database-url "$URL" >/dev/null 2>&1
    line=$(RUST_LOG=info "$bin" import "$CSV" --database-url "$URL" 2>&1 | phases)
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

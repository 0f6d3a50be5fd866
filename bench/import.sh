#!/usr/bin/env bash
# bench/import.sh BIN pg|pgc|sqlite CSV
#
# One timed import of CSV by the tradegraph binary BIN into a fresh, migrated
# database, printed on one line with the phases of its RUST_LOG=info output
# (rows written, indexes and foreign keys restored, rollup updated) and the
# CLI's own total. pg: database tg_imp on 127.0.0.1:5432 (user postgres);
# pgc: the same created with LC_COLLATE 'C'; sqlite: /tmp/tg_imp.db.
# Run it several times, interleaving binaries, and compare medians.
set -euo pipefail
BIN=$1 DB=$2 CSV=$3
case $DB in
  pg | pgc)
    collate=""
    [ "$DB" = pgc ] && collate="TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'"
    psql -h 127.0.0.1 -U postgres -d postgres -q -c "DROP DATABASE IF EXISTS tg_imp" \
      -c "CREATE DATABASE tg_imp $collate" 2>/dev/null
    URL=postgres://postgres@127.0.0.1/tg_imp ;;
  sqlite)
    rm -f /tmp/tg_imp.db*
    URL="sqlite:///tmp/tg_imp.db?mode=rwc" ;;
  *) echo "usage: $0 BIN pg|pgc|sqlite CSV" >&2; exit 2 ;;
esac
"$BIN" migrate --database-url "$URL" >/dev/null 2>&1
RUST_LOG=info "$BIN" import "$CSV" --database-url "$URL" 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' \
  | grep -E "seconds=|^imported" \
  | sed -E 's/.*INFO [a-z_:]+: //' | tr '\n' ' '
echo

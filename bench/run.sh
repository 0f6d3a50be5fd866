#!/usr/bin/env bash
# tradegraph benchmark harness (issue 4).
#
#   bench/run.sh [--scale N] [--db sqlite|postgres] [--smoke] [--duration S]
#                [--runs N] [--concurrency "1 16 64"] [--queries "q1 q2 ..."]
#                [--no-import] [--no-baseline]
#
# Builds the server, generates `--scale N` synthetic flows (1 = 1,000,000),
# imports them into a fresh database (timed: CSV to indexed and queryable),
# starts the server on a free loopback port and drives bench/queries/q*.graphql
# with wrk (or oha) at each concurrency: a warm-up, then `--duration` seconds.
# Prints req/s, p50, p99, errors (non-2xx responses plus GraphQL `errors` in
# bodies), peak server RSS and SQL statements per request (the server's
# /metrics counters). With `--db postgres` it also runs the hand-written SQL
# of bench/sql/ with pgbench as the physical-limit baseline. The import gets
# one too: the database's own bulk load (psql COPY, or the sqlite3 shell's
# .import) of the same rows with the same indexes and keys. Then it times
# `tradegraph audit-data` and the `auditDocument` query when they exist.
#
# --smoke: CI mode. Debug binary, scale 0.01, ~1 s per query at concurrency 1.
# --runs N: import N times (each into a fresh database, each followed by the
#   bulk-load baseline) and repeat every load run N times; report medians.
# --no-import: reuse the database of a previous run with the same scale and db.
# --no-baseline: neither baseline (no pgbench, no bulk load).
#
# Environment: PG_URL (default postgres://postgres@127.0.0.1:5432), the
# server that gets a fresh database `tradegraph_bench`; BENCH_OUT (default
# bench/out); LOADGEN=wrk|oha to force a load generator; BENCH_SKIP_BUILD=1 to
# use the binary already built; KEEP_TMP=1 to keep the scratch directory.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/bench/lib.sh"
SCALE=1
DB=sqlite
SMOKE=0
DURATION=20
WARMUP=3
RUNS=1
CONCS="1 16 64"
QUERIES="q1 q2 q3 q4 q5"
IMPORT=1
BASELINE=1
BASELINE_CONCS="${BASELINE_CONCS:-64}"
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=tradegraph_bench
OUT=${BENCH_OUT:-$ROOT/bench/out}

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
duration_set=0; scale_set=0; concs_set=0
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; scale_set=1; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    --smoke) SMOKE=1; shift ;;
    --duration) DURATION=$2; duration_set=1; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --concurrency) CONCS=$2; concs_set=1; shift 2 ;;
    --queries) QUERIES=$2; shift 2 ;;
    --no-import) IMPORT=0; shift ;;
    --no-baseline) BASELINE=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
case "$DB" in sqlite|postgres) ;; *) echo "--db must be sqlite or postgres" >&2; exit 2 ;; esac
if [ "$SMOKE" = 1 ]; then
  [ "$scale_set" = 1 ] || SCALE=0.01
  [ "$duration_set" = 1 ] || DURATION=1
  [ "$concs_set" = 1 ] || CONCS=1
  WARMUP=0
  BASELINE_CONCS=1
fi
case "$RUNS" in ''|*[!0-9]*|0) echo "--runs must be a positive integer" >&2; exit 2 ;; esac

mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tradegraph-bench.XXXXXX")
SERVER_PID=""
BG_PIDS=()
cleanup() {
  local rc=$?
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# ---------------------------------------------------------------- tools
for tool in curl awk; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
export PATH="$HOME/.cargo/bin:$PATH"
LOADGEN=${LOADGEN:-}
if [ -z "$LOADGEN" ]; then
  if command -v wrk >/dev/null; then LOADGEN=wrk
  elif command -v oha >/dev/null; then LOADGEN=oha
  elif command -v apt-get >/dev/null && [ "$(id -u)" = 0 ] \
       && apt-get install -y wrk >/dev/null 2>&1 && command -v wrk >/dev/null; then LOADGEN=wrk
  else
    echo "installing oha (cargo install oha --locked)…" >&2
    cargo install oha --locked >&2
    LOADGEN=oha
  fi
fi
# The SQLite bulk-load baseline loads the rows with the sqlite3 shell.
if [ "$DB" = sqlite ] && [ "$BASELINE" = 1 ] && ! command -v sqlite3 >/dev/null \
   && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y sqlite3 >/dev/null 2>&1 || true
fi
if [ "$LOADGEN" = oha ] && ! command -v jq >/dev/null && ! command -v python3 >/dev/null; then
  echo "oha output is read with jq or python3; neither is installed" >&2; exit 1
fi

# ---------------------------------------------------------------- build
cd "$ROOT"
if [ "$SMOKE" = 1 ]; then PROFILE=debug; else PROFILE=release; fi
# Seconds of keep-alive requests per corpus report.
if [ "$SMOKE" = 1 ]; then DOC_SECONDS=1; else DOC_SECONDS=5; fi
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/tradegraph
if [ "${BENCH_SKIP_BUILD:-0}" = 1 ]; then
  say "build skipped (BENCH_SKIP_BUILD=1): $BIN"
else
  say "build ($PROFILE)"
  if [ "$PROFILE" = release ]; then
    cargo build --release --bin tradegraph 2>&1 | tail -n 2
  else
    cargo build --bin tradegraph 2>&1 | tail -n 2
  fi
fi
[ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }

# ---------------------------------------------------------------- data
DATA=$OUT/data-s$SCALE
if [ "$IMPORT" = 1 ] || [ ! -s "$DATA/flows.csv" ]; then
  say "generate --scale $SCALE"
  t0=$(now)
  "$BIN" generate --scale "$SCALE" --out "$DATA" 2>&1 | tail -n 1
  echo "generated in $(elapsed "$t0" "$(now)") s"
fi
ROWS=$(( $(wc -l < "$DATA/flows.csv") - 1 ))

case "$DB" in
  sqlite)
    DBFILE=$OUT/tradegraph-s$SCALE.db
    URL="sqlite://$DBFILE?mode=rwc"
    ;;
  postgres)
    command -v psql >/dev/null || { echo "psql is required for --db postgres" >&2; exit 1; }
    URL="$PG_URL/$PG_DB"
    ;;
esac
psql_bench() { psql -X -q -v ON_ERROR_STOP=1 "$URL" "$@"; }

IMPORT_LINE="(reused database)"

# A fresh, migrated database: the schema and the bundled catalogues first, so
# that the import's timing is the import only.
fresh_database() {
  if [ "$DB" = sqlite ]; then
    rm -f "$DBFILE" "$DBFILE-wal" "$DBFILE-shm"
  else
    psql -X -q -v ON_ERROR_STOP=1 "$PG_URL/postgres" \
      -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" -c "CREATE DATABASE $PG_DB"
  fi
  "$BIN" migrate --database-url "$URL" >"$TMP/migrate.log" 2>&1 \
    || { cat "$TMP/migrate.log" >&2; exit 1; }
  # The generated file and the dropped database written out first: their
  # write-back otherwise lands in the import's time (7.00-7.25 s against
  # 6.37-6.84 s at scale 1, BENCHMARKS.md).
  sync
  # And PostgreSQL's WAL of earlier work checkpointed: dropping an existing
  # database forces a checkpoint, but a first run finds none to drop, and
  # the WAL left by whatever ran before then starts a checkpoint in the
  # middle of the import (the thirteenth session's scale-1 run met one and
  # took 7.96 s, against medians of 6.74-7.20 s in the same hour,
  # BENCHMARKS.md). CHECKPOINT needs a superuser or the
  # pg_checkpoint role; without either the import is timed as it comes.
  if [ "$DB" = postgres ]; then
    psql -X -q "$PG_URL/postgres" -c "CHECKPOINT" 2>/dev/null \
      || echo "note: CHECKPOINT refused; the import may meet one started by earlier WAL"
  fi
}

# The import's physical limit on this machine: the database's own bulk load
# of the rows just imported, from a file in its own format, into a copy of
# `flows` with the same primary key, then the same indexes and foreign keys
# built as the import rebuilds them (same memory, workers and sorter
# threads), committed. No parsing of our CSV, no checks, no rollup or
# totals. bulk_script writes the file and the script from the imported
# database; bulk_load runs it, drops the copy and prints the seconds.
bulk_script() {
  local spare=$(( $(nproc) - 1 ))
  if [ "$DB" = postgres ]; then
    psql_bench -c "\\copy (SELECT * FROM flows ORDER BY id) TO '$TMP/flows.copy'"
    {
      echo "\\set ON_ERROR_STOP on"
      echo "SET maintenance_work_mem = '256MB';"
      echo "SELECT set_config('max_parallel_maintenance_workers',"
      echo "  LEAST(current_setting('max_parallel_maintenance_workers')::int, $spare)::text, false);"
      echo "BEGIN;"
      echo "CREATE TABLE bulk_baseline (LIKE flows INCLUDING DEFAULTS);"
      echo "ALTER TABLE bulk_baseline ADD PRIMARY KEY (id);"
      echo "\\copy bulk_baseline FROM '$TMP/flows.copy'"
      psql_bench -At -c "
        SELECT regexp_replace(pg_get_indexdef(i.indexrelid),
                 '^CREATE (UNIQUE )?INDEX (\\S+) ON (\\S+\\.)?flows ',
                 'CREATE \\1INDEX bulk_baseline_\\2 ON bulk_baseline ') || ';'
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'flows'::regclass AND NOT i.indisprimary ORDER BY c.relname"
      psql_bench -At -c "
        SELECT 'ALTER TABLE bulk_baseline ADD ' || pg_get_constraintdef(oid) || ';'
        FROM pg_constraint WHERE conrelid = 'flows'::regclass AND contype = 'f' ORDER BY conname"
      echo "COMMIT;"
    } >"$TMP/bulk.sql"
  else
    sqlite3 -csv "$DBFILE" "SELECT * FROM flows ORDER BY id" >"$TMP/flows.copy"
    {
      # As the import: foreign keys checked, its page cache for the rows,
      # the default one and one sorter thread per spare core for the builds.
      echo "PRAGMA foreign_keys = ON;"
      echo "PRAGMA cache_size = -262144;"
      echo "BEGIN;"
      sqlite3 "$DBFILE" "SELECT sql || ';' FROM sqlite_master WHERE type = 'table' AND name = 'flows'" \
        | sed -E '1s/^CREATE TABLE ("flows"|flows)/CREATE TABLE bulk_baseline/'
      echo ".import --csv '$TMP/flows.copy' bulk_baseline"
      echo "PRAGMA cache_size = -2000;"
      echo "PRAGMA threads = $(( spare < 8 ? spare : 8 ));"
      sqlite3 "$DBFILE" "SELECT sql || ';' FROM sqlite_master
                         WHERE type = 'index' AND tbl_name = 'flows' AND sql IS NOT NULL ORDER BY name" \
        | sed -E 's/^CREATE (UNIQUE )?INDEX "?([A-Za-z0-9_]+)"? ON ("flows"|flows) /CREATE \1INDEX bulk_baseline_\2 ON bulk_baseline /'
      echo "COMMIT;"
    } >"$TMP/bulk.sql"
  fi
}
bulk_load() {
  local t0 t
  if [ "$DB" = postgres ]; then
    psql_bench -c "DROP TABLE IF EXISTS bulk_baseline" 2>/dev/null
    t0=$(now)
    psql_bench -f "$TMP/bulk.sql" >/dev/null
    t=$(elapsed "$t0" "$(now)")
    psql_bench -c "DROP TABLE bulk_baseline"
  else
    sqlite3 "$DBFILE" "DROP TABLE IF EXISTS bulk_baseline"
    t0=$(now)
    sqlite3 -bail "$DBFILE" <"$TMP/bulk.sql" >/dev/null
    t=$(elapsed "$t0" "$(now)")
    sqlite3 "$DBFILE" "DROP TABLE bulk_baseline"
  fi
  echo "$t"
}

if [ "$IMPORT" = 1 ]; then
  # `--runs` imports, each into a fresh database, each followed by the
  # bulk-load baseline over the rows it wrote: the two alternate, so a
  # machine that slows down during the run slows both.
  BULK=$BASELINE
  if [ "$BULK" = 1 ] && [ "$DB" = sqlite ] && ! command -v sqlite3 >/dev/null; then
    echo "note: no sqlite3 shell (apt-get install sqlite3): no bulk-load baseline"
    BULK=0
  fi
  import_times=()
  bulk_times=()
  for r in $(seq 1 "$RUNS"); do
    say "import $ROWS rows into a fresh $DB database, run $r of $RUNS"
    fresh_database
    t0=$(now)
    "$BIN" import "$DATA/flows.csv" --database-url "$URL" >"$TMP/import.log" 2>&1 \
      || { tail -n 20 "$TMP/import.log" >&2; exit 1; }
    t=$(elapsed "$t0" "$(now)")
    grep -E '^imported' "$TMP/import.log" || true
    echo "  import run $r: $t s wall"
    import_times+=("$t")
    if [ "$BULK" = 1 ]; then
      [ "$r" = 1 ] && bulk_script
      t=$(bulk_load)
      echo "  bulk-load baseline run $r: $t s (the database's own load of the same rows, indexes and keys)"
      bulk_times+=("$t")
    fi
  done
  wall=$(printf '%s\n' "${import_times[@]}" | median)
  IMPORT_LINE=$(awk -v r="$ROWS" -v w="$wall" -v n="$RUNS" \
    'BEGIN { printf "import: %d rows in %.2f s wall (%s; process start to commit: rows checked and written, indexes and rollup up to date) = %.0f rows/s",
      r, w, (n == 1 ? "1 run" : "median of " n " runs"), r / w }')
  echo "$IMPORT_LINE"
  if [ "${#bulk_times[@]}" -gt 0 ]; then
    bulk=$(printf '%s\n' "${bulk_times[@]}" | median)
    stored=$(if [ "$DB" = postgres ]; then psql_bench -At -c "SELECT COUNT(*) FROM flows"
             else sqlite3 "$DBFILE" "SELECT COUNT(*) FROM flows"; fi)
    BULK_LINE=$(awk -v n="$stored" -v b="$bulk" -v r="$ROWS" -v w="$wall" 'BEGIN {
      printf "bulk-load baseline: %d rows in %.2f s (median) = %.0f rows/s; import rows/s ÷ baseline rows/s: %.2f",
        n, b, n / b, (r / w) / (n / b) }')
    echo "$BULK_LINE"
    IMPORT_LINE="$IMPORT_LINE
$BULK_LINE"
  fi
  # Planner statistics before measuring queries (autovacuum would do it a
  # little later; timed separately so it is visible).
  t0=$(now)
  if [ "$DB" = postgres ]; then psql_bench -c "ANALYZE"; else
    command -v sqlite3 >/dev/null && sqlite3 "$DBFILE" "ANALYZE;" || true; fi
  echo "ANALYZE: $(elapsed "$t0" "$(now)") s"
fi

# ---------------------------------------------------------------- server
free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; return 1
}
PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
say "serve on $BASE ($DB, scale $SCALE, $(basename "$BIN"))"
RUST_LOG=${RUST_LOG:-warn} "$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$URL" \
  >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 120); do
  curl -sf "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server exited:" >&2; tail -n 20 "$OUT/server.log" >&2; exit 1; }
  [ "$i" = 120 ] && { echo "server not healthy after 60 s" >&2; exit 1; }
  sleep 0.5
done

metric() { curl -sf "$BASE/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

if [ "$IMPORT" = 0 ]; then
  # A reused database must hold this scale's flows (plus the bundled sample):
  # every scale shares the PostgreSQL database name.
  stored=$(curl -s -H 'content-type: application/json' \
    --data '{"query":"{ flows(first: 0) { totalCount } }"}' "$BASE/graphql" \
    | sed -n 's/.*"totalCount":\([0-9]*\).*/\1/p')
  if [ -z "$stored" ] || [ "$stored" -lt "$ROWS" ] || [ "$stored" -gt $(( ROWS + 10000 )) ]; then
    echo "--no-import: the database holds ${stored:-no} flows, not scale $SCALE's $ROWS; run without --no-import" >&2
    exit 1
  fi
fi
rss_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }

for q in $QUERIES; do
  [ -f "$ROOT/bench/queries/$q.graphql" ] || { echo "no bench/queries/$q.graphql" >&2; exit 1; }
  json_body "$ROOT/bench/queries/$q.graphql" >"$TMP/$q.json"
done

say "sample responses"
for q in $QUERIES; do
  code=$(curl -s -o "$TMP/$q.out" -w '%{http_code}' -H 'content-type: application/json' \
    --data-binary "@$TMP/$q.json" "$BASE/graphql")
  bytes=$(wc -c <"$TMP/$q.out")
  if [ "$code" != 200 ] || grep -q '"errors"' "$TMP/$q.out" || ! grep -q '"data":{' "$TMP/$q.out"; then
    echo "$q: HTTP $code, GraphQL errors or no data:" >&2; head -c 600 "$TMP/$q.out" >&2; echo >&2
    exit 1
  fi
  echo "$q: HTTP 200, $bytes bytes, no errors"
done

# ---------------------------------------------------------------- load
write_wrk_lua "$TMP/wrk.lua"

# Prints "requests duration_us p50_ms p99_ms errors" for one run.
load() { # query concurrency seconds
  local body=$TMP/$1.json c=$2 d=$3
  if [ "$LOADGEN" = wrk ]; then
    local t=$(( c < 2 ? 1 : 2 ))
    BENCH_BODY=$body wrk -t"$t" -c"$c" -d"${d}s" --timeout 10s -s "$TMP/wrk.lua" "$BASE/graphql" \
      | awk '$1 == "RESULT" { print $2, $3, $4, $5, $6 }'
  else
    oha -c "$c" -z "${d}s" --no-tui -j -m POST -H 'content-type: application/json' \
      -D "$body" "$BASE/graphql" >"$TMP/oha.json"
    # oha counts non-2xx in statusCodeDistribution; bodies are not inspected
    # (the sample response above was checked for GraphQL errors).
    python3 - "$TMP/oha.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]; codes = r.get("statusCodeDistribution", {})
n = sum(codes.values()); ok = sum(v for k, v in codes.items() if k.startswith("2"))
err = (n - ok) + sum(r.get("errorDistribution", {}).values())
p = r["latencyPercentiles"]
print(n, int(s["total"] * 1e6), p["p50"] * 1000, p["p99"] * 1000, err)
PY
  fi
}

# Samples the server's resident set every 0.2 s while a run lasts (bounded).
rss_sampler() { # seconds outfile
  local max=0 v i n=$(( ($1 + 5) * 5 ))
  for i in $(seq 1 "$n"); do
    v=$(rss_kb VmRSS); [ "${v:-0}" -gt "$max" ] && max=$v
    # Replaced whole, so a sampler stopped mid-write leaves the last figure.
    echo "$max" >"$2.tmp" && mv -f "$2.tmp" "$2"
    sleep 0.2
  done
}


RESULTS=$OUT/results-$DB-s$SCALE.tsv
: >"$TMP/runs.tsv"
say "load: $LOADGEN, ${DURATION}s per run, warm-up ${WARMUP}s, $RUNS run(s), concurrency $CONCS"
for q in $QUERIES; do
  for c in $CONCS; do
    for r in $(seq 1 "$RUNS"); do
      if [ "$WARMUP" -gt 0 ]; then load "$q" "$c" "$WARMUP" >/dev/null
      else curl -s -o /dev/null -H 'content-type: application/json' --data-binary "@$TMP/$q.json" "$BASE/graphql"; fi
      s0=$(metric tradegraph_sql_statements_total); g0=$(metric tradegraph_graphql_requests_total)
      rss_sampler "$DURATION" "$TMP/rss" & BG_PIDS+=($!)
      line=$(load "$q" "$c" "$DURATION")
      kill "${BG_PIDS[-1]}" 2>/dev/null || true; wait "${BG_PIDS[-1]}" 2>/dev/null || true
      unset 'BG_PIDS[-1]'
      s1=$(metric tradegraph_sql_statements_total); g1=$(metric tradegraph_graphql_requests_total)
      peak=$(cat "$TMP/rss" 2>/dev/null || echo 0)
      [ -n "$line" ] || { echo "$q c=$c: the load generator printed no result" >&2; exit 1; }
      set -- $line
      rps=$(awk -v n="$1" -v d="$2" 'BEGIN { printf "%.1f", n / (d / 1e6) }')
      spr=$(awk -v s=$((s1 - s0)) -v g=$((g1 - g0)) 'BEGIN { printf "%.2f", g ? s / g : 0 }')
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$q" "$c" "$r" "$rps" "$3" "$4" "$5" "$peak" "$spr" >>"$TMP/runs.tsv"
      printf '  %s c=%-3s run %d: %8s req/s  p50 %7.2f ms  p99 %7.2f ms  errors %s  peak RSS %d MB  SQL/req %s\n' \
        "$q" "$c" "$r" "$rps" "$3" "$4" "$5" $(( peak / 1024 )) "$spr"
    done
  done
done

# ---------------------------------------------------------------- baseline
declare -A BASE_TPS=()
if [ "$DB" = postgres ] && [ "$BASELINE" = 1 ]; then
  if command -v pgbench >/dev/null; then
    say "baseline: hand-written SQL (bench/sql) with pgbench, ${DURATION}s, -c $BASELINE_CONCS"
    for q in $QUERIES; do
      [ -f "$ROOT/bench/sql/$q.sql" ] || continue
      for c in $BASELINE_CONCS; do
        j=$(( c < 2 ? 1 : 2 ))
        tps=()
        for r in $(seq 1 "$RUNS"); do
          out=$(pgbench -n -M prepared -f "$ROOT/bench/sql/$q.sql" -c "$c" -j "$j" -T "$DURATION" "$URL" 2>&1) \
            || { echo "$out" >&2; exit 1; }
          t=$(echo "$out" | awk '/^tps = / { print $3 }')
          lat=$(echo "$out" | awk '/^latency average = / { print $4 }')
          echo "  $q c=$c run $r: $t tps (latency average $lat ms)"
          tps+=("$t")
        done
        BASE_TPS[$q.$c]=$(printf '%s\n' "${tps[@]}" | median)
      done
    done
  else
    echo "pgbench not found: no SQL baseline"
  fi
fi

# ---------------------------------------------------------------- table
say "results: $DB, scale $SCALE ($ROWS flows), $(nproc) cores, $LOADGEN; medians of $RUNS run(s)"
{
  printf '%-5s %5s %10s %9s %9s %7s %9s %8s %9s\n' query conc "req/s" "p50 ms" "p99 ms" errors "RSS MB" "SQL/req" "vs SQL"
  for q in $QUERIES; do
    for c in $CONCS; do
      sel() { awk -F'\t' -v q="$q" -v c="$c" -v k="$1" '$1 == q && $2 == c { print $k }' "$TMP/runs.tsv"; }
      rps=$(sel 4 | median); p50=$(sel 5 | median); p99=$(sel 6 | median)
      err=$(sel 7 | awk '{ s += $1 } END { print s + 0 }')
      peak=$(sel 8 | sort -n | tail -n 1); spr=$(sel 9 | median)
      ratio=-
      if [ -n "${BASE_TPS[$q.$c]:-}" ]; then
        ratio=$(awk -v a="$rps" -v b="${BASE_TPS[$q.$c]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      fi
      printf '%-5s %5s %10.1f %9.2f %9.2f %7s %9.1f %8s %9s\n' "$q" "$c" "$rps" "$p50" "$p99" "$err" \
        "$(awk -v k="$peak" 'BEGIN { print k / 1024 }')" "$spr" "$ratio"
    done
  done
} | tee "$RESULTS"
if [ "${#BASE_TPS[@]}" -gt 0 ]; then echo "vs SQL: server req/s ÷ pgbench tps of bench/sql/<q>.sql at the same concurrency"; fi
echo "peak server RSS over the whole session (VmHWM): $(( $(rss_kb VmHWM) / 1024 )) MB"
echo "$IMPORT_LINE"

# ---------------------------------------------------------------- audits
say "audit-data"
if "$BIN" help 2>/dev/null | grep -q 'audit-data'; then
  for r in $(seq 1 "$RUNS"); do
    t0=$(now)
    set +e
    "$BIN" audit-data --database-url "$URL" >"$TMP/audit.log" 2>&1
    rc=$?
    set -e
    t1=$(now)
    # Exit 1 means "ran, and found an ERROR"; anything else is a failure.
    if [ "$rc" -le 1 ]; then
      echo "audit-data over $ROWS flows, run $r: $(elapsed "$t0" "$t1") s wall (exit $rc: $(grep -v '^\s*$' "$TMP/audit.log" | grep -v INFO | tail -n 1 | cut -c1-100))"
    else
      echo "audit-data failed (exit $rc) after $(elapsed "$t0" "$t1") s:"; tail -n 5 "$TMP/audit.log"
    fi
  done
else
  echo "skipped: this build has no \`tradegraph audit-data\` command yet"
fi

say "auditDocument"
CORPUS=${BENCH_CORPUS:-$ROOT/audit/tests/corpus}
SDL_LINE=$("$BIN" schema 2>/dev/null | grep -E '^\s*auditDocument\(' || true)
if [ -z "$SDL_LINE" ]; then
  echo "skipped: this server has no \`auditDocument\` query yet"
elif [ ! -d "$CORPUS" ]; then
  echo "skipped: no corpus directory $CORPUS"
else
  # Either `auditDocument(input: {text: ...})` or a String! argument of its own.
  if echo "$SDL_LINE" | grep -q 'input: AuditDocumentInput'; then
    call='auditDocument(input: { text: $t })'
  else
    arg=$(echo "$SDL_LINE" | grep -oE '[A-Za-z_]+: String!' | head -n 1 | cut -d: -f1)
    call="auditDocument(${arg:-text}: \$t)"
  fi
  for f in "$CORPUS"/*; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in *README*) continue ;; esac
    doc_body "$f" "$call" >"$TMP/doc.json"
    for i in $(seq 1 30); do
      curl -s -o "$TMP/doc.out" -w '%{time_total}\n' -H 'content-type: application/json' \
        --data-binary "@$TMP/doc.json" "$BASE/graphql"
    done >"$TMP/doc.times"
    errs=$(grep -c '"errors"' "$TMP/doc.out" || true)
    med=$(median <"$TMP/doc.times" | awk '{ printf "%.2f", $1 * 1000 }')
    # The same request from one keep-alive client (the load generator at
    # c=1), as an application calling the API would send it: curl's figure
    # also holds a new connection per request.
    read -r n _ p50 _ kerr <<<"$(load doc 1 "$DOC_SECONDS")"
    echo "$(basename "$f"): median ${med} ms over 30 requests (HTTP round trip, curl); p50 ${p50} ms over ${n} requests from one keep-alive client$([ "$errs" != 0 ] || [ "${kerr:-0}" != 0 ] && echo ', ERRORS in response')"
  done
fi
echo
echo "results table saved to $RESULTS; server log in $OUT/server.log"

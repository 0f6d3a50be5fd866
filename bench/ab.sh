#!/usr/bin/env bash
# bench/ab.sh BIN_A BIN_B DATABASE_URL [--queries "q1 q2"] [--rounds N]
#             [--duration S] [--concurrency C] [--url-b DATABASE_URL]
#
# Two builds measured in the same minutes: both servers run on free loopback
# ports over the same database, and wrk drives one, then the other, query by
# query, for N interleaved rounds (the idle server costs nothing). Prints
# every round (errors count GraphQL `errors` in bodies too, as in
# bench/run.sh) and the medians of req/s and p99 per binary and query. The
# machine's noise moves both binaries alike, so the ratio is what carries
# over between sessions. CPU ms per request (the server's own, and every
# postgres process's) is steadier than req/s on a shared machine.
# --url-b gives B a database of its own, for a change of schema: copy the
# database (CREATE DATABASE … TEMPLATE …) and let B migrate the copy.
# --queries also takes report files, sent to `auditDocument`: with
# --concurrency 1 that is one keep-alive client, as bench/run.sh times the
# corpus (`--queries "audit/tests/corpus/mexico-top10-exporter-states-3q2025.txt"`).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$ROOT/bench/lib.sh"
# The usage: this file's opening comment.
[ $# -ge 3 ] || { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 2; }
BIN_A=$1 BIN_B=$2 URL_A=$3; shift 3
URL_B=$URL_A QUERIES="q1 q2" ROUNDS=5 DURATION=10 CONC=64
while [ $# -gt 0 ]; do
  case "$1" in
    --queries) QUERIES=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --concurrency) CONC=$2; shift 2 ;;
    --url-b) URL_B=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/tradegraph-ab.XXXXXX")
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"' EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
declare -A PORT
for side in A B; do
  bin=BIN_$side url=URL_$side
  p=$(port)
  RUST_LOG=warn "${!bin}" serve --bind "127.0.0.1:$p" --database-url "${!url}" >"$TMP/$side.log" 2>&1 &
  PIDS+=($!)
  PORT[$side]=$p
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.5; done
done

# A query name (q1 … q5) or a report file, audited by `auditDocument`
# (say with --concurrency 1: one keep-alive client); a file is reported by
# its name without extension.
KEYS=""
for q in $QUERIES; do
  if [ -f "$q" ]; then
    k=$(basename "$q"); k=${k%.*}
    doc_body "$q" >"$TMP/$k.json"
  else
    k=$q
    json_body "$ROOT/bench/queries/$q.graphql" >"$TMP/$k.json"
  fi
  KEYS="$KEYS $k"
done
QUERIES=$KEYS
write_wrk_lua "$TMP/wrk.lua"
# CPU seconds (user + system) used so far by a process, and by every postgres process.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() {
  local t=0 f
  for f in /proc/[0-9]*/stat; do
    { read -r line <"$f"; } 2>/dev/null || continue  # a backend may have exited
    case "$line" in *"(postgres)"*) set -- ${line#*) }; t=$(( t + ${12} + ${13} )) ;; esac
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)
declare -A SPID
SPID[A]=${PIDS[0]} SPID[B]=${PIDS[1]}
run() { # side query seconds
  BENCH_BODY=$TMP/$2.json wrk -t"$(( CONC < 2 ? 1 : 2 ))" -c"$CONC" -d"${3}s" --timeout 10s -s "$TMP/wrk.lua" \
    "http://127.0.0.1:${PORT[$1]}/graphql" \
    | awk '$1 == "RESULT" { printf "%.1f %.2f %d\n", $2 / ($3 / 1e6), $5, $6 }'
}

: >"$TMP/rounds"
for r in $(seq 1 "$ROUNDS"); do
  for q in $QUERIES; do
    for side in A B; do
      run "$side" "$q" 2 >/dev/null
      s0=$(ticks "${SPID[$side]}") p0=$(pg_ticks)
      set -- $(run "$side" "$q" "$DURATION")
      s1=$(ticks "${SPID[$side]}") p1=$(pg_ticks)
      # CPU ms per request: the server's, and PostgreSQL's (every backend).
      cpu=$(awk -v n="$1" -v d="$DURATION" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$HZ" \
        'BEGIN { r = n * d; printf "%.3f %.3f", s / hz * 1000 / r, p / hz * 1000 / r }')
      echo "$side $q $r $1 $2 $3 $cpu" >>"$TMP/rounds"
      printf 'round %d  %s  %s  %8s req/s  p99 %7s ms  errors %s  CPU ms/req: server %s, postgres %s\n' \
        "$r" "$q" "$side" "$1" "$2" "$3" $cpu
    done
  done
done
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
printf '%-4s %10s %10s %8s %8s %7s %11s %11s %11s %11s\n' query "A req/s" "B req/s" "A p99" "B p99" "B/A" \
  "A srv ms" "B srv ms" "A pg ms" "B pg ms"
for q in $QUERIES; do
  sel() { awk -v s="$1" -v q="$q" -v k="$2" '$1 == s && $2 == q { print $k }' "$TMP/rounds" | median; }
  a=$(sel A 4) b=$(sel B 4) pa=$(sel A 5) pb=$(sel B 5)
  printf '%-4s %10s %10s %8s %8s %7.3f %11s %11s %11s %11s\n' "$q" "$a" "$b" "$pa" "$pb" \
    "$(awk -v a="$a" -v b="$b" 'BEGIN { print b / a }')" "$(sel A 7)" "$(sel B 7)" "$(sel A 8)" "$(sel B 8)"
done
echo "A = $BIN_A, B = $BIN_B; medians of $ROUNDS rounds of ${DURATION} s at c=$CONC"

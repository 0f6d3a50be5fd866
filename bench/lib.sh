# Shared by bench/run.sh and bench/ab.sh (sourced, not run).

# A JSON request body from a .graphql file.
json_body() { # file.graphql
  awk 'BEGIN { ORS = "" ; print "{\"query\":\"" }
       { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, " "); print $0 "\\n" }
       END { print "\"}" }' "$1"
}

# The request auditing a report file: `call` (default
# `auditDocument(input: { text: $t })`) with the file's text as $t.
doc_body() { # file [call]
  local call=${2:-}
  [ -n "$call" ] || call='auditDocument(input: { text: $t })'
  awk -v c="$call" 'BEGIN { ORS = ""; print "{\"query\":\"query($t: String!) { " c " { __typename } }\",\"variables\":{\"t\":\"" }
       { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); gsub(/\t/, "\\t"); gsub(/\r/, ""); print $0 "\\n" }
       END { print "\"}}" }' "$1"
}

# wrk's script: POSTs the body named by $BENCH_BODY and prints one line
# "RESULT requests duration_us p50_ms p99_ms errors", where errors counts
# non-2xx responses, socket errors, timeouts and bodies holding "errors".
write_wrk_lua() { # outfile
  cat >"$1" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
gql_errors = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if status == 200 and body:find('"errors"', 1, true) then gql_errors = gql_errors + 1 end
end
function done(summary, latency, requests)
  local g = 0
  for _, t in ipairs(threads) do g = g + (t:get("gql_errors") or 0) end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status + e.connect + e.read + e.write + e.timeout + g))
end
LUA
}

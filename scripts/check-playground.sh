#!/usr/bin/env bash
# Check the GraphQL playground (GraphiQL) in headless Chromium with every
# non-loopback request blocked, i.e. as it would work offline.
#
#   scripts/check-playground.sh URL [--screenshot PATH] [--full]
#
#   URL               the playground page, e.g. http://127.0.0.1:8080/graphql
#   --screenshot PATH also save a 1400x900 PNG of the page there
#                     (default: $TMPDIR/tradegraph-playground.png)
#   --full            also drive the page with playwright-core (npm-installed
#                     into a cache dir outside the repo): open the docs explorer,
#                     browse the schema's root type, run the example query,
#                     and assert that no request left the loopback interface;
#                     saves PATH with "-docs" before .png too
#
# Steps (each exits non-zero with a message on failure):
#   1. self-test of the network block: a page that loads GraphiQL from a CDN
#      must fail to load it;
#   2. --dump-dom of URL: GraphiQL rendered (.graphiql-container, a query
#      editor), the editor shows the page's example query, the page reported
#      no startup error, and the schema introspection request to the endpoint
#      succeeded (the page sets data-schema="loaded" on <html> once GraphiQL
#      built the schema the docs explorer browses);
#   3. a screenshot;
#   4. (--full) the interactive checks above.
#
# Needs Debian's chromium (installed with apt-get if /usr/bin/chromium is
# missing) and python3; --full also needs node and npm.
set -euo pipefail

usage() { echo "usage: $0 URL [--screenshot PATH] [--full]" >&2; exit 2; }
fail() { echo "check-playground: FAIL: $*" >&2; exit 1; }
info() { echo "check-playground: $*"; }

url=""
shot="${TMPDIR:-/tmp}/tradegraph-playground.png"
full=0
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) [ $# -ge 2 ] || usage; shot="$2"; shift 2 ;;
    --full) full=1; shift ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$url" ] || usage; url="$1"; shift ;;
  esac
done
[ -n "$url" ] || usage
case "$url" in
  http://127.*|http://localhost[:/]*|http://localhost|http://\[::1\]*) ;;
  *) fail "URL must be a loopback http URL (127.x.x.x, localhost or [::1]), got $url" ;;
esac

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  info "$CHROMIUM missing: installing Debian's chromium"
  [ "$(id -u)" = 0 ] || fail "chromium is not installed and we are not root (apt-get install -y chromium)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
  } || fail "could not install chromium with apt-get"
  [ -x "$CHROMIUM" ] || fail "chromium installed but $CHROMIUM not found"
fi
command -v python3 >/dev/null || fail "python3 is required"

work="$(mktemp -d "${TMPDIR:-/tmp}/check-playground.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Everything but loopback is blocked twice over: host names other than
# localhost resolve to nothing, and every non-loopback connection goes to a
# proxy on a dead loopback port (this also catches IP literals).
BLOCK_FLAGS=(
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"
  "--proxy-server=http://127.0.0.1:9"
  "--proxy-bypass-list=127.0.0.1;localhost;[::1]"
)
run=0
chromium() { # chromium ARGS... : a fresh profile per run; stderr to a log
  run=$((run + 1))
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-dev-shm-usage --disable-extensions --mute-audio \
    --user-data-dir="$work/profile-$run" "${BLOCK_FLAGS[@]}" \
    --window-size=1400,900 "$@" 2>"$work/chromium-$run.log"
}
chromium_log() { tail -n 15 "$work/chromium-$run.log" | grep -v 'dbus\|unexpected operator' >&2 || true; }

# 1. The block really blocks: a CDN script must fail to load.
cdn="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"
probe="data:text/html,<title>probe</title><p id=r>pending</p><script>
var r=document.getElementById('r'),s=document.createElement('script');
s.src='$cdn';s.onload=function(){r.textContent='LOADED'};
s.onerror=function(){r.textContent='BLOCKED'};document.head.appendChild(s);</script>"
chromium --virtual-time-budget=10000 --dump-dom "$probe" >"$work/probe.html" || { chromium_log; fail "chromium did not run the network-block probe"; }
if grep -q '>BLOCKED<' "$work/probe.html"; then
  info "ok: network block works ($cdn failed to load)"
else
  fail "network block self-test: $cdn did not fail to load ($(grep -o '<p id="r">[^<]*' "$work/probe.html" || echo 'no result'))"
fi

# 2. The page renders GraphiQL with the example query, and introspection worked.
chromium --virtual-time-budget=20000 --dump-dom "$url" >"$work/dom.html" || { chromium_log; fail "chromium could not load $url"; }
[ -s "$work/dom.html" ] || { chromium_log; fail "$url: empty DOM (is the server running?)"; }
python3 - "$work/dom.html" "$url" <<'PY' || exit 1
import html, json, re, sys

path, url = sys.argv[1], sys.argv[2]
dom = open(path, encoding="utf-8").read()
problems = []

def fail(msg):
    problems.append(msg)

root = re.search(r"<html\b[^>]*>", dom)
root_tag = root.group(0) if root else ""
attr = lambda name: (re.search(r'\b%s="([^"]*)"' % name, root_tag) or [None, None])[1]

if attr("data-playground-error"):
    fail("the page reported a startup error: " + html.unescape(attr("data-playground-error")))
if "graphiql-container" not in dom:
    fail("GraphiQL did not render (no .graphiql-container in the DOM)")
if "graphiql-query-editor" not in dom or "CodeMirror-line" not in dom:
    fail("no GraphiQL query editor (CodeMirror) in the DOM")

# The example query, from the page's config block.
cfg = re.search(r'<script id="tradegraph-playground-config" type="application/json">(.*?)</script>', dom, re.S)
expected = json.loads(cfg.group(1))["defaultQuery"] if cfg else None
if expected is None:
    fail("no #tradegraph-playground-config block: is this tradegraph's playground page?")

# The text CodeMirror shows, line by line (outside the config block).
editor_lines = []
for m in re.finditer(r'<pre class=" CodeMirror-line "[^>]*>(.*?)</pre>', dom, re.S):
    text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
    editor_lines.append(text.replace("\u200b", "").rstrip())
if expected is not None:
    want = [l.rstrip() for l in expected.strip("\n").split("\n")][:20]
    shown = editor_lines
    # The expected lines must appear consecutively in the editor.
    found = any(shown[i : i + len(want)] == want for i in range(len(shown) - len(want) + 1))
    if not found:
        fail("the query editor does not show the example query\n  expected: %r\n  editor lines: %r" % (want, shown[:25]))

schema = attr("data-schema")
if schema == "loaded":
    types = attr("data-schema-types")
else:
    fail("schema introspection did not succeed (data-schema=%r): the docs explorer would have no schema" % schema)

if problems:
    for p in problems:
        print("check-playground: FAIL: " + p, file=sys.stderr)
    sys.exit(1)
title = re.search(r"<title>(.*?)</title>", dom, re.S)
print("check-playground: ok: GraphiQL rendered %r with the example query (%d editor lines) in the editor" % (html.unescape(title.group(1)) if title else "", len(want)))
print("check-playground: ok: introspection of the endpoint succeeded; the docs explorer has a schema of %s types" % types)
PY

# 3. Screenshot.
mkdir -p "$(dirname "$shot")"
rm -f "$shot"
chromium --virtual-time-budget=20000 --hide-scrollbars --screenshot="$shot" "$url" >/dev/null || { chromium_log; fail "chromium could not take a screenshot of $url"; }
[ -s "$shot" ] || fail "no screenshot written to $shot"
info "ok: screenshot saved to $shot"

# 4. Interactive checks with playwright-core (optional).
if [ "$full" = 1 ]; then
  command -v npm >/dev/null && command -v node >/dev/null || fail "--full needs node and npm"
  PW_VERSION=1.65.1
  pwdir="${XDG_CACHE_HOME:-$HOME/.cache}/tradegraph-check-playground/playwright-core-$PW_VERSION"
  if [ ! -f "$pwdir/node_modules/playwright-core/package.json" ]; then
    info "installing playwright-core@$PW_VERSION into $pwdir"
    mkdir -p "$pwdir"
    (cd "$pwdir" && echo '{"private":true}' >package.json &&
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund --ignore-scripts \
        "playwright-core@$PW_VERSION" >/dev/null 2>"$work/npm.log") || { cat "$work/npm.log" >&2; fail "npm install playwright-core failed"; }
  fi
  docs_shot="${shot%.png}-docs.png"
  NODE_PATH="$pwdir/node_modules" timeout 180 node - "$url" "$CHROMIUM" "$docs_shot" "$work/profile-pw" "$cdn" <<'JS' || fail "interactive check failed (see above)"
const { chromium } = require('playwright-core');
const [url, executablePath, docsShot, profile, cdn] = process.argv.slice(2);
const loopback = (u) => /^(data|blob|about|chrome-error):/.test(u) ||
  /^(https?|wss?):\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/.test(u);
const say = (m) => console.log('check-playground: ' + m);
const die = (m) => { console.error('check-playground: FAIL: ' + m); process.exit(1); };
(async () => {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost',
      '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=127.0.0.1;localhost;[::1]'],
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const outside = [], failed = [], consoleErrors = [];
    page.on('request', (r) => { if (!loopback(r.url())) outside.push(r.url()); });
    page.on('requestfailed', (r) => failed.push(r.url() + ' ' + (r.failure() || {}).errorText));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));

    // The block, seen from the network stack: which error the CDN gets.
    const probe = await page.evaluate((cdn) => fetch(cdn, { mode: 'no-cors' }).then(() => 'loaded', (e) => 'failed: ' + e), cdn).catch((e) => 'failed: ' + e);
    if (probe === 'loaded') die('the network block let ' + cdn + ' through');
    const cdnFailure = failed.find((f) => f.startsWith(cdn));
    say('ok: ' + cdn + ' blocked (' + (cdnFailure ? cdnFailure.slice(cdn.length + 1) : probe) + ')');
    outside.length = 0; failed.length = 0; consoleErrors.length = 0;

    const introspection = page.waitForResponse((r) => r.request().method() === 'POST' &&
      (r.request().postData() || '').includes('IntrospectionQuery'), { timeout: 30000 });
    await page.goto(url, { waitUntil: 'load' });
    const intro = await introspection;
    const body = await intro.json().catch(() => null);
    if (intro.status() !== 200 || !body || !body.data || !body.data.__schema) die('introspection POST to ' + intro.url() + ' answered ' + intro.status());
    const root = body.data.__schema.queryType.name;
    say('ok: introspection POST ' + intro.url() + ' -> ' + intro.status() + ' (' + body.data.__schema.types.length + ' types, root ' + root + ')');
    await page.waitForSelector('html[data-schema="loaded"]', { timeout: 30000 });

    // The docs explorer: open it, see the root type, open it, see its fields.
    await page.click('button[aria-label="Show Documentation Explorer"]');
    const explorer = page.locator('.graphiql-doc-explorer');
    await explorer.waitFor({ timeout: 15000 });
    const rootLink = explorer.locator('a.graphiql-doc-explorer-type-name', { hasText: root }).first();
    await rootLink.waitFor({ timeout: 15000 });
    await rootLink.click();
    await explorer.locator('.graphiql-doc-explorer-title', { hasText: root }).waitFor({ timeout: 15000 });
    const fields = await explorer.locator('a.graphiql-doc-explorer-field-name').allTextContents();
    if (!fields.length) die('the docs explorer shows no fields for ' + root);
    say('ok: docs explorer browses ' + root + ': ' + fields.join(', '));
    await page.screenshot({ path: docsShot });
    say('ok: docs screenshot saved to ' + docsShot);

    // Run the example query.
    const run = page.waitForResponse((r) => r.request().method() === 'POST' &&
      !(r.request().postData() || '').includes('IntrospectionQuery'), { timeout: 30000 });
    await page.click('button.graphiql-execute-button');
    const res = await run;
    await page.waitForFunction(() => {
      const el = document.querySelector('.result-window .CodeMirror');
      return el && el.CodeMirror && el.CodeMirror.getValue().trim().length > 0;
    }, null, { timeout: 15000 });
    const shown = await page.evaluate(() => document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());
    say('ok: the example query ran: POST ' + res.url() + ' -> ' + res.status() + ', response pane shows ' + JSON.stringify(shown.replace(/\s+/g, ' ').slice(0, 120)));

    if (outside.length) die('requests left the loopback interface: ' + outside.join(', '));
    say('ok: no request left the loopback interface');
    if (failed.length) die('failed requests: ' + failed.join(', '));
    if (consoleErrors.length) die('console errors: ' + consoleErrors.join(' | '));
    say('ok: no failed request, no console error');
  } finally {
    await context.close();
  }
})().catch((e) => die(String(e && e.stack || e)));
JS
fi

info "PASS: $url"

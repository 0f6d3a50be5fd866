#!/usr/bin/env bash
# Re-fetch the pinned GraphiQL playground assets from the npm registry (with
# `npm pack`, which checks each tarball against the registry's integrity hash)
# and copy only the files the playground needs into assets/graphiql/.
#
#   scripts/vendor-graphiql.sh          # (re)write assets/graphiql/ + SHA256SUMS
#   scripts/vendor-graphiql.sh --check  # fetch and compare with the committed files
#
# To move to other versions: edit the pins below, run the script, update the
# versions table in assets/graphiql/README.md, then run
# scripts/check-playground.sh against a running server.
set -euo pipefail

GRAPHIQL_VERSION=3.8.3
REACT_VERSION=18.3.1
REACT_DOM_VERSION=18.3.1
# Only for its licence text: entities (BSD-2-Clause) is bundled inside
# graphiql.min.js (via markdown-it) and its notice must travel with it.
ENTITIES_VERSION=4.5.0

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/assets/graphiql"
mode="${1:-write}"
case "$mode" in
  write|--check) ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor-graphiql: npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "vendor-graphiql: fetching graphiql@$GRAPHIQL_VERSION react@$REACT_VERSION react-dom@$REACT_DOM_VERSION entities@$ENTITIES_VERSION"
(
  cd "$work"
  npm pack --silent \
    "graphiql@$GRAPHIQL_VERSION" \
    "react@$REACT_VERSION" \
    "react-dom@$REACT_DOM_VERSION" \
    "entities@$ENTITIES_VERSION" >/dev/null
)

unpack() { # name version -> $work/name
  mkdir -p "$work/$1"
  tar -xzf "$work/$1-$2.tgz" -C "$work/$1" --strip-components=1
}
unpack graphiql "$GRAPHIQL_VERSION"
unpack react "$REACT_VERSION"
unpack react-dom "$REACT_DOM_VERSION"
unpack entities "$ENTITIES_VERSION"

stage="$work/out"
mkdir -p "$stage"
# file in assets/graphiql  <-  file in the package
cp "$work/graphiql/graphiql.min.js"                "$stage/graphiql.min.js"
cp "$work/graphiql/graphiql.min.css"               "$stage/graphiql.min.css"
cp "$work/graphiql/LICENSE"                        "$stage/LICENSE-graphiql"
cp "$work/react/umd/react.production.min.js"       "$stage/react.production.min.js"
cp "$work/react/LICENSE"                           "$stage/LICENSE-react"
cp "$work/react-dom/umd/react-dom.production.min.js" "$stage/react-dom.production.min.js"
cp "$work/react-dom/LICENSE"                       "$stage/LICENSE-react-dom"
cp "$work/entities/LICENSE"                        "$stage/LICENSE-entities"
(cd "$stage" && sha256sum -- * | LC_ALL=C sort -k2 > "$work/SHA256SUMS")
mv "$work/SHA256SUMS" "$stage/SHA256SUMS"

if [ "$mode" = "--check" ]; then
  if diff -u "$dest/SHA256SUMS" "$stage/SHA256SUMS" && (cd "$dest" && sha256sum --quiet -c SHA256SUMS); then
    echo "vendor-graphiql: assets/graphiql matches the pinned npm packages"
    exit 0
  fi
  echo "vendor-graphiql: assets/graphiql differs from the pinned npm packages" >&2
  exit 1
fi

mkdir -p "$dest"
# README.md is hand-written and kept; everything else is replaced.
find "$dest" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
cp "$stage"/* "$dest"/
echo "vendor-graphiql: wrote $dest"
(cd "$dest" && ls -l -- * | awk '{printf "  %10d  %s\n", $5, $9}')
du -sh "$dest" | awk '{print "vendor-graphiql: total " $1}'

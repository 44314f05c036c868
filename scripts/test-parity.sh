#!/usr/bin/env bash
# Results parity (tests/parity): the official @upstash/qstash Client and ours run the same
# scenarios against one qstash-dev (temp db, free port; the test starts and stops it and its
# local sink), and what every call RETURNS and THROWS must be deeply equal after normalising
# ids and timestamps. devmode.test.mjs runs in its own process (dev mode keeps per-process
# state): both Clients in dev mode, against a fake dev server and against qstash-dev started
# for real. platforms.test.mjs runs the framework adapters (qstash-wasm/nextjs, /h3, /nuxt,
# /svelte, /solidjs) against the official's with the same requests (Web Requests, a node:http
# server, h3 apps; no qstash-dev needed). Our client is the packed tarball installed into a
# throwaway project; its h3 adapter finds the repository's pinned h3 dev dependency.
# Builds the package with scripts/build-pkg.sh unless SKIP_BUILD=1; builds qstash-dev with cargo
# (a no-op when it is up to date). Exits non-zero on any mismatch.
set -uo pipefail
cd "$(dirname "$0")/.."
# Each run rebuilds a fixed work directory; a second concurrent run waits instead of deleting
# the first one's files under it.
mkdir -p target && exec 8>"target/.test-parity.lock" && flock 8
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
start=$SECONDS

if [ ! -d node_modules/@upstash/qstash ]; then
  echo "test-parity: node_modules/@upstash/qstash missing (run npm ci)" >&2
  exit 1
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-pkg.sh || { echo "test-parity: package build failed" >&2; exit 1; }
fi
tgz=$(ls -t "$ROOT"/pkg/qstash-wasm-*.tgz 2>/dev/null | head -1)
if [ -z "$tgz" ]; then
  echo "test-parity: no pkg/qstash-wasm-*.tgz — run scripts/build-pkg.sh first" >&2
  exit 1
fi

W="$ROOT/tests/.work/parity"
rm -rf "$W" && mkdir -p "$W/project"
(
  cd "$W/project" &&
    echo '{"name":"qstash-wasm-parity","private":true,"type":"module"}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$tgz" > "$W/npm-install.log" 2>&1
) || { cat "$W/npm-install.log"; echo "test-parity: npm install of $tgz failed" >&2; exit 1; }

echo "== building qstash-dev"
cargo build -q -p qstash-server --bin qstash-dev || { echo "test-parity: qstash-dev build failed" >&2; exit 1; }

echo "== official vs ours, results and errors, dev mode, framework adapters (tests/parity)"
# official_*.test.mjs: the behaviours the official repository's own tests assert, one file per
# group of them; each file starts its own qstash-dev.
shopt -s nullglob
official_tests=(tests/parity/official_*.test.mjs)
if QSTASH_WASM_PKG="$W/project/node_modules/qstash-wasm" \
  node --test --test-reporter=spec tests/parity/parity.test.mjs tests/parity/devmode.test.mjs \
    tests/parity/platforms.test.mjs tests/parity/throwing.test.mjs tests/parity/fetch_mock.test.mjs \
    "${official_tests[@]}"; then
  echo "test-parity: PASS ($((SECONDS - start))s)"
else
  status=$?
  echo "test-parity: FAIL (exit $status, $((SECONDS - start))s)" >&2
  exit "$status"
fi

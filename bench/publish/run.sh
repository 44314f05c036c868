#!/usr/bin/env bash
# Publish benchmark: qstash-wasm vs @upstash/qstash vs raw fetch, in Node and Deno, sequential
# and 64 in flight, against a local sink and a stub fetch; plus package sizes. Writes
# bench/publish/RESULTS.md. Builds pkg/ first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
[ -f pkg/node.js ] || bash scripts/build-pkg.sh
node bench/publish/report.mjs

#!/usr/bin/env bash
# The console page (www/) in headless Chromium against the local server, using the packed package.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each run rebuilds a fixed work directory; a second concurrent run waits instead of deleting
# the first one's files under it.
mkdir -p target && exec 8>"target/.test-www.lock" && flock 8
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
[ "${SKIP_BUILD:-0}" = 1 ] || bash scripts/build-pkg.sh
cargo build -q -p qstash-server --bin qstash-dev
TARBALL=$(ls -t pkg/*.tgz | head -n 1)
WORK=www/.work
rm -rf "$WORK" && mkdir -p "$WORK"
# Installed from the tarball, as a user would get it.
(cd "$WORK" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund --loglevel=error "../../$TARBALL")
node --test --test-reporter=spec www/test.mjs

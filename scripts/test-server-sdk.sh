#!/usr/bin/env bash
# The official @upstash/qstash SDK against our qstash-dev server (tests/server-sdk/).
# Builds the server, starts it on a free port with a temp database (the test does that and
# always stops it), and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules/@upstash/qstash ]; then
  echo "test-server-sdk: node_modules/@upstash/qstash missing (run npm ci)" >&2
  exit 1
fi

echo "== building qstash-dev"
cargo build -q -p qstash-server --bin qstash-dev

echo "== official SDK vs qstash-dev (tests/server-sdk)"
if node --test --test-reporter=spec tests/server-sdk/sdk.test.mjs; then
  echo "test-server-sdk: PASS"
else
  status=$?
  echo "test-server-sdk: FAIL (exit $status)" >&2
  exit "$status"
fi

#!/usr/bin/env bash
# Runs every benchmark (not tests: they measure, they do not pass or fail) and prints where each
# wrote its results. BENCHMARKS.md collects them with the commands that made them.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
for b in bench/verify bench/publish bench/server; do
  if [ -x "$b/run.sh" ]; then
    echo "=== $b"
    bash "$b/run.sh"
  fi
done

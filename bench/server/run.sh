#!/usr/bin/env bash
# Server load benchmark: durable publishes/s and p50/p99 latency at 1/16/64 publishers,
# deliveries/s, beside raw loopback-HTTP and SQLite limits measured in the same run.
# Writes bench/server/RESULTS.md. Extra args go to the bench (--secs N, --backlog N,
# --sync full|normal).
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/server/build.sh
out=bench/server/RESULTS.md
{
  "$CARGO_TARGET_DIR/release/examples/server-bench" "$@"
  printf '\nDatabase filesystem: %s (fsync speed is whatever this disk gives; see the raw\nSQLite FULL line).\n' "$(df -T "${TMPDIR:-/tmp}" | awk 'NR==2{print $2" on "$1}')"
  printf '\nCommand: `bench/server/run.sh %s` (%s)\n' "$*" "$(date -u +%Y-%m-%dT%H:%MZ)"
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"

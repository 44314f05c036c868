#!/usr/bin/env bash
# Listing benchmark: filtered GET /v2/logs and DLQ listings (and bulk DLQ deletes) over a
# database of 30,000 messages, ~105,000 log events and 20,000 DLQ entries, timed over
# loopback HTTP. Writes bench/server/LISTING.md (see listing.rs for the data and queries).
#
# Built like run.sh builds the load benchmark: opt-level 3, no LTO, own target dir.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/server/build.sh
out=${LISTING_OUT:-bench/server/LISTING.md}
{
  "$CARGO_TARGET_DIR/release/examples/server-bench" listing
  printf '\nCommand: `bench/server/listing.sh` (%s, commit %s)\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD)"
  # A hand-written comparison with an earlier run, if the file has one, stays at the end.
  if [ -f "$out" ] && grep -q '^## Before and after' "$out"; then
    printf '\n'
    sed -n '/^## Before and after/,$p' "$out"
  fi
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"

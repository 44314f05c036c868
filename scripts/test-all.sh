#!/usr/bin/env bash
# Runs every test suite of the project and prints one summary. Each suite script starts and stops
# the servers it needs. Exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

results=()
failed=0
run() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name: $*"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
}

run "rustfmt" cargo fmt --all -- --check
run "clippy" cargo clippy --workspace --all-targets -- -D warnings
run "clippy (wasm32)" bash scripts/clippy-wasm.sh
run "cargo test" cargo test --workspace
run "build package" bash scripts/build-pkg.sh
export SKIP_BUILD=1
for suite in test-runtimes test-differential test-server-sdk test-client test-parity test-www; do
  # A missing suite is a failure, not a skip: nothing drops out of `make test` silently.
  run "$suite" bash "scripts/$suite.sh"
done
run "wasm Rust client" bash tests/wasm_client/run.sh
# The main job (`make demo`) is a test too: it asserts every step it prints.
run "demo" bash -c 'cargo build -q -p qstash-server --bin qstash-dev && node scripts/demo.mjs'


echo
echo "=== summary"
printf '%s\n' "${results[@]}"
passed=$(( ${#results[@]} - failed ))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

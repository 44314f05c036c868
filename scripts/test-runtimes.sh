#!/usr/bin/env bash
# The npm package as users get it, in four runtimes: builds it (unless SKIP_BUILD=1), installs
# pkg/*.tgz into a throwaway consumer project (tests/runtime/.work/consumer), then runs the one
# shared suite set (tests/runtime/suites/*.mjs) in Node 20, Deno, workerd (Miniflare) and
# headless Chromium, plus a type test (tsc --noEmit and deno check). Each runner prints one line
# per test; the script fails if any test fails or a runner ran zero tests.
#   QSTASH_TEST_SERVER_URL  base URL of a running local QStash server (suites see ctx.serverUrl)
#   QSTASH_TEST_RUNTIMES    space-separated subset of: node deno workerd chromium
set -uo pipefail
cd "$(dirname "$0")/.."
# Each run rebuilds a fixed work directory; a second concurrent run waits instead of deleting
# the first one's files under it.
mkdir -p target && exec 8>"target/.test-runtimes.lock" && flock 8
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
BIN="$ROOT/node_modules/.bin"
# The Receiver falls back to these; the suites need a clean slate (and never real keys).
unset QSTASH_CURRENT_SIGNING_KEY QSTASH_NEXT_SIGNING_KEY QSTASH_REGION QSTASH_DEV
export NO_COLOR=1 DENO_NO_UPDATE_CHECK=1 WRANGLER_SEND_METRICS=false

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-pkg.sh > /dev/null || { echo "test-runtimes: package build failed"; exit 1; }
fi
tgz=$(ls -t "$ROOT"/pkg/qstash-wasm-*.tgz 2>/dev/null | head -1)
[ -n "$tgz" ] || { echo "test-runtimes: no pkg/qstash-wasm-*.tgz (run scripts/build-pkg.sh)"; exit 1; }

W="$ROOT/tests/runtime/.work"
C="$W/consumer"
rm -rf "$W" && mkdir -p "$C"
echo '{"name":"qstash-wasm-runtime-consumer","private":true,"type":"module"}' > "$C/package.json"
if ! (cd "$C" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$tgz") > "$W/npm-install.log" 2>&1; then
  cat "$W/npm-install.log"; echo "test-runtimes: npm install of $tgz failed"; exit 1
fi
cp -r tests/runtime/harness.mjs tests/runtime/tokens.mjs tests/runtime/suites tests/runtime/runners "$C"/
# Suites with a Node-side setup() (the client suite) need the local server binary.
if grep -lq 'export async function setup' tests/runtime/suites/*.mjs; then
  cargo build -q -p qstash-server --bin qstash-dev || { echo "test-runtimes: qstash-dev build failed"; exit 1; }
fi

results=()
failed=0
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== test-runtimes: $name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
}

types_run() {
  mkdir -p "$C/types" && cp tests/runtime/types/*.ts "$C/types/"
  cat > "$C/tsconfig.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022",
    "module": "nodenext", "moduleResolution": "nodenext",
    "lib": ["es2022", "dom"], "types": [], "skipLibCheck": false
  },
  "include": ["types/*.ts"],
  "exclude": ["types/*-h3.ts"]
}
JSON
  # The h3 and Nuxt subpaths use h3's own types, which need Node's: checked as an h3 project
  # does (types: node, skipLibCheck), with the h3 and @types/node of the repository.
  cat > "$C/tsconfig.h3.json" <<'JSON'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022",
    "module": "nodenext", "moduleResolution": "nodenext",
    "lib": ["es2022", "dom"], "types": ["node"], "skipLibCheck": true
  },
  "include": ["types/*-h3.ts"]
}
JSON
  (cd "$C" && "$BIN/tsc" -p .) || return 1
  (cd "$C" && "$BIN/tsc" -p tsconfig.h3.json) || return 1
  (cd "$C" && "$BIN/deno" check types/*.ts) || return 1
}

step "runtimes (node, deno, workerd, chromium)" node tests/runtime/run.mjs "$C" ${QSTASH_TEST_RUNTIMES:-}
step "types (tsc + deno check)" types_run

echo
echo "=== test-runtimes summary"
printf '%s\n' "${results[@]}"
[ "$failed" -eq 0 ]

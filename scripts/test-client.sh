#!/usr/bin/env bash
# The JS Client's tests, all against the packed npm tarball installed into a throwaway project:
#   1. wire   — differential test vs the official @upstash/qstash (tests/wire), and its fuzzer
#               (tests/wire/fuzz.mjs: generated arguments, fixed seeds)
#   2. types  — tsc --noEmit (strict) and deno check of tests/types/consumer.ts, and
#               tests/types/compat.mjs (code typed against @upstash/qstash types against ours)
#   3. e2e    — every method against our local server qstash-dev, real deliveries (tests/e2e)
# Builds the package with scripts/build-pkg.sh unless SKIP_BUILD=1. Exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
# Each run rebuilds a fixed work directory; a second concurrent run waits instead of deleting
# the first one's files under it.
mkdir -p target && exec 8>"target/.test-client.lock" && flock 8
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/build-pkg.sh || { echo "test-client: package build failed"; exit 1; }
fi
tgz=$(ls -t "$ROOT"/pkg/*.tgz 2>/dev/null | head -1)
if [ -z "$tgz" ]; then
  echo "test-client: no pkg/*.tgz — run scripts/build-pkg.sh first"
  exit 1
fi

W="$ROOT/tests/.work/client"
rm -rf "$W" && mkdir -p "$W/project"
cd "$W/project"
echo '{"name":"qstash-wasm-consumer","private":true,"type":"module"}' > package.json
if ! npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$tgz" > "$W/npm-install.log" 2>&1; then
  cat "$W/npm-install.log"
  echo "test-client: npm install of $tgz failed"
  exit 1
fi
PKG="$W/project/node_modules/qstash-wasm"
cd "$ROOT"

results=()
failed=0
step() {
  local name=$1; shift
  local start=$SECONDS
  echo "=== test-client: $name"
  if "$@"; then
    results+=("PASS  $name ($((SECONDS - start))s)")
  else
    results+=("FAIL  $name ($((SECONDS - start))s)")
    failed=$((failed + 1))
  fi
}

types_check() {
  local P="$W/project"
  cp "$ROOT/tests/types/consumer.ts" "$P/consumer.ts"
  cat > "$P/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022",
    "module": "nodenext", "moduleResolution": "nodenext",
    "lib": ["es2022", "dom", "dom.iterable"], "types": [], "skipLibCheck": false
  },
  "files": ["consumer.ts"]
}
EOF
  (cd "$P" && "$ROOT/node_modules/.bin/tsc" -p .) || return 1
  (cd "$P" && "$ROOT/node_modules/.bin/deno" check consumer.ts) || return 1
  node "$ROOT/tests/types/compat.mjs" "$PKG" || return 1
}

step "wire (official vs ours)" node tests/wire/run.mjs "$PKG"
# Generated arguments, two fixed seeds (reproducible; `node tests/wire/fuzz.mjs <dir> <seed>
# <count> --case N` replays one case). Known, documented differences are counted, not failed.
step "wire fuzz (official vs ours, seeds 1 and 2)" bash -c 'node tests/wire/fuzz.mjs "$1" 1 3000 && node tests/wire/fuzz.mjs "$1" 2 3000' _ "$PKG"
step "types (tsc + deno check + drop-in compat)" types_check
build_server() { cargo build -q -p qstash-server --bin qstash-dev; }
step "build qstash-dev" build_server
step "e2e (package <-> qstash-dev)" node tests/e2e/run.mjs "$PKG"

echo
echo "=== test-client summary"
printf '%s\n' "${results[@]}"
[ "$failed" -eq 0 ]

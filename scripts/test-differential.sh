#!/usr/bin/env bash
# Differential test of our Receiver against the official @upstash/qstash Receiver
# (tests/differential/receiver/). Installs the packed tarball (pkg/*.tgz; built with
# scripts/build-pkg.sh if absent, or always with QSTASH_DIFF_REBUILD=1) into a throwaway dir
# under tests/differential/.work/ and imports it there by package name. Also runs the pure Rust
# core natively on the same corpus (examples/verify_corpus.rs). Exits non-zero on any
# disagreement.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each run rebuilds a fixed work directory; a second concurrent run waits instead of deleting
# the first one's files under it.
mkdir -p target && exec 8>"target/.test-differential.lock" && flock 8
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$PATH"
log() { printf '[test-differential] %s\n' "$*" >&2; }

log "building the corpus tools (examples/mint_corpus.rs, examples/verify_corpus.rs)"
cargo build -q -p qstash-wasm --example mint_corpus --example verify_corpus
BIN_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples"

shopt -s nullglob
tgz=(pkg/*.tgz)
if [[ ${#tgz[@]} -eq 0 || "${QSTASH_DIFF_REBUILD:-0}" == 1 ]]; then
  log "building the package (scripts/build-pkg.sh)"
  scripts/build-pkg.sh
  tgz=(pkg/*.tgz)
fi
if [[ ${#tgz[@]} -ne 1 ]]; then
  log "expected exactly one pkg/*.tgz, found ${#tgz[@]}"
  exit 1
fi
TARBALL="$ROOT/${tgz[0]}"
NAME=$(tar -xOzf "$TARBALL" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).name))')

WORK="$ROOT/tests/differential/.work/receiver"
rm -rf "$WORK"
mkdir -p "$WORK"
printf '{ "private": true, "type": "module" }\n' >"$WORK/package.json"
log "installing $(basename "$TARBALL") ($NAME) into ${WORK#"$ROOT"/}"
(cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$TARBALL" >/dev/null)
# Imported by package name, so the package's own `exports` conditions are what gets tested.
printf 'export * from "%s";\n' "$NAME" >"$WORK/entry.mjs"

log "running node --test tests/differential/receiver/"
QSTASH_WASM_ENTRY="$WORK/entry.mjs" \
QSTASH_EXAMPLE_MINT_CORPUS="$BIN_DIR/mint_corpus" \
QSTASH_EXAMPLE_VERIFY_CORPUS="$BIN_DIR/verify_corpus" \
  node --test --test-reporter=spec tests/differential/receiver/
log "ok: package, core and @upstash/qstash agree"

#!/usr/bin/env bash
# clippy -D warnings for the wasm32 build of the crate (both feature sets): the native clippy
# step never compiles src/js (the wasm-bindgen glue is cfg(target_arch = "wasm32")), so without
# this the glue is never linted. Uses the wasm toolchain scripts/setup provided: the rustup
# target, else a toolchain with std sources (-Zbuild-std) that has clippy.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
lint() {
  "$@" -p qstash-wasm -- -D warnings
  "$@" -p qstash-wasm --no-default-features -- -D warnings
}
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  export CARGO_TARGET_DIR="$PWD/target/clippy-wasm"
  lint cargo clippy --target wasm32-unknown-unknown
  exit 0
fi
for tc in debian-web nightly; do
  if cargo +"$tc" clippy --version >/dev/null 2>&1; then
    export CARGO_TARGET_DIR="$PWD/target/clippy-wasm-$tc"
    RUSTC_BOOTSTRAP=1 lint cargo +"$tc" clippy --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
    exit 0
  fi
done
echo "clippy-wasm: no toolchain with clippy for wasm32 (run scripts/setup)" >&2
exit 1

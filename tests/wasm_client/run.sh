#!/usr/bin/env bash
# Builds the wasm Client harness and runs it in Node against a local recording server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
target="$root/target/wasm-client-test"
out="$target/pkg"
# The same toolchain choice as scripts/build-pkg.sh: rustup's wasm32 target where installed,
# else Debian's rustc-web with -Zbuild-std (see scripts/setup).
if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  (cd "$here" && CARGO_TARGET_DIR="$target/stable" cargo build --target wasm32-unknown-unknown --quiet)
  wasm="$target/stable/wasm32-unknown-unknown/debug/qstash_wasm_client_test.wasm"
else
  (cd "$here" && CARGO_TARGET_DIR="$target/debian-web" RUSTC_BOOTSTRAP=1 cargo +debian-web build \
    --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --quiet)
  wasm="$target/debian-web/wasm32-unknown-unknown/debug/qstash_wasm_client_test.wasm"
fi
wasm-bindgen --target web --out-dir "$out" "$wasm"
# The crate's JS facade imports the package's error classes and environment reader.
cp "$root/pkg-template/errors.js" "$root/pkg-template/signature-error.js" "$root/pkg-template/env.js" "$out/"
echo '{"type":"module"}' > "$out/package.json"
node "$here/run.mjs" "$out/qstash_wasm_client_test.js" "$out/qstash_wasm_client_test_bg.wasm"

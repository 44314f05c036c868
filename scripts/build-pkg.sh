#!/usr/bin/env bash
# Builds the npm package `qstash-wasm` into pkg/ and packs it into pkg/qstash-wasm-<version>.tgz.
#
#   1. cargo: the crate for wasm32-unknown-unknown (std rebuilt for size with -Zbuild-std where a
#      toolchain has its sources: the default one with rust-src, or Debian's rustc-web; else
#      rustup's prebuilt wasm32 std; see scripts/setup), twice: the full
#      package, and receiver-only (--no-default-features: no Client) for `qstash-wasm/receiver`;
#   2. wasm-bindgen --target web (the glue the entry files in pkg-template/ build on:
#      qstash_wasm.js for `qstash-wasm`, qstash_receiver.js for the receiver-* entries);
#   3. wasm-opt -Oz from npm binaryen (never Debian's 108: it corrupts the externref table),
#      keeping exactly the wasm features the compiler used, then a check that the result still
#      instantiates with the glue;
#   4. pkg/ = wasm-bindgen output + pkg-template/ + generated api.js, version stamped from
#      Cargo.toml; `npm pack`.
#
# Idempotent; safe to run concurrently (a lock serialises builds, and pkg/ is replaced by one
# rename so a reader never sees a half-written package). Environment:
#   QSTASH_WASM_NO_OPT=1   skip wasm-opt (faster local iteration; the package is ~2x larger)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
log() { printf '[build-pkg] %s\n' "$*" >&2; }
t0=$SECONDS

mkdir -p target
exec 9>target/.build-pkg.lock
if ! flock -n 9; then
  log "another build-pkg is running; waiting for it"
  flock 9
fi

# --- 1. cargo -----------------------------------------------------------------------------------
# `strip = true` in the release profile would drop the `target_features` section, and then
# wasm-bindgen and wasm-opt cannot see which features (reference types, multivalue, bulk memory)
# the code uses. wasm-opt strips names and debug info anyway, so keep the section until then.
export CARGO_PROFILE_RELEASE_STRIP=false
# Size: std itself is rebuilt (-Zbuild-std) wherever a toolchain ships its sources, with panics
# that abort on the spot (no panic message formatting, no core::fmt for it), no panic locations
# and no Debug formatting (our code never shows `{:?}` output to users). That removes about a
# fifth of each wasm, and the receiver-only module is what a cold start compiles. Without the
# sources (a plain `rustup target add` and no rust-src) the prebuilt std is used: same behaviour,
# larger files.
SIZE_FLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
has_std_src() { [ -d "$(rustc +"$1" --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library/std" ]; }
supports_size_flags() {
  # shellcheck disable=SC2086
  RUSTC_BOOTSTRAP=1 rustc +"$1" $SIZE_FLAGS --print cfg --target wasm32-unknown-unknown 2>/dev/null \
    | grep -qx 'panic="immediate-abort"'
}
default_tc=$(rustup show active-toolchain 2>/dev/null | awk '{print $1}')
build_std_tc=""
for tc in "$default_tc" debian-web; do
  [ -n "$tc" ] || continue
  if has_std_src "$tc" && supports_size_flags "$tc"; then build_std_tc=$tc; break; fi
done
if [ -n "$build_std_tc" ]; then
  # Own target dir per way of building: neither waits on (or invalidates) the other's cache.
  export CARGO_TARGET_DIR="$ROOT/target/wasm"
  how="$build_std_tc, -Zbuild-std, immediate-abort"
  cargo_wasm() {
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="$SIZE_FLAGS" cargo +"$build_std_tc" build --release \
      --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort -p qstash-wasm "$@"
  }
elif rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  export CARGO_TARGET_DIR="$ROOT/target/wasm-stable"
  how="rustup wasm32 target, prebuilt std (no std sources: larger output)"
  cargo_wasm() { cargo build --release --target wasm32-unknown-unknown -p qstash-wasm "$@"; }
else
  log "no wasm32 toolchain: run scripts/setup"
  exit 1
fi
OUT="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/qstash_wasm.wasm"
# Two builds of the one crate; both write $OUT, so each is copied aside right away (the lock
# above keeps another build-pkg from interleaving). The dependencies are shared.
# Speed over size where the hot paths spend their time (profiled with node --cpu-prof; sha2 is
# at opt-level 3 in Cargo.toml already): base64 in both builds (+4 KB), and the crate itself in
# both. In the receiver-only build it is only the signing core (+12 KB; ~15% faster verify). In
# the full build it is mostly the Client: at "z" every publish pays for dozens of tiny
# uninlined calls (byte compares, char iterators, Vec growth) — about 4 µs of Node CPU per
# publish more than at 3 — for 10 KB less gzip; the main entry's cold start measured the same.
fast_base64=(--config 'profile.release.package.base64.opt-level=3')
fast_crate=(--config 'profile.release.package.qstash-wasm.opt-level=3')
log "cargo build: full package ($how)"
cargo_wasm "${fast_base64[@]}" "${fast_crate[@]}"
RAW="$CARGO_TARGET_DIR/qstash_wasm.full.wasm"
cp "$OUT" "$RAW"
log "cargo build: receiver-only, --no-default-features ($how)"
cargo_wasm --no-default-features "${fast_base64[@]}" "${fast_crate[@]}"
RAW_RECEIVER="$CARGO_TARGET_DIR/qstash_wasm.receiver.wasm"
cp "$OUT" "$RAW_RECEIVER"
t_cargo=$SECONDS

# --- 2. wasm-bindgen ----------------------------------------------------------------------------
want_wb=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have_wb=$(wasm-bindgen --version | awk '{print $2}')
if [ "$want_wb" != "$have_wb" ]; then
  log "wasm-bindgen CLI is $have_wb but Cargo.lock pins $want_wb (run scripts/setup)"
  exit 1
fi
STAGE=$(mktemp -d "$ROOT/target/pkg-stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
wasm-bindgen --target web --out-name qstash_wasm --out-dir "$STAGE" "$RAW"
wasm-bindgen --target web --out-name qstash_receiver --out-dir "$STAGE" "$RAW_RECEIVER"

# --- 3. wasm-opt --------------------------------------------------------------------------------
WASM="$STAGE/qstash_wasm_bg.wasm"
WASM_RECEIVER="$STAGE/qstash_receiver_bg.wasm"
size_before=$(stat -c %s "$WASM")
size_before_receiver=$(stat -c %s "$WASM_RECEIVER")
if [ "${QSTASH_WASM_NO_OPT:-0}" = 1 ]; then
  log "wasm-opt skipped (QSTASH_WASM_NO_OPT=1)"
else
  WASM_OPT="$ROOT/node_modules/.bin/wasm-opt"
  [ -x "$WASM_OPT" ] || { log "missing $WASM_OPT (npm binaryen; run scripts/setup)"; exit 1; }
  for w in "$WASM" "$WASM_RECEIVER"; do
    # The features the input declares, passed explicitly so the optimiser neither rejects the
    # input nor introduces an instruction the compiler did not already rely on.
    mapfile -t features < <("$WASM_OPT" --print-features "$w" 2>/dev/null | grep '^--enable-')
    if [ "${#features[@]}" -eq 0 ]; then
      log "wasm-opt found no target_features section in $w"
      exit 1
    fi
    # Cold start: V8 compiles each function on its first call, so what a first verify pays
    # grows with the functions it enters. wasm-opt inlines every function that has one caller,
    # however large, which pulls error paths and the HS384/512 MACs into the hot functions.
    # Capping that (-ocimfs) cut the code a first verify compiles in the receiver-only module
    # from 56 to 45 KB (traced with --log-execution) for +0.9 KB, ~0.3 ms off its cold start;
    # in the full module publish CPU and hot verify measured the same with it.
    "$WASM_OPT" -Oz --one-caller-inline-max-function-size 50 "${features[@]}" "$w" -o "$w.opt"
    mv "$w.opt" "$w"
  done
fi
size_after=$(stat -c %s "$WASM")
size_after_receiver=$(stat -c %s "$WASM_RECEIVER")
t_opt=$SECONDS

# The hand-written files go in first: the glue imports ./errors.js.
cp -r "$ROOT"/pkg-template/. "$STAGE"/

# The optimised module must still compile, link against the glue, and run its start function.
# (The glue imports ./errors.js — the error classes the wasm constructs — so it must be there.)
cp "$ROOT/pkg-template/errors.js" "$STAGE/"
for name in qstash_wasm qstash_receiver; do
  node --input-type=module -e '
    const [glue, wasm] = process.argv.slice(1);
    const { readFileSync } = await import("node:fs");
    const g = await import(glue);
    g.initSync({ module: readFileSync(wasm) });
  ' "file://$STAGE/$name.js" "$STAGE/${name}_bg.wasm"
done

# The receiver-only entries become one file each (entry + its glue + receiver-facade.js): on a
# cold start every module costs Node's ESM loader ~1 ms, and cold start is what that entry is
# for. SignatureError comes in with them (signature-error.js makes it one class for both
# entries). Kept separate: the .wasm, node: built-ins and receiver-deno-source.js (source-phase
# syntax). The main entries stay as they are, sharing qstash_wasm.js with the "./glue" subpath.
ESBUILD="$ROOT/node_modules/.bin/esbuild"
[ -x "$ESBUILD" ] || { log "missing $ESBUILD (npm dev dependencies; run scripts/setup)"; exit 1; }
for e in node deno workerd browser; do
  (cd "$STAGE" && "$ESBUILD" "receiver-$e.js" --bundle --format=esm --platform=neutral \
    --external:./receiver-deno-source.js --external:'node:*' \
    --external:'*.wasm' --minify --keep-names --allow-overwrite --outfile="receiver-$e.js" \
    --log-level=warning \
    --banner:js="// Generated by build-pkg.sh: pkg-template/receiver-$e.js, bundled with its glue.")
done
rm "$STAGE/qstash_receiver.js" "$STAGE/qstash_receiver.d.ts" "$STAGE/qstash_receiver_bg.wasm.d.ts"

# The framework adapters (qstash-wasm/nextjs, /h3, /svelte, /solidjs) likewise become one file
# each, with platforms.js and env.js inside. Kept external: `#receiver` and `#main` (package.json
# "imports" picks the receiver-only or main entry per runtime when the app is run or bundled;
# nextjs's registerQStashDev loads the main one on call) and the app's own h3.
# nuxt.js stays a re-export of ./h3.js, so verifySignatureNuxt is verifySignatureH3 itself.
for e in nextjs h3 svelte solidjs; do
  (cd "$STAGE" && "$ESBUILD" "$e.js" --bundle --format=esm --platform=neutral \
    --external:'#receiver' --external:'#main' --external:h3 --minify --keep-names --allow-overwrite --outfile="$e.js" \
    --log-level=warning \
    --banner:js="// Generated by build-pkg.sh: pkg-template/$e.js, bundled with platforms.js and env.js.")
done
rm "$STAGE/platforms.js"

# The larger JS files are shipped minified, as the official's bundle is measured: the generated
# glue (~60 KB of wasm-bindgen output), compat.js, errors.js and receiver-facade.js. Names are
# kept (error classes' `name`, stack traces); imports and exports stay as they are, so nothing
# is bundled here.
for f in qstash_wasm.js receiver-facade.js; do
  (cd "$STAGE" && "$ESBUILD" "$f" --minify --keep-names --format=esm --platform=neutral \
    --allow-overwrite --outfile="$f" --log-level=warning)
done
# compat.js keeps its local names (+0.6 KB gzip): the engine's TypeErrors name the expression
# that failed ("response.text is not a function"), and those must read as the official's.
(cd "$STAGE" && "$ESBUILD" compat.js --minify-whitespace --minify-syntax --keep-names \
  --format=esm --platform=neutral --allow-overwrite --outfile=compat.js --log-level=warning)
# errors.js takes signature-error.js in, so the main entry loads no extra module for it.
(cd "$STAGE" && "$ESBUILD" errors.js --bundle --minify --keep-names --format=esm \
  --platform=neutral --allow-overwrite --outfile=errors.js --log-level=warning)

# --- 4. assemble pkg/ ---------------------------------------------------------------------------
VERSION=$(awk -F'"' '/^\[package\]/{p=1} p && /^version *=/{print $2; exit}' Cargo.toml)
[ -n "$VERSION" ] || { log "no [package] version in Cargo.toml"; exit 1; }
# api.js re-exports every public wasm-bindgen export (classes and functions) and every export
# of compat.js by name, so a new #[wasm_bindgen] or compat.js export reaches all entry files
# without an edit; `initSync` and the default `init` stay out of the public API (they are on the
# "./glue" subpath for advanced users), and so does `ReceiverCore`: the entry files wrap it in
# the JS `Receiver` (receiver-facade.js). Names starting with `__` are internal too (the
# `__provider*` functions compat.js calls), and so is compat.js's `installCompat`, which each
# entry calls.
node --input-type=module -e '
  const [dir, version] = process.argv.slice(1);
  const fs = await import("node:fs");
  const glue = await import(`file://${dir}/qstash_wasm.js`);
  const names = Object.keys(glue)
    .filter((k) => !["default", "initSync", "ReceiverCore"].includes(k) && !k.startsWith("__"))
    .sort();
  const compat = await import(`file://${dir}/compat.js`);
  const compatNames = Object.keys(compat).filter((k) => k !== "installCompat").sort();
  fs.writeFileSync(`${dir}/api.js`,
    "// Generated by scripts/build-pkg.sh: the public exports of the wasm-bindgen glue and compat.js.\n" +
    `export { ${names.join(", ")} } from "./qstash_wasm.js";\n` +
    `export { ${compatNames.join(", ")} } from "./compat.js";\n`);
  const pj = JSON.parse(fs.readFileSync(`${dir}/package.json`, "utf8"));
  pj.version = version;
  fs.writeFileSync(`${dir}/package.json`, JSON.stringify(pj, null, 2) + "\n");
' "$STAGE" "$VERSION"

# Pack from the stage, then swap it in with renames (pkg/ is never half-written).
(cd "$STAGE" && npm pack --silent --pack-destination "$STAGE" > /dev/null)
TGZ_NAME="qstash-wasm-$VERSION.tgz"
[ -f "$STAGE/$TGZ_NAME" ] || { log "npm pack did not produce $TGZ_NAME"; exit 1; }
chmod 755 "$STAGE"
rm -rf "$ROOT/pkg.old"
[ -e "$ROOT/pkg" ] && mv "$ROOT/pkg" "$ROOT/pkg.old"
mv "$STAGE" "$ROOT/pkg"
trap - EXIT
rm -rf "$ROOT/pkg.old"

gz=$(gzip -c "$ROOT/pkg/qstash_wasm_bg.wasm" | wc -c)
gz_receiver=$(gzip -c "$ROOT/pkg/qstash_receiver_bg.wasm" | wc -c)
log "wasm: $size_before B from wasm-bindgen -> $size_after B optimised ($gz B gzip)"
log "receiver-only wasm: $size_before_receiver B -> $size_after_receiver B optimised ($gz_receiver B gzip)"
log "time: cargo $((t_cargo - t0))s, bindgen+opt $((t_opt - t_cargo))s, total $((SECONDS - t0))s"
echo "$ROOT/pkg/$TGZ_NAME"

#!/usr/bin/env bash
# Receiver.verify benchmark: ours (the packed npm package) vs @upstash/qstash, same process,
# under Node and Deno; cold start in fresh processes; gzip sizes. Writes bench/verify/RESULTS.md.
#
#   bench/verify/run.sh            # uses pkg/*.tgz (builds it with scripts/build-pkg.sh if absent)
#   QSTASH_BENCH_RUNTIMES=node bench/verify/run.sh
#
# Not a test: it prints numbers. On a shared 2-core machine expect +-20% run to run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$ROOT/node_modules/.bin:$PATH"
log() { printf '[bench/verify] %s\n' "$*" >&2; }
RUNTIMES=${QSTASH_BENCH_RUNTIMES:-node deno}
COLD_RUNS=${QSTASH_BENCH_COLD_RUNS:-9}

shopt -s nullglob
tgz=(pkg/*.tgz)
if [[ ${#tgz[@]} -eq 0 ]]; then
  log "no pkg/*.tgz: building it (scripts/build-pkg.sh)"
  scripts/build-pkg.sh
  tgz=(pkg/*.tgz)
fi
TARBALL="$ROOT/${tgz[0]}"
NAME=$(tar -xOzf "$TARBALL" package/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).name))')

WORK="$ROOT/bench/.work/verify"
rm -rf "$WORK"
mkdir -p "$WORK"
printf '{ "private": true, "type": "module" }\n' >"$WORK/package.json"
(cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error "$TARBALL" >/dev/null)
printf 'export * from "%s";\n' "$NAME" >"$WORK/entry.mjs"
printf 'export * from "%s/receiver";\n' "$NAME" >"$WORK/entry-receiver.mjs"
# The official resolves from the repository's node_modules (a dev dependency), up the tree.
printf 'export * from "@upstash/qstash";\n' >"$WORK/entry-official.mjs"
export QSTASH_OFFICIAL_ENTRY="$WORK/entry-official.mjs"
export QSTASH_WASM_ENTRY="$WORK/entry.mjs"
export QSTASH_WASM_RECEIVER_ENTRY="$WORK/entry-receiver.mjs"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
TOKEN=$(node bench/verify/bench.mjs mint)
# cold <runtime> <file> [cold.mjs flags]: COLD_RUNS fresh processes per implementation,
# interleaved, each line with the process's wall time appended.
cold() {
  local rt=$1 file=$2
  shift 2
  local run
  case $rt in
    node) run=(node bench/verify/cold.mjs) ;;
    deno) run=(deno run -A bench/verify/cold.mjs) ;;
  esac
  : >"$file"
  for _ in $(seq "$COLD_RUNS"); do
    for which in official ours ours-receiver; do
      start=$(date +%s%N)
      line=$("${run[@]}" "$which" "$TOKEN" "$@")
      end=$(date +%s%N)
      printf '%s\n' "${line%\}},\"wallMs\":$(((end - start) / 1000000))}" >>"$file"
    done
  done
}
for rt in $RUNTIMES; do
  case $rt in
    node) run=(node bench/verify/bench.mjs) ;;
    deno) run=(deno run -A bench/verify/bench.mjs) ;;
    *) log "unknown runtime $rt"; exit 1 ;;
  esac
  log "$rt: hot loop"
  "${run[@]}" hot >"$WORK/hot-$rt.json"
  log "$rt: cold start x$COLD_RUNS"
  cold "$rt" "$WORK/cold-$rt.jsonl"
  if [ "$rt" = deno ]; then
    log "deno: cold start x$COLD_RUNS, Node compatibility layer already loaded"
    cold deno "$WORK/cold-deno-compat.jsonl" --node-compat
  fi
done

log "sizes (esbuild --bundle --minify, gzip -9)"
cat >"$WORK/official-receiver.mjs" <<'JS'
export { Receiver } from "@upstash/qstash";
JS
cat >"$WORK/ours-receiver.mjs" <<JS
export { Receiver } from "$NAME";
JS
cat >"$WORK/ours-receiver-only.mjs" <<JS
export { Receiver } from "$NAME/receiver";
JS
esbuild "$WORK/official-receiver.mjs" --bundle --minify --format=esm --platform=browser \
  --log-level=error --outfile="$WORK/official-receiver.bundle.js"
(cd "$WORK" && esbuild ours-receiver.mjs --bundle --minify --format=esm --platform=browser \
  --loader:.wasm=file --log-level=error --outdir=ours-bundle)
(cd "$WORK" && esbuild ours-receiver-only.mjs --bundle --minify --format=esm --platform=browser \
  --loader:.wasm=file --log-level=error --outdir=ours-receiver-bundle)
gz() { gzip -9c "$@" | wc -c; }
WASM="$WORK/node_modules/$NAME/qstash_wasm_bg.wasm"
WASM_RECEIVER="$WORK/node_modules/$NAME/qstash_receiver_bg.wasm"
{
  printf '{"officialJs":%s,"officialJsRaw":%s,' "$(gz "$WORK/official-receiver.bundle.js")" "$(wc -c <"$WORK/official-receiver.bundle.js")"
  printf '"oursJs":%s,"oursJsRaw":%s,' "$(cat "$WORK"/ours-bundle/*.js | gzip -9c | wc -c)" "$(cat "$WORK"/ours-bundle/*.js | wc -c)"
  printf '"oursWasm":%s,"oursWasmRaw":%s,' "$(gz "$WASM")" "$(wc -c <"$WASM")"
  printf '"receiverJs":%s,"receiverJsRaw":%s,' "$(cat "$WORK"/ours-receiver-bundle/*.js | gzip -9c | wc -c)" "$(cat "$WORK"/ours-receiver-bundle/*.js | wc -c)"
  printf '"receiverWasm":%s,"receiverWasmRaw":%s}\n' "$(gz "$WASM_RECEIVER")" "$(wc -c <"$WASM_RECEIVER")"
} >"$WORK/sizes.json"

printf '{"loadBefore":"%s","loadAfter":"%s"}\n' "$LOAD_BEFORE" "$(cut -d' ' -f1-3 /proc/loadavg)" >"$WORK/meta.json"
node bench/verify/render.mjs "$WORK" "bench/verify/run.sh" >bench/verify/RESULTS.md
cat bench/verify/RESULTS.md

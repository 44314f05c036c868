// Cloudflare Workers entry: the bundler (wrangler/esbuild) keeps the .wasm as a separate
// CompiledWasm module, so this import is a `WebAssembly.Module` that workerd compiled at load
// time (compiling from bytes at run time is disallowed there).
import wasmModule from "./qstash_wasm_bg.wasm";
import { initSync, ReceiverCore } from "./qstash_wasm.js";
import { defineReceiver } from "./receiver-facade.js";
import * as glue from "./qstash_wasm.js";
import { installCompat } from "./compat.js";

initSync({ module: wasmModule });

// The wasm glue's public exports and compat.js's (providers, Chat, startDevServer, …),
// listed by build-pkg.sh.
export * from "./api.js";
export * from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);
// `client.chat()`, `client.workflow` and the glue the provider classes call (compat.js).
installCompat(glue);

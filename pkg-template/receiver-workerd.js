// qstash-wasm/receiver: as workerd.js, with the receiver-only wasm (built without the Client:
// cargo --no-default-features), for a smaller download and a faster cold start. As in workerd.js:
// Cloudflare Workers entry: the bundler (wrangler/esbuild) keeps the .wasm as a separate
// CompiledWasm module, so this import is a `WebAssembly.Module` that workerd compiled at load
// time (compiling from bytes at run time is disallowed there).
import wasmModule from "./qstash_receiver_bg.wasm";
import { initSync, ReceiverCore } from "./qstash_receiver.js";
import { defineReceiver } from "./receiver-facade.js";

initSync({ module: wasmModule });

export { SignatureError } from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);

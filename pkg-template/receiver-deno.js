// qstash-wasm/receiver: as deno.js, with the receiver-only wasm (built without the Client:
// cargo --no-default-features), for a smaller download and a faster cold start. As in deno.js:
// Deno entry: the source-phase import (Deno >= 2.6, needs no permission); on older Deno the
// dynamic import fails (a SyntaxError or a resolution error, so any error is caught) and the
// bytes are read from disk instead, which needs --allow-read.
import { initSync, ReceiverCore } from "./qstash_receiver.js";
import { defineReceiver } from "./receiver-facade.js";

let wasmModule;
try {
  wasmModule = (await import("./receiver-deno-source.js")).default;
} catch {
  wasmModule = await Deno.readFile(new URL("./qstash_receiver_bg.wasm", import.meta.url));
}
initSync({ module: wasmModule });

export { SignatureError } from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);

// qstash-wasm/receiver: as browser.js, with the receiver-only wasm (built without the Client:
// cargo --no-default-features), for a smaller download and a faster cold start. As in browser.js:
// Browser (and default) entry: fetches the .wasm next to this file and instantiates it with
// streaming compilation. Bundlers that copy assets (Vite, webpack 5, Parcel) understand the
// `new URL(..., import.meta.url)` pattern; with esbuild, copy qstash_receiver_bg.wasm next to the
// output chunk.
import init, { ReceiverCore } from "./qstash_receiver.js";
import { defineReceiver } from "./receiver-facade.js";

await init({ module_or_path: new URL("./qstash_receiver_bg.wasm", import.meta.url) });

export { SignatureError } from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);

// Browser (and default) entry: fetches the .wasm next to this file and instantiates it with
// streaming compilation. Bundlers that copy assets (Vite, webpack 5, Parcel) understand the
// `new URL(..., import.meta.url)` pattern; with esbuild, copy qstash_wasm_bg.wasm next to the
// output chunk.
import init, { ReceiverCore } from "./qstash_wasm.js";
import { defineReceiver } from "./receiver-facade.js";
import * as glue from "./qstash_wasm.js";
import { installCompat } from "./compat.js";

await init({ module_or_path: new URL("./qstash_wasm_bg.wasm", import.meta.url) });

// The wasm glue's public exports and compat.js's (providers, Chat, startDevServer, …),
// listed by build-pkg.sh.
export * from "./api.js";
export * from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);
// `client.chat()`, `client.workflow` and the glue the provider classes call (compat.js).
installCompat(glue);

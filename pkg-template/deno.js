// Deno entry: the source-phase import (Deno >= 2.6, needs no permission); on older Deno the
// dynamic import fails (a SyntaxError or a resolution error, so any error is caught) and the
// bytes are read from disk instead, which needs --allow-read.
import { initSync, ReceiverCore } from "./qstash_wasm.js";
import { defineReceiver } from "./receiver-facade.js";
import * as glue from "./qstash_wasm.js";
import { installCompat } from "./compat.js";

let wasmModule;
try {
  wasmModule = (await import("./deno-source.js")).default;
} catch {
  wasmModule = await Deno.readFile(new URL("./qstash_wasm_bg.wasm", import.meta.url));
}
initSync({ module: wasmModule });

// The wasm glue's public exports and compat.js's (providers, Chat, startDevServer, …),
// listed by build-pkg.sh.
export * from "./api.js";
export * from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);
// `client.chat()`, `client.workflow` and the glue the provider classes call (compat.js);
// startDevServer may spawn qstash-dev here (loaded on first use only).
installCompat(glue, { childProcess: () => import("node:child_process") });

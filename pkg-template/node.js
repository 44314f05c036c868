// Node entry: reads the .wasm next to this file and instantiates it synchronously, so the
// module has no top-level await and stays `require()`-able on Node >= 20.19.
import { readFileSync } from "node:fs";
import { initSync, ReceiverCore } from "./qstash_wasm.js";
import { defineReceiver } from "./receiver-facade.js";
import * as glue from "./qstash_wasm.js";
import { installCompat } from "./compat.js";

initSync({ module: readFileSync(new URL("./qstash_wasm_bg.wasm", import.meta.url)) });

// The wasm glue's public exports and compat.js's (providers, Chat, startDevServer, …),
// listed by build-pkg.sh.
export * from "./api.js";
export * from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);
// `client.chat()`, `client.workflow` and the glue the provider classes call (compat.js);
// startDevServer may spawn qstash-dev here (loaded on first use only).
installCompat(glue, { childProcess: () => import("node:child_process") });

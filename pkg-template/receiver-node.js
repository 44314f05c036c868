// qstash-wasm/receiver: as node.js, with the receiver-only wasm (built without the Client:
// cargo --no-default-features), for a smaller download and a faster cold start. As in node.js:
// Node entry: reads the .wasm next to this file and instantiates it synchronously, so the
// module has no top-level await and stays `require()`-able on Node >= 20.19.
import { readFileSync } from "node:fs";
import { initSync, ReceiverCore } from "./qstash_receiver.js";
import { defineReceiver } from "./receiver-facade.js";

initSync({ module: readFileSync(new URL("./qstash_receiver_bg.wasm", import.meta.url)) });

export { SignatureError } from "./errors.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);

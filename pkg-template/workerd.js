// Cloudflare Workers entry: the bundler (wrangler/esbuild) keeps the .wasm as a separate
// CompiledWasm module, so this import is a `WebAssembly.Module` that workerd compiled at load
// time (compiling from bytes at run time is disallowed there).
import wasmModule from "./qstash_wasm_bg.wasm";
import { initSync, ReceiverCore } from "./qstash_wasm.js";
import { defineReceiver } from "./receiver-facade.js";
import * as glue from "./qstash_wasm.js";
import { installCompat } from "./compat.js";

initSync({ module: wasmModule });

export * from "./api.js";
export * from "./errors.js";
export {
  Chat,
  EmailProvider,
  LLMProvider,
  anthropic,
  custom,
  decodeBase64,
  formatWorkflowError,
  openai,
  resend,
  setupAnalytics,
  startDevServer,
  upstash,
} from "./compat.js";
// The public Receiver: the facade (receiver-facade.js) over the wasm `ReceiverCore`.
export const Receiver = defineReceiver(ReceiverCore);
// `client.chat()`, `client.workflow` and the glue the provider classes call (compat.js).
installCompat(glue);

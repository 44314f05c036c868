// Deno >= 2.6: a source-phase import hands over the compiled module without any permission.
// Kept in its own file and imported dynamically by receiver-deno.js, because older runtimes reject
// the syntax itself.
import source wasmModule from "./qstash_receiver_bg.wasm";

export default wasmModule;

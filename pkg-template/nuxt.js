// `qstash-wasm/nuxt`: as in `@upstash/qstash/nuxt`, the h3 adapter under Nuxt's name (the
// same function; Nuxt's server routes are h3 event handlers).
export { verifySignatureH3 as verifySignatureNuxt } from "./h3.js";

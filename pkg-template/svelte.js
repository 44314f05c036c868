// `qstash-wasm/svelte`: the SvelteKit adapter of `@upstash/qstash/svelte` (its deprecated
// Workflow `serve` is not provided).
import { verifyEventRequest } from "./platforms.js";

/**
 * Wraps a SvelteKit `RequestHandler` so it runs only for verified QStash deliveries. Keys come
 * from `config` or `QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`; a missing
 * `Upstash-Signature` header answers 403, a bad signature throws `SignatureError`.
 */
export const verifySignatureSvelte = (handler, config) => verifyEventRequest(handler, config);

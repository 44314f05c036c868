// `qstash-wasm/solidjs`: the SolidStart adapter of `@upstash/qstash/solidjs` (its deprecated
// Workflow `serve` is not provided).
import { verifyEventRequest } from "./platforms.js";

/**
 * Wraps a SolidStart `APIHandler` so it runs only for verified QStash deliveries. Keys come
 * from `config` or `QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`; a missing
 * `Upstash-Signature` header answers 403, a bad signature throws `SignatureError`.
 */
export const verifySignatureSolidjs = (handler, config) => verifyEventRequest(handler, config);

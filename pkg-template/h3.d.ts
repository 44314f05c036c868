// Types of `qstash-wasm/h3`, the h3 adapter of `@upstash/qstash/h3`. As in the official, they
// use h3's own types: this subpath needs h3 (1.x) installed anyway.
import type { EventHandler, EventHandlerRequest, H3Event } from "h3";

/** Options of {@link verifySignatureH3}. */
export type VerifySignatureConfig = {
  /** The current signing key; default `QSTASH_CURRENT_SIGNING_KEY`. */
  currentSigningKey?: string;
  /** The next signing key; default `QSTASH_NEXT_SIGNING_KEY`. */
  nextSigningKey?: string;
  /** Seconds of tolerance for the `nbf` and `exp` claims. @default 0 */
  clockTolerance?: number;
};

/**
 * Runs an h3 event handler only for a verified QStash delivery (checked against the raw
 * body; `readBody` / `readRawBody` in the handler still work). A missing `Upstash-Signature`
 * header answers `{ status: 403, body: "`Upstash-Signature` header is missing" }` (sent by h3
 * as JSON with status 200, as in the official); a bad signature throws `SignatureError`.
 *
 * @example
 * ```ts
 * import { createApp, createRouter, readBody } from "h3";
 * import { verifySignatureH3 } from "qstash-wasm/h3";
 * const app = createApp().use(createRouter().post("/api/qstash",
 *   verifySignatureH3(async (event) => ({ received: await readBody(event) }))));
 * ```
 */
export declare const verifySignatureH3: (
  handler: (event: H3Event) => Promise<unknown>,
  config?: VerifySignatureConfig,
) => EventHandler<EventHandlerRequest, Promise<unknown>>;

// Types of `qstash-wasm/solidjs`, the SolidStart adapter of `@upstash/qstash/solidjs`.
//
// The official declares it with SolidStart's `APIHandler`; here the event is structural and
// generic, so a handler typed with SolidStart's types keeps them (and the result is assignable
// to an `APIHandler`), and nothing needs `@solidjs/start` to type-check.

/** Options of {@link verifySignatureSolidjs}. */
export type VerifySignatureConfig = {
  /** The current signing key; default `QSTASH_CURRENT_SIGNING_KEY`. */
  currentSigningKey?: string;
  /** The next signing key; default `QSTASH_NEXT_SIGNING_KEY`. */
  nextSigningKey?: string;
  /** Seconds of tolerance for the `nbf` and `exp` claims. @default 0 */
  clockTolerance?: number;
};

/**
 * Runs a SolidStart `APIHandler` only for a verified QStash delivery (the body is read from
 * `event.request.clone()`, so the handler can read it again). A missing `Upstash-Signature`
 * header answers 403; a bad signature throws `SignatureError`.
 *
 * @example
 * ```ts
 * // src/routes/api/qstash.ts
 * import { verifySignatureSolidjs } from "qstash-wasm/solidjs";
 * export const POST = verifySignatureSolidjs(async (event) => new Response(await event.request.text()));
 * ```
 */
export declare const verifySignatureSolidjs: <E extends { request: Request }, T>(
  handler: (event: E) => Promise<T>,
  config?: VerifySignatureConfig,
) => (event: E) => Promise<T | Response>;

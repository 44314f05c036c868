// Types of `qstash-wasm/svelte`, the SvelteKit adapter of `@upstash/qstash/svelte`.
//
// The official declares it with SvelteKit's `RequestHandler`; here the event is structural
// and generic, so a handler typed with SvelteKit's types keeps them (and the result is
// assignable to a `RequestHandler`), and nothing needs `@sveltejs/kit` to type-check.

/** Options of {@link verifySignatureSvelte}. */
export type VerifySignatureConfig = {
  /** The current signing key; default `QSTASH_CURRENT_SIGNING_KEY`. */
  currentSigningKey?: string;
  /** The next signing key; default `QSTASH_NEXT_SIGNING_KEY`. */
  nextSigningKey?: string;
  /** Seconds of tolerance for the `nbf` and `exp` claims. @default 0 */
  clockTolerance?: number;
};

/**
 * Runs a SvelteKit `RequestHandler` only for a verified QStash delivery (the body is read
 * from `event.request.clone()`, so the handler can read it again). A missing
 * `Upstash-Signature` header answers 403; a bad signature throws `SignatureError`.
 *
 * @example
 * ```ts
 * // src/routes/api/qstash/+server.ts
 * import type { RequestHandler } from "@sveltejs/kit";
 * import { verifySignatureSvelte } from "qstash-wasm/svelte";
 * export const POST: RequestHandler = verifySignatureSvelte(async ({ request }) => new Response(await request.text()));
 * ```
 */
export declare const verifySignatureSvelte: <E extends { request: Request }>(
  handler: (event: E) => Response | Promise<Response>,
  config?: VerifySignatureConfig,
) => (event: E) => Promise<Response>;

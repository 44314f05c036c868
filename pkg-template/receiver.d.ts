// Types of `qstash-wasm/receiver` (the receiver-only entry); the main entry `qstash-wasm`
// re-exports the same declarations.

/**
 * A signature that did not verify. `code` (an addition to the official class) names the
 * failed check in a stable, machine-readable way, e.g. `ERR_JWT_EXPIRED`. The same class from
 * `qstash-wasm` and `qstash-wasm/receiver`.
 */
export declare class SignatureError extends Error { readonly code?: string; constructor(message: string, code?: string); }

/** Keys for {@link Receiver}; when both keys are absent they come from `QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`. */
export type ReceiverConfig = {
  /** The current signing key (`sig_...`). */
  currentSigningKey?: string;
  /** The next signing key, used after a key rotation. */
  nextSigningKey?: string;
  /** `true`: the local dev server's keys; `false`: never; unset: read `QSTASH_DEV`. */
  devMode?: boolean;
};

/** What {@link Receiver.verify} checks. */
export type VerifyRequest = {
  /** The `Upstash-Signature` header. */
  signature: string;
  /** The raw request body: a string (hashed as UTF-8) or the exact bytes. */
  body: string | Uint8Array | ArrayBuffer;
  /** The URL the message was sent to; checked against the token's `sub` when given. */
  url?: string;
  /** Seconds of tolerance for `exp`/`nbf`. @default 0 */
  clockTolerance?: number;
  /** The `Upstash-Region` header, for multi-region key selection via `QSTASH_REGION`. */
  upstashRegion?: string;
};

/**
 * Verifies QStash deliveries; a drop-in for `@upstash/qstash`'s `Receiver`.
 *
 * @example
 * ```ts
 * import { Receiver, SignatureError } from "qstash-wasm"; // or "qstash-wasm/receiver"
 * const receiver = new Receiver({ currentSigningKey: "sig_...", nextSigningKey: "sig_..." });
 * try {
 *   await receiver.verify({ signature: req.headers.get("upstash-signature")!, body: await req.text() });
 * } catch (e) {
 *   if (e instanceof SignatureError) console.log(e.code); // e.g. "ERR_JWT_EXPIRED"
 * }
 * ```
 */
export declare class Receiver {
  // Own fields at run time, as in the official (which declares them so too); assigning one in
  // JS changes the keys the next verify uses.
  private readonly currentSigningKey?;
  private readonly nextSigningKey?;
  private readonly devMode?;
  constructor(config?: ReceiverConfig);
  /** Resolves `true`, or rejects with a {@link SignatureError}. */
  verify(request: VerifyRequest): Promise<boolean>;
  /** {@link Receiver.verify} without a Promise: returns `true` or throws. */
  verifySync(request: VerifyRequest): boolean;
  free(): void;
}

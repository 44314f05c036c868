// `SignatureError`, kept apart from errors.js so the receiver-only entries can bundle it into
// their single file (a cold start pays Node's ESM loader per module) and still throw the very
// class `qstash-wasm` exports: `instanceof` must hold across both entries. The class is
// registered under a global symbol, so whichever entry loads first defines it and every later
// copy (the other entry, or a user's bundle holding both) reuses it.

const KEY = Symbol.for("qstash-wasm.SignatureError");

/**
 * A signature that did not verify. `code` (an addition to the official class) names the
 * failed check in a stable, machine-readable way, e.g. `ERR_JWT_EXPIRED`.
 */
export const SignatureError = (globalThis[KEY] ??= class SignatureError extends Error {
  code;
  constructor(message, code) {
    super(message);
    this.name = "SignatureError";
    this.code = code;
  }
});

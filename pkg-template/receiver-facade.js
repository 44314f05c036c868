// The public `Receiver` class, shared by the main entry (`qstash-wasm`) and the receiver-only
// entry (`qstash-wasm/receiver`): a thin facade over the wasm `ReceiverCore` of either build.
//
// All checks, key choice and error messages live in the wasm (src/js/receiver.rs over
// src/signing); this file only
//   - reads the request once and, in the common case (both keys in the config, dev mode off,
//     well-typed fields), writes its fields into a scratch buffer in wasm memory and
//     calls `verifyScratch` (`verifyBytes` when they do not fit), which skips reading the
//     object field by field from wasm. Anything else goes to `verifySync(request)`, the
//     complete official logic, so every error is produced in one place;
//   - hashes large bodies with the platform's native SHA-256 (node:crypto where the runtime has
//     it without cost, Node; Web Crypto `subtle.digest` in `verify` elsewhere, Deno included) and passes the
//     digest, instead of copying the body into wasm memory and hashing it there.
// The digest replaces only the body hash: the token checks and their order are unchanged.

import { envVar } from "./env.js";

/** Deno has node:crypto too, but reaching it builds Deno's Node layer (its `process` global),
 * ~30 ms on first use (see env.js), which a Receiver's cold start must not pay. So on Deno only
 * bodies of 64 KiB or more are hashed with node:crypto: from there it beats Web Crypto's
 * `subtle.digest` (a thread hop, and a copy of the text into bytes) by ~0.1 ms at 64 KiB and
 * ~1 ms per MiB, so the one-off cost is soon repaid (the official pays it on its first verify
 * of any body, reading `process.env`). Smaller bodies: `subtle.digest` in `verify` from 4 KiB,
 * wasm below that and in `verifySync`. */
const IS_DENO = typeof globalThis.Deno === "object";
/** Bodies at least this long (UTF-16 units or bytes) are hashed with node:crypto; shorter ones
 * cost less to copy into wasm and hash there. Crossover measured with this facade (a loop of
 * verifySync at 0-2 KiB): ~100 B on Node 20. */
const NATIVE_HASH_MIN = IS_DENO ? 64 * 1024 : 128;
/** `subtle.digest` is asynchronous (a task hop, tens of µs), so only large bodies use it: from
 * 4 KiB on Deno (the crossover with wasm, measured), from 32 KiB where node:crypto is missing. */
const SUBTLE_HASH_MIN = IS_DENO ? 4 * 1024 : 32 * 1024;

/** The most the scratch buffer grows to (bytes). A request is written there with
 * `TextEncoder.encodeInto` (native, the same UTF-8 with lone surrogates as U+FFFD) and
 * `Uint8Array.set`, without the allocation, JS copy loop and free of each wasm-bindgen string
 * argument (a fifth of a 1 KiB verify on Node) or its ~4 µs per KiB on Deno 2. Larger
 * requests, which only bodies hashed in wasm make, are passed as one encoded copy instead, so
 * the buffer (one per wasm module, shared by its receivers) stays at most this large. */
const SCRATCH_MAX = 64 * 1024;
/** What the scratch buffer starts with: a QStash token and url, and a small body. */
const SCRATCH_MIN = 4 * 1024;
const utf8 = new TextEncoder();

/** SHA-256 with node:crypto, synchronously, as unpadded base64url (the cheapest output to
 * produce and to hand to wasm); `null` where the runtime has no node:crypto built-in (workerd
 * without nodejs_compat, browsers). Resolved on first use, so a cold start that only sees small
 * bodies never loads node:crypto. */
let nativeSha256Fn;
function nativeSha256() {
  if (nativeSha256Fn === undefined) {
    nativeSha256Fn = null;
    let c;
    try {
      c = globalThis.process?.getBuiltinModule?.("node:crypto");
    } catch {
      c = undefined;
    }
    if (typeof c?.hash === "function") {
      nativeSha256Fn = (data) => c.hash("sha256", data, "base64url");
    } else if (typeof c?.createHash === "function") {
      nativeSha256Fn = (data) => c.createHash("sha256").update(data).digest("base64url");
    }
  }
  return nativeSha256Fn;
}

/** The body as bytes when it is a byte body; `undefined` for anything else. */
function bytesOf(body) {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/** The body's SHA-256 from node:crypto when the body is large enough and the runtime has it;
 * otherwise `undefined` (the wasm hashes it). */
function nativeDigest(body) {
  let data;
  if (typeof body === "string") data = body.length >= NATIVE_HASH_MIN ? body : undefined;
  else {
    const bytes = bytesOf(body);
    data = bytes !== undefined && bytes.byteLength >= NATIVE_HASH_MIN ? bytes : undefined;
  }
  if (data === undefined) return undefined;
  const hash = nativeSha256();
  return hash === null ? undefined : hash(data);
}

/** Whether `verify` hashes a body of `size` with `subtle.digest`: a large body where
 * node:crypto will not hash it (on Deno, below its threshold, without asking for it: asking
 * loads it). */
function wantsSubtle(size) {
  if (size < SUBTLE_HASH_MIN) return false;
  if (IS_DENO && size < NATIVE_HASH_MIN) return true;
  return nativeSha256() === null;
}

/** The bytes to give `subtle.digest` when `verify` hashes the body with it; else `undefined`. */
function subtleInput(body) {
  if (typeof body === "string") return wantsSubtle(body.length) ? utf8.encode(body) : undefined;
  const bytes = bytesOf(body);
  return bytes !== undefined && wantsSubtle(bytes.byteLength) ? bytes : undefined;
}

/** Dev mode is off for this call: `config.devMode === false`, or unset and `QSTASH_DEV` unset,
 * empty, "false" or "0" (as the wasm reads it; an unreadable environment counts as unset).
 * Anything else takes the complete path, which decides (and may throw) as the official. */
function devModeOff(devMode) {
  if (devMode !== undefined) return !devMode;
  const v = envVar("QSTASH_DEV");
  return typeof v !== "string" || v === "" || v === "false" || v === "0";
}

/** The `Receiver` class over a wasm-bindgen `ReceiverCore` class. */
export function defineReceiver(Core) {
  // The module's scratch buffer (one for all receivers of this wasm), as a view of wasm memory;
  // emptied when the memory grows (its buffer is detached), then renewed.
  let scratch = new Uint8Array(0);
  /** The scratch buffer with room for `size` bytes. */
  const scratchView = (size) => {
    if (scratch.byteLength < size) {
      const capacity = Math.max(size, scratch.byteLength, SCRATCH_MIN);
      // Growing the buffer may grow the memory: its buffer is read after.
      const address = Core.scratch(capacity);
      scratch = new Uint8Array(Core.memory().buffer, address, capacity);
    }
    return scratch;
  };

  class Receiver {
    #core;
    #configKeys;
    #devMode;
    /** The three public fields as the core was built from them. */
    #built;
    // The official's own fields, in its order: `Object.keys`, spreading and JSON give the same,
    // and, as there, assigning one changes the keys the next verify uses.
    currentSigningKey;
    nextSigningKey;
    devMode;

    /** `new Receiver({ currentSigningKey?, nextSigningKey?, devMode? })`. */
    constructor(config) {
      this.#setCore(new Core(config));
      this.currentSigningKey = config?.currentSigningKey;
      this.nextSigningKey = config?.nextSigningKey;
      this.devMode = config?.devMode;
      this.#built = [this.currentSigningKey, this.nextSigningKey, this.devMode];
    }

    #setCore(core) {
      this.#core = core;
      this.#configKeys = core.hasConfigKeys;
      this.#devMode = core.devMode;
    }

    /** Rebuilds the core when a public field was assigned since it was built. */
    #current() {
      const built = this.#built;
      if (this.currentSigningKey === built[0] && this.nextSigningKey === built[1] && this.devMode === built[2]) return;
      const fields = [this.currentSigningKey, this.nextSigningKey, this.devMode];
      const core = new Core({ currentSigningKey: fields[0], nextSigningKey: fields[1], devMode: fields[2] });
      this.#core.free();
      this.#setCore(core);
      this.#built = fields;
    }

    /** Resolves `true` or rejects with a `SignatureError` (a plain `Error` when no keys exist). */
    verify(request) {
      try {
        const body = typeof request === "object" && request !== null ? request.body : undefined;
        const bytes = subtleInput(body);
        // A large body where node:crypto is missing: Web Crypto hashes it (asynchronously).
        // Elsewhere #run hashes it with node:crypto, or the wasm does.
        const subtle = bytes === undefined ? undefined : globalThis.crypto?.subtle;
        if (subtle !== undefined) {
          let digest;
          try {
            digest = subtle.digest("SHA-256", bytes);
          } catch {
            // e.g. a view of a SharedArrayBuffer: let the wasm hash it.
            return Promise.resolve(this.#run(request, undefined));
          }
          return digest.then(
            (d) => this.#run(request, new Uint8Array(d)),
            () => this.#run(request, undefined),
          );
        }
        return Promise.resolve(this.#run(request, undefined));
      } catch (e) {
        return Promise.reject(e);
      }
    }

    /** `verify` without the Promise: returns `true` or throws. */
    verifySync(request) {
      return this.#run(request, undefined);
    }

    /** Frees the wasm memory now instead of at garbage collection. */
    free() {
      this.#core.free();
    }

    /** Verifies `request`; `digest` is the body's SHA-256 when already computed (32 bytes from
     * Web Crypto; node:crypto's unpadded base64url string is computed here). */
    #run(request, digest) {
      this.#current();
      if (typeof request === "object" && request !== null && this.#configKeys && devModeOff(this.#devMode)) {
        const { signature, body, url, clockTolerance } = request;
        if (
          typeof signature === "string" &&
          (url === undefined || typeof url === "string") &&
          (clockTolerance === undefined || typeof clockTolerance === "number")
        ) {
          const tolerance = clockTolerance ?? 0;
          if (digest === undefined) digest = nativeDigest(body);
          let text;
          let bytes;
          let size;
          if (digest !== undefined) {
            // node:crypto's base64url (43 chars, ASCII) or Web Crypto's 32 bytes.
            if (typeof digest === "string") text = digest;
            else bytes = digest;
            size = digest.length;
          } else if (typeof body === "string") {
            text = body;
            size = 3 * body.length;
          } else {
            bytes = bytesOf(body);
            size = bytes?.byteLength;
          }
          if (size !== undefined) {
            const tokenSize = 3 * (signature.length + (url === undefined ? 0 : url.length));
            if (tokenSize + size <= SCRATCH_MAX) {
              const view = scratchView(tokenSize + size);
              const signatureLen = utf8.encodeInto(signature, view).written;
              let at = signatureLen;
              let urlLen;
              if (url !== undefined) {
                urlLen = utf8.encodeInto(url, view.subarray(at)).written;
                at += urlLen;
              }
              let bodyLen;
              if (text !== undefined) bodyLen = utf8.encodeInto(text, view.subarray(at)).written;
              else {
                view.set(bytes, at);
                bodyLen = bytes.byteLength;
              }
              return this.#core.verifyScratch(signatureLen, urlLen, bodyLen, digest !== undefined, tolerance, Date.now());
            }
            // A large body that the wasm hashes: one encoded copy. (A huge token takes the
            // complete path below.)
            if (digest === undefined && tokenSize <= SCRATCH_MAX) {
              return this.#core.verifyBytes(signature, bytes ?? utf8.encode(text), false, url, tolerance, Date.now());
            }
          }
        }
      }
      if (digest === undefined) {
        digest = nativeDigest(typeof request === "object" && request !== null ? request.body : undefined);
      }
      return this.#core.verifySync(request, digest);
    }

  }
  if (typeof Symbol.dispose === "symbol") Receiver.prototype[Symbol.dispose] = Receiver.prototype.free;
  return Receiver;
}

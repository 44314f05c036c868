// `qstash-wasm/h3`: the h3 adapter of `@upstash/qstash/h3` (its deprecated Workflow `serve`
// is not provided). It uses the application's own h3 (an optional peer dependency, h3 1.x:
// the official bundles a copy of h3 1.x, whose event shape this follows).
import { defineEventHandler, getHeader, readRawBody } from "h3";
import { adapterReceiver } from "./platforms.js";

/**
 * Wraps an h3 event handler so it runs only for verified QStash deliveries. Keys come from
 * `config` or `QSTASH_CURRENT_SIGNING_KEY` / `QSTASH_NEXT_SIGNING_KEY`.
 *
 * As in the official, a missing `Upstash-Signature` header is answered with the object
 * `{ status: 403, body: "`Upstash-Signature` header is missing" }`, which h3 sends as a JSON
 * body with HTTP status 200; a bad signature throws `SignatureError` (h3 answers 500); the raw
 * body is left in `event._requestBody`, so `readBody` / `readRawBody` in the handler still work.
 *
 * One deliberate difference: the signature is checked against the raw body as received. The
 * official checks it against `JSON.stringify(rawBody)` (the text in quotes), which no QStash
 * delivery with a body can match, so there every such delivery is rejected.
 */
export const verifySignatureH3 = (handler, config) => {
  const receiver = adapterReceiver(config, false);
  return defineEventHandler(async (event) => {
    const signature = getHeader(event, "upstash-signature");
    if (!signature) {
      return { status: 403, body: "`Upstash-Signature` header is missing" };
    }
    if (typeof signature !== "string") {
      throw new TypeError("`Upstash-Signature` header is not a string");
    }
    const upstashRegion = getHeader(event, "upstash-region");
    // `undefined` for a request without a body (h3 reads none): the empty body, as the
    // official's `JSON.stringify(undefined)` ends up hashing too.
    const body = await readRawBody(event);
    const isValid = await receiver.verify({
      signature,
      body: body ?? "",
      clockTolerance: config?.clockTolerance,
      upstashRegion: typeof upstashRegion === "string" ? upstashRegion : undefined,
    });
    // `verify` resolves only `true` (it throws otherwise); kept as the official has it.
    if (!isValid) {
      return { status: 403, body: "invalid signature" };
    }
    event._requestBody = body;
    return handler(event);
  });
};

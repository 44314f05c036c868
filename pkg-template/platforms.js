// What the framework adapters (nextjs.js, h3.js, svelte.js, solidjs.js) share: how they find
// their keys, when they refuse to start, and the Receiver they verify with. Same rules and
// messages as `@upstash/qstash` 2.12's platforms/*.ts.
//
// The Receiver comes from `#receiver` (package.json "imports"): the receiver-only entry, picked
// per runtime with the same conditions as `qstash-wasm/receiver` (workerd, deno, browser, node),
// so each runtime loads its own way of instantiating the wasm and an adapter never loads the
// Client. Environment variables are read with env.js (Deno.env on Deno, process.env elsewhere,
// unset where neither exists), where the official reads `process.env` directly and so throws a
// ReferenceError on a runtime without `process`.
import { Receiver } from "#receiver";
import { devModeFromEnv, envVar } from "./env.js";

/** The official's message when neither a key nor QSTASH_REGION is to be found. */
const MISSING_KEYS =
  "currentSigningKey and nextSigningKey are required, either in the config or as env variables (QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY)";

/**
 * The Receiver an adapter verifies with, made when the adapter wraps the handler, as in the
 * official: each key from `config`, else from the environment. Throws `Error(MISSING_KEYS)` when
 * both keys are missing, QSTASH_REGION is unset and (Next.js adapters only, `devModeAware`) dev
 * mode is off; the Next.js adapters also hand `config.devMode` to the Receiver, the others
 * leave it to read QSTASH_DEV itself.
 */
export function adapterReceiver(config, devModeAware) {
  const currentSigningKey = config?.currentSigningKey ?? envVar("QSTASH_CURRENT_SIGNING_KEY");
  const nextSigningKey = config?.nextSigningKey ?? envVar("QSTASH_NEXT_SIGNING_KEY");
  const devMode = devModeAware && (config?.devMode !== undefined ? config.devMode : devModeFromEnv());
  if (!devMode && !currentSigningKey && !nextSigningKey && !envVar("QSTASH_REGION")) {
    throw new Error(MISSING_KEYS);
  }
  return new Receiver(
    devModeAware ? { currentSigningKey, nextSigningKey, devMode: config?.devMode } : { currentSigningKey, nextSigningKey },
  );
}

/**
 * The check every Web-`Request` adapter makes before calling its handler (the official repeats
 * it in each): `undefined` when `request` carries a verified delivery, else the 403 `Response`
 * that `respond(text)` builds (the Next.js adapters send bytes, the others a string, which sets
 * a content type). A header that is not a string is a `TypeError`, a bad signature the
 * Receiver's `SignatureError`. `readBody` reads the raw body, from a clone so the handler can
 * read it again.
 */
export async function rejectUnverified(receiver, request, readBody, config, respond) {
  const signature = request.headers.get("upstash-signature");
  if (!signature) {
    return respond("`Upstash-Signature` header is missing");
  }
  if (typeof signature !== "string") {
    throw new TypeError("`Upstash-Signature` header is not a string");
  }
  const upstashRegion = request.headers.get("upstash-region");
  const body = await readBody();
  const isValid = await receiver.verify({
    signature,
    body,
    clockTolerance: config?.clockTolerance,
    upstashRegion: upstashRegion ?? undefined,
  });
  // `verify` resolves only `true` (it throws otherwise); kept as the official has it.
  return isValid ? undefined : respond("invalid signature");
}

const forbidden = (text) => new Response(text, { status: 403 });

/**
 * The SvelteKit and SolidStart adapter (the two are the same in the official): `handler(event)`
 * runs only for a request whose `Upstash-Signature` verifies against the raw body
 * (`event.request.clone().text()`, so the handler can still read it). No header: a 403
 * `Response`; a bad signature: the Receiver's `SignatureError` is thrown.
 */
export function verifyEventRequest(handler, config) {
  const receiver = adapterReceiver(config, false);
  return async (event) => {
    const request = event.request;
    const rejected = await rejectUnverified(receiver, request, () => request.clone().text(), config, forbidden);
    return rejected ?? handler(event);
  };
}

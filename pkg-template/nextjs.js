// `qstash-wasm/nextjs` (also `qstash-wasm/dist/nextjs`): the Next.js adapters of
// `@upstash/qstash/nextjs` 2.12, same names, responses and errors, and its `registerQStashDev`.
// Not provided: the deprecated Workflow `serve` / `servePagesRouter`.
import { adapterReceiver, rejectUnverified } from "./platforms.js";

const BAD_REQUEST = 400;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Concatenates a Node request's chunks (Buffers, or strings after `setEncoding`, taken as
 * UTF-8) and decodes them as UTF-8, invalid sequences becoming U+FFFD, as `Buffer#toString`. */
async function readNodeBody(request) {
  const chunks = [];
  let length = 0;
  for await (const chunk of request) {
    const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.byteLength;
  }
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return decoder.decode(all);
}

/**
 * Pages router (`pages/api/*`): wraps a `NextApiHandler`. The body is read raw from the request
 * stream, so the route must export `config = { api: { bodyParser: false } }` (with the body
 * parser on, the stream is already consumed and the signature cannot match). On success
 * `req.body` is the parsed JSON (when `content-type` is exactly `application/json`) or the text,
 * and the handler's result is returned. No `Upstash-Signature` header: 400 and
 * "`Upstash-Signature` header is missing"; a bad signature throws `SignatureError`.
 */
export function verifySignature(handler, config) {
  const receiver = adapterReceiver(config, true);
  return async (request, response) => {
    const signature = request.headers["upstash-signature"];
    if (!signature) {
      response.status(BAD_REQUEST);
      response.send("`Upstash-Signature` header is missing");
      response.end();
      return;
    }
    if (typeof signature !== "string") {
      throw new TypeError("`Upstash-Signature` header is not a string");
    }
    const upstashRegion = request.headers["upstash-region"];
    const body = await readNodeBody(request);
    const isValid = await receiver.verify({
      signature,
      body,
      clockTolerance: config?.clockTolerance,
      upstashRegion: typeof upstashRegion === "string" ? upstashRegion : undefined,
    });
    // `verify` resolves only `true` (it throws otherwise); kept as the official has it.
    if (!isValid) {
      response.status(BAD_REQUEST);
      response.send("Invalid signature");
      response.end();
      return;
    }
    try {
      request.body = request.headers["content-type"] === "application/json" ? JSON.parse(body) : body;
    } catch {
      request.body = body;
    }
    return handler(request, response);
  };
}

/** The app router and edge adapters (the same code in the official): verifies a Web `Request`
 * against `request.clone().text()` and calls `handler(request, second)`. */
function verifyWebRequest(handler, config) {
  const receiver = adapterReceiver(config, true);
  return async (request, second) => {
    // Cloned before anything else, as in the official: a request whose body was already read
    // throws here, even without a signature header.
    const requestClone = request.clone();
    const rejected = await rejectUnverified(receiver, request, () => requestClone.text(), config, forbiddenBytes);
    return rejected ?? handler(request, second);
  };
}

const forbiddenBytes = (text) => new Response(encoder.encode(text), { status: 403 });

/**
 * Edge API routes and middleware: wraps `(request, nfe) => Response`. No `Upstash-Signature`
 * header: 403 "`Upstash-Signature` header is missing"; a bad signature throws `SignatureError`.
 */
export function verifySignatureEdge(handler, config) {
  return verifyWebRequest(handler, config);
}

/**
 * App router route handlers (`app/**\/route.ts`): wraps `(request, context) => Response`. No
 * `Upstash-Signature` header: 403 "`Upstash-Signature` header is missing"; a bad signature
 * throws `SignatureError`.
 */
export function verifySignatureAppRouter(handler, config) {
  return verifyWebRequest(handler, config);
}

/**
 * For Next.js' `instrumentation.ts` (`export { registerQStashDev as register }`): runs
 * `startDevServer()` from `qstash-wasm`, as the official's does. The main entry (the Client's
 * wasm) is loaded only when this is called; the adapters above need just the Receiver.
 */
export async function registerQStashDev() {
  const { startDevServer } = await import("#main");
  await startDevServer();
}

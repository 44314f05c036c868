// Types of `qstash-wasm/nextjs`, the Next.js adapters of `@upstash/qstash/nextjs`.
//
// The official declares these with Next.js' own types (`NextApiHandler`, `NextRequest`,
// `NextFetchEvent`), which makes `next` a requirement of any program that type-checks them.
// Here the framework types are structural and generic instead: a handler typed with Next.js'
// types keeps them (the wrapper has the handler's own parameter types, and is assignable where
// Next.js expects a `NextApiHandler` or a route handler), and without `next` installed
// everything still compiles.

/** Options of every Next.js adapter. */
export type VerifySignatureConfig = {
  /** The current signing key; default `QSTASH_CURRENT_SIGNING_KEY`. */
  currentSigningKey?: string;
  /** The next signing key; default `QSTASH_NEXT_SIGNING_KEY`. */
  nextSigningKey?: string;
  /**
   * The url of this api route, including the protocol. Accepted for compatibility; as in
   * `@upstash/qstash` 2.12, the adapters do not check the token's subject against it.
   */
  url?: string;
  /**
   * Seconds of tolerance for the `nbf` and `exp` claims, for clock differences between servers.
   *
   * @default 0
   */
  clockTolerance?: number;
  /**
   * Use the local dev server's signing keys: `true` always, `false` never (ignores
   * `QSTASH_DEV`), unset: when `QSTASH_DEV` is `1` or `true`.
   *
   * @default undefined
   */
  devMode?: boolean;
};

/**
 * What {@link verifySignature} uses of a pages-router request (Next.js' `NextApiRequest`, a
 * Node `IncomingMessage`): its headers and its body stream. `body` is set to the parsed body.
 */
export interface PagesApiRequest extends AsyncIterable<Uint8Array | string> {
  headers: { [name: string]: string | string[] | undefined };
  body?: unknown;
}

/**
 * What {@link verifySignature} uses of a pages-router response (Next.js' `NextApiResponse`).
 * `send` takes `never` so that a response typed for its data (`NextApiResponse<Data>`, whose
 * `send` takes `Data`) fits too: the official accepts those as well (its parameter is
 * `NextApiHandler<any>`), and sends its 400 text through them all the same.
 */
export interface PagesApiResponse {
  status(statusCode: number): unknown;
  send: (body: never) => void;
  end(): unknown;
}

/**
 * Pages router (`pages/api/*`): runs `handler` only for a verified QStash delivery. The body
 * is read raw from the request, so the route must turn Next.js' body parser off. On success
 * `req.body` is the parsed JSON (for `content-type: application/json`) or the text. A missing
 * `Upstash-Signature` header answers 400; a bad signature throws `SignatureError`.
 *
 * @example
 * ```ts
 * import type { NextApiRequest, NextApiResponse } from "next";
 * import { verifySignature } from "qstash-wasm/nextjs";
 *
 * async function handler(req: NextApiRequest, res: NextApiResponse) {
 *   console.log(req.body);
 *   res.status(200).end();
 * }
 * export default verifySignature(handler);
 * export const config = { api: { bodyParser: false } };
 * ```
 */
export declare function verifySignature<Req extends PagesApiRequest, Res extends PagesApiResponse>(
  handler: (req: Req, res: Res) => unknown,
  config?: VerifySignatureConfig,
): (req: Req, res: Res) => Promise<unknown>;

/**
 * Edge API routes and middleware: runs `handler` only for a verified QStash delivery (the body
 * is read from `request.clone()`, so the handler can read it again). A missing
 * `Upstash-Signature` header answers 403; a bad signature throws `SignatureError`.
 *
 * @example
 * ```ts
 * import { verifySignatureEdge } from "qstash-wasm/nextjs";
 * export default verifySignatureEdge(async (request) => new Response(await request.text()));
 * export const config = { runtime: "edge" };
 * ```
 */
export declare function verifySignatureEdge<R extends Request, E = unknown>(
  handler: (request: R, nfe?: E) => Response | Promise<Response>,
  config?: VerifySignatureConfig,
): (request: R, nfe: E) => Promise<Response>;

/** What an app-router handler given to {@link verifySignatureAppRouter} returns. */
export type VerifySignatureAppRouterResponse = Response | Promise<Response>;

/**
 * App router route handlers (`app/.../route.ts`): runs `handler` only for a verified QStash
 * delivery (the body is read from `request.clone()`, so the handler can read it again). A
 * missing `Upstash-Signature` header answers 403; a bad signature throws `SignatureError`.
 * The second argument (Next.js' route context) reaches the handler as given; its type is the
 * handler's (the official types it `any`).
 *
 * @example
 * ```ts
 * import { verifySignatureAppRouter } from "qstash-wasm/nextjs";
 * export const POST = verifySignatureAppRouter(async (request: Request) => {
 *   const body = await request.json();
 *   return Response.json({ received: body });
 * });
 * ```
 */
export declare function verifySignatureAppRouter<R extends Request = Request, P = unknown>(
  handler: (request: R, params: P) => VerifySignatureAppRouterResponse,
  config?: VerifySignatureConfig,
): (request: R | Request, params?: P) => Promise<Response>;

/**
 * Starts the local QStash server when `QSTASH_DEV` is `1`/`true`: `startDevServer()` from
 * `qstash-wasm`, for Next.js' `instrumentation.ts`. Never rejects: failures are logged.
 *
 * @example
 * ```ts
 * // instrumentation.ts
 * export { registerQStashDev as register } from "qstash-wasm/nextjs";
 * ```
 */
export declare function registerQStashDev(): Promise<void>;

// Type test: the framework subpaths as a consumer without next, @sveltejs/kit or
// @solidjs/start types them (tsc --noEmit, deno check). h3 and Nuxt: platforms-h3.ts.
import { registerQStashDev, verifySignature, verifySignatureAppRouter, verifySignatureEdge, type VerifySignatureConfig } from "qstash-wasm/nextjs";
import { verifySignatureAppRouter as fromDist } from "qstash-wasm/dist/nextjs";
import { verifySignatureSvelte } from "qstash-wasm/svelte";
import { verifySignatureSolidjs } from "qstash-wasm/solidjs";

const config: VerifySignatureConfig = { currentSigningKey: "sig_a", nextSigningKey: "sig_b", clockTolerance: 5, devMode: false, url: "https://e.x" };

// App router: the handler's request type is kept; the wrapper is a route handler.
class NextRequestLike extends Request { readonly nextUrl = new URL("https://e.x"); }
const POST: (request: Request, params?: unknown) => Promise<Response> = verifySignatureAppRouter(async (req: Request) => new Response(await req.text()), config);
const POST2 = verifySignatureAppRouter(async (req: NextRequestLike, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  return new Response(req.nextUrl.pathname + id);
});
const r2: Promise<Response> = POST2(new NextRequestLike("https://e.x"), { params: Promise.resolve({ id: "1" }) });
// @ts-expect-error the route context has the handler's type
POST2(new NextRequestLike("https://e.x"), { params: { id: 1 } });
const r3: Promise<Response> = POST(new Request("https://e.x"));
const dist: typeof verifySignatureAppRouter = fromDist;
// @ts-expect-error a handler must answer a Response
verifySignatureAppRouter(async () => "not a response");

// Edge: request and event types come from the handler.
type FetchEventLike = { waitUntil(p: Promise<unknown>): void };
const edge: (req: Request, nfe: FetchEventLike) => Promise<Response> = verifySignatureEdge((req: Request, nfe?: FetchEventLike) => {
  nfe?.waitUntil(Promise.resolve());
  return new Response(req.url);
});

// Pages router: Node-style request/response types of the caller's own (here structural).
type ApiRequest = AsyncIterable<Uint8Array> & { headers: Record<string, string | string[] | undefined>; body: any; query: Record<string, string> };
type ApiResponse = { status(code: number): ApiResponse; send(body: string): void; json(body: unknown): void; end(): void };
const pages: (req: ApiRequest, res: ApiResponse) => Promise<unknown> = verifySignature((req: ApiRequest, res: ApiResponse) => {
  res.status(200).json({ got: req.body, q: req.query });
});
// @ts-expect-error the request must have headers
verifySignature((req: { body: string }, res: ApiResponse) => res.end());

// SvelteKit and SolidStart: the event type is the handler's.
type SvelteEvent = { request: Request; params: { id: string }; locals: object };
const svelte: (event: SvelteEvent) => Promise<Response> = verifySignatureSvelte(async ({ request, params }: SvelteEvent) => new Response(params.id + (await request.text())));
type SolidEvent = { request: Request; params: { [k: string]: string } };
const solid: (event: SolidEvent) => Promise<unknown> = verifySignatureSolidjs(async (event: SolidEvent) => ({ ok: event.params.x }));
// Shaped like SvelteKit's `RequestHandler<Params>` and SolidStart's `APIHandler`: an
// unannotated handler gets its event type from the declared route type.
type RequestHandlerLike<P> = (event: { request: Request; params: P }) => Response | Promise<Response>;
const svelteRoute: RequestHandlerLike<{ id: string }> = verifySignatureSvelte(async (event) => new Response(event.params.id));
interface APIHandlerLike { (event: { request: Request; params: { [key: string]: string } }): Promise<any> }
const solidRoute: APIHandlerLike = verifySignatureSolidjs(async (event) => new Response(event.params.x));
// @ts-expect-error the event must carry a request
verifySignatureSvelte(async (e: { params: object }) => new Response(""));

void POST; void r2; void dist; void edge; void pages; void svelte; void solid; void svelteRoute; void solidRoute;

// instrumentation.ts
export const register: () => Promise<void> = registerQStashDev;

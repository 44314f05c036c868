#!/usr/bin/env node
// Type-level drop-in check: code type-checked against `@upstash/qstash` must type-check unchanged
// against `qstash-wasm`.
//
//   node tests/types/compat.mjs <dir-of-installed-qstash-wasm> [--keep] [--verbose]
//
// 1. Lists, with the TypeScript compiler API (the `typescript/unstable/sync` API of TypeScript 7:
//    getExportsOfModule on the resolved module symbols, getPropertiesOfType on class types,
//    getSignaturesOfType on member types), every export of `@upstash/qstash` and of the in-scope
//    subpaths (nextjs, dist/nextjs, h3, nuxt, svelte, solidjs), and of the matching `qstash-wasm`
//    entries.
// 2. Writes `compat.ts` into a throwaway project under the OS temp dir with one check per line:
//    - every official export exists in ours, as a value if it is one and as a type if it is one
//      (a generic type with the official's number of type arguments, and without any when the
//      official's all have defaults);
//    - classes: ours' constructor takes every official constructor argument list
//      (ConstructorParameters official → ours); for every public instance and static member:
//      methods and callable properties as a whole signature (ours → official's type: ours is usable
//      where the official's is, generics unified by the checker), their parameters (official →
//      ours, checked strictly: method parameters are otherwise compared bivariantly) and their
//      return type (ours → official); other properties and getters are read (ours → official) and,
//      where the official's is writable, written (official → ours, which also fails on a
//      `readonly` or getter-only member of ours); classes without private members also as a whole
//      instance (ours → official); an official class that is not exported but is what a member or
//      function gives (`client.dlq`, `client.queue()`, `client.workflow`, `openai()`) is checked
//      member by member in the same way;
//    - functions and consts: whole signature (ours → official), parameters (official → ours),
//      return type (ours → official); a non-callable const is read (ours → official);
//    Parameters and result are checked apart from the whole signature except for generic
//    functions and callable properties, whose whole-signature check is already strict (see
//    splitSignature).
//    - types: official → ours for what users build and pass in, ours → official for what they read,
//      both for the rest (DIRECTION below; unlisted types are checked both ways); generic types are
//      instantiated with the samples in SAMPLES (unconstrained ones with `unknown` and an object).
// 3. Compiles it with the project's `tsc` (strict, module nodenext, skipLibCheck false) and reports
//    every failing check: one line per check group, then each failure with its tsc error.
//    Differences that are deliberate are in ALLOWED below, each with its reason; an allowed check
//    that passes is reported as stale (so the list stays exact). Exits non-zero on any failure.
//
// Framework types: the official's nextjs/svelte/solidjs declarations import `next`,
// `next/server`, `@sveltejs/kit` and `@solidjs/start/server`, which are not installed here; an
// unresolved import would make those types `any` and every check on them pass. FRAMEWORK_STUBS
// declares the parts of those modules the declarations use, copied from the frameworks' own
// declarations (Next.js 14 `shared/lib/utils.ts` and `server/web/spec-extension/*`,
// SvelteKit 2 `exports/public.d.ts`, SolidStart 1 `server/types.ts`); they reference @types/node
// (Next's request extends `IncomingMessage`), which is therefore in the program. `h3` and
// `neverthrow` resolve to this repository's node_modules for both packages (one copy, so h3's
// classes are the same).
//
// Private members: the project gets a copy of the official's declarations with its classes'
// `private` members removed (found with the compiler API, cut by node position). A private member
// is no API, but it makes a class nominal: no other package's class, however equal its public
// members, is assignable to it, so every cross-package comparison through a class (`client.dlq`,
// `client.chat()`) would fail whatever ours declares. Users who switch never mix the two packages'
// objects; what they need is ours' public members against the official's, which is what is left.
// (The whole-instance check runs only for classes that had no private members.)
//
// Output: one `PASS|FAIL  <entry>: <group>: N checks` line per group, then every failing check as
// `[group] <check id>`, what it checks, and tsc's error (official types shown as `official.X`, ours
// as `ours.X`). `--verbose` also prints the allowed failures and the out-of-scope exports;
// `--keep` keeps the throwaway project (it is kept anyway on failure).

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const KEEP = args.includes("--keep");
const VERBOSE = args.includes("--verbose");
const pkgArg = args.find((a) => !a.startsWith("--"));
if (!pkgArg) {
  console.error("usage: node tests/types/compat.mjs <dir-of-installed-qstash-wasm> [--keep] [--verbose]");
  process.exit(2);
}
const PKG = realpathSync(resolve(pkgArg));
if (!existsSync(join(PKG, "package.json")) || !existsSync(join(PKG, "index.d.ts"))) {
  console.error(`compat: ${PKG} is not an installed qstash-wasm (no package.json / index.d.ts)`);
  process.exit(2);
}
const OFFICIAL = realpathSync(join(ROOT, "node_modules/@upstash/qstash"));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

// ---------------------------------------------------------------------------------------------
// Scope

/** Official entry → ours. Workflow, hono and cloudflare subpaths are out of scope. */
const ENTRIES = [
  { id: "main", official: "@upstash/qstash", ours: "qstash-wasm" },
  { id: "nextjs", official: "@upstash/qstash/nextjs", ours: "qstash-wasm/nextjs" },
  { id: "dist/nextjs", official: "@upstash/qstash/dist/nextjs", ours: "qstash-wasm/dist/nextjs" },
  { id: "h3", official: "@upstash/qstash/h3", ours: "qstash-wasm/h3" },
  { id: "nuxt", official: "@upstash/qstash/nuxt", ours: "qstash-wasm/nuxt" },
  { id: "svelte", official: "@upstash/qstash/svelte", ours: "qstash-wasm/svelte" },
  { id: "solidjs", official: "@upstash/qstash/solidjs", ours: "qstash-wasm/solidjs" },
];

/**
 * Official exports not checked, with the reason. An entry here whose name ours does export is
 * checked anyway (the brief: Workflow is out of scope unless ours exports the same name).
 */
const OUT_OF_SCOPE = {
  "nextjs:serve": "Upstash Workflow `serve` (deprecated in 2.7.17; moved to @upstash/workflow): out of scope",
  "nextjs:servePagesRouter": "Upstash Workflow `servePagesRouter`: out of scope",
  "dist/nextjs:serve": "Upstash Workflow `serve`: out of scope",
  "dist/nextjs:servePagesRouter": "Upstash Workflow `servePagesRouter`: out of scope",
  "h3:serve": "Upstash Workflow `serve`: out of scope",
  "svelte:serve": "Upstash Workflow `serve`: out of scope",
  "solidjs:serve": "Upstash Workflow `serve`: out of scope",
};

// ---------------------------------------------------------------------------------------------
// Directions of exported types

/**
 * "in": users build these and pass them to the package: official → ours (ours may be wider).
 * "out": users read these from the package: ours → official (ours may be narrower).
 * "both": both (literal unions and shapes that appear in requests and in results).
 * Unlisted types are checked both ways.
 */
const DIRECTION = {
  // requests and options
  AddEndpointsRequest: "in",
  BodyInit: "in",
  HeadersInit: "in",
  ChatRequest: "in",
  PromptChatRequest: "in",
  CreateScheduleRequest: "in",
  EventsRequest: "in",
  LogsRequest: "in",
  FlowControl: "in",
  PinFlowControlOptions: "in",
  UnpinFlowControlOptions: "in",
  PublishRequest: "in",
  PublishBatchRequest: "in",
  PublishJsonRequest: "in",
  QueueRequest: "in",
  ReceiverConfig: "in",
  RemoveEndpointsRequest: "in",
  RequestOptions: "in",
  StreamEnabled: "in",
  StreamDisabled: "in",
  StreamParameter: "in",
  VerifyRequest: "in",
  VerifySignatureConfig: "in",
  RateLimit: "in", // constructor argument of the rate-limit errors
  ChatRateLimit: "in", // constructor argument of QstashChatRatelimitError
  // results
  ChatCompletion: "out",
  ChatCompletionChunk: "out",
  Event: "out",
  EventPayload: "out",
  FlowControlInfo: "out",
  GetEventsPayload: "out",
  GetEventsResponse: "out",
  GetLogsPayload: "out",
  GetLogsResponse: "out",
  GlobalParallelismInfo: "out",
  Log: "out",
  LogPayload: "out",
  Message: "out",
  MessagePayload: "out",
  PublishResponse: "out",
  PublishToApiResponse: "out",
  PublishToUrlGroupsResponse: "out",
  PublishToUrlResponse: "out",
  Schedule: "out",
  UrlGroup: "out",
  WithCursor: "out",
  // both ways
  ChatCompletionMessage: "both", // chat request messages and completion messages
  Endpoint: "both", // AddEndpointsRequest and UrlGroup
  HTTPMethods: "both",
  OpenAIChatModel: "both",
  State: "both",
};

/**
 * Type arguments to instantiate each official generic type with; `$` is the package's namespace
 * (`O` for the official, `W` for ours), so `$.StreamEnabled` is each side's own type.
 */
const SAMPLES = {
  ChatRequest: [["$.StreamEnabled"], ["$.StreamDisabled"], ["$.StreamParameter"], ["{ stream: true }"], ["{ stream: false }"]],
  PromptChatRequest: [["$.StreamEnabled"], ["$.StreamDisabled"], ["$.StreamParameter"], ["{ stream: true }"], ["{ stream: false }"]],
  PublishRequest: [[], ["$.BodyInit"], ["string"], ["unknown"], ["{ sample: number }"]],
  PublishBatchRequest: [[], ["$.BodyInit"], ["string"], ["unknown"], ["{ sample: number }"]],
  PublishResponse: [["{ url: string }"], ["{ urlGroup: string }"], ["{ api: { name: \"llm\" } }"], ["$.PublishRequest"], ["unknown"]],
  WithCursor: [["unknown"], ["{ sample: number }"], ["$.Message"]],
};

// ---------------------------------------------------------------------------------------------
// Deliberate differences

/**
 * Check id → reason. Ids are printed with each failure: `<entry>:<export>` followed by
 * `:present`, `:new`, `#member:sig|params|return|read|write`, `.static:…`, `:sig|params|return`,
 * `:instance`, or `:type<args>:in|out`.
 */
const ALLOWED = {
  // The official's sub-API classes take its internal requester (`new Messages(client.http)`).
  // Ours are wasm objects the Client makes (`client.messages`, …); their constructors are
  // declared private because calling one yields an object whose methods throw "null pointer
  // passed to rust".
  "main:Messages:new": "ours' Messages is made by the Client only (wasm object; no JS requester to take)",
  "main:Schedules:new": "ours' Schedules is made by the Client only (wasm object; no JS requester to take)",
  "main:UrlGroups:new": "ours' UrlGroups is made by the Client only (wasm object; no JS requester to take)",
  "main:FlowControlApi:new": "ours' FlowControlApi is made by the Client only (wasm object; no JS requester to take)",
  // The official's `client.http` is a plain field holding its HttpClient, so code may replace it
  // (e.g. with a stub); ours' Client sends from wasm, which would not use a JS object put there,
  // so `http` is a getter (reading it works: `Client#http:read` is checked).
  "main:Client#http:write": "ours' requests are sent from wasm: `client.http` is read-only (a getter)",
};

// ---------------------------------------------------------------------------------------------
// Framework stubs (see the header)

const FRAMEWORK_STUBS = `// Parts of framework declarations the official's subpath declarations import; see compat.mjs.
/// <reference types="node" />
// h3 1.x's H3Event implements \`Pick<FetchEvent, "respondWith">\`: the service-worker global, in
// neither lib dom nor @types/node (lib webworker and workers-types declare it).
interface FetchEvent extends Event {
  respondWith(r: Response | PromiseLike<Response>): void;
}
declare module "next" {
  import type { IncomingMessage, ServerResponse } from "node:http";
  // next 14: packages/next/src/shared/lib/utils.ts
  export interface NextApiRequest extends IncomingMessage {
    query: Partial<{ [key: string]: string | string[] }>;
    cookies: Partial<{ [key: string]: string }>;
    body: any;
    env: { [key: string]: string | undefined };
    draftMode?: boolean;
    preview?: boolean;
    previewData?: string | false | object | undefined;
  }
  type Send<T> = (body: T) => void;
  export type NextApiResponse<Data = any> = ServerResponse & {
    send: Send<Data>;
    json: Send<Data>;
    status: (statusCode: number) => NextApiResponse<Data>;
    redirect(url: string): NextApiResponse<Data>;
    redirect(status: number, url: string): NextApiResponse<Data>;
    setDraftMode: (options: { enable: boolean }) => NextApiResponse<Data>;
    setPreviewData: (data: object | string, options?: { maxAge?: number; path?: string }) => NextApiResponse<Data>;
    clearPreviewData: (options?: { path?: string }) => NextApiResponse<Data>;
    revalidate: (urlPath: string, opts?: { unstable_onlyGenerated?: boolean }) => Promise<void>;
  };
  export type NextApiHandler<T = any> = (req: NextApiRequest, res: NextApiResponse<T>) => unknown | Promise<unknown>;
}
declare module "next/server" {
  // next 14: packages/next/src/server/web/spec-extension/{request,fetch-event}.ts
  const INTERNALS: unique symbol;
  export class RequestCookies {
    get(name: string): { name: string; value: string } | undefined;
    getAll(): { name: string; value: string }[];
    has(name: string): boolean;
  }
  export class NextURL extends URL {
    get buildId(): string | undefined;
    get locale(): string;
  }
  export class NextRequest extends Request {
    [INTERNALS]: { cookies: RequestCookies; geo: object; ip?: string; url: string; nextUrl: NextURL };
    constructor(input: URL | RequestInfo, init?: RequestInit);
    get cookies(): RequestCookies;
    get geo(): { city?: string; country?: string; region?: string; latitude?: string; longitude?: string } | undefined;
    get ip(): string | undefined;
    get nextUrl(): NextURL;
    /** @deprecated */ get page(): void;
    /** @deprecated */ get ua(): void;
    get url(): string;
  }
  class FetchEvent {
    constructor(_request: Request);
    respondWith(response: Response | Promise<Response>): void;
    passThroughOnException(): void;
    waitUntil(promise: Promise<any>): void;
  }
  export class NextFetchEvent extends FetchEvent {
    sourcePage: string;
    constructor(params: { request: NextRequest; page: string });
    /** @deprecated */ get request(): void;
    /** @deprecated */ respondWith(): void;
  }
}
declare module "@sveltejs/kit" {
  // SvelteKit 2: packages/kit/src/exports/public.d.ts
  type MaybePromise<T> = T | Promise<T>;
  export interface Cookies {
    get: (name: string, opts?: object) => string | undefined;
    getAll: (opts?: object) => Array<{ name: string; value: string }>;
    set: (name: string, value: string, opts: { path: string }) => void;
    delete: (name: string, opts: { path: string }) => void;
    serialize: (name: string, value: string, opts: { path: string }) => string;
  }
  export interface RequestEvent<
    Params extends Partial<Record<string, string>> = Partial<Record<string, string>>,
    RouteId extends string | null = string | null,
  > {
    cookies: Cookies;
    fetch: typeof fetch;
    getClientAddress: () => string;
    locals: { [key: string]: unknown };
    params: Params;
    platform: Readonly<{ [key: string]: unknown }> | undefined;
    request: Request;
    route: { id: RouteId };
    setHeaders: (headers: Record<string, string>) => void;
    url: URL;
    isDataRequest: boolean;
    isSubRequest: boolean;
  }
  export type RequestHandler<
    Params extends Partial<Record<string, string>> = Partial<Record<string, string>>,
    RouteId extends string | null = string | null,
  > = (event: RequestEvent<Params, RouteId>) => MaybePromise<Response>;
}
declare module "@solidjs/start/server" {
  // SolidStart 1: packages/start/src/server/types.ts
  import type { H3Event } from "h3";
  export interface ResponseStub {
    status?: number;
    statusText?: string;
    headers: Headers;
  }
  export interface FetchEvent {
    request: Request;
    response: ResponseStub;
    clientAddress?: string;
    locals: { [key: string]: unknown };
    nativeEvent: H3Event;
  }
  export interface APIEvent extends FetchEvent {
    params: { [key: string]: string };
  }
  export type APIHandler = (event: APIEvent) => Promise<any>;
}
`;

// ---------------------------------------------------------------------------------------------
// Throwaway project

const WORK = mkdtempSync(join(tmpdir(), "qstash-compat-"));
const OFFICIAL_COPY = join(WORK, "node_modules/@upstash/qstash");
mkdirSync(join(WORK, "node_modules/@upstash"), { recursive: true });
symlinkSync(PKG, join(WORK, "node_modules/qstash-wasm"), "dir");
// A copy of the official's declarations: its classes' private members are removed below.
cpSync(OFFICIAL, OFFICIAL_COPY, {
  recursive: true,
  filter: (src) => src === OFFICIAL || /\.d\.m?ts$|(^|\/)package\.json$/.test(src),
});
writeFileSync(join(WORK, "package.json"), JSON.stringify({ name: "qstash-compat", private: true, type: "module" }) + "\n");
writeFileSync(join(WORK, "frameworks.d.ts"), FRAMEWORK_STUBS);
const tsconfig = (files) => ({
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022", "dom", "dom.iterable"],
    types: [],
    typeRoots: [join(ROOT, "node_modules/@types")],
    skipLibCheck: false,
    // One copy of each for both packages, wherever the installed package lives.
    paths: {
      h3: [join(ROOT, "node_modules/h3/dist/index.d.ts")],
      neverthrow: [join(ROOT, "node_modules/neverthrow/dist/index.d.ts")],
    },
  },
  files,
});
writeFileSync(join(WORK, "tsconfig.json"), JSON.stringify(tsconfig(["frameworks.d.ts", "probe.ts"]), null, 2));
writeFileSync(
  join(WORK, "probe.ts"),
  ENTRIES.flatMap((e, i) => [`import * as O${i} from "${e.official}";`, `import * as W${i} from "${e.ours}";`]).join("\n") + "\n",
);

// ---------------------------------------------------------------------------------------------
// Exports, through the compiler API

const { API, SymbolFlags, SignatureKind } = await import(join(ROOT, "node_modules/typescript/dist/api/sync/api.js"));
const { SyntaxKind } = await import(join(ROOT, "node_modules/typescript/dist/ast/index.js"));

const api = new API({ cwd: WORK });
const model = [];
const stripped = []; // { fileName, text, ranges }
const officialNames = new Map(); // official file (no extension) → short export name → name
try {
  const configPath = join(WORK, "tsconfig.json");
  const snapshot = api.updateSnapshot({ openProjects: [configPath] });
  const project = snapshot.getProject(configPath);
  const checker = project.checker;
  const probe = project.program.getSourceFile(join(WORK, "probe.ts"));
  const imports = probe.statements.filter((s) => s.moduleSpecifier);

  const resolveSymbol = (s) => (s.flags & SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const declOf = (sym) => sym.declarations?.[0]?.resolve(project);
  const hasModifier = (node, kind) => Array.from(node?.modifiers ?? []).some((m) => m.kind === kind);
  const isHidden = (member) =>
    member.name.startsWith("__#") ||
    member.name === "prototype" ||
    (member.declarations ?? []).some((d) => {
      const node = d.resolve(project);
      return hasModifier(node, SyntaxKind.PrivateKeyword) || hasModifier(node, SyntaxKind.ProtectedKeyword);
    });
  const signaturesOf = (type) => (type ? checker.getSignaturesOfType(type, SignatureKind.Call) : []);
  const isGenericSig = (sigs) => sigs.some((s) => (s.typeParameters?.length ?? 0) > 0);

  const inPackages = (sym) =>
    (sym.declarations ?? []).some((d) => d.path?.startsWith(OFFICIAL_COPY + "/") || d.path?.startsWith(PKG + "/"));
  /**
   * The members of a class (or, on our side, also an interface) of one of the two packages that a
   * member's value or single signature's result is an instance of, to check it member by member
   * where the official's class is not exported (`client.dlq`, `client.queue()`, `openai()`).
   */
  const nestedOf = (type, via, depth, seen) => {
    const sym = type?.getSymbol?.();
    if (!sym || !(sym.flags & (SymbolFlags.Class | SymbolFlags.Interface)) || !inPackages(sym)) return undefined;
    if (depth >= 2 || seen.has(sym.id)) return undefined;
    return {
      via,
      className: sym.name,
      isClass: (sym.flags & SymbolFlags.Class) !== 0,
      members: membersOf(type, depth + 1, new Set([...seen, sym.id])),
    };
  };
  /** Public members of a class side (instance or static), or of any object type. */
  const membersOf = (type, depth = 0, seen = new Set()) => {
    const out = new Map();
    for (const m of checker.getPropertiesOfType(type)) {
      const hidden = isHidden(m);
      const node = declOf(m);
      const mType = checker.getTypeOfSymbol(m);
      const sigs = signaturesOf(mType);
      const isAccessor = (m.flags & (SymbolFlags.GetAccessor | SymbolFlags.SetAccessor)) !== 0;
      const callable = sigs.length > 0 && !isAccessor;
      out.set(m.name, {
        name: m.name,
        hidden,
        callable,
        method: (m.flags & SymbolFlags.Method) !== 0,
        generic: isGenericSig(sigs),
        // Official members users may assign to: a property without `readonly`, or a setter.
        writable:
          (m.flags & SymbolFlags.SetAccessor) !== 0 ||
          ((m.flags & SymbolFlags.Property) !== 0 && !hasModifier(node, SyntaxKind.ReadonlyKeyword)),
        nested: hidden
          ? undefined
          : callable
            ? sigs.length === 1 && !isGenericSig(sigs)
              ? nestedOf(checker.getReturnTypeOfSignature(sigs[0]), "return", depth, seen)
              : undefined
            : nestedOf(mType, "read", depth, seen),
      });
    }
    return out;
  };

  /** One export: what kind of thing it is and what the checks need to know. */
  const describe = (exportSymbol) => {
    const sym = resolveSymbol(exportSymbol);
    const flags = sym.flags;
    const d = { name: exportSymbol.name, flags };
    d.isClass = (flags & SymbolFlags.Class) !== 0;
    d.isValue = (flags & SymbolFlags.Value) !== 0;
    d.isType = (flags & SymbolFlags.Type) !== 0;
    d.isTypeOnly = d.isType && !d.isValue;
    if (d.isClass) {
      const node = declOf(sym);
      const instance = checker.getDeclaredTypeOfSymbol(sym);
      const ctor = checker.getTypeOfSymbol(sym);
      d.instance = membersOf(instance);
      d.statics = membersOf(ctor);
      d.abstract = hasModifier(node, SyntaxKind.AbstractKeyword);
      const ctorDecls = (node?.members ? Array.from(node.members) : []).filter((m) => m.kind === SyntaxKind.Constructor);
      d.ctorHidden = ctorDecls.some((c) => hasModifier(c, SyntaxKind.PrivateKeyword) || hasModifier(c, SyntaxKind.ProtectedKeyword));
      d.hasPrivate = [...d.instance.values()].some((m) => m.hidden);
      d.typeParams = node?.typeParameters ? Array.from(node.typeParameters).length : 0;
    } else if (d.isValue) {
      const sigs = signaturesOf(checker.getTypeOfSymbol(sym));
      d.callable = sigs.length > 0;
      d.generic = isGenericSig(sigs);
      if (sigs.length === 1 && !d.generic) d.nested = nestedOf(checker.getReturnTypeOfSignature(sigs[0]), "return", 0, new Set());
    }
    if (d.isTypeOnly) {
      const node = declOf(sym);
      const tps = node?.typeParameters ? Array.from(node.typeParameters) : [];
      d.typeParams = tps.map((tp) => ({ name: tp.name?.text, constraint: !!tp.constraint, default: !!tp.default }));
    }
    return d;
  };

  ENTRIES.forEach((entry, i) => {
    const [oImport, wImport] = [imports[2 * i], imports[2 * i + 1]];
    const oModule = checker.getSymbolAtLocation(oImport.moduleSpecifier);
    const wModule = checker.getSymbolAtLocation(wImport.moduleSpecifier);
    if (!oModule) throw new Error(`cannot resolve ${entry.official}`);
    if (!wModule) throw new Error(`cannot resolve ${entry.ours}`);
    const official = new Map(checker.getExportsOfModule(oModule).map((s) => [s.name, describe(s)]));
    const ours = new Map(checker.getExportsOfModule(wModule).map((s) => [s.name, describe(s)]));
    model.push({ entry, index: i, official, ours });
  });

  // Private members of the official's classes, to remove from its declarations (see the header).
  for (const fileName of project.program.getSourceFileNames()) {
    if (!fileName.startsWith(OFFICIAL_COPY + "/")) continue;
    const sourceFile = project.program.getSourceFile(fileName);
    const ranges = [];
    for (const statement of sourceFile.statements) {
      if (statement.kind !== SyntaxKind.ClassDeclaration) continue;
      for (const member of statement.members) {
        const privateName = member.name?.kind === SyntaxKind.PrivateIdentifier;
        if (privateName || hasModifier(member, SyntaxKind.PrivateKeyword)) ranges.push([member.pos, member.end]);
      }
    }
    if (ranges.length) stripped.push({ fileName, text: sourceFile.text, ranges });
    // The bundle's short export names (`ChatRequest as a9`), to print the real ones in errors.
    const names = new Map();
    for (const statement of sourceFile.statements) {
      if (statement.kind !== SyntaxKind.ExportDeclaration || !statement.exportClause?.elements) continue;
      for (const e of statement.exportClause.elements) if (e.propertyName) names.set(e.name.text, e.propertyName.text);
    }
    if (names.size) officialNames.set(fileName.replace(/\.d\.m?ts$/, ""), names);
  }
} finally {
  api.close();
}
for (const { fileName, text, ranges } of stripped) {
  let out = text;
  for (const [pos, end] of ranges.sort((a, b) => b[0] - a[0])) out = out.slice(0, pos) + out.slice(end);
  if (readFileSync(fileName, "utf8") !== text) throw new Error(`compat: ${fileName} changed while read`);
  writeFileSync(fileName, out);
}

// ---------------------------------------------------------------------------------------------
// The checks, one per line of compat.ts

const lines = [];
const checks = []; // { id, group, line, what }
const header = [
  "// Generated by tests/types/compat.mjs: each line below is one check. Not for editing.",
  ...model.map(({ entry, index }) => `import * as O${index} from "${entry.official}";\nimport * as W${index} from "${entry.ours}";`),
  "type Params<F> = F extends (...args: infer A) => unknown ? A : never;",
  "type Result<F> = F extends (...args: never) => infer R ? R : never;",
  "type CtorParams<C> = C extends abstract new (...args: infer A) => unknown ? A : never;",
  "declare function value<T>(): T;",
  "",
];
for (const h of header) lines.push(...h.split("\n"));

let counter = 0;
const add = (group, id, what, code) => {
  const v = `c${++counter}`;
  lines.push(code.replaceAll("$v", v));
  checks.push({ group, id, what, line: lines.length });
};
/** `target` accepts a value of `source`. */
const assign = (group, id, what, source, target) => add(group, id, what, `const $v: ${target} = value<${source}>();`);

/**
 * Whether to check parameters and result apart from the whole signature. `Params`/`Result` of a
 * generic signature see its type parameters' constraints, which is wrong where the generic ties a
 * parameter to the result or to a caller's type (ours' framework adapters take the handler's own
 * types); the whole-signature check unifies them. But a method's whole signature is compared with
 * bivariant parameters, so for methods the split (strict) checks run even when generic.
 */
const splitSignature = (o, w) => o.method || !(o.generic || w?.generic);

/**
 * Checks of each public member of an official class side (`members`) against ours' (types `oType`
 * and `wType`), ids `<idPrefix><sep><member>`.
 */
/**
 * A callable (a method, a function, a callable const) `o` of the official with type `oT` against
 * ours, `w` with type `wT`: the whole signature (ours → official), its parameters (official →
 * ours) and result (ours → official) where `splitSignature` says they are checked apart, and
 * the official classes its result leads to.
 */
function callableChecks(g, officialExports, id, label, o, w, oT, wT) {
  assign(g, `${id}:sig`, `\`${label}\` signature: ours → official`, wT, oT);
  if (splitSignature(o, w)) {
    assign(g, `${id}:params`, `\`${label}\` parameters: official → ours`, `Params<${oT}>`, `Params<${wT}>`);
    assign(g, `${id}:return`, `\`${label}\` result: ours → official`, `Result<${wT}>`, `Result<${oT}>`);
  }
  nestedChecks(g, officialExports, `${id}()`, `${label}()`, o, w, `Result<${oT}>`, `Result<${wT}>`);
}

function memberChecks(g, officialExports, idPrefix, label, members, ourMembers, sep, oType, wType) {
  for (const m of members.values()) {
    if (m.hidden) continue;
    const wm = ourMembers?.get(m.name);
    const mid = `${idPrefix}${sep}${m.name}`;
    const mlabel = `${label}.${m.name}`;
    const oM = `${oType}[${JSON.stringify(m.name)}]`;
    const wM = `${wType}[${JSON.stringify(m.name)}]`;
    if (m.callable) {
      callableChecks(g, officialExports, mid, mlabel, m, wm, oM, wM);
    } else {
      assign(g, `${mid}:read`, `\`${mlabel}\` read: ours → official`, wM, oM);
      if (m.writable)
        add(g, `${mid}:write`, `\`${mlabel}\` assigned an official value: official → ours (writable)`,
          `const $v = (x: ${oM}) => { value<${wType}>()[${JSON.stringify(m.name)}] = x; };`);
      nestedChecks(g, officialExports, mid, mlabel, m, wm, oM, wM);
    }
  }
}

/**
 * Member checks of an official class that is not exported but reachable (`client.dlq`,
 * `client.queue()`, `openai()`): only as strict as its members are checked one by one, since a
 * whole-object comparison compares methods' parameters bivariantly.
 */
function nestedChecks(g, officialExports, idPrefix, label, o, w, oType, wType) {
  const n = o.nested;
  if (!n || !n.isClass || officialExports.has(n.className)) return;
  memberChecks(g, officialExports, idPrefix, label, n.members, w?.nested?.members, "#", oType, wType);
}

const skipped = [];
for (const { entry, index, official, ours } of model) {
  const O = `O${index}`;
  const W = `W${index}`;
  for (const [name, o] of official) {
    const key = `${entry.id}:${name}`;
    if (OUT_OF_SCOPE[key] && !ours.has(name)) {
      skipped.push(`${key}: ${OUT_OF_SCOPE[key]}`);
      continue;
    }
    const w = ours.get(name);
    const gExports = `${entry.id}: exports`;
    // Presence, as a value and as a type.
    if (o.isValue) add(gExports, `${key}:present`, `ours exports value \`${name}\``, `const $v = ${W}.${name};`);
    if (o.isType) {
      if (o.isTypeOnly && o.typeParams.length) {
        const arities = new Set([o.typeParams.length, o.typeParams.filter((t) => !t.default).length]);
        for (const n of arities)
          add(gExports, `${key}:present<${n}>`, `ours exports type \`${name}\` taking ${n} type argument(s)`,
            `type T_$v = ${W}.${name}${n ? `<${Array(n).fill("any").join(", ")}>` : ""};`);
      } else {
        add(gExports, `${key}:present:type`, `ours exports type \`${name}\``, `type T_$v = ${W}.${name};`);
      }
    }
    if (!w) continue; // the presence checks above fail; nothing more to compare

    if (o.isClass) {
      const g = `${entry.id}: classes`;
      if (!o.abstract && !o.ctorHidden)
        assign(g, `${key}:new`, `\`new ${name}(…)\`: official constructor arguments → ours`,
          `CtorParams<typeof ${O}.${name}>`, `CtorParams<typeof ${W}.${name}>`);
      if (!o.hasPrivate)
        assign(g, `${key}:instance`, `a \`${name}\` instance: ours → official`, `${W}.${name}`, `${O}.${name}`);
      memberChecks(g, official, key, name, o.instance, w.instance, "#", `${O}.${name}`, `${W}.${name}`);
      memberChecks(g, official, key, name, o.statics, w.statics, ".static:", `(typeof ${O}.${name})`, `(typeof ${W}.${name})`);
    } else if (o.isValue) {
      const g = `${entry.id}: functions and consts`;
      const oT = `typeof ${O}.${name}`;
      const wT = `typeof ${W}.${name}`;
      if (o.callable) {
        callableChecks(g, official, key, name, o, w, oT, wT);
      } else {
        assign(g, `${key}:read`, `\`${name}\` read: ours → official`, wT, oT);
      }
    }

    if (o.isTypeOnly) {
      const g = `${entry.id}: types`;
      const dir = DIRECTION[name] ?? "both";
      let instantiations = [[]];
      if (o.typeParams.length) {
        instantiations = SAMPLES[name];
        if (!instantiations) {
          if (o.typeParams.some((t) => t.constraint)) throw new Error(`compat: add SAMPLES.${name} (a constrained generic type)`);
          instantiations = [o.typeParams.map(() => "unknown"), o.typeParams.map(() => "{ sample: number }")];
        }
      }
      for (const targs of instantiations) {
        const show = targs.length ? `<${targs.join(", ")}>` : "";
        const on = (ns) => (targs.length ? `<${targs.map((t) => t.replaceAll("$.", `${ns}.`)).join(", ")}>` : "");
        const oT = `${O}.${name}${on(O)}`;
        const wT = `${W}.${name}${on(W)}`;
        if (dir === "in" || dir === "both")
          assign(g, `${key}:type${show}:in`, `\`${name}${show}\`: official → ours`, oT, wT);
        if (dir === "out" || dir === "both")
          assign(g, `${key}:type${show}:out`, `\`${name}${show}\`: ours → official`, wT, oT);
      }
    }
  }
}

writeFileSync(join(WORK, "compat.ts"), lines.join("\n") + "\n");
writeFileSync(join(WORK, "tsconfig.json"), JSON.stringify(tsconfig(["frameworks.d.ts", "compat.ts"]), null, 2));

// ---------------------------------------------------------------------------------------------
// Compile and report

const run = spawnSync(process.execPath, [TSC, "-p", WORK, "--pretty", "false"], { encoding: "utf8", cwd: WORK });
if (run.error) throw run.error;
const diagnostics = [];
for (const text of (run.stdout + run.stderr).split("\n")) {
  const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(text);
  if (m) diagnostics.push({ file: m[1], line: Number(m[2]), code: m[4], message: m[5] });
  else if (text.trim() && diagnostics.length) diagnostics[diagnostics.length - 1].message += "\n" + text;
  else if (text.trim()) diagnostics.push({ file: "", line: 0, code: "", message: text });
}

const byLine = new Map(checks.map((c) => [c.line, c]));
const failed = new Map(); // check → diagnostics
const other = [];
for (const d of diagnostics) {
  const check = d.file.endsWith("compat.ts") ? byLine.get(d.line) : undefined;
  if (check) {
    if (!failed.has(check)) failed.set(check, []);
    failed.get(check).push(d);
  } else other.push(d);
}

const groups = new Map();
for (const c of checks) {
  if (!groups.has(c.group)) groups.set(c.group, { total: 0, failed: [], allowed: [], stale: [] });
  const g = groups.get(c.group);
  g.total++;
  const allowed = Object.hasOwn(ALLOWED, c.id);
  if (failed.has(c)) (allowed ? g.allowed : g.failed).push(c);
  else if (allowed) g.stale.push(c);
}

let bad = other.length > 0;
for (const [name, g] of groups) {
  const ok = g.failed.length === 0 && g.stale.length === 0;
  if (!ok) bad = true;
  const notes = [
    g.failed.length && `${g.failed.length} failed`,
    g.allowed.length && `${g.allowed.length} allowed`,
    g.stale.length && `${g.stale.length} stale allowlist entries`,
  ].filter(Boolean);
  console.log(`${ok ? "PASS" : "FAIL"}  ${name}: ${g.total} checks${notes.length ? ` (${notes.join(", ")})` : ""}`);
}
if (other.length) console.log(`FAIL  declarations: ${other.length} error(s) outside the checks`);
if (skipped.length) console.log(`SKIP  out of scope: ${skipped.length} official exports (Upstash Workflow; --verbose lists them)`);

// Shorter type names in tsc's messages: `official.X` / `ours.X` instead of `import("<path>").X`.
const shorten = (text) =>
  text
    .replace(/import\("([^"]+)"\)\.([\w$]+)/g, (all, path, name) =>
      path.startsWith(OFFICIAL_COPY + "/")
        ? `official.${officialNames.get(path)?.get(name) ?? name}`
        : path.startsWith(PKG + "/") ? `ours.${name}` : all)
    .replaceAll(`"${PKG}/`, `"<qstash-wasm>/`);
const indent = (s) => shorten(s).split("\n").map((l) => `      ${l.trimEnd()}`).join("\n");
const firstLine = (ds) => ds.map((d) => `${d.code}: ${d.message}`).join("\n");
for (const [name, g] of groups) {
  for (const c of g.failed) console.log(`\n[${name}] ${c.id}\n  ${c.what}\n${indent(firstLine(failed.get(c)))}`);
  for (const c of g.stale) console.log(`\n[${name}] ${c.id}\n  passes but is in ALLOWED: remove the entry`);
  if (VERBOSE) for (const c of g.allowed) console.log(`\n[${name}] ${c.id} (allowed: ${ALLOWED[c.id]})\n${indent(firstLine(failed.get(c)))}`);
}
for (const d of other) console.log(`\n${d.file ? `${d.file}(${d.line})` : "tsc"}\n${indent(`${d.code}: ${d.message}`)}`);
const unknownAllowed = Object.keys(ALLOWED).filter((id) => !checks.some((c) => c.id === id));
const officialKeys = new Set(model.flatMap(({ entry, official }) => [...official.keys()].map((n) => `${entry.id}:${n}`)));
unknownAllowed.push(...Object.keys(OUT_OF_SCOPE).filter((key) => !officialKeys.has(key)));
for (const id of unknownAllowed) console.log(`\nALLOWED or OUT_OF_SCOPE has ${id}, which is no check or export: remove or fix the entry`);
if (unknownAllowed.length) bad = true;
if (VERBOSE) for (const s of skipped) console.log(`skipped ${s}`);

if (KEEP || bad) console.log(`\ncompat: project kept at ${WORK}`);
else rmSync(WORK, { recursive: true, force: true });
process.exitCode = bad ? 1 : 0;

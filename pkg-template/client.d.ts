/**
 * Types of the qstash-wasm `Client`: a drop-in for `@upstash/qstash`'s `Client`, implemented in
 * Rust and compiled to WebAssembly. Every name, option and result shape below equals the official
 * SDK's (version 2.12.0); additions are marked "qstash-wasm extension".
 *
 * @example
 * ```ts
 * import { Client } from "qstash-wasm";
 *
 * const client = new Client({ token: "<QSTASH_TOKEN>" });
 * const { messageId } = await client.publishJSON({
 *   url: "https://example.com/api/hook",
 *   body: { hello: "world" },
 *   delay: "10s",
 * });
 * ```
 *
 * @module
 */

// ── Shared primitives ────────────────────────────────────────────────────────────────────────────

/** A duration unit understood by QStash. */
export type Unit = "s" | "m" | "h" | "d";
/** A duration string such as `"10s"`, `"5m"`, `"1h"` or `"2d"`. */
export type Duration = `${bigint}${Unit}`;
/** The HTTP methods QStash can deliver with. */
export type HTTPMethods = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
/** The states a message goes through, as reported by the logs. */
export type State = "CREATED" | "ACTIVE" | "DELIVERED" | "ERROR" | "RETRY" | "FAILED" | "CANCELED" | "IN_PROGRESS";
/**
 * A message body: passed to `fetch` unchanged (plus `Uint8Array`/`ArrayBuffer`, which `fetch`
 * accepts as well).
 */
export type BodyInit = Blob | FormData | URLSearchParams | ReadableStream<Uint8Array> | string | Uint8Array | ArrayBuffer;
/** Headers in any form `new Headers(init)` accepts. */
export type HeadersInit = Headers | Record<string, string> | [string, string][] | IterableIterator<[string, string]>;
/** `RequestInit` with a `backend` name, as `@upstash/qstash` exports it (no method takes it). */
export type RequestOptions = RequestInit & {
  backend?: string;
};

/** Rate-limit fields of `QstashRatelimitError` and `QstashDailyRatelimitError`. */
export type RateLimit = {
  limit: string | null;
  remaining: string | null;
  reset: string | null;
};
/** Rate-limit fields of `QstashChatRatelimitError`, from the `x-ratelimit-*` response headers. */
export type ChatRateLimit = {
  "limit-requests": string | null;
  "limit-tokens": string | null;
  "remaining-requests": string | null;
  "remaining-tokens": string | null;
  "reset-requests": string | null;
  "reset-tokens": string | null;
};

// ── Client configuration ─────────────────────────────────────────────────────────────────────────

/**
 * How the client retries requests that fail on the network (`fetch` throws). HTTP error
 * responses are never retried. `false` means exactly one attempt.
 *
 * @example
 * ```ts
 * new Client({ token, retry: { retries: 3, backoff: (n) => 100 * 2 ** n } });
 * new Client({ token, retry: false });
 * ```
 */
export type RetryConfig =
  | false
  | {
      /**
       * The number of retries to attempt before giving up.
       * @default 5
       */
      retries?: number;
      /**
       * Receives the current retry count (0-based) and returns the milliseconds to wait.
       * @default (retryCount) => Math.exp(retryCount) * 50
       */
      backoff?: (retryCount: number) => number;
    };

/** Options of `new Client(config)`. */
export type ClientConfig = {
  /**
   * URL of the QStash API server. Falls back to `QSTASH_URL`, then `https://qstash.upstash.io`.
   * @default "https://qstash.upstash.io"
   */
  baseUrl?: string;
  /** The QStash token. Falls back to `QSTASH_TOKEN`. */
  token?: string;
  /** Network retry policy; see {@link RetryConfig}. */
  retry?: RetryConfig;
  /**
   * Headers added to every publish-family request (publish, batch, enqueue, schedule create).
   * Request headers override them. Non-`Upstash-*` names are forwarded (`Upstash-Forward-*`).
   */
  headers?: HeadersInit;
  /**
   * Send `Upstash-Telemetry-*` headers (sdk, platform, runtime) on publish-family requests.
   * Forced off by the `UPSTASH_DISABLE_TELEMETRY` environment variable.
   * @default true
   */
  enableTelemetry?: boolean;
  /**
   * Local development mode: `true` uses `http://127.0.0.1:${QSTASH_DEV_PORT ?? 8080}` with the
   * public dev token; `false` forces it off; `undefined` reads `QSTASH_DEV` (`1`/`true` on,
   * `0`/`false`/empty off, anything else throws). In dev mode the constructor starts the dev
   * server if nothing answers there (Node, Deno: `QSTASH_DEV_BINARY` or `qstash-dev` on PATH),
   * and every request waits for it first; on edge runtimes and in browsers each request pings
   * it and rejects when it is down. Nothing is checked when `NODE_ENV=production`.
   * @default undefined
   * @example
   * ```ts
   * const client = new Client({ devMode: true }); // http://127.0.0.1:8080, started if needed
   * await client.publishJSON({ url: "http://127.0.0.1:3000/api/hook", body: { hello: "world" } });
   * ```
   */
  devMode?: boolean;
};

// ── Flow control, API providers ──────────────────────────────────────────────────────────────────

type FlowControlPeriod = {
  /**
   * The interval for `rate`: seconds as a number, or a duration string.
   * @default "1s"
   */
  period?: Duration | number;
};
/**
 * Limits how many messages with the same key are active (`parallelism`) and how many start per
 * `period` (`rate`). At least one of `parallelism`, `rate` or `ratePerSecond` is required.
 *
 * @example
 * ```ts
 * await client.publishJSON({ url, body, flowControl: { key: "user-1", parallelism: 2, rate: 10, period: "1m" } });
 * ```
 */
export type FlowControl = {
  /** The flow-control key. */
  key: string;
} & (
  | ({ parallelism: number; rate?: number; /** @deprecated use `rate` */ ratePerSecond?: number } & FlowControlPeriod)
  | ({ parallelism?: number; rate?: number; /** @deprecated use `rate` */ ratePerSecond: number } & FlowControlPeriod)
  | ({ parallelism?: number; rate: number; /** @deprecated use `rate` */ ratePerSecond?: number } & FlowControlPeriod)
);

/** The kind of third-party API a provider talks to. */
export type ApiKind = "llm" | "email";
/** LLM provider owners. */
export type LLMOwner = "upstash" | "openai" | "anthropic" | "custom";
/** Email provider owners. */
export type EmailOwner = "resend";
/** Any provider owner. */
export type Owner = EmailOwner | LLMOwner;

/** What a provider resolves to: the URL, route and headers of the forwarded request. */
export type ProviderInfo = {
  /** Full URL used for the request. */
  url: string;
  /** Base URL of the request. */
  baseUrl: string;
  /** Route elements following the base URL. */
  route: string[];
  /** Headers to include in the request. */
  appendHeaders: Record<string, string>;
  /** Provider owner. */
  owner: Owner;
  /** Method to use in the request. */
  method: HTTPMethods;
};

/** The options `getHeaders` and `onFinish` of an LLM provider read (the `api` option's rest). */
export type LLMOptions = {
  /** Route through an analytics gateway. */
  analytics?: { name: "helicone"; token: string };
};

/**
 * What the Client needs of an API provider: the fields and methods of the official's
 * `BaseProvider`. {@link LLMProvider} and {@link EmailProvider} (from {@link openai},
 * {@link anthropic}, {@link custom}, {@link upstash} and {@link resend}) have them; so do
 * `@upstash/qstash`'s providers, subclasses, and objects written by hand. The Client calls the
 * methods when it publishes: `getUrl()`, `getRoute()`, `getHeaders(options)`, then
 * `onFinish(providerInfo, options)`, whose result it uses.
 */
export interface BaseProvider<TName extends ApiKind = ApiKind, TOwner extends Owner = Owner> {
  /** `"llm"` or `"email"`; must equal the `api` option's `name`. */
  readonly apiKind: TName;
  /** HTTP method of the forwarded request. */
  readonly method: HTTPMethods;
  /** Base URL of the provider API. */
  readonly baseUrl: string;
  /** API token of the provider. */
  token: string;
  /** Who runs the API. */
  readonly owner: TOwner;
  /** Route segments after the base URL. */
  getRoute(): string[];
  /** Headers for the forwarded request. */
  getHeaders(options: unknown): Record<string, string>;
  /** `baseUrl/route`. */
  getUrl(): string;
  /** Finishes the request description built from the above; the Client uses what it returns. */
  onFinish(providerInfo: ProviderInfo, options: unknown): ProviderInfo;
}
/**
 * An LLM provider, as {@link openai}, {@link anthropic}, {@link custom} and {@link upstash} make
 * it: a plain object with the official's fields (`baseUrl`, `token`, `owner`, `apiKind`,
 * `organization`, `method`), so it spreads, serialises and clones like one.
 * @example
 * ```ts
 * class Proxied extends LLMProvider<"openai"> {
 *   getUrl() { return "https://proxy.example.com/openai/v1/chat/completions"; }
 * }
 * const provider = new Proxied("https://api.openai.com", "sk-...", "openai");
 * ```
 */
export declare class LLMProvider<TOwner extends LLMOwner = LLMOwner> implements BaseProvider<"llm", LLMOwner> {
  readonly apiKind: "llm";
  /** OpenAI organization, sent as `OpenAI-Organization`. */
  readonly organization?: string;
  readonly method: "POST";
  readonly baseUrl: string;
  token: string;
  /** As the official types it: any LLM owner, so that every provider goes with every model
   * in a `ChatRequest` (the type parameter only types the constructor's `owner`). */
  readonly owner: LLMOwner;
  constructor(baseUrl: string, token: string, owner: TOwner, organization?: string);
  /** `["v1", "messages"]` for Anthropic, else `["v1", "chat", "completions"]`. */
  getRoute(): string[];
  /** The provider's auth and content headers (the Upstash LLM sends only a content type
   * unless `options.analytics` is set). */
  getHeaders(options: LLMOptions): Record<string, string>;
  /** `baseUrl/route`, with the route from `this.getRoute()`. */
  getUrl(): string;
  /** With `options.analytics` (Helicone), rewrites `providerInfo` in place to go through the
   * analytics gateway; returns `providerInfo`. */
  onFinish(providerInfo: ProviderInfo, options: LLMOptions): ProviderInfo;
}
/**
 * An email provider, as {@link resend} makes it: a plain object with the official's fields
 * (`baseUrl`, `token`, `owner`, `apiKind`, `batch`, `method`).
 * @example
 * ```ts
 * const provider = new EmailProvider("https://api.resend.com", "re_...", "resend", true);
 * ```
 */
export declare class EmailProvider implements BaseProvider<"email", EmailOwner> {
  readonly apiKind: "email";
  /** Use the batch endpoint (`/emails/batch`). */
  readonly batch: boolean;
  readonly method: "POST";
  readonly baseUrl: string;
  token: string;
  readonly owner: EmailOwner;
  constructor(baseUrl: string, token: string, owner: EmailOwner, batch: boolean);
  /** `["emails"]`, or `["emails", "batch"]`. */
  getRoute(): string[];
  /** `{ authorization: "Bearer <token>" }`. */
  getHeaders(_options: unknown): Record<string, string>;
  /** `baseUrl/route`, with the route from `this.getRoute()`. */
  getUrl(): string;
  /** Returns `providerInfo` unchanged. */
  onFinish(providerInfo: ProviderInfo, _options: unknown): ProviderInfo;
}

/** Publish to an LLM API (`api: { name: "llm", provider }`); a `callback` is required. */
export type PublishLLMApi = {
  name: "llm";
  /** @default upstash() */
  provider?: BaseProvider<"llm", LLMOwner>;
} & LLMOptions;
/** Publish to an email API (`api: { name: "email", provider: resend({ token }) }`). */
export type PublishEmailApi = {
  name: "email";
  provider: BaseProvider<"email", EmailOwner>;
};

/**
 * The Upstash LLM provider.
 * @deprecated as in `@upstash/qstash`: use another LLM provider.
 * @example
 * ```ts
 * await client.publishJSON({ api: { name: "llm", provider: upstash() }, body, callback });
 * ```
 */
export declare function upstash(): LLMProvider<"upstash">;
/**
 * The OpenAI provider (`https://api.openai.com/v1/chat/completions`).
 * @example
 * ```ts
 * await client.publishJSON({
 *   api: { name: "llm", provider: openai({ token: "sk-..." }) },
 *   body: { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] },
 *   callback: "https://example.com/llm-callback",
 * });
 * ```
 */
export declare function openai(options: { token: string; organization?: string }): LLMProvider<"openai">;
/**
 * The Anthropic provider (`https://api.anthropic.com/v1/messages`).
 * @example
 * ```ts
 * const provider = anthropic({ token: "sk-ant-..." });
 * ```
 */
export declare function anthropic(options: { token: string }): LLMProvider<"anthropic">;
/**
 * Any OpenAI-compatible provider. A trailing `/v1/chat/completions` or `/chat/completions` is
 * stripped from `baseUrl`.
 * @example
 * ```ts
 * const provider = custom({ baseUrl: "https://api.together.xyz", token: "..." });
 * ```
 */
export declare function custom(options: { baseUrl: string; token: string }): LLMProvider<"custom">;
/**
 * The Resend email provider (`https://api.resend.com/emails`, or `/emails/batch`).
 * @example
 * ```ts
 * await client.publishJSON({
 *   api: { name: "email", provider: resend({ token: "re_..." }) },
 *   body: { from: "a@example.com", to: ["b@example.com"], subject: "Hi", html: "<p>Hi</p>" },
 * });
 * ```
 */
export declare function resend(options: { token: string; batch?: boolean }): EmailProvider;

// ── Publish ──────────────────────────────────────────────────────────────────────────────────────

/** Which parts of a message QStash redacts in logs and the console. */
export type Redact = {
  /** Redact the body. */
  body?: true;
  /** `true` redacts every header; a list redacts the named headers. */
  header?: true | string[];
};

/** Options shared by every publish-family request. */
export type PublishOptions<TBody = BodyInit> = {
  /** The message body; set a `Content-Type` header accordingly. */
  body?: TBody;
  /**
   * Headers forwarded to the destination (as `Upstash-Forward-*`); `Content-Type` and
   * `Upstash-*` names are sent as they are.
   */
  headers?: HeadersInit;
  /**
   * Delay delivery: seconds as a number (rounded), or a duration string.
   * @default undefined
   */
  delay?: Duration | number;
  /**
   * Deliver no earlier than this unix timestamp (seconds). Overrides `delay`.
   * @default undefined
   */
  notBefore?: number;
  /** Id used to drop duplicates (kept for 90 days). */
  deduplicationId?: string;
  /**
   * Use a hash of the message as its deduplication id.
   * @default false
   */
  contentBasedDeduplication?: boolean;
  /**
   * How many times delivery is retried.
   * @default 3
   */
  retries?: number;
  /**
   * Delay between retries in milliseconds, as an expression of `retried`
   * (`pow sqrt abs exp floor ceil round min max`), e.g. `"pow(2, retried) * 1000"`.
   */
  retryDelay?: string;
  /** URL that receives the delivery failure. */
  failureCallback?: string;
  /**
   * Method used to deliver the message.
   * @default "POST"
   */
  method?: HTTPMethods;
  /**
   * Delivery timeout: seconds as a number, or a duration string.
   * @default undefined
   */
  timeout?: Duration | number;
  /** Flow control; see {@link FlowControl}. */
  flowControl?: FlowControl;
  /** One or more labels for filtering logs (sent comma-separated). */
  label?: string | string[];
  /** Fields redacted in logs; see {@link Redact}. */
  redact?: Redact;
};

/** Where a message goes: exactly one of `url`, `urlGroup`, `api` or (deprecated) `topic`. */
export type PublishDestination =
  | {
      /** The URL the message is delivered to. */
      url: string;
      urlGroup?: never;
      api?: never;
      topic?: never;
      /** URL that receives the destination's response. */
      callback?: string;
    }
  | {
      url?: never;
      /** The URL group the message is delivered to. */
      urlGroup: string;
      api?: never;
      topic?: never;
      /** URL that receives the destination's response. */
      callback?: string;
    }
  | {
      url?: string;
      urlGroup?: never;
      /** An LLM API. */
      api: PublishLLMApi;
      topic?: never;
      /** Required for LLM APIs: receives the LLM's answer. */
      callback: string;
    }
  | {
      url?: never;
      urlGroup?: never;
      /** An email API. */
      api: PublishEmailApi;
      topic?: never;
      /** URL that receives the destination's response. */
      callback?: string;
    }
  | {
      url?: never;
      urlGroup?: never;
      api?: never;
      /** @deprecated use `urlGroup`. */
      topic?: string;
      /** URL that receives the destination's response. */
      callback?: string;
    };

/**
 * A publish request: options plus a destination.
 *
 * @example
 * ```ts
 * const req: PublishRequest = { url: "https://example.com/hook", body: "hi", retries: 2, delay: 60 };
 * ```
 */
export type PublishRequest<TBody = BodyInit> = PublishOptions<TBody> & PublishDestination;
/** A batch item: a publish request with an optional queue. */
export type PublishBatchRequest<TBody = BodyInit> = PublishRequest<TBody> & {
  /** Enqueue this item into the named queue. */
  queueName?: string;
};
/** A `publishJSON` request: the body is any JSON-serialisable value. */
export type PublishJsonRequest = Omit<PublishRequest, "body"> & {
  /** Serialised with `JSON.stringify`. */
  body: unknown;
};

/** Result of publishing to an API. */
export type PublishToApiResponse = {
  /** Id of the created message. */
  messageId: string;
};
/** Result of publishing to a URL. */
export type PublishToUrlResponse = PublishToApiResponse & {
  /** The destination URL. */
  url: string;
  /** `true` when the message was dropped as a duplicate. */
  deduplicated?: boolean;
};
/** Result of publishing to a URL group: one entry per endpoint. */
export type PublishToUrlGroupsResponse = PublishToUrlResponse[];
/** The result type for a publish request. */
export type PublishResponse<TRequest> = TRequest extends { url: string }
  ? PublishToUrlResponse
  : TRequest extends { urlGroup: string }
    ? PublishToUrlGroupsResponse
    : PublishToApiResponse;

// ── Filters ──────────────────────────────────────────────────────────────────────────────────────

type RequireAtLeastOne<T> = { [K in keyof T]-?: Required<Pick<T, K>> }[keyof T];
type NeverKeys<T> = { [K in keyof T]?: never };
type Exclusive<A, B> = (A & NeverKeys<B>) | (B & NeverKeys<A>);

/** Filters accepted by every list/bulk endpoint; arrays match any value. */
export type UniversalFilterFields = {
  /** From this time (ms or `Date`). */
  fromDate?: Date | number;
  /** Until this time (ms or `Date`). */
  toDate?: Date | number;
  /** Publisher IP. */
  callerIp?: string | string[];
  /** Label(s). */
  label?: string | string[];
  /** Flow-control key(s). */
  flowControlKey?: string | string[];
};
/** Identity filters of the DLQ and message endpoints. */
export type QStashIdentityFields = {
  /** A message id. */
  messageId?: string;
  /** Destination URL(s). */
  url?: string | string[];
  /** URL group name(s). */
  urlGroup?: string | string[];
  /** Schedule id(s). */
  scheduleId?: string | string[];
  /** Queue name(s). */
  queueName?: string | string[];
};
/** Host/path of the destination (message cancel and logs only). */
export type HostPathFilterFields = {
  /** Destination host(s). */
  host?: string | string[];
  /** Destination path(s). */
  path?: string | string[];
};
/** DLQ filters. */
export type DLQFilterFields = UniversalFilterFields &
  QStashIdentityFields & {
    /** Status code(s) of the last delivery attempt. */
    responseStatus?: number | number[];
    /** @deprecated ignored by the server. */
    api?: string;
  };
/** Message cancel filters. */
export type MessageCancelFilterFields = UniversalFilterFields & Omit<QStashIdentityFields, "messageId"> & HostPathFilterFields;
/** The three forms of a bulk message cancel. */
export type MessageCancelFilters =
  | { messageIds: string[]; filter?: never; all?: never; count?: never }
  | ({ filter: RequireAtLeastOne<MessageCancelFilterFields>; messageIds?: never; all?: never } & MessageCancelCount)
  | ({ all: true; messageIds?: never; filter?: never } & MessageCancelCount);
/** Legacy count of a bulk cancel. */
export type MessageCancelCount = {
  /** @deprecated ignored by the server. */
  count?: number;
};
/** The three forms of a DLQ bulk action. */
export type DLQBulkActionFilters =
  | { dlqIds: string | string[]; filter?: never; all?: never; count?: never; cursor?: never }
  | ({ filter: RequireAtLeastOne<DLQFilterFields>; dlqIds?: never; all?: never } & DLQBulkActionCount)
  | ({ all: true; dlqIds?: never; filter?: never } & DLQBulkActionCount);
/** Paging of DLQ bulk actions. */
export type DLQBulkActionCount = {
  /** Continue from this cursor. */
  cursor?: string;
  /**
   * Messages processed per call.
   * @default 100
   */
  count?: number;
};
/** `dlq.listMessages` selection. */
export type DLQListRequest = Exclusive<{ dlqIds: string | string[] }, { filter?: DLQFilterFields; cursor?: string }>;
/** Logs filters. */
export type LogsListFilters = UniversalFilterFields &
  Omit<QStashIdentityFields, "messageId"> &
  HostPathFilterFields & {
    /** Message state. */
    state?: State;
    /** @deprecated ignored by the server. */
    api?: string;
    /** @deprecated use `messageIds` at the root. */
    messageId?: string;
    /** @deprecated use `urlGroup`. */
    topicName?: string;
    /** @deprecated use `count` at the root. */
    count?: number;
  };
/** `logs` selection. */
export type LogsListRequest = Exclusive<
  { messageIds: string[] },
  {
    filter?: LogsListFilters;
    /** Pass a string: cursors can exceed `Number.MAX_SAFE_INTEGER`. */
    cursor?: string | number;
  }
>;
/** `client.logs(request)`. */
export type LogsRequest = {
  /** Page size (max 1000). */
  count?: number;
} & LogsListRequest;
/** @deprecated use {@link LogsRequest}. */
export type EventsRequest = LogsRequest;

// ── Results ──────────────────────────────────────────────────────────────────────────────────────

/** A message as stored by QStash. */
export type Message = {
  /** Unique id. */
  messageId: string;
  /** URL group name, when sent to one. */
  urlGroup?: string;
  /** @deprecated use `urlGroup`. */
  topicName?: string;
  /** Destination URL. */
  url: string;
  /** Endpoint name within the URL group. */
  endpointName?: string;
  /** API name, when sent to an API. */
  api?: string;
  /** Delivery method. */
  method?: HTTPMethods;
  /** Headers sent to the destination. */
  header?: Record<string, string[]>;
  /** Body (UTF-8). */
  body?: string;
  /** Body as base64 when it is not UTF-8. */
  bodyBase64?: string;
  /** Maximum retries. */
  maxRetries?: number;
  /** Retry delay expression. */
  retryDelayExpression?: string;
  /** Earliest delivery (unix ms). */
  notBefore?: number;
  /** Creation time (unix ms). */
  createdAt: number;
  /** Callback URL. */
  callback?: string;
  /** Failure callback URL. */
  failureCallback?: string;
  /** Queue name. */
  queueName?: string;
  /** Schedule that created the message. */
  scheduleId?: string;
  /** Publisher IP. */
  callerIp?: string;
  /** Flow-control key. */
  flowControlKey: string;
  /** Flow-control parallelism. */
  parallelism?: number;
  /** @deprecated use `rate`. */
  ratePerSecond?: number;
  /** Flow-control rate. */
  rate?: number;
  /** Flow-control period (s). */
  period?: number;
  /** @deprecated use `labels`. */
  label?: string;
  /** Labels. */
  labels?: string[];
};
/** A {@link Message} with `topicName` in place of `urlGroup`, as `@upstash/qstash` exports it (no method returns it). */
export type MessagePayload = Omit<Message, "urlGroup"> & {
  topicName: string;
};
/** A message in the dead-letter queue. */
export type DlqMessage = Message & {
  /** Id within the DLQ. */
  dlqId: string;
  /** Status of the last delivery attempt. */
  responseStatus?: number;
  /** Headers of the last delivery response. */
  responseHeader?: Record<string, string[]>;
  /** Body of the last delivery response (UTF-8). */
  responseBody?: string;
  /** Body of the last delivery response as base64. */
  responseBodyBase64?: string;
};
/** One log entry. */
export type Log = {
  /** Time (unix ms). */
  time: number;
  /** State reached. */
  state: State;
  /** Message id. */
  messageId: string;
  /** Next delivery (unix ms). */
  nextDeliveryTime?: number;
  /** Error text. */
  error?: string;
  /** Destination URL. */
  url: string;
  /** URL group name. */
  urlGroup?: string;
  /** @deprecated use `urlGroup`. */
  topicName?: string;
  /** Endpoint name. */
  endpointName?: string;
  /** Headers. */
  header?: Record<string, string>;
  /** Body (base64). */
  body?: string;
  /** @deprecated use `labels`. */
  label?: string;
  /** Labels. */
  labels?: string[];
};
/** @deprecated use {@link Log}. */
export type Event = Log;
/** A {@link Log} with `topicName` in place of `urlGroup`, as `@upstash/qstash` exports it (no method returns it). */
export type LogPayload = Omit<Log, "urlGroup"> & {
  topicName: string;
};
/** @deprecated use {@link LogPayload}. */
export type EventPayload = LogPayload;
/** A page of {@link LogPayload}s, as `@upstash/qstash` exports it (no method returns it). */
export type GetLogsPayload = {
  cursor?: string;
  events: LogPayload[];
};
/** @deprecated use {@link GetLogsPayload}. */
export type GetEventsPayload = GetLogsPayload;
/** `client.logs()` result. */
export type GetLogsResponse = {
  /** Pass back to get the next page; `undefined` at the end. */
  cursor?: string;
  /** The entries. */
  logs: Log[];
  /** @deprecated the same array as `logs`. */
  events: Log[];
};
/** @deprecated use {@link GetLogsResponse}. */
export type GetEventsResponse = GetLogsResponse;
/** `T` with a numeric `cursor`, as `@upstash/qstash` exports it (no method returns it). */
export type WithCursor<T> = T & {
  cursor?: number;
};

/** A schedule. */
export type Schedule = {
  scheduleId: string;
  cron: string;
  createdAt: number;
  destination: string;
  method: string;
  header?: Record<string, string[]>;
  body?: string;
  bodyBase64?: string;
  retries: number;
  delay?: number;
  callback?: string;
  failureCallback?: string;
  callerIp?: string;
  isPaused: boolean;
  queueName?: string;
  flowControlKey?: string;
  parallelism?: number;
  rate?: number;
  /** @deprecated use `rate`. */
  ratePerSecond?: number;
  /** Flow-control period (s). */
  period?: number;
  retryDelayExpression?: string;
  /** @deprecated use `labels`. */
  label?: string;
  labels?: string[];
  lastScheduleTime?: number;
  nextScheduleTime?: number;
  /** Message id → state of the last scheduled messages. */
  lastScheduleStates?: Record<string, "IN_PROGRESS" | "SUCCESS" | "FAIL">;
  callerIP?: string;
};
/** `schedules.create(request)`. */
export type CreateScheduleRequest = {
  /** A URL or URL group name. */
  destination: string;
  /** Body sent on every run. */
  body?: BodyInit;
  /** Headers forwarded to the destination. */
  headers?: HeadersInit;
  /** Delay of each run: seconds or a duration string. */
  delay?: Duration | number;
  /** Delivery retries. */
  retries?: number;
  /** Callback URL. */
  callback?: string;
  /** Failure callback URL. */
  failureCallback?: string;
  /** Delivery method (sent only when given). */
  method?: HTTPMethods;
  /** Cron expression. */
  cron: string;
  /** Delivery timeout: seconds or a duration string. */
  timeout?: Duration | number;
  /** Reuse an id to update an existing schedule. */
  scheduleId?: string;
  /** Enqueue each run into this queue. */
  queueName?: string;
  /** Flow control. */
  flowControl?: FlowControl;
  /** Labels. */
  label?: string | string[];
  /** Redaction. */
  redact?: Redact;
  /** Retry delay expression. */
  retryDelay?: string;
};

/** A queue. */
export type QueueResponse = {
  createdAt: number;
  updatedAt: number;
  name: string;
  parallelism: number;
  lag: number;
  paused: boolean;
};
/** `queue.upsert(request)`. */
export type UpsertQueueRequest = {
  /** @default 1 */
  parallelism?: number;
  /** @default false */
  paused?: boolean;
};
/** `client.queue(request)`. */
export type QueueRequest = {
  /** Required by every method except `list`. */
  queueName?: string;
};

/** An endpoint of a URL group. */
export type Endpoint = {
  /** Optional name. */
  name?: string;
  /** URL. */
  url: string;
};
/** `urlGroups.addEndpoints(request)`. */
export type AddEndpointsRequest = {
  /** URL group name (created if missing). */
  name: string;
  endpoints: Endpoint[];
};
/** `urlGroups.removeEndpoints(request)`. */
export type RemoveEndpointsRequest = {
  name: string;
  endpoints: ({ name: string; url?: string } | { name?: string; url: string })[];
};
/** A URL group. */
export type UrlGroup = {
  createdAt: number;
  updatedAt: number;
  name: string;
  endpoints: Endpoint[];
};

/** State of a flow-control key. */
export type FlowControlInfo = {
  flowControlKey: string;
  waitListSize: number;
  parallelismMax: number;
  parallelismCount: number;
  rateMax: number;
  rateCount: number;
  /** Seconds. */
  ratePeriod: number;
  /** Unix seconds. */
  ratePeriodStart: number;
  isPaused: boolean;
  isPinnedParallelism: boolean;
  isPinnedRate: boolean;
};
/** Global parallelism. */
export type GlobalParallelismInfo = {
  parallelismMax: number;
  parallelismCount: number;
};
/** `flowControl.pin(key, options)`. */
export type PinFlowControlOptions = {
  parallelism?: number;
  rate?: number;
  /** Seconds. */
  period?: number;
};
/** `flowControl.unpin(key, options)`. */
export type UnpinFlowControlOptions = {
  parallelism?: boolean;
  rate?: boolean;
};
/** The signing keys (qstash-wasm extension). */
export type SigningKeys = {
  current: string;
  next: string;
};

// ── Resource classes ─────────────────────────────────────────────────────────────────────────────

/**
 * Read or cancel messages.
 * @example
 * ```ts
 * const msg = await client.messages.get("msg_...");
 * await client.messages.cancel({ filter: { label: "nightly" } });
 * ```
 */
export declare class Messages {
  private constructor();
  /** `GET /v2/messages/{id}`. */
  get(messageId: string): Promise<Message>;
  /** Cancel one id, a list of ids, by filter, or all. */
  cancel(request: string | string[] | MessageCancelFilters): Promise<{ cancelled: number }>;
  /** @deprecated use `cancel(messageId)`. */
  delete(messageId: string): Promise<void>;
  /** @deprecated use `cancel(messageIds)`. */
  deleteMany(messageIds: string[]): Promise<number>;
  /** @deprecated use `cancel({ all: true })`. */
  deleteAll(): Promise<number>;
}

/**
 * The dead-letter queue.
 * @example
 * ```ts
 * const { messages } = await client.dlq.listMessages({ filter: { url: "https://example.com" } });
 * await client.dlq.retry(messages.map((m) => m.dlqId));
 * ```
 */
export declare class DLQ {
  private constructor();
  /** List DLQ messages by filter/cursor or by ids. */
  listMessages(options?: { count?: number } & DLQListRequest): Promise<{ messages: DlqMessage[]; cursor?: string }>;
  /** Get one DLQ message (qstash-wasm extension: `GET /v2/dlq/{dlqId}`). */
  get(dlqId: string): Promise<DlqMessage>;
  /** Delete one id, a list of ids, by filter, or all. */
  delete(request: string | string[] | DLQBulkActionFilters): Promise<{ deleted: number; cursor?: string }>;
  /** @deprecated use `delete`. */
  deleteMany(request: { dlqIds: string[] }): Promise<{ deleted: number; cursor?: string }>;
  /** Retry one id, a list of ids, by filter, or all. */
  retry(request: string | string[] | DLQBulkActionFilters): Promise<{ cursor?: string; responses: { messageId: string }[] }>;
  /**
   * Retry one DLQ message (qstash-wasm extension: `POST /v2/dlq/retry/{dlqId}`).
   * @example
   * ```ts
   * const { messageId } = await client.dlq.retryOne("dlq_...");
   * ```
   */
  retryOne(dlqId: string): Promise<{ messageId: string }>;
}

/**
 * Flow-control keys.
 * @example
 * ```ts
 * await client.flowControl.pin("user-1", { parallelism: 1 });
 * const info = await client.flowControl.get("user-1");
 * ```
 */
export declare class FlowControlApi {
  private constructor();
  /** Every flow-control key (qstash-wasm extension: `GET /v2/flowControl`). */
  list(): Promise<FlowControlInfo[]>;
  /** One key. */
  get(flowControlKey: string): Promise<FlowControlInfo>;
  /** Global parallelism; missing values are 0. */
  getGlobalParallelism(): Promise<GlobalParallelismInfo>;
  /** Pause delivery for a key. */
  pause(flowControlKey: string): Promise<void>;
  /** Resume delivery for a key. */
  resume(flowControlKey: string): Promise<void>;
  /** Pin a configuration for a key. */
  pin(flowControlKey: string, options: PinFlowControlOptions): Promise<void>;
  /** Remove a pinned configuration. */
  unpin(flowControlKey: string, options: UnpinFlowControlOptions): Promise<void>;
  /** Reset the rate window of a key. */
  resetRate(flowControlKey: string): Promise<void>;
}

/**
 * A queue (FIFO with a parallelism).
 * @example
 * ```ts
 * const q = client.queue({ queueName: "emails" });
 * await q.upsert({ parallelism: 2 });
 * await q.enqueueJSON({ url: "https://example.com/send", body: { to: "a@b.c" } });
 * ```
 */
export declare class Queue {
  private constructor();
  /** The name given to `client.queue({ queueName })`. */
  readonly queueName: string | undefined;
  /** Create or update. */
  upsert(request: UpsertQueueRequest): Promise<void>;
  /** Details. */
  get(): Promise<QueueResponse>;
  /** Every queue. */
  list(): Promise<QueueResponse[]>;
  /** Delete. */
  delete(): Promise<void>;
  /** Enqueue a message. */
  enqueue<TRequest extends PublishRequest>(request: TRequest): Promise<PublishResponse<TRequest>>;
  /** Enqueue a message, serialising the body to JSON. */
  enqueueJSON<TBody = unknown, TRequest extends PublishRequest<TBody> = PublishRequest<TBody>>(request: TRequest): Promise<PublishResponse<TRequest>>;
  /** Pause delivery. */
  pause(): Promise<void>;
  /** Resume delivery. */
  resume(): Promise<void>;
}

/**
 * Schedules (cron).
 * @example
 * ```ts
 * const { scheduleId } = await client.schedules.create({ destination: "https://example.com/cron", cron: "*\/5 * * * *" });
 * await client.schedules.pause({ schedule: scheduleId });
 * ```
 */
export declare class Schedules {
  private constructor();
  /** Create (or update, with `scheduleId`). */
  create(request: CreateScheduleRequest): Promise<{ scheduleId: string }>;
  /** One schedule. */
  get(scheduleId: string): Promise<Schedule>;
  /** Every schedule. */
  list(): Promise<Schedule[]>;
  /** Delete. */
  delete(scheduleId: string): Promise<void>;
  /** Pause. */
  pause(request: { schedule: string }): Promise<void>;
  /** Resume. */
  resume(request: { schedule: string }): Promise<void>;
}

/**
 * URL groups (fan-out to several endpoints).
 * @example
 * ```ts
 * await client.urlGroups.addEndpoints({ name: "fanout", endpoints: [{ url: "https://a.example.com" }] });
 * await client.publishJSON({ urlGroup: "fanout", body: { hi: 1 } });
 * ```
 */
export declare class UrlGroups {
  private constructor();
  /** Add endpoints (creates the group). */
  addEndpoints(request: AddEndpointsRequest): Promise<void>;
  /** Remove endpoints. */
  removeEndpoints(request: RemoveEndpointsRequest): Promise<void>;
  /** Every group. */
  list(): Promise<UrlGroup[]>;
  /** One group. */
  get(name: string): Promise<UrlGroup>;
  /** Delete a group. */
  delete(name: string): Promise<void>;
}

/**
 * Signing keys (qstash-wasm extension).
 * @example
 * ```ts
 * const { current, next } = await client.keys.get();
 * ```
 */
export declare class SigningKeysApi {
  private constructor();
  /** `GET /v2/keys`. */
  get(): Promise<SigningKeys>;
  /** `POST /v2/keys/rotate`: next becomes current, a new next is minted. */
  rotate(): Promise<SigningKeys>;
}

// ── Chat and Workflow (deprecated in @upstash/qstash too) ───────────────────────────────────────

/** One chat message. */
export type ChatCompletionMessage = {
  role: "system" | "assistant" | "user";
  content: string;
};
/** Models served by QStash's own LLM API ({@link upstash}). */
export type ChatModel = "meta-llama/Meta-Llama-3-8B-Instruct" | "mistralai/Mistral-7B-Instruct-v0.2";
/** OpenAI model names accepted with {@link openai}. */
export type OpenAIChatModel =
  | "gpt-4-turbo" | "gpt-4-turbo-2024-04-09" | "gpt-4-0125-preview" | "gpt-4-turbo-preview" | "gpt-4-1106-preview"
  | "gpt-4-vision-preview" | "gpt-4" | "gpt-4-0314" | "gpt-4-0613" | "gpt-4-32k" | "gpt-4-32k-0314" | "gpt-4-32k-0613"
  | "gpt-3.5-turbo" | "gpt-3.5-turbo-16k" | "gpt-3.5-turbo-0301" | "gpt-3.5-turbo-0613" | "gpt-3.5-turbo-1106"
  | "gpt-3.5-turbo-0125" | "gpt-3.5-turbo-16k-0613";
/** `{ type: "json_object" }` asks the model for JSON. */
export type ChatResponseFormat = { type: "text" | "json_object" };
/** Log-probability of one token. */
export type ChatCompletionTokenLogprob = {
  token: string;
  bytes: number[];
  logprob: number;
  top_logprobs: { token: string; bytes: number[]; logprob: number }[];
};
/** Token counts of a completion. */
export type CompletionUsage = { completion_tokens: number; prompt_tokens: number; total_tokens: number };
/** A finished chat completion (`stream` off). */
export type ChatCompletion = {
  id: string;
  choices: { finish_reason: "stop" | "length"; index: number; logprobs: { content: ChatCompletionTokenLogprob[] }; message: ChatCompletionMessage }[];
  created: number;
  model: string;
  object: "chat.completion";
  system_fingerprint: string;
  usage: CompletionUsage;
};
/** One server-sent chunk of a streamed completion (`stream: true`). */
export type ChatCompletionChunk = {
  id: string;
  choices: { delta: ChatCompletionMessage; finish_reason: "stop" | "length"; index: number; logprobs: { content: ChatCompletionTokenLogprob[] } }[];
  created: number;
  model: string;
  object: "chat.completion.chunk";
  system_fingerprint: string;
  usage: CompletionUsage;
};
/** Streaming on. */
export type StreamEnabled = { stream: true };
/** Streaming off (or not mentioned). */
export type StreamDisabled = { stream: false } | object;
/** Whether a chat request streams. */
export type StreamParameter = StreamEnabled | StreamDisabled;
/** Sampling options shared by chat and prompt requests (OpenAI's names). */
export type ChatRequestCommonFields = {
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  logprobs?: boolean;
  top_logprobs?: number;
  max_tokens?: number;
  n?: number;
  presence_penalty?: number;
  response_format?: ChatResponseFormat;
  seed?: number;
  stop?: string | string[];
  temperature?: number;
  top_p?: number;
};
/** Helicone analytics for a chat request. */
export type ChatAnalytics = { name: "helicone"; token: string };
/** The provider and a model it serves. */
export type ChatRequestProviders =
  | { provider: LLMProvider<"openai">; model: OpenAIChatModel; analytics?: ChatAnalytics }
  | { provider: LLMProvider<"custom">; model: string; analytics?: ChatAnalytics }
  | { provider: LLMProvider<"upstash">; model: ChatModel; analytics?: ChatAnalytics };
/** `chat.create` input. */
export type ChatRequest<TStream extends StreamParameter> = ChatRequestProviders & ChatRequestCommonFields & { messages: ChatCompletionMessage[] } & TStream;
/** `chat.prompt` input: a system and a user message. */
export type PromptChatRequest<TStream extends StreamParameter> = ChatRequestProviders & ChatRequestCommonFields & { system: string; user: string } & TStream;
/** A completion, or an async iterable of chunks when `stream: true`. */
export type ChatResult<TStream extends StreamParameter> = TStream extends StreamEnabled ? AsyncIterable<ChatCompletionChunk> : ChatCompletion;

/** One request as data, for a {@link Requester}. */
export type UpstashRequest = {
  /** Path segments after the base URL, joined with `/`. */
  path: string[];
  body?: BodyInit | null;
  headers?: HeadersInit;
  keepalive?: boolean;
  method?: HTTPMethods;
  query?: Record<string, string | number | boolean | Date | string[] | number[] | undefined>;
  /**
   * Parse the response body as JSON.
   * @default true
   */
  parseResponseAsJson?: boolean;
  /** Overrides the requester's base URL. */
  baseUrl?: string;
};
/** What {@link Chat} sends through: the Client's base URL, token and retry policy. */
export type Requester = {
  /**
   * `Bearer <token>`. {@link Chat} reads it only for an `upstash()` request with `analytics`
   * (throwing "Invalid authorization header format" without it, as the official does).
   */
  authorization?: string;
  request<TResult = unknown>(request: UpstashRequest): Promise<TResult>;
  requestStream(request: UpstashRequest): AsyncIterable<ChatCompletionChunk>;
};

/**
 * The Client's own requester (`client.http`), as the official's public `HttpClient`: its resolved
 * base URL, authorization and network-retry policy, and `request` for QStash endpoints the Client
 * has no method for. Sends with the Client's token, retries network failures per `retry`, and
 * throws the same error classes as every Client method.
 * @example
 * ```ts
 * const client = new Client({ token: "<QSTASH_TOKEN>" });
 * console.log(client.http.baseUrl, client.http.retry.attempts); // "https://qstash.upstash.io" 5
 * const keys = await client.http.request<{ current: string; next: string }>({ path: ["v2", "keys"] });
 * ```
 */
export type HttpClient = Requester & {
  /** `Bearer <token>`, sent unless the request has its own `Authorization`. */
  authorization: string;
  /** The resolved base URL, without a trailing `/`. */
  baseUrl: string;
  /** Network-failure retries: `attempts` after the first try, waiting `backoff(retryCount)` ms. */
  retry: { attempts: number; backoff: (retryCount: number) => number };
  /** The client's `headers` option, prefixed as on publish (`Upstash-Forward-…`). */
  headers: Headers;
  /** The telemetry headers sent on publish-family requests (empty with telemetry off). */
  telemetryHeaders: Headers;
  /** The `devMode` option as given. */
  devMode?: boolean;
};

/**
 * OpenAI-style chat completions through QStash's LLM API or a third-party provider.
 * @deprecated as in `@upstash/qstash` (to be removed in its 3.0.0): use an LLM SDK.
 * @example
 * ```ts
 * const result = await client.chat().create({
 *   provider: openai({ token: "sk-..." }),
 *   model: "gpt-3.5-turbo",
 *   messages: [{ role: "user", content: "Hello" }],
 * });
 * console.log(result.choices[0].message.content);
 * ```
 */
export declare class Chat {
  constructor(http: Requester, token: string);
  /** Sends `messages`; with `stream: true` resolves to an async iterable of chunks. */
  create: <TStream extends StreamParameter>(request: ChatRequest<TStream>) => Promise<ChatResult<TStream>>;
  /** `create` with `messages = [system, user]`. */
  prompt: <TStream extends StreamParameter>(request: PromptChatRequest<TStream>) => Promise<ChatResult<TStream>>;
}

/**
 * Workflow runs.
 * @deprecated as in `@upstash/qstash`: use `@upstash/workflow`.
 */
export interface Workflow {
  /**
   * `DELETE /v2/workflows/runs/{runId}?cancel=true`; resolves `true`, throws `QstashError`.
   * @example
   * ```ts
   * await client.workflow.cancel("wfr_123");
   * ```
   */
  cancel(workflowRunId: string): Promise<true | { error: string }>;
}

/**
 * The QStash client: a drop-in for `@upstash/qstash`'s `Client`.
 *
 * @example
 * ```ts
 * import { Client } from "qstash-wasm";
 *
 * const client = new Client({ token: process.env.QSTASH_TOKEN });
 * await client.publish({ url: "https://example.com/hook", body: "hello", retries: 3 });
 * const { logs } = await client.logs({ filter: { state: "DELIVERED" } });
 * ```
 */
export declare class Client {
  /** Falls back to `QSTASH_URL`/`QSTASH_TOKEN` (and region variables) from `process.env`. */
  constructor(config?: ClientConfig);
  /** URL groups. */
  get urlGroups(): UrlGroups;
  /** @deprecated use `urlGroups`. */
  get topics(): UrlGroups;
  /** Dead-letter queue. */
  get dlq(): DLQ;
  /** Messages. */
  get messages(): Messages;
  /** Schedules. */
  get schedules(): Schedules;
  /** Flow control. */
  get flowControl(): FlowControlApi;
  /** Signing keys (qstash-wasm extension). */
  get keys(): SigningKeysApi;
  /** The requester every call goes through: resolved settings and `request` ({@link HttpClient}). */
  get http(): HttpClient;
  /** The resolved token (config, region or `QSTASH_TOKEN`). */
  get token(): string;
  /** A queue by name. */
  queue(request?: QueueRequest): Queue;
  /**
   * Chat completions ({@link Chat}), sent with this client's base URL, token and retry policy.
   * @deprecated as in `@upstash/qstash`: use an LLM SDK.
   */
  chat(): Chat;
  /**
   * Cancel workflow runs.
   * @deprecated as in `@upstash/qstash`: use `@upstash/workflow`.
   */
  get workflow(): Workflow;
  /** Publish a message. */
  publish<TRequest extends PublishRequest>(request: TRequest): Promise<PublishResponse<TRequest>>;
  /**
   * Publish with `body` serialised by `JSON.stringify` and `Content-Type: application/json`.
   * @example
   * ```ts
   * await client.publishJSON({ url: "https://example.com/hook", body: { a: 1 } });
   * ```
   */
  publishJSON<TBody = unknown, TRequest extends PublishRequest<TBody> = PublishRequest<TBody>>(request: TRequest): Promise<PublishResponse<TRequest>>;
  /**
   * Publish several messages in one request.
   * @example
   * ```ts
   * await client.batch([{ url: "https://a.example.com", body: "1" }, { urlGroup: "g", body: "2", queueName: "q" }]);
   * ```
   */
  batch(request: PublishBatchRequest[]): Promise<PublishResponse<PublishRequest>[]>;
  /** `batch` with each body serialised to JSON. */
  batchJSON<TBody = unknown, TRequest extends PublishBatchRequest<TBody> = PublishBatchRequest<TBody>>(request: TRequest[]): Promise<PublishResponse<TRequest>[]>;
  /**
   * Logs, newest first, paginated by `cursor`.
   * @example
   * ```ts
   * let cursor: string | undefined;
   * do {
   *   const page = await client.logs({ cursor, filter: { label: "nightly" } });
   *   cursor = page.cursor;
   * } while (cursor);
   * ```
   */
  logs(request?: LogsRequest): Promise<GetLogsResponse>;
  /** @deprecated use `logs`. */
  events(request?: LogsRequest): Promise<GetLogsResponse>;
}

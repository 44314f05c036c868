export * from "./client.js";
import type { RateLimit, ChatRateLimit, HTTPMethods, LLMOwner } from "./client.js";
export declare class QstashError extends Error { readonly status?: number; constructor(message: string, status?: number); }
export declare class QstashRatelimitError extends QstashError { limit: string | null; remaining: string | null; reset: string | null; constructor(args: RateLimit); }
export declare class QstashChatRatelimitError extends QstashError { limitRequests: string | null; limitTokens: string | null; remainingRequests: string | null; remainingTokens: string | null; resetRequests: string | null; resetTokens: string | null; constructor(args: ChatRateLimit); }
export declare class QstashDailyRatelimitError extends QstashError { limit: string | null; remaining: string | null; reset: string | null; constructor(args: RateLimit); }
export declare class QstashEmptyArrayError extends QstashError { constructor(parameterName: string); }

/** The kinds of Workflow step. */
export type StepType = "Initial" | "Run" | "SleepFor" | "SleepUntil" | "Call";
/** A Workflow step, as carried by {@link QStashWorkflowAbort}. */
export type Step<TResult = unknown, TBody = unknown> = {
  /** Index of the step. */
  stepId: number;
  stepName: string;
  stepType: StepType;
  /** Result, for `context.run` and `context.call`. */
  out?: TResult;
  /** Seconds, for `context.sleep`. */
  sleepFor?: number;
  /** Unix seconds, for `context.sleepUntil`. */
  sleepUntil?: number;
  /** Steps running in parallel with this one (1 if none). */
  concurrent: number;
  /** For a plan step of a parallel run: the step its result goes to. */
  targetStep?: number;
} & (
  | { callUrl: string; callMethod: HTTPMethods; callBody: TBody; callHeaders: Record<string, string> }
  | { callUrl?: never; callMethod?: never; callBody?: never; callHeaders?: never }
);
/** An error raised while running a Workflow. */
export declare class QStashWorkflowError extends QstashError { constructor(message: string); }
/** Thrown on purpose after a Workflow step executes; deliberately not a `QstashError`. */
export declare class QStashWorkflowAbort extends Error { stepInfo?: Step; stepName: string; constructor(stepName: string, stepInfo?: Step); }
/** What {@link formatWorkflowError} returns. */
export type FailureFunctionPayload = {
  /** The error's `name`. */
  error: string;
  /** The error's `message`. */
  message: string;
};
/**
 * `{ error: name, message }` of an `Error`; a generic payload for any other thrown value.
 * @example
 * ```ts
 * formatWorkflowError(new TypeError("x")); // { error: "TypeError", message: "x" }
 * ```
 */
export declare const formatWorkflowError: (error: unknown) => FailureFunctionPayload;
/**
 * Base64 to text, decoded as UTF-8 (unlike `atob`). If that fails, returns `atob`'s result,
 * then the input unchanged, with a warning; never throws.
 * @example
 * ```ts
 * decodeBase64("aGVsbG8gw7w="); // "hello ü"
 * ```
 */
export declare function decodeBase64(base64: string): string;
/** An analytics gateway for LLM calls. */
export type AnalyticsConfig = { name: "helicone"; token: string };
/** Where to send an LLM call through the gateway, and the headers it needs. */
export type AnalyticsSetup = { baseURL?: string; defaultHeaders?: Record<string, string | undefined> };
/**
 * The Helicone gateway URL and headers for an LLM provider (`{}` without analytics; throws
 * `Error("Unknown analytics provider")` for another name).
 * @example
 * ```ts
 * const { baseURL, defaultHeaders } = setupAnalytics({ name: "helicone", token: "hk" }, "sk-...", "https://api.openai.com", "openai");
 * ```
 */
export declare const setupAnalytics: (analytics: AnalyticsConfig | undefined, providerApiKey: string, providerBaseUrl?: string, provider?: LLMOwner) => AnalyticsSetup;
/**
 * Starts the local QStash server (qstash-dev) when `QSTASH_DEV` is `1`/`true`; otherwise does
 * nothing. Checks `http://127.0.0.1:${QSTASH_DEV_PORT ?? 8080}/v2/keys` first and returns if a
 * dev server answers there; else, on Node-compatible runtimes, spawns `QSTASH_DEV_BINARY` (or
 * `qstash-dev` from PATH) and waits until it answers; it stops when this process exits. Other
 * runtimes only log how to start it. Never throws: failures are logged as warnings.
 * @example
 * ```ts
 * // instrumentation.ts (Next.js)
 * import { startDevServer } from "qstash-wasm";
 * export async function register() { await startDevServer(); }
 * ```
 */
export declare const startDevServer: () => Promise<void>;

export { Receiver, SignatureError } from "./receiver.js";
export type { ReceiverConfig, VerifyRequest } from "./receiver.js";

// The error classes of @upstash/qstash, with the same names, messages and fields, so code that
// catches the official errors works unchanged. The wasm code constructs these very classes
// (src/js/errors.rs imports this file), so `instanceof` holds for errors thrown by the Client
// and Receiver alike.

const RATELIMIT_STATUS = 429;

/** Any QStash API error: a non-2xx status other than 429, or a client-side validation failure. */
export class QstashError extends Error {
  /** The HTTP status, when the error came from a response. */
  status;
  constructor(message, status) {
    super(message);
    this.name = "QstashError";
    this.status = status;
  }
}

/** 429 from the burst rate limit (`Burst-RateLimit-*` headers). */
export class QstashRatelimitError extends QstashError {
  limit;
  remaining;
  reset;
  constructor(args) {
    super(`Exceeded burst rate limit. ${JSON.stringify(args)}`, RATELIMIT_STATUS);
    this.name = "QstashRatelimitError";
    this.limit = args.limit;
    this.remaining = args.remaining;
    this.reset = args.reset;
  }
}

/** 429 from the LLM chat rate limit (`x-ratelimit-*` headers). */
export class QstashChatRatelimitError extends QstashError {
  limitRequests;
  limitTokens;
  remainingRequests;
  remainingTokens;
  resetRequests;
  resetTokens;
  constructor(args) {
    super(`Exceeded chat rate limit. ${JSON.stringify(args)}`, RATELIMIT_STATUS);
    this.name = "QstashChatRatelimitError";
    this.limitRequests = args["limit-requests"];
    this.limitTokens = args["limit-tokens"];
    this.remainingRequests = args["remaining-requests"];
    this.remainingTokens = args["remaining-tokens"];
    this.resetRequests = args["reset-requests"];
    this.resetTokens = args["reset-tokens"];
  }
}

/** 429 from the daily message quota (`RateLimit-*` headers). */
export class QstashDailyRatelimitError extends QstashError {
  limit;
  remaining;
  reset;
  constructor(args) {
    super(`Exceeded daily rate limit. ${JSON.stringify(args)}`, RATELIMIT_STATUS);
    this.name = "QstashDailyRatelimitError";
    this.limit = args.limit;
    this.remaining = args.remaining;
    this.reset = args.reset;
  }
}

/** An empty array in a query parameter: refused before sending, so no bulk action hits everything. */
export class QstashEmptyArrayError extends QstashError {
  constructor(parameterName) {
    super(
      `Empty array provided for query parameter "${parameterName}". This would result in no filter being applied, which could affect all resources.`,
    );
    this.name = "QstashEmptyArrayError";
  }
}

// Shared with the receiver-only entries (see signature-error.js).
export { SignatureError } from "./signature-error.js";

/** An error raised while running a (deprecated) QStash Workflow. */
export class QStashWorkflowError extends QstashError {
  constructor(message) {
    super(message);
    this.name = "QStashWorkflowError";
  }
}

/**
 * Thrown on purpose after a Workflow step executes, to end the current invocation. Not a
 * `QstashError`, as in the official: code that catches QStash errors must not swallow it.
 */
export class QStashWorkflowAbort extends Error {
  stepInfo;
  stepName;
  constructor(stepName, stepInfo) {
    super(
      `This is an Upstash Workflow error thrown after a step executes. It is expected to be raised. Make sure that you await for each step. Also, if you are using try/catch blocks, you should not wrap context.run/sleep/sleepUntil/call methods with try/catch. Aborting workflow after executing step '${stepName}'.`,
    );
    this.name = "QStashWorkflowAbort";
    this.stepName = stepName;
    this.stepInfo = stepInfo;
  }
}

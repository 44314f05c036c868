export * from "./client.js";
import type { RateLimit, ChatRateLimit } from "./client.js";
export declare class QstashError extends Error { readonly status?: number; constructor(message: string, status?: number); }
export declare class QstashRatelimitError extends QstashError { limit: string | null; remaining: string | null; reset: string | null; constructor(args: RateLimit); }
export declare class QstashChatRatelimitError extends QstashError { limitRequests: string | null; limitTokens: string | null; remainingRequests: string | null; remainingTokens: string | null; resetRequests: string | null; resetTokens: string | null; constructor(args: ChatRateLimit); }
export declare class QstashDailyRatelimitError extends QstashError { limit: string | null; remaining: string | null; reset: string | null; constructor(args: RateLimit); }
export declare class QstashEmptyArrayError extends QstashError { constructor(parameterName: string); }

export { Receiver, SignatureError } from "./receiver.js";
export type { ReceiverConfig, VerifyRequest } from "./receiver.js";

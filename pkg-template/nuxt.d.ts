// Types of `qstash-wasm/nuxt`, as `@upstash/qstash/nuxt`: the h3 adapter under Nuxt's name.
import type { EventHandler, EventHandlerRequest, H3Event } from "h3";

/**
 * {@link verifySignatureH3} (the same function) for Nuxt server routes.
 *
 * @deprecated As in `@upstash/qstash`, which marks it deprecated; use `verifySignatureH3`
 * from `qstash-wasm/h3`.
 */
export declare const verifySignatureNuxt: (
  handler: (event: H3Event<EventHandlerRequest>) => Promise<unknown>,
  config?: {
    currentSigningKey?: string | undefined;
    nextSigningKey?: string | undefined;
    clockTolerance?: number | undefined;
  } | undefined,
) => EventHandler<EventHandlerRequest, Promise<unknown>>;

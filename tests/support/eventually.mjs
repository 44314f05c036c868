// The one deadline-bounded poll the Node test suites share (e2e, server-sdk, parity, www, the demo):
// asynchronous effects (deliveries, logs, DLQ entries) are awaited by condition, never by a
// fixed sleep. tests/runtime/suites/*.mjs keep their own copy on purpose: they are copied into
// a throwaway consumer project and run in Deno, workerd and Chromium, where this path does not
// exist.

/**
 * Polls `fn` until it returns a truthy value, which is returned. A throw counts as "not yet";
 * when `timeoutMs` passes, throws with `what` and the last error (or "still falsy").
 *
 * @example
 *   const [delivery] = await eventually("a delivery to /ok", () => sink.for("/ok").length && sink.for("/ok"));
 */
export async function eventually(what, fn, timeoutMs = 15_000, intervalMs = 25) {
  if (typeof what !== "string" || typeof fn !== "function") {
    throw new TypeError("eventually(what: string, fn: () => unknown, timeoutMs?, intervalMs?)");
  }
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const why = last ? (last.message ?? String(last)) : "still falsy";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

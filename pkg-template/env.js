// Environment variables as the official SDK reads them (`process.env[key]`), without touching
// `process` on Deno. Deno creates its Node `process` global on first access, and that first
// access costs ~30 ms (measured in a bare `deno run`), several times the rest of a Receiver's
// cold start. `Deno.env` is the same store (Deno's `process.env` is a view of it), so values
// set through either are seen. An environment the runtime will not let us read (Deno without
// --allow-env throws NotCapable) counts as unset.
const denoEnv = typeof globalThis.Deno === "object" ? globalThis.Deno?.env : undefined;

/** The variable's value, or `undefined` when it is unset or unreadable. */
export function envVar(key) {
  try {
    return denoEnv !== undefined ? denoEnv.get(key) : globalThis.process?.env?.[key];
  } catch {
    return undefined;
  }
}

/** `QSTASH_DEV` as the official's `shouldUseDevelopmentMode` reads it: on for "true" or "1",
 * off when unset, empty, "false" or "0"; any other value throws its Error. */
export function devModeFromEnv() {
  const value = envVar("QSTASH_DEV");
  if (value === undefined || value === "" || value === "false" || value === "0") return false;
  if (value === "true" || value === "1") return true;
  throw new Error(`[QStash Dev] Invalid value for QSTASH_DEV in environment: ${value}`);
}

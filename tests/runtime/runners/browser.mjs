// Chromium: the package's `browser` entry through an import map; results on window.__results.
import * as main from "qstash-wasm";
import * as receiverEntry from "qstash-wasm/receiver";
import * as nextjs from "qstash-wasm/nextjs";
import * as svelte from "qstash-wasm/svelte";
import * as solidjs from "qstash-wasm/solidjs";
import { collect, execute } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

// The suites get the main entry, plus the receiver-only entry for the receiver suite and the
// framework subpaths for the platforms suite.
const lib = { ...main, receiverEntry, platforms: { nextjs, svelte, solidjs } };

try {
  window.__results = await execute(await collect(lib, suites, { ...config, devModeRouted: window.__devModeRouted === true }));
} catch (e) {
  window.__results = [{ name: "load", ok: false, error: String(e?.stack ?? e) }];
}

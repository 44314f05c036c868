// Chromium: the package's `browser` entry through an import map; results on window.__results.
import * as main from "qstash-wasm";
import * as receiverEntry from "qstash-wasm/receiver";
import { collect, execute } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

// The suites get the main entry, plus the receiver-only entry for the receiver suite.
const lib = { ...main, receiverEntry };

try {
  window.__results = await execute(await collect(lib, suites, { ...config, devModeRouted: window.__devModeRouted === true }));
} catch (e) {
  window.__results = [{ name: "load", ok: false, error: String(e?.stack ?? e) }];
}

// Chromium: the package's `browser` entry through an import map; results on window.__results.
import * as lib from "qstash-wasm";
import { collect, execute } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

try {
  window.__results = await execute(await collect(lib, suites, config));
} catch (e) {
  window.__results = [{ name: "load", ok: false, error: String(e?.stack ?? e) }];
}

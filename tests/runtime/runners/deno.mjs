// Deno: the package's `deno` entry (source-phase wasm import; no permission flags).
import * as main from "qstash-wasm";
import * as receiverEntry from "qstash-wasm/receiver";
import * as nextjs from "qstash-wasm/nextjs";
import * as svelte from "qstash-wasm/svelte";
import * as solidjs from "qstash-wasm/solidjs";
import { collect, execute, report } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

// The suites get the main entry, plus the receiver-only entry for the receiver suite and the
// framework subpaths for the platforms suite.
const lib = { ...main, receiverEntry, platforms: { nextjs, svelte, solidjs } };
// Dev mode reaches the test server when QSTASH_DEV_PORT (set by run.mjs) is its port.
const devModeRouted = Boolean(config.serverUrl) && new URL(config.serverUrl).port === process.env.QSTASH_DEV_PORT;

const failed = report("deno", await execute(await collect(lib, suites, { ...config, devModeRouted })));
Deno.exit(failed ? 1 : 0);

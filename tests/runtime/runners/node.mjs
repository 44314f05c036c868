// Node 20: the package's `node` entry, each test a node:test test (spec reporter).
import { test } from "node:test";
import * as main from "qstash-wasm";
import * as receiverEntry from "qstash-wasm/receiver";
import * as nextjs from "qstash-wasm/nextjs";
import * as svelte from "qstash-wasm/svelte";
import * as solidjs from "qstash-wasm/solidjs";
import { collect } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

// The suites get the main entry, plus the receiver-only entry for the receiver suite and the
// framework subpaths for the platforms suite.
const lib = { ...main, receiverEntry, platforms: { nextjs, svelte, solidjs } };
// Dev mode reaches the test server when QSTASH_DEV_PORT (set by run.mjs) is its port.
const devModeRouted = Boolean(config.serverUrl) && new URL(config.serverUrl).port === process.env.QSTASH_DEV_PORT;

const tests = await collect(lib, suites, { ...config, devModeRouted });
if (tests.length === 0) throw new Error("zero tests collected");
for (const t of tests) test(t.name, t.fn);

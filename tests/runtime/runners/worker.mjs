// workerd: bundled with the `workerd` condition (the .wasm stays a CompiledWasm module); each
// request runs the suites and answers with the JSON results.
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

// `?only=<suite>` runs one suite, `?skip=<suite>` all but one; `?devModeRouted=1` says the
// driver rewrites outbound fetches to the dev URL (the devmode suite).
export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    const picked = Object.fromEntries(
      Object.entries(suites).filter(([name]) => (!q.has("only") || q.get("only") === name) && q.get("skip") !== name),
    );
    return Response.json(await execute(await collect(lib, picked, { ...config, devModeRouted: q.get("devModeRouted") === "1" })));
  },
};

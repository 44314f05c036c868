// Runs the bundled worker in Miniflare's workerd and reports its results.
import { Miniflare } from "miniflare";
import { report } from "../harness.mjs";

const [scriptPath] = process.argv.slice(2);
const base = {
  modules: true,
  scriptPath,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-04-01",
};

/** Runs the worker once in its own Miniflare; resolves with its JSON results. */
async function runWorker(options, query) {
  const mf = new Miniflare({ ...base, ...options });
  try {
    const res = await mf.dispatchFetch(`http://localhost/?${query}`);
    const text = await res.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`worker answered ${res.status}: ${text.slice(0, 2000)}`);
    }
  } finally {
    await mf.dispose();
  }
}

// Every suite but devmode with the worker's own outbound fetch, untouched. Then devmode alone in
// a second worker whose outbound fetches go through Miniflare: a Worker has no environment, so
// dev mode targets 127.0.0.1:8080, which is rewritten to the test server (QSTASH_DEV_PORT, set
// by run.mjs); everything else is passed on unchanged.
const results = await runWorker({}, "skip=devmode");
const devPort = process.env.QSTASH_DEV_PORT;
const outboundService = (request) => {
  const url = new URL(request.url);
  if (devPort && url.host === "127.0.0.1:8080") url.port = devPort;
  return fetch(new Request(url, request));
};
results.push(...(await runWorker({ outboundService }, `only=devmode&devModeRouted=${devPort ? 1 : 0}`)));
process.exit(report("workerd", results) ? 1 : 0);

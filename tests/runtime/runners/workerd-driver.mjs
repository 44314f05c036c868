// Runs the bundled worker in Miniflare's workerd and reports its results.
import { Miniflare } from "miniflare";
import { report } from "../harness.mjs";

const [scriptPath] = process.argv.slice(2);
const mf = new Miniflare({
  modules: true,
  scriptPath,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2026-04-01",
});
let failed = 1;
try {
  const res = await mf.dispatchFetch("http://localhost/");
  const text = await res.text();
  let results;
  try {
    results = JSON.parse(text);
  } catch {
    throw new Error(`worker answered ${res.status}: ${text.slice(0, 2000)}`);
  }
  failed = report("workerd", results);
} finally {
  await mf.dispose();
}
process.exit(failed ? 1 : 0);

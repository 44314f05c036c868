// Orchestrates the runtime matrix from Node: calls each suite's optional Node-side `setup()`
// (servers the suite needs; its ctx becomes the shared config), writes the consumer's
// suites-index.mjs, runs every runtime's runner one after another (asynchronously, so servers
// living in this process keep answering), tears down, and exits non-zero on any failure.
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [consumer, ...only] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const bin = join(root, "node_modules/.bin");

const files = readdirSync(join(consumer, "suites")).filter((f) => f.endsWith(".mjs")).sort();
if (files.length === 0) throw new Error("no suites in tests/runtime/suites");
const config = { serverUrl: process.env.QSTASH_TEST_SERVER_URL || null };
const teardowns = [];
for (const f of files) {
  // From the repository (not the consumer copy): setup() finds the server binary relative to it.
  const suite = await import(pathToFileURL(join(here, "suites", f)).href);
  if (typeof suite.setup === "function") {
    const { ctx, teardown } = await suite.setup();
    Object.assign(config, ctx);
    if (teardown) teardowns.push(teardown);
  }
}
// Dev mode targets 127.0.0.1:${QSTASH_DEV_PORT ?? 8080}: every runner inherits the test server's
// port here (the devmode suite; Chromium and workerd, which have no environment, route instead).
if (config.serverUrl) process.env.QSTASH_DEV_PORT = new URL(config.serverUrl).port;
const imports = files.map((f, i) => `import * as s${i} from "./suites/${f}";`).join("\n");
const entries = files.map((f, i) => `${JSON.stringify(f.replace(/\.mjs$/, ""))}: s${i}`).join(", ");
writeFileSync(
  join(consumer, "suites-index.mjs"),
  `${imports}\nexport const suites = { ${entries} };\nexport const config = ${JSON.stringify(config)};\n`,
);

function sh(cmd, args, cwd = consumer) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => { out += d; process.stdout.write(d); });
    p.stderr.on("data", (d) => { out += d; process.stderr.write(d); });
    // A hung runtime fails its step instead of hanging the whole matrix.
    const timer = setTimeout(() => { out += "\n[run.mjs] timed out after 300 s"; p.kill("SIGKILL"); }, 300_000);
    p.on("close", (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

const runtimes = {
  async node() {
    const r = await sh("node", ["--test", "--test-reporter=spec", "runners/node.mjs"]);
    // node --test passes a file that registered no test; insist on a positive count.
    if (!/^ℹ pass [1-9]/m.test(r.out)) return false;
    return r.code === 0 && /^ℹ fail 0$/m.test(r.out);
  },
  async deno() {
    // Loopback network only (the client suite talks to qstash-dev); env access to the dev port
    // only, so the receiver suite sees what a locked-down Deno deploy sees.
    const suites = await sh(join(bin, "deno"), ["run", "--allow-net=127.0.0.1,localhost", "--allow-env=QSTASH_DEV_PORT", "runners/deno.mjs"]);
    // A program with no Node API in it: the package must not build Deno's Node layer for it.
    const bare = await sh(join(bin, "deno"), ["run", "--allow-env", "runners/deno-bare.mjs"]);
    return suites.code === 0 && bare.code === 0;
  },
  async workerd() {
    const b = await sh(join(bin, "esbuild"), [
      "runners/worker.mjs", "--bundle", "--format=esm", "--platform=neutral",
      "--conditions=workerd,worker,browser", "--main-fields=module,main", "--loader:.wasm=copy",
      // Node-only setup code in suites is imported dynamically and never runs in the worker.
      "--external:node:*", "--outdir=dist-worker", "--log-level=warning",
    ]);
    if (b.code !== 0) return false;
    return (await sh("node", [join(here, "runners/workerd-driver.mjs"), join(consumer, "dist-worker/worker.js")])).code === 0;
  },
  async chromium() {
    return (await sh("node", [join(here, "runners/browser-driver.mjs"), consumer])).code === 0;
  },
};

const summary = [];
try {
  for (const [name, fn] of Object.entries(runtimes)) {
    if (only.length && !only.includes(name)) continue;
    console.log(`=== runtime: ${name}`);
    const t = Date.now();
    let ok = false;
    try {
      ok = await fn();
    } catch (e) {
      console.log(`${name}: ${e.stack ?? e}`);
    }
    summary.push(`${ok ? "PASS" : "FAIL"}  ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  }
} finally {
  // A teardown that never settles (a server that ignores SIGKILL's parent, a socket that never
  // closes) is reported and fails the run rather than hanging CI after every runtime passed.
  for (const t of teardowns) {
    let timer;
    const stuck = new Promise((r) => { timer = setTimeout(() => r("stuck"), 30_000); });
    const how = await Promise.race([Promise.resolve().then(t).then(() => "ok", (e) => e), stuck]);
    clearTimeout(timer);
    if (how !== "ok") {
      console.log(`teardown: ${how === "stuck" ? "did not finish within 30 s" : (how?.stack ?? how)}`);
      summary.push("FAIL  teardown");
    }
  }
}
console.log("\n=== runtimes");
console.log(summary.join("\n"));
process.exit(summary.every((s) => s.startsWith("PASS")) && summary.length ? 0 : 1);

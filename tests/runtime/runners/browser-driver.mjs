// Serves the consumer project on 127.0.0.1 (random port) and runs the page in headless Chromium.
import { createServer } from "node:http";
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { join, normalize, extname } from "node:path";
import { tmpdir } from "node:os";
import { chromium } from "playwright-core";
import { report } from "../harness.mjs";

const [root] = process.argv.slice(2);
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  try {
    const body = await readFile(join(root, path));
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const { port } = server.address();
const profile = await mkdtemp(join(tmpdir(), "qstash-wasm-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 1;
try {
  // A browser has no environment, so dev mode targets 127.0.0.1:8080: route that to the test
  // server (QSTASH_DEV_PORT, set by run.mjs) and tell the devmode suite it is routed.
  const devPort = process.env.QSTASH_DEV_PORT;
  if (devPort) {
    await browser.route("http://127.0.0.1:8080/**", (route) =>
      route.continue({ url: route.request().url().replace("http://127.0.0.1:8080", `http://127.0.0.1:${devPort}`) }));
    await browser.addInitScript(() => { window.__devModeRouted = true; });
  }
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/runners/index.html`);
  try {
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 60_000 });
  } catch (e) {
    throw new Error(`page produced no results: ${errors.join("; ") || e.message}`);
  }
  failed = report("chromium", await page.evaluate(() => window.__results));
} finally {
  await browser.close();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

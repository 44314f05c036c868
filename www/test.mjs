// The console page, driven in real headless Chromium like a person would use it: it publishes
// through the page to the local qstash-dev server, the message is delivered to a local endpoint,
// the logs table shows it delivered, the delivered signature verifies in the page, a failing
// destination lands in the DLQ table. Run by scripts/test-www.sh (node --test www/test.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveConsole } from "./serve.mjs";
import { eventually } from "../tests/support/eventually.mjs";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const PACKAGE_DIR = process.env.QSTASH_WASM_PACKAGE_DIR ?? join(ROOT, "www/.work/node_modules/qstash-wasm");
const SERVER_BIN = process.env.QSTASH_DEV_BIN ?? join(ROOT, "target/debug/qstash-dev");
const DEV_KEYS = { current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs" };

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

let qstash, qstashUrl, dbDir, sink, sinkUrl, site, siteUrl, browser, page;
const deliveries = [];

before(async () => {
  dbDir = mkdtempSync(join(tmpdir(), "qstash-www-"));
  const port = await freePort();
  qstash = spawn(SERVER_BIN, ["--port", String(port), "--db", join(dbDir, "q.db")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  qstash.stdout.on("data", (d) => (out += d));
  qstash.stderr.on("data", (d) => (out += d));
  await eventually("qstash-dev to start", () => {
    if (qstash.exitCode !== null) throw new Error(`it exited (${qstash.exitCode}): ${out}`);
    return /running/i.test(out);
  }, 20_000, 100);
  qstashUrl = `http://127.0.0.1:${port}`;

  // The destination: answers 200 on /ok and 500 on /fail, and records every delivery.
  sink = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(req.url.startsWith("/fail") ? 500 : 200).end("ok");
    });
  });
  await new Promise((ok) => sink.listen(0, "127.0.0.1", ok));
  sinkUrl = `http://127.0.0.1:${sink.address().port}`;

  site = await serveConsole({ packageDir: PACKAGE_DIR });
  siteUrl = `http://127.0.0.1:${site.address().port}/`;

  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "qstash-www-profile-")), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  page.on("pageerror", (err) => console.error("page error:", err));
  await page.goto(`${siteUrl}?baseUrl=${encodeURIComponent(qstashUrl)}`);
  await page.waitForFunction(() => document.getElementById("status").textContent === "Ready.");
});

after(async () => {
  await browser?.close();
  site?.close();
  sink?.close();
  qstash?.kill("SIGTERM");
  if (dbDir) rmSync(dbDir, { recursive: true, force: true });
});

test("connects to the local server with the dev token", async () => {
  await page.click("#connect button");
  await page.waitForFunction(() => document.getElementById("connect-result").textContent !== "");
  assert.match(await page.textContent("#connect-result"), /^Connected: \d+ URL group/);
});

test("publishes from the page, the message is delivered and shows DELIVERED in the logs", async () => {
  const body = `{"from":"the console","n":${Date.now()}}`;
  await page.fill("#pub-url", `${sinkUrl}/ok`);
  await page.fill("#pub-body", body);
  await page.fill("#pub-label", "www-test");
  await page.click("#publish button");
  await page.waitForFunction(() => document.getElementById("publish-result").textContent !== "");
  const text = await page.textContent("#publish-result");
  assert.match(text, /^Published: \S+/, text);
  const messageId = text.replace("Published: ", "");

  const delivery = await eventually("the delivery at the sink",
    () => deliveries.find((d) => d.headers["upstash-message-id"] === messageId), 20_000, 100);
  assert.equal(delivery.body, body);
  assert.equal(delivery.path, "/ok");

  await eventually("a DELIVERED row in the logs table", async () => {
    await page.click("#logs button");
    return page.locator('#logs-table tr[data-state="DELIVERED"]').count();
  }, 20_000, 100);

  // The delivered signature verifies in the page's Receiver with the dev keys, and a changed
  // body does not.
  await page.fill("#ver-current", DEV_KEYS.current);
  await page.fill("#ver-next", DEV_KEYS.next);
  await page.fill("#ver-signature", delivery.headers["upstash-signature"]);
  await page.fill("#ver-body", body);
  await page.fill("#ver-url", `${sinkUrl}/ok`);
  await page.click("#verify button");
  await page.waitForFunction(() => document.getElementById("verify-result").dataset.state === "ok");
  assert.equal(await page.textContent("#verify-result"), "Valid signature.");

  await page.fill("#ver-body", body + " ");
  await page.click("#verify button");
  await page.waitForFunction(() => document.getElementById("verify-result").dataset.state === "error");
  assert.match(await page.textContent("#verify-result"), /^SignatureError: body hash does not match/);
});

test("a failing destination lands in the DLQ table, and Retry re-delivers it", async () => {
  await page.fill("#pub-url", `${sinkUrl}/fail`);
  await page.fill("#pub-body", "doomed");
  await page.fill("#pub-retries", "0");
  await page.fill("#pub-label", "");
  const previous = await page.textContent("#publish-result");
  await page.click("#publish button");
  await page.waitForFunction((prev) => {
    const text = document.getElementById("publish-result").textContent;
    return text !== prev && /^Published: /.test(text);
  }, previous);
  await eventually("a row in the DLQ table", async () => {
    await page.click("#dlq-refresh");
    return page.locator("#dlq-table tbody tr").count();
  }, 20_000, 100);
  const row = page.locator("#dlq-table tbody tr").first();
  assert.equal(await row.locator("td").nth(2).textContent(), "500");
  const before = deliveries.filter((d) => d.path === "/fail").length;
  await row.locator("button").click();
  await eventually("the retried delivery", () => deliveries.filter((d) => d.path === "/fail").length > before, 20_000, 100);
  await page.screenshot({ path: join(ROOT, "www/.work/console.png"), fullPage: true });
});

test("a bad token shows the server's QstashError in the page", async () => {
  await page.fill("#token", "not-a-token");
  await page.click("#connect button");
  await page.waitForFunction(() => document.getElementById("connect-result").dataset.state === "error");
  assert.match(await page.textContent("#connect-result"), /^QstashError \(status 401\)/);
});

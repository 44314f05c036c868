// `make demo`: the whole loop on one machine, with the package as users get it.
//
//  1. starts our QStash-compatible server (target/debug/qstash-dev, temp db, free port);
//  2. starts a local endpoint that verifies every delivery with our Receiver and fails the
//     first attempt on purpose;
//  3. publishes a JSON message with our Client (delay 2 s, 3 retries, 500 ms retry delay);
//  4. prints what was published, delivered, retried and verified, and the message's log;
//  5. stops everything. Exits non-zero if any of it did not happen.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { ROOT, startServer, startReceiver, eventually } from "../tests/e2e/harness.mjs";

// QSTASH_WASM_ENTRY points at another build of the package (e.g. an installed copy).
const pkgEntry = process.env.QSTASH_WASM_ENTRY ?? resolve(ROOT, "pkg/node.js");
if (!existsSync(pkgEntry)) {
  console.error("demo: pkg/ is missing — run `make build` (scripts/build-pkg.sh) first");
  process.exit(1);
}
const { Client, Receiver } = await import(pathToFileURL(pkgEntry).href);

const say = (...a) => console.log(...a);
const problems = [];
const expect = (cond, what) => {
  say(`  ${cond ? "✔" : "✘"} ${what}`);
  if (!cond) problems.push(what);
};

const server = await startServer();
say(`qstash-dev running at ${server.url}`);
const receiver = new Receiver({ currentSigningKey: server.currentSigningKey, nextSigningKey: server.nextSigningKey });
// The endpoint answers 500 to the first attempt, 200 afterwards.
const endpoint = await startReceiver(receiver, (_path, attempt) => (attempt === 1 ? 500 : 200));
say(`endpoint listening at ${endpoint.url}/orders (fails the first attempt)\n`);

try {
  const client = new Client({ baseUrl: server.url, token: server.token });
  const body = { orderId: "ord_1001", amount: 42.5, currency: "EUR" };
  const t0 = Date.now();
  const { messageId } = await client.publishJSON({
    url: `${endpoint.url}/orders`,
    body,
    delay: "2s",
    retries: 3,
    retryDelay: "500",
    headers: { "X-Demo": "make-demo" },
  });
  say(`published ${messageId}`);
  say(`  body ${JSON.stringify(body)}, delay 2s, retries 3, retryDelay 500 ms\n`);

  const attempts = await eventually("two delivery attempts", () => endpoint.for("/orders").length >= 2 && endpoint.for("/orders"), 30_000);
  for (const [i, a] of attempts.entries()) {
    say(`delivery attempt ${i + 1} at +${a.at - t0} ms: Upstash-Retried=${a.headers["upstash-retried"]}, ` +
      `signature ${a.verified ? "verified by Receiver" : `NOT verified (${a.verifyError})`}, answered ${a.status}`);
  }
  const [first, second] = attempts;
  say("");
  expect(first.at - t0 >= 1900, `first attempt waited for the 2 s delay (+${first.at - t0} ms)`);
  expect(first.status === 500 && second.status === 200, "first attempt failed, the retry succeeded");
  expect(second.headers["upstash-retried"] === "1", "the retry carries Upstash-Retried: 1");
  expect(attempts.every((a) => a.verified === true), "every delivery's signature verified with our Receiver");
  expect(attempts.every((a) => JSON.stringify(JSON.parse(a.body)) === JSON.stringify(body)), "the body arrived unchanged");
  expect(first.headers["x-demo"] === "make-demo", "the forwarded header arrived");
  expect(first.headers["upstash-message-id"] === messageId, "the delivery names the published message id");

  const log = await eventually("a DELIVERED log entry", async () => {
    const { logs } = await client.logs({ filter: { messageId } });
    return logs.some((l) => l.state === "DELIVERED") && logs;
  });
  // The log comes newest first; events of one attempt can share a millisecond, so ties keep
  // the server's order (reversed) instead of the array's.
  const states = log
    .map((l, i) => [l, i])
    .sort(([a, i], [b, j]) => a.time - b.time || j - i)
    .map(([l]) => l.state);
  say(`\nlog of ${messageId}: ${states.join(" → ")}`);
  expect(
    states.join(" ") === "CREATED ACTIVE ERROR RETRY ACTIVE DELIVERED",
    "the log reads CREATED → ACTIVE → ERROR → RETRY → ACTIVE → DELIVERED",
  );
} catch (e) {
  problems.push(String(e?.stack ?? e));
  console.error(e);
} finally {
  await endpoint.close();
  await server.stop();
  say("\nstopped the endpoint and qstash-dev");
}

if (problems.length) {
  console.error(`\ndemo FAILED: ${problems.length} problem(s)`);
  process.exit(1);
}
say("\ndemo OK");

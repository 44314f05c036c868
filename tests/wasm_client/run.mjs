// Loads the wasm test harness in Node and checks the Rust Client end to end:
// what the recording server received and what the client returned.
import http from "node:http";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// `wasm-bindgen --target web` output: init with the bytes, then call the export.
const glue = await import(pathToFileURL(process.argv[2]).href);
await glue.default({ module_or_path: readFileSync(process.argv[3]) });
const { run_suite } = glue;

const seen = [];
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
};
const server = http.createServer((req, res) => {
  let body = "";
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const raw = Buffer.concat(chunks);
    body = raw.toString("utf8");
    seen.push({ method: req.method, url: req.url, headers: req.headers, body, raw });
    const u = req.url;
    if (u.startsWith("/v2/publish/grp")) return json(res, 201, [{ messageId: "g1", url: "a" }, { messageId: "g2", url: "b" }]);
    if (u.startsWith("/v2/publish/")) return json(res, 201, { messageId: "m1", url: "https://example.com/hook" });
    if (u === "/v2/batch") return json(res, 201, [{ messageId: "b1" }, [{ messageId: "b2", url: "x" }]]);
    if (u === "/v2/messages/m1") return json(res, 200, { messageId: "m1", url: "https://e.com", createdAt: 1, topicName: "g", rate: 3 });
    if (u.startsWith("/v2/messages?")) return json(res, 200, { cancelled: 2 });
    if (u.startsWith("/v2/dlq/retry")) return json(res, 201, { cursor: "", responses: [{ messageId: "r1" }, { messageId: "r2" }] });
    if (u === "/v2/events") return json(res, 200, { events: [{ time: 1, state: "DELIVERED", messageId: "m1", url: "u", topicName: "t" }] });
    if (u === "/v2/queues") return json(res, 200);
    if (u === "/v2/schedules/scd_1/pause") return json(res, 200);
    if (u === "/v2/keys") return json(res, 200, { current: "c", next: "n" });
    if (u === "/v2/topics/limited") return json(res, 429, { error: "x" }, { "Burst-RateLimit-Limit": "10", "Burst-RateLimit-Remaining": "0", "Burst-RateLimit-Reset": "99" });
    if (u === "/v2/topics/broken") { res.writeHead(500); return res.end("boom"); }
    if (u === "/v2/topics/slow") return; // never answers: the client's timeout must fire
    json(res, 404, { error: "no route " + u });
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

try {
  const report = JSON.parse(await run_suite(base));
  const find = (pred) => { const r = seen.find(pred); assert.ok(r, "request not seen"); return r; };
  assert.deepEqual(report.publish, ["m1"]);
  assert.deepEqual(report.publishJson, ["g1", "g2"]);
  assert.deepEqual(report.batch, [["b1"], ["b2"]]);
  assert.deepEqual(report.message, ["m1", "g", 3]);
  assert.equal(report.cancelled, 2);
  assert.equal(report.cancelledNone, 0);
  assert.deepEqual(report.dlqRetry, [null, 2]);
  assert.deepEqual(report.logs, [1, "t"]);
  assert.deepEqual(report.keys, ["c", "n"]);
  assert.deepEqual(report.rateLimited, [true, 429, 'Exceeded burst rate limit. {"limit":"10","remaining":"0","reset":"99"}']);
  assert.deepEqual(report.apiError, [500, "boom"]);
  assert.equal(report.emptyId, "Url group name cannot be empty");
  assert.equal(report.timeout, true);
  assert.deepEqual(report.down, [true, [0, 1]]);
  assert.equal(report.raw, 201);
  const raw = find((r) => r.url === "/v2/publish/https://example.com/raw");
  assert.deepEqual([...raw.raw], [0, 255, 1, 128], "raw body bytes reach the server unchanged");

  const pub = find((r) => r.url === "/v2/publish/https://example.com/hook");
  assert.equal(pub.method, "POST");
  assert.equal(pub.body, "hello");
  assert.equal(pub.headers.authorization, "Bearer tok");
  assert.equal(pub.headers["upstash-delay"], "3s");
  assert.equal(pub.headers["upstash-label"], "a,b");
  assert.equal(pub.headers["upstash-method"], "POST");
  assert.equal(pub.headers["upstash-forward-x-global"], "g");
  assert.match(pub.headers["upstash-telemetry-sdk"], /^qstash-wasm@/);
  assert.equal(pub.headers["upstash-telemetry-runtime"], `node@${process.version}`);
  const pj = find((r) => r.url === "/v2/publish/grp");
  assert.equal(pj.headers["content-type"], "application/json");
  assert.equal(pj.body, '{"k":[1,2]}');
  const batch = find((r) => r.url === "/v2/batch");
  const items = JSON.parse(batch.body);
  assert.equal(items[0].queue, "q");
  assert.equal(items[0].headers["upstash-forward-x-global"], "g");
  assert.equal(batch.headers["upstash-forward-x-global"], undefined);
  find((r) => r.method === "DELETE" && r.url === "/v2/messages?label=x&label=y&url=https%3A%2F%2Fa.com&count=100");
  find((r) => r.method === "POST" && r.url === "/v2/dlq/retry?dlqIds=d1&dlqIds=d2");
  const q = find((r) => r.url === "/v2/queues");
  assert.equal(q.body, '{"queueName":"q1","parallelism":1,"paused":false}');
  find((r) => r.method === "PATCH" && r.url === "/v2/schedules/scd_1/pause");
  const mgmt = find((r) => r.url === "/v2/messages/m1");
  assert.equal(mgmt.headers["upstash-forward-x-global"], undefined, "global headers only on publish");
  assert.equal(seen.filter((r) => r.url.startsWith("/v2/messages?")).length, 1, "cancel([]) sends nothing");
  console.log(`wasm client: ok (${seen.length} requests checked)`);
} finally {
  server.closeAllConnections?.();
  server.close();
}

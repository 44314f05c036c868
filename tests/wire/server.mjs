// A recording HTTP server that answers like QStash with plausible JSON.
//
// Both clients (the official `@upstash/qstash` and ours) are pointed at it in turn; every request
// is recorded byte for byte so the harness can compare method, path, query, headers and body.
// Replies depend only on the request, so both clients get the same reply for the same request;
// `server.next` overrides the reply for the next request (error-status cases).
import http from "node:http";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

/** The module a Node `import` of the package in `dir` loads (its `exports["."]` for Node). */
export async function packageEntry(dir) {
  const pkg = JSON.parse(await readFile(resolve(dir, "package.json"), "utf8"));
  const dot = pkg.exports?.["."] ?? pkg.exports;
  const pick = typeof dot === "string" ? dot : dot?.node ?? dot?.import ?? dot?.default;
  return resolve(dir, pick ?? pkg.module ?? pkg.main ?? "index.js");
}

const IGNORED_HEADERS = new Set(["host", "connection", "content-length"]);
const isTelemetry = (name) => name.toLowerCase().startsWith("upstash-telemetry-");

/** Normalises one recorded request into something two clients must agree on exactly. */
export function normaliseRequest(rec) {
  let boundary = null;
  const headers = [];
  for (const [name, value] of rec.headers) {
    if (IGNORED_HEADERS.has(name) || isTelemetry(name)) continue;
    let v = value;
    // multipart boundaries are random per request (fetch picks them): compare the shape only.
    const m = /^multipart\/form-data; boundary=(.+)$/.exec(v);
    if (m) { boundary = m[1]; v = "multipart/form-data; boundary=<B>"; }
    headers.push([name, v]);
  }
  headers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
  let body = rec.body;
  if (boundary) body = body.split(boundary).join("<B>");
  // A FormData body sent under another content type keeps undici's random boundary.
  body = body.replace(/formdata-undici-\d+/g, "formdata-undici-<B>");
  // Batch items carry the telemetry headers inside the JSON body.
  if (rec.path.endsWith("/v2/batch")) {
    try {
      const items = JSON.parse(body);
      for (const item of items) {
        for (const k of Object.keys(item.headers ?? {})) if (isTelemetry(k)) delete item.headers[k];
      }
      body = JSON.stringify(items);
    } catch { /* compare raw */ }
  }
  return { method: rec.method, path: rec.path, query: rec.search, headers, body };
}

/** Answers a request the way QStash would (shape-wise); pure function of the request. */
export function plausibleReply(method, path, search, body) {
  const json = (value, status = 200) => ({ status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) });
  const empty = (status = 200) => ({ status, headers: {}, body: "" });
  const seg = path.split("/").filter(Boolean); // ["v2", ...]
  const params = new URLSearchParams(search);
  const r = seg[1];

  const publishReply = (destination) => {
    // A destination that is not a URL is a URL group: QStash answers with an array.
    if (!/^https?:/.test(destination) && destination !== "api/llm") {
      return json([
        { messageId: `msg_${destination}_1`, url: "https://a.example.com/hook" },
        { messageId: `msg_${destination}_2`, url: "https://b.example.com/hook", deduplicated: true },
      ], 201);
    }
    return json({ messageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw", url: destination }, 201);
  };

  const message = (id) => ({
    messageId: id, topicName: "my-group", url: "https://example.com/hook", method: "POST",
    header: { "Content-Type": ["application/json"] }, body: "{\"hello\":\"world\"}", maxRetries: 3,
    notBefore: 1735689600000, createdAt: 1735689500000, callback: "https://example.com/cb",
    flowControlKey: "fck", parallelism: 2, rate: 10, period: 60, labels: ["a", "b"], label: "a",
  });
  const schedule = (id) => ({
    scheduleId: id, cron: "*/5 * * * *", createdAt: 1735689500000, destination: "https://example.com/cron",
    method: "POST", header: { "Content-Type": ["application/json"] }, body: "{}", retries: 3, delay: 0,
    isPaused: false, rate: 5, parallelism: 1, period: 1, flowControlKey: "fck", labels: ["x"],
    lastScheduleTime: 1735689550000, nextScheduleTime: 1735689800000, lastScheduleStates: { msg_1: "SUCCESS" },
  });
  const queue = (name) => ({ createdAt: 1735689500000, updatedAt: 1735689600000, name, parallelism: 2, lag: 0, paused: false });
  const group = (name) => ({ createdAt: 1735689500000, updatedAt: 1735689600000, name, endpoints: [{ name: "e1", url: "https://a.example.com" }, { url: "https://b.example.com" }] });
  const flow = (key) => ({
    flowControlKey: key, waitListSize: 3, parallelismMax: 5, parallelismCount: 1, rateMax: 10, rateCount: 2,
    ratePeriod: 60, ratePeriodStart: 1735689500, isPaused: false, isPinnedParallelism: false, isPinnedRate: true,
  });
  const dlqMessage = (id) => ({ ...message(`msg_${id}`), dlqId: id, responseStatus: 500, responseHeader: { "X-A": ["1"] }, responseBody: "boom" });

  switch (r) {
    case "publish": return publishReply(path.slice("/v2/publish/".length));
    case "enqueue": return publishReply(path.slice(`/v2/enqueue/${seg[2]}/`.length));
    case "batch": {
      let items = [];
      try { items = JSON.parse(body); } catch { /* not JSON: answer an empty batch */ }
      return json(items.map((item, i) => (/^https?:/.test(item.destination)
        ? { messageId: `msg_batch_${i}`, url: item.destination }
        : [{ messageId: `msg_batch_${i}_a`, url: "https://a.example.com" }])), 201);
    }
    case "messages":
      if (method === "GET") return json(message(seg[2]));
      if (seg[2]) return json({ cancelled: 1 });
      return json({ cancelled: params.getAll("messageIds").length || 7 });
    case "schedules":
      if (method === "POST") return json({ scheduleId: params.size ? "scd_q" : "scd_1234" }, 201);
      if (method === "GET") return seg[2] ? json(schedule(seg[2])) : json([schedule("scd_1"), { ...schedule("scd_2"), rate: undefined }]);
      return empty();
    case "topics":
      if (method === "GET") return seg[2] ? json(group(seg[2])) : json([group("g1"), group("g2")]);
      return empty();
    case "queues":
      if (method === "GET") return seg[2] ? json(queue(seg[2])) : json([queue("q1"), queue("q2")]);
      return empty();
    case "dlq":
      if (seg[2] === "retry") return json({ cursor: params.has("cursor") ? "" : "cur_2", responses: [{ messageId: "msg_r1" }, { messageId: "msg_r2" }] }, 201);
      if (method === "GET") return seg[2] ? json(dlqMessage(seg[2])) : json({ messages: [dlqMessage("dlq_1"), dlqMessage("dlq_2")], cursor: "cur_1" });
      if (seg[2]) return empty();
      return json({ deleted: params.getAll("dlqIds").length || 4, cursor: params.has("cursor") ? "" : "cur_3" });
    case "events":
    case "logs":
      return json({
        cursor: "1735689600000",
        [r]: [
          { time: 1735689600000, state: "DELIVERED", messageId: "msg_1", url: "https://example.com", topicName: "grp", labels: ["a"] },
          { time: 1735689500000, state: "CREATED", messageId: "msg_2", url: "https://example.com", header: { A: ["b"] }, body: "e30=" },
        ],
      });
    case "flowControl":
      if (method === "GET") return seg[2] ? json(flow(seg[2])) : json([flow("k1"), flow("k2")]);
      return empty();
    case "globalParallelism":
      return json({ parallelismMax: 50 });
    case "keys":
      return json({ current: "sig_current", next: "sig_next" }, seg[2] === "rotate" ? 201 : 200);
    default:
      return json({ error: `no route ${method} ${path}` }, 404);
  }
}

/** Starts the server on 127.0.0.1:0. Returns { url, records, next, close }. */
export async function startRecordingServer() {
  const state = { records: [], next: null };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const q = req.url.indexOf("?");
      const path = q < 0 ? req.url : req.url.slice(0, q);
      const search = q < 0 ? "" : req.url.slice(q + 1);
      const text = raw.toString("utf8");
      const body = Buffer.from(text, "utf8").equals(raw) ? text : `base64:${raw.toString("base64")}`;
      // rawHeaders keeps repeated headers and original case; names are compared lowercased.
      const headers = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      state.records.push({ method: req.method, path, search, headers, body });
      const reply = state.next ?? plausibleReply(req.method, path, search, text);
      state.next = null;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

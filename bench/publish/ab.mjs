// A/B of two builds of the package in one process, interleaved (interleave.mjs), for a change to
// the client's own work: `fetch` answers one cached object, so only the clients' code runs.
//
//   node bench/publish/ab.mjs <entry A> <entry B> [call] [rounds] [n]
//   deno run -A bench/publish/ab.mjs <entry A> <entry B> [call] [rounds] [n]
//
// An entry is a package's node.js or deno.js (a copy of pkg/ from before a change, and pkg/).
// `call` (default `same`):
//   same       publish of one request object, again and again (a publish loop)
//   alternate  publish of two request objects with different destinations, in turn
//   fresh      publish of a new literal per call, with a new deduplicationId
//   json       publishJSON of one request object with an object body
//   enqueue    enqueue of one request object on one queue object
// Prints one JSON line: µs per call of each side (median round) and B − A.
import { resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { interleave, runtime } from "./interleave.mjs";

const args = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
const [entryA, entryB, call = "same", rounds = "24", n = "5000"] = args;
if (!entryA || !entryB) {
  console.error("usage: ab.mjs <entry A> <entry B> [same|alternate|fresh|json|enqueue] [rounds] [n]");
  process.exit(2);
}
const payload = { messageId: "msg_1", url: "https://example.com/hook" };
const answer = { status: 201, json: () => Promise.resolve(payload) };
globalThis.fetch = () => Promise.resolve(answer);

const DEST = "https://example.com/hook";
const BODY = '{"hello":"world","n":1}';
const req = { url: DEST, body: BODY, headers: { "Content-Type": "application/json" }, retries: 3 };
const other = { ...req, url: "https://example.com/other" };
const json = { url: DEST, body: { hello: "world", n: 1 }, retries: 3 };
let seq = 0;
const queues = new WeakMap();
const queueOf = (c) => queues.get(c) ?? queues.set(c, c.queue({ queueName: "q" })).get(c);
const calls = {
  same: (c) => c.publish(req),
  alternate: (c) => c.publish(seq++ & 1 ? req : other),
  fresh: (c) => c.publish({ url: DEST, body: BODY, headers: { "Content-Type": "application/json" }, retries: 3, deduplicationId: `d-${seq++}` }),
  json: (c) => c.publishJSON(json),
  enqueue: (c) => queueOf(c).enqueue(req),
};
const run = calls[call];
if (!run) throw new Error(`unknown call ${call}`);

const config = { baseUrl: "http://127.0.0.1:9", token: "bench-token", enableTelemetry: false };
// Entries are paths from the current directory.
const load = async (entry) => (await import(pathToFileURL(resolve(entry)).href)).Client;
const a = new (await load(entryA))(config);
const b = new (await load(entryB))(config);
const medians = await interleave({ a: () => run(a), b: () => run(b) }, { rounds: Number(rounds), n: Number(n) });
console.log(JSON.stringify({
  runtime, call, a: Number(medians.a.toFixed(2)), b: Number(medians.b.toFixed(2)),
  "b - a": Number((medians.b - medians.a).toFixed(2)),
}));

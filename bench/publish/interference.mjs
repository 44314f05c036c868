// Why the stub-`Response` rows of RESULTS.md grow on some hosts: `node|deno interference.mjs`
// (QSTASH_WASM_ENTRY = ours) prints, for each piece of work X, X alone, building and reading one
// `Response` alone, and X followed by that, all interleaved in one process (median of rounds,
// µs per iteration). When "X then Response" costs more than the two alone, X slows the
// `Response` code down: on the AMD EPYC VM of 2026-11-29, undici's functions all ran 1.5–2×
// slower after a client's publish than after nothing, and 300 small distinct JS functions did
// the same, while a few awaits, allocations or a `Headers` did not: it is the amount of
// distinct code run in between (instruction cache, branch predictor), not garbage collection
// (`--trace-gc` counted the same scavenges). Any client pays it, the official as much as ours.
import process from "node:process";
import { interleave, runtime } from "./interleave.mjs";

const reply = JSON.stringify({ messageId: "msg_1", url: "https://example.com/hook" });
const answer = { status: 201, json: () => Promise.resolve(JSON.parse(reply)) };
let stub = "object";
globalThis.fetch = async () =>
  stub === "object" ? answer : new Response(reply, { status: 201, headers: { "content-type": "application/json" } });

const ours = await import(process.env.QSTASH_WASM_ENTRY);
const official = await import("@upstash/qstash");
const config = { baseUrl: "http://127.0.0.1:9", token: "bench-token", enableTelemetry: false };
const ourClient = new ours.Client(config);
const officialClient = new official.Client(config);
const req = { url: "https://example.com/hook", body: '{"hello":"world","n":1}', headers: { "Content-Type": "application/json" }, retries: 3 };

// Plain JS spread over many functions: no awaits, no allocation beyond a number.
const many = Array.from({ length: 300 }, (_, i) =>
  new Function("o", `let s = ${i}; for (const k in o) s += o[k].length * ${(i % 7) + 1}; return s ^ ${i * 31};`));
const bag = { a: "xx", b: "yyy", c: "z" };
let sink = 0;

const work = {
  "ours.publish": () => ourClient.publish(req),
  "official.publish": () => officialClient.publish(req),
  "300 small JS functions": async () => {
    let t = 0;
    for (let i = 0; i < many.length; i++) t += many[i](bag);
    sink ^= t;
  },
  "30 small JS functions": async () => {
    let t = 0;
    for (let i = 0; i < many.length; i += 10) t += many[i](bag);
    sink ^= t;
  },
};
const response = async () => {
  stub = "response";
  const r = await (await fetch("http://127.0.0.1:9/", {})).json();
  stub = "object";
  return r;
};
const cases = { response };
for (const [name, f] of Object.entries(work)) {
  cases[name] = f;
  cases[`${name} + response`] = async () => {
    await f();
    return response();
  };
}

const m = await interleave(cases, { rounds: Number(process.env.ROUNDS ?? 16), n: Number(process.env.N ?? 2000) });
console.log(`${runtime}: Response alone ${m.response.toFixed(1)} µs`);
for (const name of Object.keys(work)) {
  const extra = m[`${name} + response`] - m[name] - m.response;
  console.log(`${name.padEnd(24)} alone ${m[name].toFixed(1).padStart(6)}   then Response ${m[`${name} + response`].toFixed(1).padStart(6)}   more than the sum: ${extra >= 0 ? "+" : ""}${extra.toFixed(1)} µs`);
}

// Cold start of one Receiver in a fresh process: import + construct + first verify.
// Driven by bench/verify/run.sh:
//
//   node bench/verify/cold.mjs <official|ours|ours-receiver> <token>
//   deno run -A bench/verify/cold.mjs <which> <token> [--node-compat]
//
// This module imports nothing before the clock starts, unlike bench.mjs: on Deno the first
// touch of the Node `process` global (or any `node:` module) builds Deno's Node compatibility
// layer, ~30 ms, and a measuring script that had loaded it would hide that cost from whichever
// implementation would pay it. `--node-compat` touches `process` first on purpose, to measure
// an app that has already loaded it (one using npm packages that read `process`). The token is
// minted by run.sh (`bench.mjs mint`) for the body below.

const deno = typeof Deno !== "undefined";
const args = deno ? Deno.args : process.argv.slice(2);
const env = (name) => (deno ? Deno.env.get(name) : process.env[name]);
const [which, signature] = args;
const nodeCompat = args.includes("--node-compat");
if (nodeCompat) void globalThis.process?.env;

const BODY = '{"hello":"world"}';
const URL_ = "https://example.com/api/webhook";
const CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
const variable = {
  official: "QSTASH_OFFICIAL_ENTRY",
  ours: "QSTASH_WASM_ENTRY",
  "ours-receiver": "QSTASH_WASM_RECEIVER_ENTRY",
}[which];
const entry = variable && env(variable);
if (!entry) throw new Error(`usage: cold.mjs <official|ours|ours-receiver> <token>, with ${variable ?? "the entry"} set (run.sh sets it)`);

const t0 = performance.now();
const { Receiver } = await import(entry.startsWith("file:") ? entry : `file://${entry}`);
const t1 = performance.now();
const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
const ok = await receiver.verify({ signature, body: BODY, url: URL_ });
const t2 = performance.now();
if (ok !== true) throw new Error("first verify failed");
const runtime = deno ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`;
console.log(JSON.stringify({ runtime, which, nodeCompat, importMs: t1 - t0, firstVerifyMs: t2 - t1, totalMs: t2 - t0 }));

// Receiver.verify throughput and latency, ours vs @upstash/qstash, side by side in one process.
// Runs under Node and Deno. Driven by bench/verify/run.sh, which installs the packed tarball
// and sets QSTASH_WASM_ENTRY to a module that re-exports it by package name.
//
//   node bench/verify/bench.mjs hot                  -> JSON: ops/s and p99 per case and impl
//   node bench/verify/bench.mjs mint                 -> the token cold.mjs verifies
// Cold start is cold.mjs (a module that imports nothing before its clock starts).
//
// Tokens are minted with node:crypto HMAC (independent of both implementations).

import { createHash, createHmac } from "node:crypto";

const env = (name) =>
  typeof Deno !== "undefined" ? Deno.env.get(name) : process.env[name];
const argv = typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2);
const runtime =
  typeof Deno !== "undefined" ? `deno ${Deno.version.deno}` : `node ${process.versions.node}`;

const CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
const URL_ = "https://example.com/api/webhook";

function mint({ key = CURRENT, body, exp }) {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (s) => Buffer.from(s).toString("base64url");
  const header = b64('{"alg":"HS256","typ":"JWT"}');
  const payload = b64(
    JSON.stringify({
      iss: "Upstash",
      sub: URL_,
      exp: exp ?? now + 3600,
      nbf: 0,
      iat: now,
      jti: "jwt_bench",
      body: createHash("sha256").update(body).digest("base64url") + "=",
    }),
  );
  const input = `${header}.${payload}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

function cases() {
  const body = (n) => "x".repeat(n);
  const kib = body(1024);
  const valid = (name, b) => ({ name, body: b, signature: mint({ body: b }), expect: true });
  const good = mint({ body: kib });
  const badSig = good.slice(0, -6) + (good.at(-6) === "A" ? "B" : "A") + good.slice(-5);
  return [
    valid("0 B", ""),
    valid("1 KiB", kib),
    valid("64 KiB", body(64 * 1024)),
    valid("1 MiB", body(1024 * 1024)),
    { name: "bad signature (1 KiB)", body: kib, signature: badSig, expect: false },
    {
      name: "expired (1 KiB)",
      body: kib,
      signature: mint({ body: kib, exp: Math.floor(Date.now() / 1000) - 60 }),
      expect: false,
    },
  ];
}

// Each implementation is loaded the same way: through a one-line module in bench/.work/verify
// that re-exports it by package name (run.sh writes them), so all pay the same resolution and
// extra-module cost in the cold start. Without QSTASH_OFFICIAL_ENTRY the official is imported
// from here directly.
async function load(which) {
  if (which === "official") {
    const entry = env("QSTASH_OFFICIAL_ENTRY");
    if (!entry) return (await import("@upstash/qstash")).Receiver;
    return (await import(entry.startsWith("file:") ? entry : `file://${entry}`)).Receiver;
  }
  const variable = which === "ours-receiver" ? "QSTASH_WASM_RECEIVER_ENTRY" : "QSTASH_WASM_ENTRY";
  const entry = env(variable);
  if (!entry) throw new Error(`${variable} is not set (run bench/verify/run.sh)`);
  const mod = await import(entry.startsWith("file:") ? entry : `file://${entry}`);
  if (typeof mod.Receiver !== "function") throw new Error("the package does not export Receiver");
  return mod.Receiver;
}

async function once(receiver, c, variant) {
  const req = { signature: c.signature, body: c.body, url: URL_ };
  try {
    if (variant === "sync") return receiver.verifySync(req) === true;
    return (await receiver.verify(req)) === true;
  } catch {
    return false;
  }
}

/** Rounds per case: each implementation runs for a slice of its budget in every round, in
 * turn, and its ops/s is the median over rounds. On a shared 2-core machine the speed drifts
 * by tens of percent from one 300 ms slice to the next (measured: 66k-144k verifies/s for the
 * same loop); one long block per implementation let that drift land on one side only. */
const ROUNDS = 15;

/** One round: ops/s over a time budget, and the per-call latencies. */
async function round(receiver, c, variant, budget, samples) {
  const start = performance.now();
  let t = start;
  let n = 0;
  while (t - start < budget || n < 6) {
    await once(receiver, c, variant);
    const t2 = performance.now();
    samples.push(t2 - t);
    t = t2;
    n++;
  }
  return n / ((t - start) / 1000);
}

async function warm(receiver, c, variant) {
  const count = c.body.length >= 512 * 1024 ? 10 : 300;
  for (let i = 0; i < count; i++) {
    const ok = await once(receiver, c, variant);
    if (ok !== c.expect) throw new Error(`${c.name}: expected ${c.expect}, got ${ok}`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** Every implementation on one case, interleaved round by round: median ops/s, p99 latency. */
async function measureCase(impls, c) {
  const budget = (c.body.length >= 512 * 1024 ? 2000 : 1500) / ROUNDS;
  const state = impls.map(() => ({ ops: [], samples: [] }));
  for (const [, receiver, variant] of impls) await warm(receiver, c, variant);
  for (let r = 0; r < ROUNDS; r++) {
    // Each round starts with the next implementation, so none always runs right after the
    // official (and pays for collecting its garbage: jose's promise pipeline allocates far more
    // per verify). Forcing a full collection between slices instead slowed the official by
    // ~40% (its p99 went to milliseconds), so it is not done.
    for (let j = 0; j < impls.length; j++) {
      const k = (r + j) % impls.length;
      const [, receiver, variant] = impls[k];
      state[k].ops.push(await round(receiver, c, variant, budget, state[k].samples));
    }
  }
  const row = { case: c.name };
  for (const [k, [name]] of impls.entries()) {
    const { ops, samples } = state[k];
    samples.sort((a, b) => a - b);
    const p99 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))];
    row[name] = { ops: median(ops), p99, n: samples.length };
  }
  return row;
}

async function hot() {
  const Official = await load("official");
  const Ours = await load("ours");
  const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
  const impls = [
    ["official", new Official(keys), "async"],
    ["ours", new Ours(keys), "async"],
  ];
  const oursSync = new Ours(keys);
  if (typeof oursSync.verifySync === "function") impls.push(["ours verifySync", oursSync, "sync"]);
  if (env("QSTASH_WASM_RECEIVER_ENTRY")) {
    const OursReceiver = await load("ours-receiver");
    impls.push(["ours /receiver", new OursReceiver(keys), "async"]);
  }
  const rows = [];
  for (const c of cases()) rows.push(await measureCase(impls, c));
  console.log(JSON.stringify({ runtime, impls: impls.map((i) => i[0]), rows }));
}

// The token cold.mjs verifies (its body and URL), minted here so that cold.mjs imports nothing.
if (argv[0] === "mint") console.log(mint({ body: '{"hello":"world"}' }));
else await hot();

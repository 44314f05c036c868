// One benchmark cell: `node|deno bench.mjs <sinkUrl|stub> <raw|floor|official|ours> <sequential|concurrent> [n]`.
// Publishes the same message n times (after a warm-up) and prints one JSON line:
// { lib, mode, runtime, n, wallMs, perSec, cpuUsPerOp } — CPU is this process's user+system time.
// With `stub` instead of a sink URL, `fetch` is an in-memory stub answering like /v2/publish, so
// the CPU per publish is the client's own work (plus the same Response construction for all).
import process from "node:process";
import { floorPublish } from "./floor-client.mjs";

const [target, lib, mode, nArg] = process.argv.slice(2);
const stubbed = target === "stub";
const sink = stubbed ? "http://127.0.0.1:9" : target;
if (stubbed) {
  const reply = JSON.stringify({ messageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw", url: "https://example.com/hook" });
  globalThis.fetch = async () => new Response(reply, { status: 201, headers: { "content-type": "application/json" } });
}
const N = Number(nArg ?? (stubbed ? 50000 : 4000));
const WARMUP = Math.min(stubbed ? 10000 : 1000, N);
const IN_FLIGHT = 64;
const DEST = "https://example.com/hook";
const BODY = '{"hello":"world","n":1}';
const TOKEN = "bench-token";

let publishOnce;
if (lib === "raw") {
  // What any client must do at minimum: one fetch with the same headers, parse the JSON.
  const url = `${sink}/v2/publish/${DEST}`;
  const init = {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "upstash-method": "POST", "upstash-retries": "3" },
    body: BODY,
  };
  publishOnce = async () => (await fetch(url, init)).json();
} else if (lib === "floor") {
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "upstash-method": "POST", "upstash-retries": "3" };
  publishOnce = floorPublish(`${sink}/v2/publish/${DEST}`, headers, BODY);
} else {
  const mod = lib === "official"
    ? await import("@upstash/qstash")
    : await import(process.env.QSTASH_WASM_ENTRY);
  const client = new mod.Client({ baseUrl: sink, token: TOKEN, enableTelemetry: false });
  const req = { url: DEST, body: BODY, headers: { "Content-Type": "application/json" }, retries: 3 };
  publishOnce = () => client.publish(req);
}

async function run(n) {
  if (mode === "sequential") {
    for (let i = 0; i < n; i++) await publishOnce();
  } else {
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        await publishOnce();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  }
}

const check = await publishOnce();
if (!check || check.messageId === undefined) throw new Error(`unexpected publish result ${JSON.stringify(check)}`);
await run(WARMUP);
globalThis.gc?.();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(N);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const runtime = typeof Deno !== "undefined" ? `deno ${Deno.version.deno}` : `node ${process.version}`;
console.log(JSON.stringify({
  lib, mode: stubbed ? `${mode} (stub fetch)` : mode, runtime, n: N,
  wallMs: Math.round(wallMs),
  perSec: Math.round((N / wallMs) * 1000),
  cpuUsPerOp: Number(((cpu.user + cpu.system) / N).toFixed(1)),
}));

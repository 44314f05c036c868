// The stub-fetch publish loop of bench.mjs, with every contender in ONE process, interleaved:
// `node|deno floor.mjs` (QSTASH_WASM_ENTRY = ours) prints one JSON line of medians, µs/publish.
//
// Separate processes (bench.mjs) differ by more than the differences measured here: on a shared
// 2-core VM the same raw loop measures 40–60 µs from one process to the next. Here each round
// runs every contender for N publishes, in a rotating order, and the median round is reported.
//
// `floor` is plain JS doing only what a drop-in must do on top of raw fetch, because callers'
// fetch mocks and getters see it (tests/parity/fetch_mock.test.mjs): one await before calling
// fetch (the official awaits its dev-server check), a `Headers` init with a `keepalive` key,
// `status` read as the official reads it, the request inside an async method. ours − floor is
// then what the client itself costs: reading the options, building and checking the request,
// the wasm crossings. FLOOR_ONLY=ours,floor runs only those (for a CPU profile of one);
// FLOOR_ROUNDS and FLOOR_N set the rounds and publishes per round.
import process from "node:process";
import { floorPublish } from "./floor-client.mjs";
import { interleave, runtime } from "./interleave.mjs";

// FLOOR_STUB=response (default): the stub builds a `Response` per call, as bench.mjs's does.
// FLOOR_STUB=object: it answers one cached object with `status` and `json()`, so nothing but the
// contenders' own code runs between publishes. On Node the two differ by more than the fetch's
// own cost: building a `Response` runs a lot of undici code and allocates much, and any code
// that runs between two of them, allocating as it goes, slows them down (see BENCHMARKS.md).
// FLOOR_SINK=<url> (bench/publish/sink.mjs): no stub, every request goes to that sink over
// loopback HTTP; then CPU time (this process's user+system) is what is compared, not wall time.
const SINK_URL = process.env.FLOOR_SINK;
const STUB = SINK_URL ? "sink" : (process.env.FLOOR_STUB ?? "response");
const reply = JSON.stringify({ messageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw", url: "https://example.com/hook" });
if (STUB === "sink") {
  // the platform's fetch
} else if (STUB === "object") {
  const answer = { status: 201, json: () => Promise.resolve(JSON.parse(reply)) };
  globalThis.fetch = () => Promise.resolve(answer);
} else {
  globalThis.fetch = async () => new Response(reply, { status: 201, headers: { "content-type": "application/json" } });
}

const SINK = SINK_URL ?? "http://127.0.0.1:9";
const DEST = "https://example.com/hook";
const BODY = '{"hello":"world","n":1}';
const TOKEN = "bench-token";
const URL_ = `${SINK}/v2/publish/${DEST}`;
const HEADERS = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "upstash-method": "POST", "upstash-retries": "3" };
const INIT = { method: "POST", headers: HEADERS, body: BODY };
const floorRequest = floorPublish(URL_, HEADERS, BODY);

const official = await import("@upstash/qstash");
const ours = await import(process.env.QSTASH_WASM_ENTRY);
const config = { baseUrl: SINK, token: TOKEN, enableTelemetry: false };
const officialClient = new official.Client(config);
const ourClient = new ours.Client(config);
const req = { url: DEST, body: BODY, headers: { "Content-Type": "application/json" }, retries: 3 };

// `…Each`: every publish different (a new deduplicationId per call, in a fresh request literal),
// so ours cannot send its last request again (src/js/options.rs `MemoSlot`) and pays for noticing.
// Literals, not `{ ...req, deduplicationId }`: objects made by spreading and adding a key are
// slow to read on V8 (both clients publish such an object at about half the rate), and that
// would be the measure here.
let seq = 0;
const fresh = () => ({ url: DEST, body: BODY, headers: { "Content-Type": "application/json" }, retries: 3, deduplicationId: `d-${seq++}` });
const contenders = {
  raw: async () => (await fetch(URL_, INIT)).json(),
  floor: async () => await floorRequest(),
  official: () => officialClient.publish(req),
  ours: () => ourClient.publish(req),
  rawEach: async () => (await fetch(URL_, { ...INIT, headers: { ...HEADERS, "upstash-deduplication-id": `d-${seq++}` } })).json(),
  officialEach: () => officialClient.publish(fresh()),
  oursEach: () => ourClient.publish(fresh()),
};
const only = process.env.FLOOR_ONLY?.split(",");
const names = Object.keys(contenders).filter((k) => !only || only.includes(k));
const chosen = Object.fromEntries(names.map((k) => [k, contenders[k]]));
for (const name of names) {
  const r = await contenders[name]();
  if (r?.messageId === undefined) throw new Error(`${name}: unexpected result ${JSON.stringify(r)}`);
}

const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 24);
const N = Number(process.env.FLOOR_N ?? 4000);
const medians = await interleave(chosen, { rounds: ROUNDS, n: N, cpu: STUB === "sink" });
console.log(JSON.stringify({
  runtime, stub: STUB, rounds: ROUNDS, n: N,
  ...Object.fromEntries(names.map((k) => [k, Number(medians[k].toFixed(1))])),
}));

// Turns bench/.work/verify/*.json into the markdown of bench/verify/RESULTS.md.
//   node bench/verify/render.mjs <workdir> <command that produced it>
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";

const [work, command] = process.argv.slice(2);
const read = (f) => JSON.parse(readFileSync(join(work, f), "utf8"));
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const ms = (n) => (n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(2)} ms`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const out = [];
out.push("# Receiver.verify: qstash-wasm vs @upstash/qstash");
out.push("");
out.push(`Command: \`${command}\` (from the repository root). Generated ${new Date().toISOString()}.`);
out.push(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, shared with other jobs; expect ±20% run to run.`,
);
if (existsSync(join(work, "meta.json"))) {
  const m = read("meta.json");
  out.push(`Load average (1/5/15 min) before the run: ${m.loadBefore}; after: ${m.loadAfter}.`);
}
out.push(
  "Tokens are HS256, minted with node:crypto; each verify passes `url`; the official's body is the same string. All implementations run in the same process: per case, 15 rounds of 0.1 s each (0.13 s at 1 MiB) in turn, each round starting with the next implementation (so none always runs right after the official and collects its garbage); ops/s is the median round, p99 over all calls. This machine's speed drifts by tens of percent between 0.3 s slices of the same loop, so a single run still varies by ±15%. `ours` is the main entry `qstash-wasm` (`verify`, and `verifySync`); `ours /receiver` is the receiver-only entry `qstash-wasm/receiver` (`verify`).",
);
out.push("");

for (const rt of ["node", "deno"]) {
  const file = `hot-${rt}.json`;
  if (!existsSync(join(work, file))) continue;
  const hot = read(file);
  out.push(`## Throughput and latency — ${hot.runtime}`);
  out.push("");
  const impls = hot.impls;
  const head = ["case", ...impls.flatMap((i) => [`${i} ops/s`, `${i} p99`])];
  const ours = impls.filter((i) => i !== "official");
  for (const i of ours) head.push(`${i} / official`);
  out.push(`| ${head.join(" | ")} |`);
  out.push(`|${head.map(() => "---").join("|")}|`);
  for (const row of hot.rows) {
    const cells = [row.case, ...impls.flatMap((i) => [fmt(row[i].ops), ms(row[i].p99)])];
    for (const i of ours) cells.push(`**${(row[i].ops / row.official.ops).toFixed(2)}×**`);
    out.push(`| ${cells.join(" | ")} |`);
  }
  out.push("");
}

for (const rt of ["node", "deno", "deno-compat"]) {
  const file = join(work, `cold-${rt}.jsonl`);
  if (!existsSync(file)) continue;
  const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const runtime = lines[0]?.runtime ?? rt;
  const whiches = [...new Set(lines.map((l) => l.which))];
  const runs = lines.filter((l) => l.which === "official").length;
  const compat = rt === "deno-compat";
  out.push(`## Cold start — ${runtime}${compat ? ", Node compatibility layer already loaded" : ""} (fresh process each, median of ${runs})`);
  out.push("");
  out.push(
    "From the start of the measuring module (`bench/verify/cold.mjs`, which imports nothing before its clock starts) to the first `verify` resolved (a 17-byte body; the token is minted beforehand by `bench.mjs mint`). Each implementation is imported through a one-line module that re-exports it by package name.",
  );
  if (compat) {
    out.push("");
    out.push(
      "Here `cold.mjs --node-compat` touches Deno's `process` global before the clock starts, as an app that already uses npm packages reading `process` would have: the ~30 ms Deno spends building its Node layer on that first touch is then paid by neither implementation.",
    );
  }
  out.push("");
  out.push("| | import | first verify | import + first verify | process wall time |");
  out.push("|---|---|---|---|---|");
  const row = (which) => {
    const xs = lines.filter((l) => l.which === which);
    return [
      median(xs.map((x) => x.importMs)),
      median(xs.map((x) => x.firstVerifyMs)),
      median(xs.map((x) => x.totalMs)),
      median(xs.map((x) => x.wallMs)),
    ];
  };
  const label = { official: "`@upstash/qstash`", ours: "`qstash-wasm`", "ours-receiver": "`qstash-wasm/receiver`" };
  const o = row("official");
  out.push(`| ${label.official} | ${o.slice(0, 3).map(ms).join(" | ")} | ${o[3]} ms |`);
  for (const which of whiches.filter((w) => w !== "official")) {
    const u = row(which);
    out.push(`| ${label[which] ?? which} | ${u.slice(0, 3).map(ms).join(" | ")} | ${u[3]} ms |`);
  }
  for (const which of whiches.filter((w) => w !== "official")) {
    const u = row(which);
    out.push(`| ${label[which] ?? which} / official | | | **${(u[2] / o[2]).toFixed(2)}×** | ${(u[3] / o[3]).toFixed(2)}× |`);
  }
  out.push("");
}

if (existsSync(join(work, "sizes.json"))) {
  const s = read("sizes.json");
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  out.push("## Size (esbuild --bundle --minify --platform=browser; gzip -9)");
  out.push("");
  out.push("| | JS | wasm | total gzip |");
  out.push("|---|---|---|---|");
  out.push(
    `| @upstash/qstash \`Receiver\` (tree-shaken, incl. jose) | ${kb(s.officialJs)} (${kb(s.officialJsRaw)} raw) | — | ${kb(s.officialJs)} |`,
  );
  out.push(
    `| qstash-wasm \`Receiver\` (main entry) | ${kb(s.oursJs)} (${kb(s.oursJsRaw)} raw) | ${kb(s.oursWasm)} (${kb(s.oursWasmRaw)} raw) | ${kb(s.oursJs + s.oursWasm)} |`,
  );
  if (s.receiverWasm !== undefined) {
    out.push(
      `| qstash-wasm/receiver \`Receiver\` (receiver-only) | ${kb(s.receiverJs)} (${kb(s.receiverJsRaw)} raw) | ${kb(s.receiverWasm)} (${kb(s.receiverWasmRaw)} raw) | **${kb(s.receiverJs + s.receiverWasm)}** |`,
    );
  }
  out.push("");
  out.push(
    "The main entry's wasm is one module for the whole package (Client and Receiver); a bundler cannot drop the Client part. `qstash-wasm/receiver` loads a second module built from the same crate without the Client (`--no-default-features`): that row is the receiver-only part.",
  );
  out.push("");
}

out.push("## Reading the numbers");
out.push("");
out.push(
  "- Small bodies: the official's cost is jose's promise-based pipeline (key import, HMAC, claims) plus an async WebCrypto `subtle.digest` of the body, tens of µs; ours is the JS facade (`pkg-template/receiver-facade.js`: one read of the request, the dev-mode check, a node:crypto hash of bodies from 128 B on Node) writing the token, url and body (or digest) into a scratch buffer in wasm memory with `TextEncoder.encodeInto`, then one wasm call with their lengths. There the keyed HMAC state is computed once per Receiver; SHA-256 is about a third of the wasm time. Rejections are cheaper for the official (it stops before hashing the body), so the ratio there is lower.",
);
out.push(
  "- Large bodies: from 128 B on Node (a measured crossover) the facade hashes the body with the runtime's native SHA-256 (`node:crypto`'s `hash`, found through `process.getBuiltinModule`) and passes the digest to the pure core's `Verifier::check_prehashed`; elsewhere `verify` uses `crypto.subtle.digest` (from 4 KiB up to 64 KiB on Deno, where reaching node:crypto builds the Node layer (~30 ms once), so it is used only from 64 KiB; from 32 KiB in workerd and browsers, which have no node:crypto), and `verifySync` the wasm. The official also hashes natively, but asynchronously and after jose's pipeline.",
);
out.push(
  "- Cold start: the official loads all of `@upstash/qstash` (jose and the Client). The main entry reads and compiles the whole package's wasm; `qstash-wasm/receiver` a smaller receiver-only module, from one bundled entry file. What remains is mostly V8 compiling the wasm: validating the module at import (~2.5 ms on Node) and lazily compiling the functions the first verify touches (~2.5 ms; with `--no-wasm-lazy-compilation` the first verify takes ~0.5 ms and the import that much longer). On Deno, the official's import and first verify reach Deno's Node `process` global (its environment reads), whose first touch builds Deno's Node layer (~30 ms); ours reads the environment through `Deno.env` (`pkg-template/env.js`) and hashes with Web Crypto there, so it never does. With that layer already loaded (the second Deno table) the official loads from Deno's code cache in ~10–15 ms while ours still compiles its wasm, so that ratio is higher.",
);
out.push("");

console.log(out.join("\n"));

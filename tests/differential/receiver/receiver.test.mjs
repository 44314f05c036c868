// Differential test: our Receiver vs the official `@upstash/qstash` Receiver on >= 1,000
// tokens (see corpus.mjs). Run through scripts/test-differential.sh, which installs the packed
// tarball into tests/differential/.work/ and points QSTASH_WASM_ENTRY at a module there that
// re-exports the package *by name*.
//
// Three verdicts per case must agree on accept/reject:
//   official  new Receiver({currentSigningKey, nextSigningKey}).verify({...}) (jose 5, Node)
//   package   the same call on our npm package (wasm); its `verifySync` and the receiver-only
//             entry `qstash-wasm/receiver` must give exactly the same result, message included
//   core      our Rust `signing::Verifier`, natively (examples/verify_corpus.rs)
// Time is frozen with node:test's Date mock so `exp == now` style edges are exact for all three.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { mock, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import { Receiver as OfficialReceiver } from "@upstash/qstash";

import { buildCorpus } from "./corpus.mjs";
import { signToken } from "../../support/jwt.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

function runExample(name, input) {
  const bin = process.env[`QSTASH_EXAMPLE_${name.toUpperCase()}`];
  const [cmd, args] = bin
    ? [bin, []]
    : ["cargo", ["run", "-q", "-p", "qstash-wasm", "--example", name]];
  const out = execFileSync(cmd, args, {
    cwd: ROOT,
    input: JSON.stringify(input),
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  return JSON.parse(out);
}

/** What one verification did: resolved/returned `true`, or the error's name and message.
 * `method` is "verify" (awaited) or "verifySync" (called synchronously: a throw is caught the
 * same way, and its result is not a Promise). */
async function verdict(receiver, c, method = "verify") {
  try {
    const result = receiver[method]({
      signature: c.signature,
      body: c.body,
      url: c.url,
      clockTolerance: c.clockTolerance,
    });
    if (method === "verifySync" && result instanceof Promise) {
      return { ok: false, name: "TypeError", message: "verifySync returned a Promise" };
    }
    const value = await result;
    return { ok: value === true, returned: value };
  } catch (error) {
    return { ok: false, name: error?.name, message: String(error?.message ?? error) };
  }
}

function report(label, disagreements) {
  if (disagreements.length === 0) return;
  const lines = disagreements
    .slice(0, 40)
    .map(
      (d) =>
        `  ${d.id}\n    official: ${JSON.stringify(d.official)}\n    ${label}: ${JSON.stringify(d.ours)}\n    signature: ${d.signature.slice(0, 160)}`,
    );
  console.error(
    `${disagreements.length} disagreement(s) between official and ${label}:\n${lines.join("\n")}`,
  );
}

test("our Receiver and @upstash/qstash agree on every token", async (t) => {
  const entry = process.env.QSTASH_WASM_ENTRY;
  assert.ok(
    entry,
    "QSTASH_WASM_ENTRY is not set: run scripts/test-differential.sh (it installs the packed tarball)",
  );
  const ours = await import(pathToFileURL(entry).href);
  assert.equal(typeof ours.Receiver, "function", "the package exports Receiver");
  // The receiver-only entry of the same installed package, also imported by name.
  const name = /from "([^"]+)"/.exec(readFileSync(entry, "utf8"))?.[1];
  assert.ok(name, `no package name in ${entry}`);
  const receiverEntry = join(dirname(entry), "entry-receiver.mjs");
  writeFileSync(receiverEntry, `export * from "${name}/receiver";\n`);
  const oursReceiverOnly = await import(pathToFileURL(receiverEntry).href);
  assert.equal(typeof oursReceiverOnly.Receiver, "function", "the /receiver entry exports Receiver");

  // Whole seconds + 500 ms, so no case sits on a sub-second boundary.
  const now = Math.floor(Date.now() / 1000);
  const corpus = await buildCorpus(now, async (specs) => runExample("mint_corpus", specs));
  assert.ok(corpus.length >= 1000, `corpus has ${corpus.length} cases`);
  const bySource = {};
  for (const c of corpus) bySource[c.source] = (bySource[c.source] ?? 0) + 1;
  t.diagnostic(
    `corpus: ${corpus.length} cases (${Object.entries(bySource)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")})`,
  );

  const core = runExample("verify_corpus", { now, cases: corpus });
  assert.equal(core.length, corpus.length);

  mock.timers.enable({ apis: ["Date"], now: now * 1000 + 500 });
  const official = [];
  const pkg = [];
  const sameAsPkg = [];
  try {
    for (const c of corpus) {
      const keys = { currentSigningKey: c.currentSigningKey, nextSigningKey: c.nextSigningKey };
      official.push(await verdict(new OfficialReceiver(keys), c));
      const mine = await verdict(new ours.Receiver(keys), c);
      pkg.push(mine);
      // `verifySync` and the receiver-only entry give exactly the same result (message too).
      const others = {
        verifySync: await verdict(new ours.Receiver(keys), c, "verifySync"),
        receiverOnly: await verdict(new oursReceiverOnly.Receiver(keys), c),
      };
      for (const [label, v] of Object.entries(others)) {
        if (JSON.stringify(v) !== JSON.stringify(mine)) sameAsPkg.push({ id: c.id, label, mine, v });
      }
    }
  } finally {
    mock.timers.reset();
  }

  const accepted = official.filter((v) => v.ok).length;
  t.diagnostic(`official accepts ${accepted}, rejects ${corpus.length - accepted}`);
  // A corpus that is all-accept or all-reject would prove nothing.
  assert.ok(accepted >= 200 && corpus.length - accepted >= 200, `accepted ${accepted}`);

  const pkgDiff = [];
  const coreDiff = [];
  const notSignatureError = [];
  corpus.forEach((c, i) => {
    if (official[i].ok !== pkg[i].ok) pkgDiff.push({ ...c, official: official[i], ours: pkg[i] });
    if (official[i].ok !== core[i].ok) coreDiff.push({ ...c, official: official[i], ours: core[i] });
    if (!pkg[i].ok && pkg[i].name !== "SignatureError") {
      notSignatureError.push({ ...c, official: official[i], ours: pkg[i] });
    }
    if (pkg[i].ok) assert.equal(pkg[i].returned, true, `${c.id}: verify resolves true`);
  });
  assert.deepEqual(sameAsPkg.slice(0, 10), [], "verify, verifySync and qstash-wasm/receiver agree exactly");
  report("package", pkgDiff);
  report("core", coreDiff);
  report("package (error is not a SignatureError)", notSignatureError);
  assert.equal(pkgDiff.length, 0, "package verdicts differ from the official (listed above)");
  assert.equal(coreDiff.length, 0, "core verdicts differ from the official (listed above)");
  assert.equal(notSignatureError.length, 0, "every rejection is a SignatureError");
});

/** An HS256 token as QStash makes it, over `bodyText`, signed with `key`. */
const token = (key, bodyText, claims = {}) => signToken({ key, url: "https://example.com/api", body: bodyText, claims });

test("request fields of other types: the official's verdict and error class", async () => {
  const ours = await import(pathToFileURL(process.env.QSTASH_WASM_ENTRY).href);
  const keys = { currentSigningKey: "sig_current_fields", nextSigningKey: "sig_next_fields" };
  const signed = (text) => token(keys.currentSigningKey, text);
  const cases = [
    // A missing Upstash-Signature header (`headers.get` gives null) and other non-strings.
    { id: "signature null", signature: null, body: "b" },
    { id: "signature undefined", signature: undefined, body: "b" },
    { id: "signature number", signature: 5, body: "b" },
    { id: "signature object", signature: {}, body: "b" },
    { id: "signature as bytes", signature: new TextEncoder().encode(signed("b")), body: "b" },
    // The official hashes `new TextEncoder().encode(body)`: undefined is "", others String().
    { id: "body undefined, signed ''", signature: signed(""), body: undefined },
    { id: "body undefined, signed 'x'", signature: signed("x"), body: undefined },
    { id: "body null, signed 'null'", signature: signed("null"), body: null },
    { id: "body null, signed ''", signature: signed(""), body: null },
    { id: "body 42, signed '42'", signature: signed("42"), body: 42 },
    { id: "body true, signed 'true'", signature: signed("true"), body: true },
    { id: "body object, signed its String()", signature: signed("[object Object]"), body: { a: 1 } },
    { id: "body 42, signed 'x'", signature: signed("x"), body: 42 },
    // The subject is checked whenever url !== undefined: null is a url that never matches.
    { id: "url null", signature: signed("b"), body: "b", url: null },
    { id: "url number", signature: signed("b"), body: "b", url: 5 },
    { id: "url undefined", signature: signed("b"), body: "b", url: undefined },
    { id: "url ''", signature: signed("b"), body: "b", url: "" },
  ];
  // clockTolerance as jose 5 reads it, at a frozen second + 500 ms: any number as it is
  // (fractions count, negative is stricter, NaN never fails), strings as time spans, other
  // types fail every verification.
  const now = Math.floor(Date.now() / 1000);
  const at = (claims) => token(keys.currentSigningKey, "b", { nbf: now - 400, iat: now - 400, ...claims });
  for (const [id, clockTolerance, claims] of [
    ["tolerance null", null, {}],
    ["tolerance true", true, {}],
    ["tolerance {}", {}, {}],
    ["tolerance '10s', expired 5 s ago", "10s", { exp: now - 5 }],
    ["tolerance '10 seconds', expired 11 s ago", "10 seconds", { exp: now - 11 }],
    ["tolerance '1m', expired 30 s ago", "1m", { exp: now - 30 }],
    ["tolerance '10' (no unit)", "10", {}],
    ["tolerance '1 minute ago'", "1 minute ago", { nbf: now }],
    ["tolerance -1, nbf now", -1, { nbf: now }],
    ["tolerance -1, nbf 1 s ago", -1, { nbf: now - 1 }],
    ["tolerance 0.5, exp now", 0.5, { exp: now }],
    ["tolerance 0.5, exp 1 s ago", 0.5, { exp: now - 1 }],
    ["tolerance 0.5, nbf now + 0.5", 0.5, { nbf: now + 0.5 }],
    ["tolerance NaN, expired 100 s ago", NaN, { exp: now - 100 }],
    ["tolerance Infinity, expired 100 s ago", Infinity, { exp: now - 100 }],
    ["tolerance -Infinity", -Infinity, {}],
  ]) {
    cases.push({ id, signature: at(claims), body: "b", clockTolerance });
  }
  const diffs = [];
  let accepted = 0;
  mock.timers.enable({ apis: ["Date"], now: now * 1000 + 500 });
  for (const c of cases) {
    const official = await verdict(new OfficialReceiver(keys), c);
    if (official.ok) accepted++;
    const mine = await verdict(new ours.Receiver(keys), c);
    const sync = await verdict(new ours.Receiver(keys), c, "verifySync");
    const same = (a, b) => a.ok === b.ok && a.name === b.name;
    if (!same(official, mine) || !same(mine, sync)) diffs.push({ id: c.id, official, mine, sync });
    if ((c.id.startsWith("signature") || c.id.startsWith("url")) && !official.ok) {
      assert.equal(mine.message, official.message, `${c.id}: jose's message`);
    }
  }
  mock.timers.reset();
  assert.deepEqual(diffs, [], "same verdict and error class as the official");
  // Both verdicts occur, so agreeing proves something.
  assert.ok(accepted > 3 && accepted < cases.length - 3, `official accepted ${accepted} of ${cases.length}`);
});

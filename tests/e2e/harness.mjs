// Shared pieces of the end-to-end tests: start `qstash-dev` (temp db, free port), a local
// receiving endpoint that verifies every delivery with our Receiver, polling with a deadline,
// and a minimal sequential test runner.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import http from "node:http";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Path of the `qstash-dev` binary (built by `cargo build -p qstash-server --bin qstash-dev`). */
export function serverBinary() {
  const candidates = [process.env.QSTASH_DEV_BIN, join(ROOT, "target/debug/qstash-dev"), join(ROOT, "target/release/qstash-dev")];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error("qstash-dev not built: run `cargo build -p qstash-server --bin qstash-dev`");
  return found;
}

/**
 * Starts qstash-dev on 127.0.0.1:0 with a fresh database (plus any extra `args`). Resolves once
 * it prints its "running at" line; returns { url, token, currentSigningKey, nextSigningKey, stop }.
 */
export async function startServer({ timeoutMs = 30_000, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "qstash-e2e-"));
  const child = spawn(serverBinary(), ["--port", "0", "--db", join(dir, "qstash.db"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  // Listening for the exit from the start: a listener added later could miss it.
  const exited = new Promise((r) => child.once("exit", r));
  const info = await new Promise((resolveInfo, reject) => {
    const timer = setTimeout(() => reject(new Error(`qstash-dev did not start in ${timeoutMs} ms\n${out}\n${err}`)), timeoutMs);
    child.stderr.on("data", (d) => { err += d; });
    const early = (code) => { clearTimeout(timer); reject(new Error(`qstash-dev exited with ${code}\n${out}\n${err}`)); };
    child.once("exit", early);
    const onData = (d) => {
      out += d;
      const url = /running at (http:\/\/[^\s]+)/.exec(out)?.[1];
      const token = /QSTASH_TOKEN=(\S+)/.exec(out)?.[1];
      const current = /QSTASH_CURRENT_SIGNING_KEY=(\S+)/.exec(out)?.[1];
      const next = /QSTASH_NEXT_SIGNING_KEY=(\S+)/.exec(out)?.[1];
      if (url && token && current && next) {
        // Only this handler's own listeners go (a later chunk must not drop stop()'s).
        clearTimeout(timer);
        child.off("exit", early);
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolveInfo({ url, token, currentSigningKey: current, nextSigningKey: next });
      }
    };
    child.stdout.on("data", onData);
  });
  return {
    ...info,
    logs: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // A graceful stop waits for in-flight deliveries; do not let that hang the tests.
      const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(kill);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A local endpoint that records every request and verifies its `Upstash-Signature` with the
 * given Receiver. `behaviour(path, attempt)` returns the status to answer (default 200).
 */
export async function startReceiver(receiver, behaviour = () => 200) {
  const records = [];
  const attempts = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = `${base}${req.url}`;
      let verified = false;
      let verifyError;
      try {
        verified = await receiver.verify({ signature: req.headers["upstash-signature"] ?? "", body, url });
      } catch (e) {
        verifyError = `${e?.name}: ${e?.message}`;
      }
      const n = (attempts.get(req.url) ?? 0) + 1;
      attempts.set(req.url, n);
      const status = behaviour(req.url, n);
      records.push({ path: req.url, method: req.method, headers: req.headers, body, verified, verifyError, status, at: Date.now() });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: status < 300, attempt: n }));
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    url: base,
    records,
    for: (path) => records.filter((r) => r.path === path),
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

export { eventually } from "../support/eventually.mjs";

/** Throws unless `cond`. */
export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Deep-equality assertion with a readable message. */
export function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}: expected ${e}, got ${a}`);
}

/** Awaits a promise that must reject; returns the error. */
export async function rejects(promise, message) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error(`expected a rejection: ${message}`);
}

/** A sequential runner: `test(name, fn)` then `await run()` → exit code. */
export function runner() {
  const tests = [];
  return {
    test: (name, fn) => tests.push({ name, fn }),
    run: async () => {
      let failed = 0;
      for (const t of tests) {
        const start = Date.now();
        try {
          await t.fn();
          console.log(`ok   ${t.name} (${Date.now() - start} ms)`);
        } catch (e) {
          failed++;
          console.log(`FAIL ${t.name} (${Date.now() - start} ms)\n     ${e?.stack ?? e}`);
        }
      }
      console.log(`\n${tests.length - failed}/${tests.length} passed`);
      return failed;
    },
  };
}

// Harness for driving the official @upstash/qstash SDK against our qstash-dev server:
// builds and starts the binary on a free port with a temp database, runs local receivers
// that record every delivery, and offers a deadline-bounded `eventually` (no fixed sleeps).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DEV_TOKEN =
  "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
export const DEV_CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
export const DEV_NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";

/** Builds qstash-dev (debug) unless QSTASH_DEV_BIN points at a binary; returns its path. */
export function buildServer() {
  if (process.env.QSTASH_DEV_BIN) return process.env.QSTASH_DEV_BIN;
  const r = spawnSync("cargo", ["build", "-q", "-p", "qstash-server", "--bin", "qstash-dev"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) throw new Error(`cargo build failed with status ${r.status}`);
  const targetDir = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");
  return join(targetDir, "debug", "qstash-dev");
}

/**
 * Starts the server on port 0 (plus any `extraArgs`); resolves with { url, stop() } once it
 * prints QSTASH_URL.
 */
export async function startServer(bin, extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), "qstash-sdk-"));
  const child = spawn(bin, ["--port", "0", "--db", join(dir, "q.db"), ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  const stderr = [];
  child.stderr.on("data", (d) => stderr.push(d.toString()));
  // Never leave the server behind, even if the test process dies without running `after`.
  const reap = () => child.kill("SIGKILL");
  process.once("exit", reap);
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`qstash-dev did not start within 30s\n${stderr.join("")}`)),
      30_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`qstash-dev exited early (${code})\n${stderr.join("")}`));
    });
    lines.on("line", (line) => {
      const m = /^QSTASH_URL=(\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
  });
  return {
    url,
    stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await once(child, "exit");
        clearTimeout(timer);
      }
      process.removeListener("exit", reap);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A local destination. Every request is recorded as { method, path, url, headers, body }.
 * `/fail...` answers 500, everything else 200.
 */
export async function startReceiver() {
  const deliveries = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      deliveries.push({
        method: req.method,
        path,
        url: `${base}${path}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const fail = path.startsWith("/fail");
      res.writeHead(fail ? 500 : 200, { "content-type": "text/plain" });
      res.end(fail ? "boom" : "ok");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    deliveries,
    /** Deliveries whose path is exactly `path`. */
    at(path) {
      return deliveries.filter((d) => d.path === path);
    },
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

export { eventually } from "../support/eventually.mjs";

/** A name unique to this run, for queues, groups, keys and labels. */
export function unique(prefix) {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

// Serves the console: the page from www/ and the installed package under /pkg/.
// Usage: node www/serve.mjs [port] [packageDir]   (defaults: 5173, node_modules/qstash-wasm)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** Starts the static server; resolves to the bound http.Server. */
export function serveConsole({ port = 0, host = "127.0.0.1", packageDir }) {
  const wwwDir = fileURLToPath(new URL(".", import.meta.url));
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const [root, rel] = path.startsWith("/pkg/")
      ? [packageDir, path.slice(5)]
      : [wwwDir, path === "/" ? "index.html" : path.slice(1)];
    // normalize() plus the prefix check keeps requests inside the served directory.
    const file = resolve(root, normalize(rel));
    if (!file.startsWith(resolve(root))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const data = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(data);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 5173);
  const packageDir = resolve(process.argv[3] ?? join(process.cwd(), "node_modules/qstash-wasm"));
  const server = await serveConsole({ port, packageDir });
  console.log(`console at http://127.0.0.1:${server.address().port}/ (package from ${packageDir})`);
}

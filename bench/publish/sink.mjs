// A minimal QStash-like sink for the publish benchmark: answers every POST /v2/publish/<dest>
// with 201 and a fixed `{messageId, url}` JSON, like the real endpoint. Runs in its own process so
// its CPU is not charged to the client being measured. Prints its URL on stdout.
import http from "node:http";

const reply = JSON.stringify({ messageId: "msg_26hZCxZCuWyyTWPmSVBrNC1RADwpgWxPcak2rQD51EMjFMuzcW7qYXpPiDyw", url: "https://example.com/hook" });
const server = http.createServer((req, res) => {
  req.on("data", () => {});
  req.on("end", () => {
    if (req.method === "POST" && req.url.startsWith("/v2/publish/")) {
      res.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(reply) });
      res.end(reply);
    } else {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":"not found"}');
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));

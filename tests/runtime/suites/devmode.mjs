// Runtime suite "devmode": `new Client({ devMode: true })` in whichever runtime runs it (Node,
// Deno, workerd, Chromium) sends to the local dev server with the dev credentials, after
// checking that it answers, and the delivery verifies with the dev keys.
//
// Dev mode targets `http://127.0.0.1:${QSTASH_DEV_PORT ?? 8080}`. The test server listens on a
// random port, so each runner routes the dev URL to it the way that runtime allows and then sets
// `ctx.devModeRouted`: Node gets QSTASH_DEV_PORT in its environment, Deno may read only that
// variable (`--allow-env=QSTASH_DEV_PORT`), Chromium has no environment and Playwright routes
// 127.0.0.1:8080 to the server, and workerd's outbound fetches to 127.0.0.1:8080 are rewritten
// by Miniflare in a worker that runs only this suite. A runner that does not route fails here
// rather than skipping. Needs the client suite's server and sink (ctx.serverUrl, ctx.sinkUrl).

const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
const DEV_CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const DEV_NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";

/** The suite's name in reports. */
export const name = "devmode";

export async function run(lib, ctx) {
  const { assert } = ctx;
  ctx.test("devMode: true publishes through the local dev server with the dev credentials", async () => {
    assert.ok(ctx.serverUrl && ctx.sinkUrl, "ctx.serverUrl and ctx.sinkUrl are required (the client suite's setup)");
    assert.ok(ctx.devModeRouted === true, "this runner routes the dev URL to the test server (ctx.devModeRouted)");
    const client = new lib.Client({ devMode: true, retry: false });
    assert.equal(client.http.authorization, `Bearer ${DEV_TOKEN}`, "dev mode uses the dev token");
    assert.equal(new URL(client.http.baseUrl).hostname, "127.0.0.1", "dev mode sends to 127.0.0.1");

    const path = `/devmode-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const { messageId } = await client.publishJSON({ url: `${ctx.sinkUrl}${path}`, body: { dev: true } });
    assert.equal(typeof messageId, "string", "publishJSON in dev mode returns a messageId");

    const deadline = Date.now() + 20_000;
    let records = [];
    while (records.length === 0) {
      if (Date.now() > deadline) throw new Error(`no delivery to ${path} within 20 s`);
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${ctx.sinkUrl}/__records?path=${encodeURIComponent(path)}`);
      records = await res.json();
    }
    const [delivery] = records;
    assert.equal(delivery.headers["upstash-message-id"], messageId, "the delivery names the published message");
    const receiver = new lib.Receiver({ currentSigningKey: DEV_CURRENT, nextSigningKey: DEV_NEXT });
    const ok = await receiver.verify({ signature: delivery.headers["upstash-signature"], body: delivery.body, url: `${ctx.sinkUrl}${path}` });
    assert.equal(ok, true, "the delivery verifies with the dev signing keys");
  });
}

// The plain-JS *floor* of bench.mjs and floor.mjs: only what a drop-in must do on top of raw
// fetch, because callers' fetch mocks and getters see it (tests/parity/fetch_mock.test.mjs): one
// await before calling fetch (the official awaits its dev-server check), a `Headers` init with a
// `keepalive` key, `status` read as the official reads it, the request inside an async function.
export function floorPublish(url, headers, body) {
  const settled = Promise.resolve();
  return async () => {
    await settled;
    const init = new Headers();
    for (const k in headers) init.append(k, headers[k]);
    const response = await fetch(url, { method: "POST", headers: init, body, keepalive: undefined });
    if (response.status === 429) throw new Error("429");
    if (response.status < 200 || response.status >= 300) throw new Error(`status ${response.status}`);
    return await response.json();
  };
}

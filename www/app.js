// The console page: every action goes through the qstash-wasm package (Client and Receiver),
// never through hand-written fetch calls, so the page doubles as a browser test of the package.
import { Client, Receiver, QstashError, SignatureError } from "qstash-wasm";

const $ = (id) => document.getElementById(id);
const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";

// Query parameters pre-fill the connection form, so a link can open a configured console.
const params = new URLSearchParams(location.search);
$("baseUrl").value = params.get("baseUrl") ?? "http://127.0.0.1:8080";
$("token").value = params.get("token") ?? DEV_TOKEN;

let client = null;

function show(el, text, ok) {
  el.textContent = text;
  el.dataset.state = ok ? "ok" : "error";
}

function describe(err) {
  if (err instanceof QstashError) return `${err.name} (status ${err.status ?? "-"}): ${err.message}`;
  if (err instanceof SignatureError) return `${err.name}: ${err.message}`;
  return `${err?.name ?? "Error"}: ${err?.message ?? String(err)}`;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

function connect() {
  client = new Client({ baseUrl: $("baseUrl").value.trim(), token: $("token").value.trim() });
}

$("connect").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    connect();
    // A cheap authenticated call proves the URL and token before anything else is tried.
    const groups = await client.urlGroups.list();
    show($("connect-result"), `Connected: ${groups.length} URL group(s).`, true);
  } catch (err) {
    show($("connect-result"), describe(err), false);
  }
});

$("publish").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  if (!client) connect();
  const form = new FormData(ev.target);
  const request = {
    url: String(form.get("url")).trim(),
    body: String(form.get("body")),
    retries: Number(form.get("retries")),
  };
  const delay = Number(form.get("delay"));
  if (delay > 0) request.delay = delay;
  const label = String(form.get("label")).trim();
  if (label) request.label = label;
  try {
    const res = await client.publish(request);
    const ids = (Array.isArray(res) ? res : [res]).map((r) => r.messageId);
    show($("publish-result"), `Published: ${ids.join(", ")}`, true);
    $("logs-id").value = ids[0];
  } catch (err) {
    show($("publish-result"), describe(err), false);
  }
});

async function refreshLogs() {
  if (!client) connect();
  const messageId = $("logs-id").value.trim();
  const res = await client.logs(messageId ? { messageIds: [messageId] } : {});
  const body = $("logs-table").querySelector("tbody");
  body.replaceChildren();
  for (const log of res.logs) {
    const row = document.createElement("tr");
    row.dataset.state = log.state;
    cell(row, new Date(log.time).toISOString());
    cell(row, log.state);
    cell(row, log.messageId);
    cell(row, log.url ?? "");
    body.appendChild(row);
  }
  return res.logs;
}

$("logs").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    await refreshLogs();
  } catch (err) {
    show($("publish-result"), describe(err), false);
  }
});

async function refreshDlq() {
  if (!client) connect();
  const { messages } = await client.dlq.listMessages();
  const body = $("dlq-table").querySelector("tbody");
  body.replaceChildren();
  for (const msg of messages) {
    const row = document.createElement("tr");
    cell(row, msg.dlqId);
    cell(row, msg.url);
    cell(row, String(msg.responseStatus ?? ""));
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Retry";
    retry.addEventListener("click", async () => {
      await client.dlq.retry({ dlqIds: [msg.dlqId] });
      await refreshDlq();
    });
    row.appendChild(document.createElement("td")).appendChild(retry);
    body.appendChild(row);
  }
}

$("dlq-refresh").addEventListener("click", () => {
  refreshDlq().catch((err) => show($("publish-result"), describe(err), false));
});

$("verify").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  const receiver = new Receiver({
    currentSigningKey: String(form.get("currentSigningKey")).trim(),
    nextSigningKey: String(form.get("nextSigningKey")).trim(),
  });
  const url = String(form.get("url")).trim();
  try {
    await receiver.verify({
      signature: String(form.get("signature")).trim(),
      body: String(form.get("body")),
      ...(url ? { url } : {}),
    });
    show($("verify-result"), "Valid signature.", true);
  } catch (err) {
    show($("verify-result"), describe(err), false);
  }
});

// Exposed for the page's own Chromium test, which drives the forms like a person would.
window.__console = { refreshLogs, refreshDlq };
$("status").textContent = "Ready.";
$("status").dataset.state = "ok";

// Type test: qstash-wasm/h3 and /nuxt, typed with h3's own types as in the official. h3's
// declarations need Node's types (a Nuxt or h3 project has them), so scripts/test-runtimes.sh
// checks this file with `types: ["node"]` and skipLibCheck, as such a project does.
import { verifySignatureH3, type VerifySignatureConfig } from "qstash-wasm/h3";
import { verifySignatureNuxt } from "qstash-wasm/nuxt";
import { createRouter, type EventHandler, type H3Event } from "h3";

const config: VerifySignatureConfig = { currentSigningKey: "sig_a", nextSigningKey: "sig_b", clockTolerance: 1 };
const h3Handler: EventHandler = verifySignatureH3(async (event: H3Event) => ({ path: event.path }), config);
const nuxtHandler: EventHandler = verifySignatureNuxt(async (event) => event.method);
createRouter().post("/api/qstash", h3Handler).post("/api/nuxt", nuxtHandler);
// @ts-expect-error the handler must return a Promise
verifySignatureH3((event: H3Event) => event.path);
// @ts-expect-error clockTolerance is a number of seconds
verifySignatureH3(async () => 1, { clockTolerance: "5s" });

// Type test: a consumer of the Receiver and the error classes (tsc --noEmit, deno check).
import { Receiver, SignatureError, QstashError, QstashRatelimitError, type VerifyRequest } from "qstash-wasm";

const receiver: Receiver = new Receiver({ currentSigningKey: "sig_a", nextSigningKey: "sig_b" });
const req: VerifyRequest = { signature: "x", body: new Uint8Array([1]), url: "https://e.x", clockTolerance: 5 };
const ok: Promise<boolean> = receiver.verify(req);
const sync: boolean = receiver.verifySync({ signature: "x", body: "text" });
void ok; void sync;
try {
  receiver.verifySync({ signature: "x", body: new ArrayBuffer(1) });
} catch (e) {
  if (e instanceof SignatureError) { const c: string | undefined = e.code; void c; }
  if (e instanceof QstashRatelimitError) { const r: string | null = e.remaining; const s: number | undefined = e.status; void r; void s; }
  if (e instanceof QstashError) { const s: number | undefined = e.status; void s; }
}
// @ts-expect-error body must be a string or bytes
receiver.verifySync({ signature: "x", body: 42 });

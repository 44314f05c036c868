// workerd: bundled with the `workerd` condition (the .wasm stays a CompiledWasm module); each
// request runs every suite and answers with the JSON results.
import * as main from "qstash-wasm";
import * as receiverEntry from "qstash-wasm/receiver";
import { collect, execute } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

// The suites get the main entry, plus the receiver-only entry for the receiver suite.
const lib = { ...main, receiverEntry };

export default {
  async fetch() {
    return Response.json(await execute(await collect(lib, suites, config)));
  },
};

// workerd: bundled with the `workerd` condition (the .wasm stays a CompiledWasm module); each
// request runs every suite and answers with the JSON results.
import * as lib from "qstash-wasm";
import { collect, execute } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

export default {
  async fetch() {
    return Response.json(await execute(await collect(lib, suites, config)));
  },
};

// Deno: the package's `deno` entry (source-phase wasm import; no permission flags).
import * as lib from "qstash-wasm";
import { collect, execute, report } from "../harness.mjs";
import { suites, config } from "../suites-index.mjs";

const failed = report("deno", await execute(await collect(lib, suites, config)));
Deno.exit(failed ? 1 : 0);

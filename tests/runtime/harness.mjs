// The shared test harness: suites register tests on `ctx.test`, a runner executes them and
// reports. Runs unchanged in Node, Deno, workerd and Chromium (no runtime-specific API).

/** A tiny assert helper; every failure message says what was expected. */
export const assert = {
  ok(v, msg = "expected a truthy value") {
    if (!v) throw new Error(msg);
  },
  equal(actual, expected, msg = "") {
    if (!Object.is(actual, expected)) {
      throw new Error(`${msg ? msg + ": " : ""}expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  },
  /** Calls `fn` (sync or async) and returns what it threw; fails if it did not throw. */
  async throws(fn, msg = "expected an error") {
    try {
      await fn();
    } catch (e) {
      return e;
    }
    throw new Error(msg);
  },
};

/**
 * Collects the tests of every suite. A suite either registers tests with `ctx.test(name, fn)`,
 * or checks everything inside `run` itself (then the whole `run` is one test named after the
 * suite). `config` is spread onto `ctx`: `serverUrl`, `sinkUrl`, … from a Node-side `setup()`
 * or `QSTASH_TEST_SERVER_URL`; `ctx.requireServer()` fails the test when none was given
 * (nothing is skipped silently).
 */
export async function collect(lib, suites, config = {}) {
  const tests = [];
  for (const [suiteName, suite] of Object.entries(suites)) {
    const ctx = {
      ...config,
      assert,
      test: (name, fn) => tests.push({ name: `${suiteName}: ${name}`, fn }),
      requireServer() {
        if (!config.serverUrl) {
          throw new Error(`suite "${suiteName}" needs a server: set QSTASH_TEST_SERVER_URL`);
        }
        return config.serverUrl;
      },
    };
    const before = tests.length;
    let error;
    try {
      await suite.run(lib, ctx);
    } catch (e) {
      error = e;
    }
    if (error || tests.length === before) {
      tests.push({
        name: suiteName,
        fn: () => {
          if (error) throw error;
        },
      });
    }
  }
  return tests;
}

/** Runs the collected tests one by one; returns `[{name, ok, error?}]`. */
export async function execute(tests) {
  const results = [];
  for (const t of tests) {
    try {
      await t.fn();
      results.push({ name: t.name, ok: true });
    } catch (e) {
      results.push({ name: t.name, ok: false, error: `${e?.name ?? "Error"}: ${e?.message ?? e}` });
    }
  }
  return results;
}

/** Prints one line per test and a total; returns the number of failures (zero tests = 1). */
export function report(runtime, results, log = console.log) {
  for (const r of results) log(`${r.ok ? "PASS" : "FAIL"} [${runtime}] ${r.name}${r.ok ? "" : `\n     ${r.error}`}`);
  const failed = results.filter((r) => !r.ok).length;
  log(`[${runtime}] ${results.length - failed} passed, ${failed} failed`);
  if (results.length === 0) {
    log(`[${runtime}] FAIL: zero tests ran`);
    return 1;
  }
  return failed;
}

// Runs named async cases in one process, interleaved, for floor.mjs and interference.mjs: each
// case first runs `n` times (warm-up), then `rounds` rounds run every case `n` times, starting
// each round with the next case so none always follows the same one. Returns each case's median
// round, in µs per call: wall time, or with `cpu` this process's user+system time (for a case
// that waits on I/O).
import process from "node:process";

export async function interleave(cases, { rounds, n, cpu = false }) {
  const names = Object.keys(cases);
  for (const name of names) for (let i = 0; i < n; i++) await cases[name]();
  const times = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    const shift = r % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      const f = cases[name];
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await f();
      const used = process.cpuUsage(cpu0);
      times[name].push(cpu ? (used.user + used.system) / n : ((performance.now() - t0) * 1000) / n);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(names.map((k) => [k, median(times[k])]));
}

// The runtime a result was measured in.
export const runtime = typeof Deno !== "undefined" ? `deno ${Deno.version.deno}` : `node ${process.version}`;

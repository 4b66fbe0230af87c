// What `offloadSignatures` costs and what it moves, in one process (part of the event-loop phase):
// new tokens verified by `createVerifier` with `tokenCache: false`, `inFlight` at a time (as a server
// with that many requests waiting), the signature on the event loop or on libuv's thread pool,
// interleaved window by window. Per verification: the CPU time of the whole process (every thread)
// and of its main thread alone (the event loop's share; from /proc/<pid>/task/<pid>/schedstat, in ns).
import { readFileSync } from "node:fs";
import { createVerifier } from "@scopegate/core";

const median = (values) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Nanoseconds this process's main thread has run so far (Linux); NaN elsewhere. */
function mainThreadNs() {
  try {
    return Number(readFileSync(`/proc/${process.pid}/task/${process.pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return Number.NaN;
  }
}

/** Verifies `tokens` with `inFlight` verifications outstanding; rejects if one is refused. */
async function verifyAll(verifier, tokens, inFlight) {
  let next = 0;
  const lane = async () => {
    while (next < tokens.length) await verifier.verify(tokens[next++]);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

/** CPU per verification (µs) of the process and of its main thread, over one window of `tokens`. */
async function window(verifier, tokens, inFlight) {
  const cpu = process.cpuUsage();
  const loop = mainThreadNs();
  await verifyAll(verifier, tokens, inFlight);
  const used = process.cpuUsage(cpu);
  return {
    totalUs: (used.user + used.system) / tokens.length,
    loopUs: (mainThreadNs() - loop) / 1e3 / tokens.length,
  };
}

/**
 * `pools`: `{ [alg]: tokens }` (distinct, valid). Resolves one row per algorithm and variant with
 * medians over `repetitions` windows of `perWindow` tokens.
 */
export async function runOffloadCost({ config, pools, perWindow, repetitions, inFlight }, log) {
  const rows = [];
  for (const [alg, tokens] of Object.entries(pools)) {
    log(`  offload cost: ${alg}`);
    const { issuer, audience, jwksUri } = config;
    const options = { issuer, audience, jwksUri, algorithms: [alg], tokenCache: false };
    const variants = [
      { label: "on the event loop (default)", verifier: createVerifier(options), runs: [] },
      {
        label: "on the thread pool (`offloadSignatures: true`)",
        verifier: createVerifier({ ...options, offloadSignatures: true }),
        runs: [],
      },
    ];
    let next = 0;
    const take = () => {
      if (next + perWindow > tokens.length) next = 0;
      next += perWindow;
      return tokens.slice(next - perWindow, next);
    };
    for (const v of variants) {
      await v.verifier.warm();
      await verifyAll(v.verifier, take(), inFlight); // warm-up
    }
    for (let r = 0; r < repetitions; r++) {
      for (const v of r % 2 ? [...variants].reverse() : variants) {
        v.runs.push(await window(v.verifier, take(), inFlight));
      }
    }
    for (const v of variants) {
      rows.push({
        alg,
        label: v.label,
        totalUs: median(v.runs.map((run) => run.totalUs)),
        loopUs: median(v.runs.map((run) => run.loopUs)),
        runs: v.runs,
      });
    }
  }
  return rows;
}

export function offloadCostTable(rows, { perWindow, repetitions, inFlight }) {
  const us = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} µs` : "n/a");
  const out = [
    `One process, \`createVerifier\` with \`tokenCache: false\`, a new token per verification, ${inFlight} in flight; ${repetitions} windows of ${perWindow} tokens per variant, interleaved (medians shown). "Process": CPU time of every thread per verification; "event loop": the main thread's alone (schedstat).`,
    "",
    "| alg | signature checked | CPU per verification (process) | of which the event loop |",
    "| --- | --- | ---: | ---: |",
  ];
  for (const r of rows) out.push(`| ${r.alg} | ${r.label} | ${us(r.totalUs)} | ${us(r.loopUs)} |`);
  return `${out.join("\n")}\n`;
}

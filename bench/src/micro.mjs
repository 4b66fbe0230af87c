// Micro benchmark: verifications per second on one core, each library in its own process.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ALGORITHMS, AUDIENCE, ISSUER, mintPool, mintRange, spellings } from "./fixtures.mjs";
import { LIBRARIES } from "./libraries.mjs";

const run = promisify(execFile);

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Mints the token pools and writes the fixtures every library process reads. A pool holds 16
 * spellings of each of `minted[alg]` tokens: more distinct tokens than any run verifies, so none
 * repeats within a measurement and no cache measured ever hits in the "distinct" workload.
 */
export async function writeMicroFixtures({ keys, jwks, jwksUri, minted }) {
  const nowSec = Math.floor(Date.now() / 1000);
  const bases = {};
  const pools = {};
  const repeated = {};
  const tampered = {};
  for (const alg of ALGORITHMS) {
    bases[alg] = await mintPool(keys[alg], minted[alg], nowSec);
    pools[alg] = spellings(bases[alg]);
    const [token] = mintRange(keys[alg], minted[alg] + 1, 1, nowSec);
    repeated[alg] = token;
    const [h, p, s] = token.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    tampered[alg] =
      `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: "admin" })).toString("base64url")}.${s}`;
  }
  const path = join(tmpdir(), `scopegate-bench-${process.pid}.json`);
  writeFileSync(
    path,
    JSON.stringify({ issuer: ISSUER, audience: AUDIENCE, jwksUri, jwks, keys, bases, repeated, tampered }),
  );
  return { path, bases, pools, repeated };
}

/** Runs every library; returns { [library]: { [alg]: { distinct, repeated } (medians, ops/s) | null } }. */
export async function runMicro(fixturesPath, settings, log, only) {
  const childPath = new URL("./micro-child.mjs", import.meta.url).pathname;
  const results = {};
  for (const library of LIBRARIES) {
    if (library.id === "floor") continue; // measured inside every other library's process
    if (only && !only.includes(library.id)) continue;
    log(`  micro: ${library.label}`);
    const { stdout } = await run(
      process.execPath,
      [childPath, fixturesPath, library.id, JSON.stringify(settings)],
      {
        maxBuffer: 1 << 24,
      },
    );
    const line = JSON.parse(stdout.trim().split("\n").at(-1));
    results[library.id] = {};
    for (const [alg, value] of Object.entries(line.results)) {
      results[library.id][alg] =
        value === null
          ? null
          : {
              floor: median(value.floor),
              distinct: median(value.distinct),
              repeated: median(value.repeated),
              // Per repetition, against the floor measured just before it in the same process.
              distinctRatio: median(value.distinct.map((v, i) => v / value.floor[i])),
              repeatedRatio: median(value.repeated.map((v, i) => v / value.floor[i])),
              raw: value,
            };
    }
  }
  // The floor row: the median of the floors measured in every process.
  results.floor = {};
  for (const alg of settings.algorithms) {
    const floors = Object.values(results)
      .map((byAlg) => byAlg[alg]?.floor)
      .filter((value) => value !== undefined);
    const value = median(floors);
    results.floor[alg] = { distinct: value, repeated: value };
  }
  return results;
}

const fmt = (n) =>
  n >= 100_000 ? `${Math.round(n / 1000)}k` : n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : `${Math.round(n)}`;

/** A Markdown table per workload: ops/s and the ratio to the floor, per algorithm. */
export function microTables(results, algorithms) {
  const out = [];
  for (const workload of ["distinct", "repeated"]) {
    out.push(
      workload === "distinct"
        ? "**Distinct tokens** (every verification sees a token not seen before in the run):"
        : "**One token repeated:**",
      "",
      `| verifier | ${algorithms.join(" | ")} |`,
      `| --- | ${algorithms.map(() => "---:").join(" | ")} |`,
    );
    for (const library of LIBRARIES) {
      if (results[library.id] === undefined) continue;
      const row = algorithms.map((alg) => {
        const cell = results[library.id]?.[alg];
        if (cell == null) return "n/a";
        if (library.id === "floor") return `${fmt(cell[workload])}/s`;
        return `${fmt(cell[workload])}/s (${cell[`${workload}Ratio`].toFixed(2)}×)`;
      });
      out.push(`| ${library.label} | ${row.join(" | ")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

// Memory: verify N distinct valid tokens through one scopegate verifier (defaults: token cache on)
// and report RSS and heap, after a full GC, at checkpoints. Two phases:
//   "once":  N distinct tokens, each verified once (one-off tokens: never admitted to the cache);
//   "twice": `reuse` distinct tokens, each verified twice in a row (every one admitted: the cache
//            fills to maxEntries and then churns, the worst case for its memory).
// Usage: node --expose-gc memory-child.mjs <fixtures.json> <count> <reuse>
//
// Distinct tokens cheaply: 16 spellings of each minted token (see `spelling` in fixtures.mjs).
import { readFileSync } from "node:fs";
import { createVerifier } from "@scopegate/core";
import { spelling } from "./fixtures.mjs";

const [fixturesPath, countArg, reuseArg] = process.argv.slice(2);
const { config, bases } = JSON.parse(readFileSync(fixturesPath, "utf8"));
const count = Number(countArg);
const reuse = Number(reuseArg);
if (bases.length * 16 < count)
  throw new Error(`need ${Math.ceil(count / 16)} minted tokens, have ${bases.length}`);

const verifier = createVerifier({
  issuer: config.issuer,
  audience: config.audience,
  jwksUri: config.jwksUri,
  algorithms: [config.alg],
});
await verifier.warm();

const sample = () => {
  globalThis.gc();
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

/** The i-th distinct token: 16 spellings of each minted token, minted tokens first. */
const nth = (i) => spelling(bases[i % bases.length], Math.floor(i / bases.length));

async function phase(name, total, uses, checkpoints) {
  const samples = [];
  let failures = 0;
  const started = Date.now();
  for (let i = 0; i < total; i++) {
    const token = nth(i);
    for (let use = 0; use < uses; use++) {
      try {
        await verifier.verify(token);
      } catch {
        failures++;
      }
    }
    if (checkpoints.includes(i + 1)) samples.push({ verified: i + 1, ...sample() });
  }
  return { name, total, uses, failures, seconds: (Date.now() - started) / 1000, samples };
}

const start = sample();
const once = await phase(
  "once",
  count,
  1,
  [10_000, 100_000, 250_000, 500_000, 750_000, 1_000_000, count].filter((n) => n <= count),
);
const twice = await phase(
  "twice",
  reuse,
  2,
  [10_000, 25_000, 50_000, 100_000, reuse].filter((n) => n <= reuse),
);
process.stdout.write(`${JSON.stringify({ start, phases: [once, twice] })}\n`);
process.exit(0);

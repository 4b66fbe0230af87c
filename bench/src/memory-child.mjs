// Memory: verify N distinct valid tokens through one scopegate verifier (defaults: token cache on)
// and report RSS and heap, after a full GC, at checkpoints.
// Usage: node --expose-gc memory-child.mjs <fixtures.json> <count>
//
// Distinct tokens cheaply: an RS256 signature is 256 bytes, so its base64url form ends in a character
// carrying 4 unused bits. The 16 spellings of that character decode to the same signature, so each
// minted token yields 16 distinct token strings, every one of them valid (jose accepts them too) and
// every one a separate verification and a separate token-cache entry.
import { readFileSync } from "node:fs";
import { createVerifier } from "@scopegate/core";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const [fixturesPath, countArg] = process.argv.slice(2);
const { config, bases } = JSON.parse(readFileSync(fixturesPath, "utf8"));
const count = Number(countArg);
if (bases.length * 16 < count)
  throw new Error(`need ${Math.ceil(count / 16)} minted tokens, have ${bases.length}`);

const verifier = createVerifier({
  issuer: config.issuer,
  audience: config.audience,
  jwksUri: config.jwksUri,
  algorithms: [config.alg],
});
await verifier.warm();

/** The `variant`-th spelling (0–15) of base token `base`. */
function spelling(base, variant) {
  const last = ALPHABET.indexOf(base.at(-1));
  return base.slice(0, -1) + ALPHABET[(last & 0b110000) | variant];
}

const sample = () => {
  globalThis.gc();
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

const checkpoints = [0, 10_000, 100_000, 250_000, 500_000, 750_000, 1_000_000].filter((n) => n <= count);
if (checkpoints.at(-1) !== count) checkpoints.push(count);
const report = { count, started: Date.now(), samples: [{ verified: 0, ...sample() }] };
let verified = 0;
let failures = 0;
for (let variant = 0; variant < 16 && verified < count; variant++) {
  for (let b = 0; b < bases.length && verified < count; b++) {
    try {
      await verifier.verify(spelling(bases[b], variant));
    } catch {
      failures++;
    }
    verified++;
    if (checkpoints.includes(verified) && verified > 0) report.samples.push({ verified, ...sample() });
  }
}
report.failures = failures;
report.seconds = (Date.now() - report.started) / 1000;
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);

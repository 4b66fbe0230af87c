// One library, every algorithm, in a process of its own (no JIT state shared with other libraries).
// Usage: node micro-child.mjs <fixtures.json> <library id> <settings json>
// Prints one JSON line: { library, results: { [alg]: { floor, distinct, repeated } | null } }, each an
// array of ops/s per repetition. The floor is measured in the same process, interleaved with the
// library, so that each repetition's ratio compares runs made under the same machine load.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { spellings } from "./fixtures.mjs";
import { LIBRARIES, libraryById } from "./libraries.mjs";

const [fixturesPath, libraryId, settingsJson] = process.argv.slice(2);
const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
const settings = JSON.parse(settingsJson);
const library = libraryById(libraryId);

/**
 * Runs `verify` over `tokens` (cycled from `state.next`) for about `ms` of wall time; returns
 * verifications per CPU-second of this process (all its threads), so that other load on the machine
 * does not count against the library measured.
 */
async function measure(verify, tokens, ms, state) {
  const batch = 16;
  let next = state.next;
  let ops = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const end = start + ms;
  let now = start;
  do {
    for (let k = 0; k < batch; k++) {
      const result = verify(tokens[next]);
      if (result !== null && typeof result === "object" && typeof result.then === "function") await result;
      next = next + 1 === tokens.length ? 0 : next + 1;
    }
    ops += batch;
    now = performance.now();
  } while (now < end);
  const cpu = process.cpuUsage(cpuStart);
  state.next = next;
  return (ops * 1e6) / (cpu.user + cpu.system);
}

async function expectRejection(verify, token) {
  try {
    await verify(token);
  } catch {
    return;
  }
  throw new Error(`${library.id} accepted a tampered token`);
}

const results = {};
for (const alg of settings.algorithms) {
  if (!library.supports(alg)) {
    results[alg] = null;
    continue;
  }
  const key = fixtures.keys[alg];
  const context = {
    alg,
    key,
    issuer: fixtures.issuer,
    audience: fixtures.audience,
    jwksUri: fixtures.jwksUri,
    jwks: fixtures.jwks,
  };
  const verify = await library.create(context);
  const floor = await LIBRARIES[0].create(context);
  const pool = spellings(fixtures.bases[alg]);
  const repeated = [fixtures.repeated[alg]];
  // Every library must really verify: a valid token passes, a tampered one fails.
  await verify(repeated[0]);
  await expectRejection(verify, fixtures.tampered[alg]);

  const floorState = { next: 0 };
  const distinctState = { next: 0 };
  const repeatedState = { next: 0 };
  await measure(floor, pool, settings.warmupMs / 2, floorState);
  await measure(verify, pool, settings.warmupMs, distinctState);
  await measure(verify, repeated, settings.warmupMs / 2, repeatedState);
  const floors = [];
  const distinct = [];
  const same = [];
  for (let rep = 0; rep < settings.repetitions; rep++) {
    floors.push(await measure(floor, pool, settings.windowMs, floorState));
    distinct.push(await measure(verify, pool, settings.windowMs, distinctState));
    same.push(await measure(verify, repeated, settings.windowMs, repeatedState));
  }
  results[alg] = { floor: floors, distinct, repeated: same };
}
process.stdout.write(`${JSON.stringify({ library: library.id, results })}\n`);
process.exit(0);

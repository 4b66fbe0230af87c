import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCalendarSmoke, spawnExample } from "@scopegate-examples/conformance-suite";
import { beforeAll, describe, expect, it } from "vitest";
import { denoBinary } from "./binaries.js";
import { buildFixture, differences, dpopDifferences, type Replayed } from "./fixture.js";

const cwd = fileURLToPath(new URL("..", import.meta.url));

describe("core on Deno", () => {
  let replayed: Replayed;
  beforeAll(async () => {
    const built = await buildFixture();
    const out = execFileSync(denoBinary(), ["run", "--allow-all", "src/replay.mjs", built.file], {
      cwd,
      encoding: "utf8",
    });
    replayed = { ...built, ...JSON.parse(out) };
  });

  it("answers every hostile and differential case as it does on Node", () => {
    const { fixture, expected, runtime, results } = replayed;
    expect(runtime).toMatch(/^Deno /);
    expect(differences(fixture, expected, results)).toEqual([]);
    expect(expected.filter((r) => r === "ok")).toHaveLength(8); // the valid differential tokens: the control
  });

  it("answers every case the same with offloadSignatures on (the synchronous check where the callback form is missing)", () => {
    const { fixture, expected, offloaded } = replayed;
    expect(differences(fixture, expected, offloaded)).toEqual([]);
  });

  it("accepts fresh DPoP proofs and refuses replayed, tampered, private-key, wrong-URL or wrong-method proofs and bound tokens sent as Bearer", () => {
    const { fixture, dpopOnNode, dpop } = replayed;
    expect(dpopDifferences(fixture, dpopOnNode, dpop)).toEqual([]);
    expect(dpop.filter((r) => r === "ok")).toHaveLength(10); // two fresh proofs per DPoP algorithm: the control
  });
});

runCalendarSmoke("the calendar-hono app on Deno", async (env) => {
  const service = await spawnExample(
    { cwd, command: [denoBinary(), "run", "--allow-all", "src/serve-hono.mjs"] },
    env,
  ).listening;
  return { url: service.url, stop: () => service.stop() };
});

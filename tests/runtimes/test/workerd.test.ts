import { bundleWorker, serveWorker } from "@scopegate-examples/hono-worker/workerd";
import { beforeAll, describe, expect, it } from "vitest";
import { buildFixture, differences, dpopDifferences, type Replayed } from "./fixture.js";

// The calendar smoke run on workerd is examples/hono-worker's own test.
describe.each([[[]], [["nodejs_compat"]]])("core on workerd (compatibility flags %j)", (flags: string[]) => {
  let replayed: Replayed;
  beforeAll(async () => {
    const built = await buildFixture();
    const code = await bundleWorker(new URL("../src/replay-worker.mjs", import.meta.url).pathname);
    const worker = await serveWorker({ code, compatibilityFlags: flags });
    try {
      const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(built.fixture) });
      replayed = {
        ...built,
        ...((await res.json()) as Pick<Replayed, "runtime" | "results" | "offloaded" | "dpop">),
      };
    } finally {
      await worker.close();
    }
  });

  it("answers every hostile and differential case as it does on Node", () => {
    const { fixture, expected, results } = replayed;
    expect(differences(fixture, expected, results)).toEqual([]);
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

import { bundleWorker, serveWorker } from "@scopegate-examples/hono-worker/workerd";
import { describe, expect, it } from "vitest";
import { buildFixture, differences } from "./fixture.js";

// The calendar smoke run on workerd is examples/hono-worker's own test.
describe.each([[[]], [["nodejs_compat"]]])("core on workerd (compatibility flags %j)", (flags: string[]) => {
  it("answers every hostile and differential case as it does on Node", async () => {
    const { fixture, expected } = await buildFixture();
    const code = await bundleWorker(new URL("../src/replay-worker.mjs", import.meta.url).pathname);
    const worker = await serveWorker({ code, compatibilityFlags: flags });
    try {
      const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(fixture) });
      const { results } = (await res.json()) as { results: string[] };
      expect(differences(fixture, expected, results)).toEqual([]);
    } finally {
      await worker.close();
    }
  });
});

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCalendarSmoke, spawnExample } from "@scopegate-examples/conformance-suite";
import { describe, expect, it } from "vitest";
import { denoBinary } from "./binaries.js";
import { buildFixture, differences } from "./fixture.js";

const cwd = fileURLToPath(new URL("..", import.meta.url));

describe("core on Deno", () => {
  it("answers every hostile and differential case as it does on Node", async () => {
    const { fixture, file, expected } = await buildFixture();
    const out = execFileSync(denoBinary(), ["run", "--allow-all", "src/replay.mjs", file], {
      cwd,
      encoding: "utf8",
    });
    const { runtime, results } = JSON.parse(out) as { runtime: string; results: string[] };
    expect(runtime).toMatch(/^Deno /);
    expect(differences(fixture, expected, results)).toEqual([]);
    expect(expected.filter((r) => r === "ok")).toHaveLength(8); // the valid differential tokens: the control
  });
});

runCalendarSmoke("the calendar-hono app on Deno", async (env) => {
  const service = await spawnExample(
    { cwd, command: [denoBinary(), "run", "--allow-all", "src/serve-hono.mjs"] },
    env,
  ).listening;
  return { url: service.url, stop: () => service.stop() };
});

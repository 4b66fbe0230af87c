import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Authority = Awaited<ReturnType<typeof createTestAuthority>>;
type Listening = Awaited<ReturnType<Authority["listen"]>>;

const AUDIENCE = "https://calendar.fleet.test";
let authority: Authority;
let server: Listening;
let fleet: ChildProcess;
const instances: string[] = [];

beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
  server = await authority.listen();
  fleet = spawn(process.execPath, [fileURLToPath(new URL("../src/fleet.js", import.meta.url))], {
    env: { ...process.env, ISSUER: authority.issuer, AUDIENCE, JWKS_URI: authority.jwksUri, INSTANCES: "3" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    fleet.once("exit", (code) => reject(new Error(`the fleet exited with ${code}`)));
    createInterface({ input: fleet.stdout! }).on("line", (line) => {
      const match = /^listening on (http:\/\/\S+)$/.exec(line);
      if (match) instances.push(match[1] as string);
      if (instances.length === 3) resolve();
    });
  });
});

afterAll(async () => {
  if (fleet && fleet.exitCode === null) {
    const exited = new Promise((resolve) => fleet.once("exit", resolve));
    fleet.kill("SIGTERM");
    await exited;
  }
  await authority?.close();
});

const get = (base: string, token: string) =>
  fetch(`${base}/events`, { headers: { authorization: `Bearer ${token}` } });

describe("three calendar instances on one Redis", () => {
  it("fetches the JWKS once for the fleet at start-up and once per key rotation", async () => {
    const first = await authority.mint({ scope: "event.read" });
    const cold = await Promise.all(instances.map((base) => get(base, first)));
    expect(cold.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(server.requests).toBe(1);

    authority.rotateKeys();
    // The instances' unknown-kid cooldown (30 s by default) does not apply to a key set another
    // instance fetched since: each reads it from Redis.
    const rotated = await authority.mint({ scope: "event.read" });
    for (const base of instances) expect((await get(base, rotated)).status).toBe(200);
    expect(server.requests).toBe(2);
  });

  it("stops cleanly on SIGTERM: every instance and Redis end, exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => fleet.once("exit", resolve));
    fleet.kill("SIGTERM");
    expect(await exited).toBe(0);
    const after = await Promise.allSettled(instances.map((base) => fetch(`${base}/health`)));
    expect(after.every((result) => result.status === "rejected")).toBe(true);
  });
});

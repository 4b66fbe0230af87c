import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createDpopKey, createTestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Authority = Awaited<ReturnType<typeof createTestAuthority>>;
type Listening = Awaited<ReturnType<Authority["listen"]>>;

const AUDIENCE = "https://calendar.fleet.test";
/** The one origin clients use for the whole fleet (a load balancer's): DPoP proofs name it. */
const PUBLIC_URL = "https://calendar.fleet.test";
let authority: Authority;
let server: Listening;
let fleet: ChildProcess;
const instances: string[] = [];

beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
  server = await authority.listen();
  fleet = spawn(process.execPath, [fileURLToPath(new URL("../src/fleet.js", import.meta.url))], {
    env: {
      ...process.env,
      ISSUER: authority.issuer,
      AUDIENCE,
      JWKS_URI: authority.jwksUri,
      PUBLIC_URL,
      INSTANCES: "3",
    },
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

  it("refuses a DPoP proof at every other instance once one instance accepted it", async () => {
    const key = await createDpopKey();
    const token = await authority.mint({ scope: "event.read", dpop: key });
    const send = (base: string, proof: string) =>
      fetch(`${base}/events`, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    const proof = await key.proof({ method: "GET", url: `${PUBLIC_URL}/events`, accessToken: token });
    const [first, ...others] = instances as [string, ...string[]];
    expect((await send(first, proof)).status).toBe(200);
    for (const base of others) {
      const replayed = await send(base, proof);
      expect(replayed.status).toBe(401);
      expect(await replayed.json()).toEqual({
        error: "invalid_dpop_proof",
        error_description: "The DPoP proof was already used",
      });
    }
    // A fresh proof is good at any instance.
    for (const base of others) {
      const fresh = await key.proof({ method: "GET", url: `${PUBLIC_URL}/events`, accessToken: token });
      expect((await send(base, fresh)).status).toBe(200);
    }
  });

  it("refuses a proof replayed to several instances at once: exactly one of them accepts it", async () => {
    const key = await createDpopKey();
    const token = await authority.mint({ scope: "event.read", dpop: key });
    const proof = await key.proof({ method: "GET", url: `${PUBLIC_URL}/events`, accessToken: token });
    const statuses = await Promise.all(
      [...instances, ...instances].map(async (base) => {
        const res = await fetch(`${base}/events`, {
          headers: { authorization: `DPoP ${token}`, dpop: proof },
        });
        return res.status;
      }),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
  });

  it("stops cleanly on SIGTERM: every instance and Redis end, exit code 0", async () => {
    const exited = new Promise<number | null>((resolve) => fleet.once("exit", resolve));
    fleet.kill("SIGTERM");
    expect(await exited).toBe(0);
    const after = await Promise.allSettled(instances.map((base) => fetch(`${base}/health`)));
    expect(after.every((result) => result.status === "rejected")).toBe(true);
  });
});

import { createVerifier, type Verifier } from "@scopegate/core";
import { createTestAuthority } from "@scopegate/testing";
import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisJwksStore, type RedisJwksStoreOptions, RedisUnavailableError } from "../src/index.js";
import { useRedis } from "./support/use-redis.js";

type Authority = Awaited<ReturnType<typeof createTestAuthority>>;
type Listening = Awaited<ReturnType<Authority["listen"]>>;

const redis = useRedis();
const authorities: Authority[] = [];

afterEach(async () => {
  await Promise.all(authorities.splice(0).map((authority) => authority.close()));
});

/** A listening authority, and `count` verifiers ("instances") sharing one Redis, each its own client. */
async function fleet(count: number, storeOptions: Partial<RedisJwksStoreOptions> = {}) {
  const authority = await createTestAuthority({ audience: "https://calendar.test" });
  authorities.push(authority);
  const server: Listening = await authority.listen();
  const keyPrefix = `t${Math.random().toString(36).slice(2)}:`;
  const unavailable: RedisUnavailableError[] = [];
  const instances: Verifier[] = [];
  for (let i = 0; i < count; i++) {
    const client = await redis.client();
    const store = createRedisJwksStore({
      client,
      keyPrefix,
      onUnavailable: (error) => unavailable.push(error),
      ...storeOptions,
    });
    instances.push(createVerifier({ ...authority.verifierOptions(), jwks: { store, cooldownMs: 1 } }));
  }
  return { authority, server, instances, unavailable };
}

describe("createRedisJwksStore: one JWKS fetch for the fleet", () => {
  it("fetches the JWKS once when three instances start cold at the same time", async () => {
    const { authority, server, instances } = await fleet(3);
    const token = await authority.mint({ scope: "event.read" });
    const results = await Promise.all(instances.map((verifier) => verifier.verify(token)));
    expect(results.map((verified) => verified.scopes)).toEqual([
      ["event.read"],
      ["event.read"],
      ["event.read"],
    ]);
    expect(server.requests).toBe(1);
  });

  it("fetches once for the fleet after a key rotation reaches every instance", async () => {
    const { authority, server, instances } = await fleet(3);
    const before = await authority.mint();
    for (const verifier of instances) await verifier.verify(before);
    expect(server.requests).toBe(1);
    authority.rotateKeys();
    await new Promise((resolve) => setTimeout(resolve, 5)); // past the 1 ms cooldown
    const after = await authority.mint();
    for (const verifier of instances) await expect(verifier.verify(after)).resolves.toMatchObject({});
    expect(server.requests).toBe(2);
  });

  it("fetches once for three instances hit by a new key id at the same moment", async () => {
    const { authority, server, instances } = await fleet(3);
    for (const verifier of instances) await verifier.verify(await authority.mint());
    authority.rotateKeys();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const token = await authority.mint();
    await Promise.all(instances.map((verifier) => verifier.verify(token)));
    expect(server.requests).toBe(2);
  });
});

describe("createRedisJwksStore when Redis cannot answer", () => {
  it("verifies on its own keys when Redis is stopped, within the timeout, and shares again once it is back", async () => {
    const { authority, server, instances, unavailable } = await fleet(2, { timeoutMs: 200 });
    await redis.server.stop();
    try {
      const token = await authority.mint();
      const started = Date.now();
      for (const verifier of instances) await expect(verifier.verify(token)).resolves.toMatchObject({});
      expect(Date.now() - started).toBeLessThan(10_000); // a bound, not a benchmark
      expect(server.requests).toBe(2); // each instance fetched on its own
      expect(unavailable.length).toBeGreaterThanOrEqual(2);
    } finally {
      await redis.server.restart();
    }
    // The clients reconnect on their own; a rotation is shared again.
    await new Promise((resolve) => setTimeout(resolve, 300));
    authority.rotateKeys();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const next = await authority.mint();
    for (const verifier of instances) await verifier.verify(next);
    expect(server.requests).toBe(3);
  });

  it("does not hang on a Redis that accepts connections but stops answering", async () => {
    const { authority, server, instances, unavailable } = await fleet(1, { timeoutMs: 200 });
    redis.server.freeze();
    try {
      const verifier = instances[0] as Verifier;
      await expect(verifier.verify(await authority.mint())).resolves.toMatchObject({});
      expect(server.requests).toBe(1);
      expect(unavailable[0]).toBeInstanceOf(RedisUnavailableError);
    } finally {
      redis.server.thaw();
    }
  });

  it("fetches on its own with a client that was never connected (connection refused)", async () => {
    const authority = await createTestAuthority();
    authorities.push(authority);
    const server = await authority.listen();
    const client = createClient({ url: "redis://127.0.0.1:1", disableOfflineQueue: true });
    client.on("error", () => undefined);
    const store = createRedisJwksStore({ client, timeoutMs: 200 });
    const verifier = createVerifier({ ...authority.verifierOptions(), jwks: { store } });
    await expect(verifier.verify(await authority.mint())).resolves.toMatchObject({});
    expect(server.requests).toBe(1);
  });
});

describe("createRedisJwksStore options", () => {
  const client = { sendCommand: async () => null };

  it("refuses an unknown option, naming the closest known one", () => {
    const options = { client, lockMS: 5_000 } as unknown as RedisJwksStoreOptions;
    expect(() => createRedisJwksStore(options)).toThrow(/`lockMS`.*did you mean `lockMs`/);
  });

  it("refuses a missing client and a bad prefix with a TypeError", () => {
    expect(() => createRedisJwksStore({} as RedisJwksStoreOptions)).toThrow(TypeError);
    expect(() => createRedisJwksStore({ client, keyPrefix: "has space" })).toThrow(TypeError);
    expect(() => createRedisJwksStore({ client, timeoutMs: 0 })).toThrow(TypeError);
  });
});

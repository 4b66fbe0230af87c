import { describe, expect, it } from "vitest";
import { createRedisReplayStore, type RedisReplayStoreOptions, RedisUnavailableError } from "../src/index.js";
import { useRedis } from "./support/use-redis.js";

const redis = useRedis();
const client = () => redis.client();
const prefix = () => `t${Math.random().toString(36).slice(2)}:`;
const inAMinute = () => Date.now() + 60_000;

describe("createRedisReplayStore", () => {
  it("accepts a proof id once, and refuses it at every other instance sharing the Redis", async () => {
    const keyPrefix = prefix();
    const [a, b, c] = [
      createRedisReplayStore({ client: await client(), keyPrefix }),
      createRedisReplayStore({ client: await client(), keyPrefix }),
      createRedisReplayStore({ client: await client(), keyPrefix }),
    ];
    expect(await a.markUsed("jti-1", inAMinute())).toBe(true);
    expect(await b.markUsed("jti-1", inAMinute())).toBe(false);
    expect(await c.markUsed("jti-1", inAMinute())).toBe(false);
    expect(await a.markUsed("jti-1", inAMinute())).toBe(false);
    expect(await b.markUsed("jti-2", inAMinute())).toBe(true);
  });

  it("lets exactly one of many concurrent uses of the same proof id through", async () => {
    const keyPrefix = prefix();
    const stores = await Promise.all(
      [1, 2, 3].map(async () => createRedisReplayStore({ client: await client(), keyPrefix })),
    );
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (stores[i % 3] as (typeof stores)[number]).markUsed("same", inAMinute()),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("keeps a proof id only until the proof would be too old, under a bounded key", async () => {
    const keyPrefix = prefix();
    const connected = await client();
    const store = createRedisReplayStore({ client: connected, keyPrefix });
    const longJti = "x".repeat(10_000);
    expect(await store.markUsed(longJti, Date.now() + 30_000)).toBe(true);
    const keys = (await connected.sendCommand(["KEYS", `${keyPrefix}*`])) as string[];
    expect(keys).toHaveLength(1);
    expect((keys[0] as string).length).toBeLessThan(keyPrefix.length + 64);
    const ttl = Number(await connected.sendCommand(["PTTL", keys[0] as string]));
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it("fails closed (rejects, so the request is a 503) while Redis is stopped, and works again after a restart", async () => {
    const keyPrefix = prefix();
    const unavailable: RedisUnavailableError[] = [];
    const store = createRedisReplayStore({
      client: await client(),
      keyPrefix,
      timeoutMs: 200,
      onUnavailable: (error) => unavailable.push(error),
    });
    await redis.server.stop();
    try {
      await expect(store.markUsed("during-outage", inAMinute())).rejects.toBeInstanceOf(
        RedisUnavailableError,
      );
      expect(unavailable).toHaveLength(1);
    } finally {
      await redis.server.restart();
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // the client reconnects on its own
    await expect(store.markUsed("after-restart", inAMinute())).resolves.toBe(true);
    await expect(store.markUsed("after-restart", inAMinute())).resolves.toBe(false);
  });

  it("fails closed within timeoutMs when Redis stops answering, never accepting a replay", async () => {
    const store = createRedisReplayStore({ client: await client(), keyPrefix: prefix(), timeoutMs: 200 });
    expect(await store.markUsed("seen", inAMinute())).toBe(true);
    redis.server.freeze();
    try {
      await expect(store.markUsed("seen", inAMinute())).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      redis.server.thaw();
    }
  });

  it("falls back to this process's memory with whenUnavailable: local", async () => {
    const store = createRedisReplayStore({
      client: await client(),
      keyPrefix: prefix(),
      timeoutMs: 200,
      whenUnavailable: "local",
    });
    redis.server.freeze();
    try {
      expect(await store.markUsed("local-1", inAMinute())).toBe(true);
      expect(await store.markUsed("local-1", inAMinute())).toBe(false);
    } finally {
      redis.server.thaw();
    }
  });

  it("refuses unknown options and a bad whenUnavailable with a TypeError", () => {
    const fake = { sendCommand: async () => "OK" };
    expect(() =>
      createRedisReplayStore({ client: fake, whenUnavailble: "local" } as unknown as RedisReplayStoreOptions),
    ).toThrow(/did you mean `whenUnavailable`/);
    expect(() =>
      createRedisReplayStore({ client: fake, whenUnavailable: "open" } as unknown as RedisReplayStoreOptions),
    ).toThrow(TypeError);
  });
});

import { describe, expect, it } from "vitest";
import {
  createRedisNonceSecrets,
  type RedisNonceSecretsOptions,
  RedisUnavailableError,
} from "../src/index.js";
import { useRedis } from "./support/use-redis.js";

const redis = useRedis();
const client = () => redis.client();
const HOUR = 3_600_000;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("createRedisNonceSecrets", () => {
  it("gives every instance the same 32-byte secret for a period", async () => {
    const keyPrefix = `t${Math.random().toString(36).slice(2)}:`;
    const sources = await Promise.all(
      [1, 2, 3].map(async () => createRedisNonceSecrets({ client: await client(), keyPrefix })),
    );
    const now = 10 * HOUR + 5;
    const all = await Promise.all(sources.map((source) => source.secrets(now)));
    expect(all.map((secrets) => secrets.length)).toEqual([1, 1, 1]);
    expect(all[0]?.[0]?.length).toBe(32);
    expect(new Set(all.map((secrets) => hex(secrets[0] as Uint8Array))).size).toBe(1);
  });

  it("rotates: the next period's secret comes first and the previous one is still accepted", async () => {
    const keyPrefix = `t${Math.random().toString(36).slice(2)}:`;
    const a = createRedisNonceSecrets({ client: await client(), keyPrefix });
    const b = createRedisNonceSecrets({ client: await client(), keyPrefix });
    const [first] = await a.secrets(20 * HOUR);
    const next = await b.secrets(21 * HOUR + 1);
    expect(next).toHaveLength(2);
    expect(hex(next[1] as Uint8Array)).toBe(hex(first as Uint8Array));
    expect(hex(next[0] as Uint8Array)).not.toBe(hex(first as Uint8Array));
    expect(hex((await a.secrets(21 * HOUR + 2))[0] as Uint8Array)).toBe(hex(next[0] as Uint8Array));
  });

  it("rejects (the request is a 503) when Redis does not answer, instead of making a secret of its own", async () => {
    const source = createRedisNonceSecrets({
      client: await client(),
      keyPrefix: "frozen:",
      timeoutMs: 200,
    });
    redis.server.freeze();
    try {
      await expect(Promise.resolve(source.secrets(30 * HOUR))).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      redis.server.thaw();
    }
  });

  it("refuses an unknown option with a TypeError naming the closest one", () => {
    const fake = { sendCommand: async () => null };
    expect(() =>
      createRedisNonceSecrets({ client: fake, rotateEvery: 1000 } as unknown as RedisNonceSecretsOptions),
    ).toThrow(/did you mean `rotateEveryMs`/);
  });
});

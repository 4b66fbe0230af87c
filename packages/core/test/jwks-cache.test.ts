import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type BearerError,
  createJwksCache,
  createVerifier,
  type FetchLike,
  type JwksCacheOptions,
  JwksUnavailableError,
  type KeySelector,
} from "../src/index.js";
import { globalFetch } from "../src/keys/fetch-json.js";
import type { JwksCacheEvent } from "../src/keys/jwks-cache.js";
import type { JwksRecord, JwksStore } from "../src/keys/jwks-store.js";
import { recorder } from "./support/events.js";
import { jwks, makeKey, manualClock, type TestKey } from "./support/keys.js";
import { dynamicJson, gate, hang, json, raw, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let k1: TestKey;
let k2: TestKey;
let k3: TestKey;
let r1: TestKey;

beforeAll(async () => {
  server = await startServer();
  [k1, k2, k3, r1] = await Promise.all([makeKey("k1"), makeKey("k2"), makeKey("k3"), makeKey("r1", "RS256")]);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const MINUTE = 60_000;
const es256 = (kid?: string): KeySelector => ({ alg: "ES256", kid });

function setup(options: JwksCacheOptions = {}) {
  const clock = manualClock();
  const events = recorder<JwksCacheEvent>();
  const cache = createJwksCache({ clock: clock.now, onEvent: events.onEvent, ...options });
  return { clock, events, cache, uri: `${server.origin}/jwks`, hits: () => server.hits("/jwks") };
}

/** Serves whatever `published` holds at request time. */
function publish(...keys: TestKey[]): TestKey[] {
  const published = [...keys];
  server.route(
    "/jwks",
    dynamicJson(() => jwks(...published)),
  );
  return published;
}

async function rejection(promise: Promise<unknown>): Promise<BearerError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: BearerError) => error,
  );
}

describe("single flight", () => {
  it("shares one fetch among 100 concurrent cold requests", async () => {
    const { cache, uri, hits } = setup();
    const held = gate(dynamicJson(() => jwks(k1)));
    server.route("/jwks", held.handler);
    const pending = Array.from({ length: 100 }, () => cache.getKey(uri, es256("k1")));
    await held.arrived;
    held.release();
    const keys = await Promise.all(pending);
    expect(hits()).toBe(1);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]!.kid).toBe("k1");
  });
});

describe("freshness and stale-while-revalidate", () => {
  it("serves cached keys without a request while they are younger than cacheMaxAgeMs", async () => {
    const { cache, uri, hits, clock } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(10 * MINUTE - 1);
    for (let i = 0; i < 10; i++) await cache.getKey(uri, es256("k1"));
    expect(hits()).toBe(1);
  });

  it("refreshes in the background after cacheMaxAgeMs while the cached keys keep serving", async () => {
    const { cache, uri, hits, clock, events } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(10 * MINUTE);

    const held = gate(dynamicJson(() => jwks(k1, k2)));
    server.route("/jwks", held.handler);
    // Resolves while the refresh is still held by the server: no request waits on it.
    expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
    await held.arrived;
    for (let i = 0; i < 20; i++) await cache.getKey(uri, es256("k1"));
    expect(hits()).toBe(2);

    held.release();
    const refreshed = await events.waitFor("fetch_succeeded", 2);
    expect(refreshed).toMatchObject({ reason: "refresh", addedKeyIds: ["k2"], removedKeyIds: [] });
    expect((await cache.getKey(uri, es256("k2"))).kid).toBe("k2");
    expect(hits()).toBe(2);
  });
});

describe("peekKey", () => {
  it("gives a key only once getKey has fetched and imported it, and never fetches itself", async () => {
    const { cache, uri, hits } = setup();
    publish(k1);
    expect(cache.peekKey?.(uri, es256("k1"))).toBeUndefined();
    expect(hits()).toBe(0);
    const key = await cache.getKey(uri, es256("k1"));
    expect(cache.peekKey?.(uri, es256("k1"))).toBe(key);
    expect(cache.peekKey?.(uri, es256("k2"))).toBeUndefined();
    expect(cache.peekKey?.(uri, { alg: "RS256", kid: "k1" })).toBeUndefined();
    expect(hits()).toBe(1);
  });

  it("gives nothing once the keys are due for a refresh, so getKey starts it and imports the new set", async () => {
    const { cache, uri, hits, clock, events } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(10 * MINUTE - 1);
    expect(cache.peekKey?.(uri, es256("k1"))?.kid).toBe("k1");
    clock.advance(1);
    expect(cache.peekKey?.(uri, es256("k1"))).toBeUndefined();
    expect(hits()).toBe(1);
    await cache.getKey(uri, es256("k1"));
    await events.waitFor("fetch_succeeded", 2);
    expect(hits()).toBe(2);
    // The refreshed set's keys are imported by the next getKey, then peekKey gives them.
    expect(cache.peekKey?.(uri, es256("k1"))).toBeUndefined();
    await cache.getKey(uri, es256("k1"));
    expect(cache.peekKey?.(uri, es256("k1"))?.kid).toBe("k1");
  });

  it("gives nothing and does not throw when the store throws", async () => {
    const store = {
      get: () => {
        throw new Error("store down");
      },
      set() {},
      delete() {},
    };
    const { cache, uri } = setup({ store });
    expect(cache.peekKey?.(uri, es256("k1"))).toBeUndefined();
  });
});

describe("unknown key ids", () => {
  it("refetches once for a flood of unknown kids inside the cooldown and answers 401", async () => {
    const { cache, uri, hits, clock } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    const concurrent = Array.from({ length: 50 }, (_, i) => rejection(cache.getKey(uri, es256(`nope-${i}`))));
    const errors = await Promise.all(concurrent);
    for (let i = 0; i < 50; i++) {
      clock.advance(100);
      errors.push(await rejection(cache.getKey(uri, es256(`later-${i}`))));
    }
    expect(hits()).toBe(2);
    for (const error of errors) {
      expect(error.code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
      expect(error.status).toBe(401);
      expect(error.name).toBe("InvalidTokenError");
    }
  });

  it("measures the cooldown from the last refetch an unknown kid caused, so a flood never extends it", async () => {
    const { cache, uri, hits, clock } = setup({ cooldownMs: 30_000 });
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(1_000);
    await rejection(cache.getKey(uri, es256("x")));
    expect(hits()).toBe(2);
    for (let t = 0; t < 29_900; t += 100) {
      clock.advance(100);
      await rejection(cache.getKey(uri, es256(`x${t}`)));
    }
    expect(hits()).toBe(2);
    clock.advance(100);
    await rejection(cache.getKey(uri, es256("y")));
    expect(hits()).toBe(3);
  });

  it("accepts a key first used right after a scheduled refresh on its first request", async () => {
    const { cache, uri, hits, clock, events } = setup();
    const published = publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(10 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    await events.waitFor("fetch_succeeded", 2);
    published.push(k2);
    clock.advance(1);
    expect((await cache.getKey(uri, es256("k2"))).kid).toBe("k2");
    expect(hits()).toBe(3);
    expect(events.ofType("fetch_succeeded").map((e) => e.type === "fetch_succeeded" && e.reason)).toEqual([
      "initial",
      "refresh",
      "unknown_kid",
    ]);
  });

  it("accepts a rotated key at the latest one cooldown after a refused request", async () => {
    const { cache, uri, hits, clock } = setup({ cooldownMs: 30_000 });
    const published = publish(k1);
    await cache.getKey(uri, es256("k1"));
    clock.advance(1_000);
    expect((await rejection(cache.getKey(uri, es256("k2")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    published.push(k2);
    clock.advance(1_000);
    expect((await rejection(cache.getKey(uri, es256("k2")))).status).toBe(401);
    expect(hits()).toBe(2);
    clock.advance(29_000);
    expect((await cache.getKey(uri, es256("k2"))).kid).toBe("k2");
    expect(hits()).toBe(3);
  });

  it("shares one refetch among concurrent requests for a new key", async () => {
    const { cache, uri, hits } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    const held = gate(dynamicJson(() => jwks(k1, k2)));
    server.route("/jwks", held.handler);
    const pending = Array.from({ length: 20 }, () => cache.getKey(uri, es256("k2")));
    await held.arrived;
    held.release();
    expect(new Set((await Promise.all(pending)).map((k) => k.kid))).toEqual(new Set(["k2"]));
    expect(hits()).toBe(2);
  });

  it("answers not found for a key that left the JWKS after a refresh", async () => {
    const { cache, uri, hits, clock, events } = setup();
    const published = publish(k1, k2);
    await cache.getKey(uri, es256("k1"));
    published.splice(0, 1);
    clock.advance(10 * MINUTE);
    await cache.getKey(uri, es256("k2"));
    expect(await events.waitFor("fetch_succeeded", 2)).toMatchObject({ removedKeyIds: ["k1"] });
    expect((await rejection(cache.getKey(uri, es256("k1")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    expect((await rejection(cache.getKey(uri, es256("k1")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    expect(hits()).toBe(3);
  });
});

describe("outages", () => {
  it("keeps serving cached keys when a refresh fails and reports it once per failure", async () => {
    const { cache, uri, hits, clock, events } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    server.route("/jwks", json({ error: "down" }, 500));
    clock.advance(10 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    const failed = await events.waitFor("fetch_failed");
    expect(failed).toMatchObject({ reason: "refresh", servingCachedKeys: true, retryInMs: 5_000 });
    expect(failed.type === "fetch_failed" && failed.error.code).toBe("ERR_FETCH_STATUS");
    for (let i = 0; i < 5; i++) expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
    expect(events.ofType("stale_served")).toHaveLength(1);
    expect(hits()).toBe(2);

    clock.advance(5_000);
    await cache.getKey(uri, es256("k1"));
    await events.waitFor("fetch_failed", 2);
    await cache.getKey(uri, es256("k1"));
    expect(hits()).toBe(3);
    expect(events.ofType("stale_served")).toHaveLength(2);
  });

  it("answers 503 with Retry-After when no keys can be had, and does not hammer the server", async () => {
    const { cache, uri, hits, clock } = setup({ failureBackoffMs: 5_000 });
    server.route("/jwks", json({ error: "down" }, 503));
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => rejection(cache.getKey(uri, es256("k1")))),
    );
    for (const error of errors) {
      expect(error).toBeInstanceOf(JwksUnavailableError);
      expect(error.status).toBe(503);
      expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
      expect(error.headers["Retry-After"]).toBe("5");
    }
    for (let i = 0; i < 20; i++) await rejection(cache.getKey(uri, es256("k1")));
    expect(hits()).toBe(1);
    clock.advance(2_000);
    expect(((await rejection(cache.getKey(uri, es256("k1")))) as JwksUnavailableError).retryAfterSec).toBe(3);
    expect(hits()).toBe(1);

    publish(k1);
    clock.advance(3_000);
    expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
    expect(hits()).toBe(2);
  });

  it("answers 503, not 401, for an unknown kid while the JWKS cannot be refreshed", async () => {
    const { cache, uri, clock, events } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    server.route("/jwks", json({ error: "down" }, 500));
    clock.advance(10 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    await events.waitFor("fetch_failed");
    expect((await rejection(cache.getKey(uri, es256("k9")))).status).toBe(503);
  });

  it("stops using keys older than maxStaleMs and answers 503", async () => {
    const { cache, uri, clock, events } = setup({ maxStaleMs: 60 * MINUTE });
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    server.route("/jwks", json({ error: "down" }, 500));
    clock.advance(60 * MINUTE);
    const error = await rejection(cache.getKey(uri, es256("k1")));
    expect(error.status).toBe(503);
    expect(await events.waitFor("fetch_failed")).toMatchObject({
      reason: "initial",
      servingCachedKeys: false,
    });
  });

  it("fails with 503 when the JWKS does not answer within timeoutMs", async () => {
    const { cache, uri, events } = setup({ timeoutMs: 100 });
    server.route("/jwks", hang);
    const error = await rejection(cache.getKey(uri, es256("k1")));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_FETCH_TIMEOUT");
    expect(events.ofType("fetch_failed")).toHaveLength(1);
  });

  it("never lets a throwing or rejecting onEvent hook reach the request", async () => {
    const uri = `${server.origin}/jwks`;
    publish(k1);
    const throwing = createJwksCache({
      onEvent: () => {
        throw new Error("hook bug");
      },
    });
    expect((await throwing.getKey(uri, es256("k1"))).kid).toBe("k1");
    const rejecting = createJwksCache({
      onEvent: (() => Promise.reject(new Error("hook bug"))) as () => void,
    });
    expect((await rejecting.getKey(uri, es256("k1"))).kid).toBe("k1");
    server.route("/jwks", json({}, 500));
    expect((await rejection(rejecting.getKey(`${uri}?other`, es256("k1")))).status).toBe(503);
  });

  it("turns a failing custom store into 503, never a bare error", async () => {
    const store: JwksStore = {
      get: () => {
        throw new Error("store down");
      },
      set: () => {},
      delete: () => {},
    };
    const { cache, uri } = setup({ store });
    const error = await rejection(cache.getKey(uri, es256("k1")));
    expect(error).toBeInstanceOf(JwksUnavailableError);
  });
});

describe("content checks", () => {
  it("skips bad entries one by one and keeps the good ones", async () => {
    const { cache, uri, events } = setup();
    const { kid: _kid, ...anonymous } = k2.jwk;
    server.route(
      "/jwks",
      json({
        keys: [
          "string",
          null,
          [],
          { kty: "oct", k: "c2VjcmV0", kid: "sym" },
          { ...anonymous, kid: "private", d: "c2VjcmV0" },
          { ...k3.jwk, use: "enc" },
          { kty: "RSA", kid: "no-modulus", e: "AQAB" },
          { kty: "XYZ", kid: "unknown" },
          { ...k1.jwk, kid: 7 },
          k1.jwk,
        ],
      }),
    );
    expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
    expect(await events.waitFor("fetch_succeeded")).toMatchObject({ keyCount: 1, skippedCount: 9 });
    expect((await rejection(cache.getKey(uri, es256("k3")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    expect((await rejection(cache.getKey(uri, es256("private")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it.each([
    ["an HTML page", raw("<html></html>", 200, { "content-type": "text/html" }), "ERR_FETCH_CONTENT_TYPE"],
    ["garbage", raw("{{{", 200, { "content-type": "application/json" }), "ERR_FETCH_JSON"],
    ["an object without keys", json({ foo: 1 }), "ERR_JWKS_INVALID"],
    ["keys that is not an array", json({ keys: "k1" }), "ERR_JWKS_INVALID"],
    ["no usable key", json({ keys: [{ kty: "oct", k: "c2VjcmV0" }] }), "ERR_JWKS_NO_KEYS"],
  ])("answers 503 when the JWKS is %s", async (_what, handler, code) => {
    const { cache, uri, events } = setup();
    server.route("/jwks", handler);
    expect((await rejection(cache.getKey(uri, es256("k1")))).status).toBe(503);
    const failed = await events.waitFor("fetch_failed");
    expect(failed.type === "fetch_failed" && failed.error.code).toBe(code);
  });

  it("keeps the cached keys when a refresh returns an empty key set", async () => {
    const { cache, uri, clock, events } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    server.route("/jwks", json({ keys: [] }));
    clock.advance(10 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    expect(await events.waitFor("fetch_failed")).toMatchObject({ servingCachedKeys: true });
    expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
  });

  it("keeps at most maxKeys keys", async () => {
    const { cache, uri, events } = setup({ maxKeys: 2 });
    publish(k1, k2, k3);
    await cache.getKey(uri, es256("k1"));
    expect(await events.waitFor("fetch_succeeded")).toMatchObject({ keyCount: 2, skippedCount: 1 });
    expect((await rejection(cache.getKey(uri, es256("k3")))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("answers 503 for a JWKS larger than maxResponseBytes", async () => {
    const { cache, uri, events } = setup({ maxResponseBytes: 512 });
    publish(k1, k2, k3, r1);
    expect((await rejection(cache.getKey(uri, es256("k1")))).status).toBe(503);
    const failed = await events.waitFor("fetch_failed");
    expect(failed.type === "fetch_failed" && failed.error.code).toBe("ERR_FETCH_TOO_LARGE");
  });

  it("follows redirects to the JWKS up to maxRedirects", async () => {
    server.route("/moved", raw("", 301, { location: "/jwks" }));
    publish(k1);
    const follows = setup();
    expect((await follows.cache.getKey(`${server.origin}/moved`, es256("k1"))).kid).toBe("k1");
    const strict = setup({ maxRedirects: 0 });
    expect((await rejection(strict.cache.getKey(`${server.origin}/moved`, es256("k1")))).status).toBe(503);
  });
});

describe("key selection and import", () => {
  it("returns the same imported key on repeated requests (no import on the hot path)", async () => {
    const { cache, uri } = setup();
    publish(k1);
    const first = await cache.getKey(uri, es256("k1"));
    const second = await cache.getKey(uri, es256("k1"));
    expect(second).toBe(first);
    expect(first.key.algorithm.name).toBe("ECDSA");
    expect(first.alg).toBe("ES256");
  });

  it("picks the only compatible key for a token without kid and refuses to guess between several", async () => {
    const { cache, uri } = setup();
    const published = publish(k1, r1);
    expect((await cache.getKey(uri, es256())).kid).toBe("k1");
    expect((await cache.getKey(uri, { alg: "RS256", kid: undefined })).kid).toBe("r1");
    published.push(k2);
    const other = setup();
    expect((await rejection(other.cache.getKey(uri, es256()))).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("imports a key once per algorithm it is used with", async () => {
    const { cache, uri } = setup();
    const { alg: _alg, ...noAlg } = r1.jwk;
    server.route("/jwks", json({ keys: [noAlg] }));
    const rs = await cache.getKey(uri, { alg: "RS256", kid: "r1" });
    const ps = await cache.getKey(uri, { alg: "PS256", kid: "r1" });
    expect(rs.alg).toBe("RS256");
    expect(ps.alg).toBe("PS256");
    expect(ps.key).not.toBe(rs.key);
    expect(ps.key.algorithm.name).toBe("RSA-PSS");
  });

  it("refuses a key whose algorithm does not match the token", async () => {
    const { cache, uri } = setup();
    publish(k1);
    expect((await rejection(cache.getKey(uri, { alg: "ES384", kid: "k1" }))).code).toBe(
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
  });
});

describe("replaceable parts", () => {
  it("sends every request through the injected fetch", async () => {
    const seen: string[] = [];
    const proxy: FetchLike = (input, init) => {
      seen.push(input);
      return globalFetch(input, init);
    };
    const { cache, uri } = setup({ fetch: proxy });
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    expect(seen).toEqual([uri]);
  });

  it("uses a custom store and serves the records it already holds without fetching", async () => {
    const records = new Map<string, JwksRecord>();
    const store: JwksStore = {
      get: (u) => records.get(u),
      set: (u, r) => void records.set(u, r),
      delete: (u) => void records.delete(u),
    };
    const clock = manualClock();
    const uri = `${server.origin}/jwks`;
    records.set(uri, { keys: [k1.jwk as JwksRecord["keys"][number]], fetchedAt: clock.now() });
    const cache = createJwksCache({ store, clock: clock.now });
    expect((await cache.getKey(uri, es256("k1"))).kid).toBe("k1");
    expect(server.hits("/jwks")).toBe(0);
    publish(k1, k2);
    await cache.getKey(uri, es256("k2"));
    expect(records.get(uri)?.keys.map((k) => k.kid)).toEqual(["k1", "k2"]);
  });

  it("warm() fetches, does nothing while keys are fresh, and rejects with 503 when it cannot", async () => {
    const { cache, uri, hits } = setup();
    publish(k1);
    await cache.warm(uri);
    await cache.warm(uri);
    expect(hits()).toBe(1);
    await cache.getKey(uri, es256("k1"));
    expect(hits()).toBe(1);
    server.route("/down", json({}, 500));
    const error = await rejection(cache.warm(`${server.origin}/down`));
    expect(error).toBeInstanceOf(JwksUnavailableError);
  });

  it("fetches a JWKS shared by two verifiers once", async () => {
    publish(k1);
    const issuer = "https://issuer.example.com";
    const { cache, hits, uri } = setup();
    const orders = createVerifier({ issuer, audience: "orders", jwksUri: uri, jwksCache: cache });
    const billing = createVerifier({ issuer, audience: "billing", jwksUri: uri, jwksCache: cache });
    const token = (aud: string) => k1.sign({ iss: issuer, aud, sub: "svc" });
    expect((await orders.verify(await token("orders"))).subject).toBe("svc");
    expect((await billing.verify(await token("billing"))).subject).toBe("svc");
    expect(hits()).toBe(1);
  });
});

describe("options", () => {
  it.each([
    ["cacheMaxAgeMs", { cacheMaxAgeMs: 0 }],
    ["cooldownMs", { cooldownMs: -1 }],
    ["maxStaleMs", { maxStaleMs: Number.NaN }],
    ["maxStaleMs", { cacheMaxAgeMs: 60_000, maxStaleMs: 1_000 }],
    ["failureBackoffMs", { failureBackoffMs: "5s" }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["maxResponseBytes", { maxResponseBytes: 1.5 }],
    ["maxRedirects", { maxRedirects: -1 }],
    ["maxKeys", { maxKeys: 0 }],
    ["maxJwksUris", { maxJwksUris: 0 }],
    ["store", { store: {} }],
    ["fetch", { fetch: "https://proxy" }],
    ["clock", { clock: 5 }],
    ["onEvent", { onEvent: true }],
  ])("throws a TypeError naming `%s` when it is invalid", (name, options) => {
    expect(() => createJwksCache(options as JwksCacheOptions)).toThrow(TypeError);
    expect(() => createJwksCache(options as JwksCacheOptions)).toThrow(`\`${name}\``);
  });
});

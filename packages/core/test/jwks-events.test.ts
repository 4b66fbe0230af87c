import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createDiscovery,
  createJwksCache,
  type JwksCacheOptions,
  type KeySelector,
  type ScopegateEvent,
} from "../src/index.js";
import { recorder } from "./support/events.js";
import { jwks, makeKey, manualClock, type TestKey } from "./support/keys.js";
import { dynamicJson, json, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let k1: TestKey;
let k2: TestKey;

beforeAll(async () => {
  server = await startServer();
  [k1, k2] = await Promise.all([makeKey("k1"), makeKey("k2")]);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const MINUTE = 60_000;
const es256 = (kid?: string): KeySelector => ({ alg: "ES256", kid });

function setup(options: JwksCacheOptions = {}) {
  const clock = manualClock();
  const events = recorder<ScopegateEvent>();
  const cache = createJwksCache({ clock: clock.now, ...options });
  const unsubscribe = cache.subscribe?.(events.onEvent);
  return { clock, events, cache, unsubscribe, uri: `${server.origin}/jwks` };
}

function publish(...keys: TestKey[]): TestKey[] {
  const published = [...keys];
  server.route(
    "/jwks",
    dynamicJson(() => jwks(...published)),
  );
  return published;
}

describe("JWKS cache events (subscribe)", () => {
  it("reports a key fetch with its URI, reason, key count and duration", async () => {
    const { cache, events, uri } = setup();
    publish(k1, k2);
    await cache.getKey(uri, es256("k1"));
    const fetched = await events.waitFor("fetch_succeeded");
    expect(fetched).toMatchObject({
      jwksUri: uri,
      reason: "initial",
      keyCount: 2,
      addedKeyIds: ["k1", "k2"],
    });
    expect(fetched.type === "fetch_succeeded" && fetched.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a failed refresh of cached keys as fetch_failed, then refresh_failed with the keys' age", async () => {
    const { cache, events, uri, clock } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    server.route("/jwks", json({ error: "down" }, 500));
    clock.advance(11 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    const refresh = await events.waitFor("refresh_failed");
    expect(events.events.map((e) => e.type)).toEqual(["fetch_succeeded", "fetch_failed", "refresh_failed"]);
    expect(refresh).toMatchObject({
      jwksUri: uri,
      reason: "refresh",
      ageMs: 11 * MINUTE,
      servingCachedKeys: true,
    });
    expect(refresh.type === "refresh_failed" && refresh.error.code).toBe("ERR_FETCH_STATUS");
  });

  it("reports no refresh_failed when nothing was cached: the first fetch failing is only fetch_failed", async () => {
    const { cache, events, uri } = setup();
    server.route("/jwks", json({ error: "down" }, 500));
    await cache.getKey(uri, es256("k1")).catch(() => {});
    await events.waitFor("fetch_failed");
    expect(events.ofType("refresh_failed")).toHaveLength(0);
    expect(events.ofType("fetch_failed")[0]).toMatchObject({ servingCachedKeys: false });
  });

  it("reports an unknown kid as refetch, then as cooldown inside cooldownMs, never with the kid itself", async () => {
    const { cache, events, uri } = setup();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    await cache.getKey(uri, es256("attacker-chosen-kid")).catch(() => {});
    await cache.getKey(uri, es256("attacker-chosen-kid")).catch(() => {});
    expect(events.ofType("unknown_kid")).toEqual([
      { type: "unknown_kid", jwksUri: uri, action: "refetch" },
      { type: "unknown_kid", jwksUri: uri, action: "cooldown" },
    ]);
    expect(JSON.stringify(events.events)).not.toContain("attacker-chosen-kid");
  });

  it("stops reporting to a listener once it unsubscribed", async () => {
    const { cache, events, uri, unsubscribe } = setup();
    unsubscribe?.();
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    expect(events.events).toEqual([]);
  });

  it("keeps the deprecated onEvent option to the three types it always received", async () => {
    const legacy = recorder<ScopegateEvent>();
    const { cache, uri, clock } = setup({ onEvent: legacy.onEvent });
    publish(k1);
    await cache.getKey(uri, es256("k1"));
    await cache.getKey(uri, es256("nope")).catch(() => {});
    server.route("/jwks", json({ error: "down" }, 500));
    clock.advance(11 * MINUTE);
    await cache.getKey(uri, es256("k1"));
    await legacy.waitFor("fetch_failed");
    await cache.getKey(uri, es256("k1"));
    expect(new Set(legacy.events.map((e) => e.type))).toEqual(
      new Set(["fetch_succeeded", "fetch_failed", "stale_served"]),
    );
  });
});

describe("JWKS cache status", () => {
  it("says missing before any fetch, fresh after one, stale past cacheMaxAgeMs, missing past maxStaleMs", async () => {
    const { cache, uri, clock } = setup({ cacheMaxAgeMs: MINUTE, maxStaleMs: 10 * MINUTE });
    expect(cache.status?.(uri)).toMatchObject({ state: "missing", ageMs: undefined, keyCount: 0 });
    publish(k1, k2);
    await cache.warm(uri);
    expect(cache.status?.(uri)).toMatchObject({
      state: "fresh",
      ageMs: 0,
      keyCount: 2,
      lastError: undefined,
    });
    clock.advance(MINUTE);
    expect(cache.status?.(uri)).toMatchObject({ state: "stale", ageMs: MINUTE });
    clock.advance(9 * MINUTE);
    expect(cache.status?.(uri)).toMatchObject({ state: "missing", ageMs: 10 * MINUTE });
  });

  it("keeps the last fetch error and its time until a fetch succeeds", async () => {
    const { cache, uri, clock } = setup({ failureBackoffMs: 1_000 });
    server.route("/jwks", json({ error: "down" }, 502));
    const failedAt = clock.now();
    await cache.warm(uri).catch(() => {});
    const status = cache.status?.(uri);
    expect(status?.lastError?.code).toBe("ERR_FETCH_STATUS");
    expect(status?.lastError?.description).toBe("The server answered with an unexpected status (502)");
    expect(status?.lastErrorAt).toBe(failedAt);
    publish(k1);
    clock.advance(1_000);
    await cache.warm(uri);
    expect(cache.status?.(uri)).toMatchObject({
      state: "fresh",
      lastError: undefined,
      lastErrorAt: undefined,
    });
  });
});

describe("discovery events (subscribe)", () => {
  it("reports discovery with the metadata URL, the jwks_uri and a duration", async () => {
    const issuer = `${server.origin}/tenant`;
    server.route(
      "/.well-known/oauth-authorization-server/tenant",
      json({ issuer, jwks_uri: `${server.origin}/jwks` }),
    );
    const discovery = createDiscovery();
    const events = recorder<ScopegateEvent>();
    discovery.subscribe?.(events.onEvent);
    await discovery.jwksUri(issuer);
    const found = await events.waitFor("discovery_succeeded");
    expect(found).toMatchObject({ issuer, jwksUri: `${server.origin}/jwks` });
    expect(found.type === "discovery_succeeded" && found.durationMs).toBeGreaterThanOrEqual(0);
  });
});

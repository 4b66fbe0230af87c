import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createJwksCache,
  createMemoryJwksStore,
  type JwksStore,
  type KeySelector,
  type SharedFetchRequest,
  type SharedJwksRecord,
} from "../src/index.js";
import { jwks, makeKey, manualClock, type TestKey } from "./support/keys.js";
import { dynamicJson, gate, startServer, type TestServer } from "./support/server.js";

// A key store several caches share through `sharedFetch`: one record per URI in a plain map (what
// @scopegate/redis keeps in Redis), a fetch lock, and waiters that read the locker's result.
function sharedBackend() {
  const records = new Map<string, SharedJwksRecord>();
  const locks = new Map<string, Promise<SharedJwksRecord>>();
  const storeFor = (): JwksStore => {
    const local = createMemoryJwksStore();
    return {
      get: local.get,
      set: local.set,
      delete: local.delete,
      async sharedFetch(uri: string, request: SharedFetchRequest) {
        const current = records.get(uri);
        if (current !== undefined && current.fetchedAt > request.after) return current;
        const running = locks.get(uri);
        if (running !== undefined) return running;
        const fetching = request.fetch().then((record) => {
          records.set(uri, record);
          return record;
        });
        locks.set(uri, fetching);
        try {
          return await fetching;
        } finally {
          locks.delete(uri);
        }
      },
    };
  };
  return { records, storeFor };
}

let server: TestServer;
let k1: TestKey;
let k2: TestKey;
beforeAll(async () => {
  server = await startServer();
  [k1, k2] = await Promise.all([makeKey("k1"), makeKey("k2")]);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const es256 = (kid: string): KeySelector => ({ alg: "ES256", kid });
const MINUTE = 60_000;

describe("a JWKS store shared by several caches (sharedFetch)", () => {
  it("fetches once for three caches that start cold at the same time", async () => {
    const backend = sharedBackend();
    const clock = manualClock();
    const caches = [1, 2, 3].map(() => createJwksCache({ clock: clock.now, store: backend.storeFor() }));
    const held = gate(dynamicJson(() => jwks(k1)));
    server.route("/jwks", held.handler);
    const uri = `${server.origin}/jwks`;
    const pending = caches.map((cache) => cache.getKey(uri, es256("k1")));
    await held.arrived;
    held.release();
    const keys = await Promise.all(pending);
    expect(keys.map((key) => key.kid)).toEqual(["k1", "k1", "k1"]);
    expect(server.hits("/jwks")).toBe(1);
  });

  it("fetches once for the fleet when a rotated-in key id reaches every cache", async () => {
    const backend = sharedBackend();
    const clock = manualClock();
    const caches = [1, 2, 3].map(() => createJwksCache({ clock: clock.now, store: backend.storeFor() }));
    const published = [k1];
    server.route(
      "/jwks",
      dynamicJson(() => jwks(...published)),
    );
    const uri = `${server.origin}/jwks`;
    for (const cache of caches) await cache.getKey(uri, es256("k1"));
    expect(server.hits("/jwks")).toBe(1);
    published.push(k2);
    clock.advance(2 * MINUTE);
    for (const cache of caches) expect((await cache.getKey(uri, es256("k2"))).kid).toBe("k2");
    expect(server.hits("/jwks")).toBe(2);
  });

  it("refreshes once per cacheMaxAgeMs for the fleet, each cache taking the newer shared set", async () => {
    const backend = sharedBackend();
    const clock = manualClock();
    const caches = [1, 2, 3].map(() =>
      createJwksCache({ clock: clock.now, store: backend.storeFor(), cacheMaxAgeMs: 10 * MINUTE }),
    );
    server.route(
      "/jwks",
      dynamicJson(() => jwks(k1)),
    );
    const uri = `${server.origin}/jwks`;
    for (const cache of caches) await cache.getKey(uri, es256("k1"));
    clock.advance(10 * MINUTE);
    // Stale-while-revalidate: each getKey starts a background refresh; let them settle.
    for (const cache of caches) {
      await cache.getKey(uri, es256("k1"));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.hits("/jwks")).toBe(2);
    expect(backend.records.get(uri)?.fetchedAt).toBe(clock.now());
  });

  it("checks a shared record as a fetched JWKS: one without usable keys is a failed fetch (503)", async () => {
    const clock = manualClock();
    const local = createMemoryJwksStore();
    const store: JwksStore = {
      ...local,
      sharedFetch: async () => ({ keys: [{ kty: "oct", k: "c2VjcmV0" }], fetchedAt: clock.now() }),
    };
    const cache = createJwksCache({ clock: clock.now, store });
    await expect(cache.getKey(`${server.origin}/jwks`, es256("k1"))).rejects.toMatchObject({ status: 503 });
    expect(server.hits("/jwks")).toBe(0);
  });

  it("answers 503, not a crash, when the shared store rejects", async () => {
    const clock = manualClock();
    const store: JwksStore = {
      ...createMemoryJwksStore(),
      sharedFetch: () => Promise.reject(new Error("the shared store is down")),
    };
    const cache = createJwksCache({ clock: clock.now, store });
    await expect(cache.getKey(`${server.origin}/jwks`, es256("k1"))).rejects.toMatchObject({
      status: 503,
      code: "ERR_JWKS_UNAVAILABLE",
    });
  });

  it("refuses a store whose sharedFetch is not a function at construction", () => {
    const store = { ...createMemoryJwksStore(), sharedFetch: "yes" } as unknown as JwksStore;
    expect(() => createJwksCache({ store })).toThrow(TypeError);
  });
});

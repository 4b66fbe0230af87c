import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemoryIntrospectionStore,
  createVerifier,
  type IntrospectionOptions,
  type IntrospectionRecord,
  type IntrospectionStore,
} from "../src/index.js";
import { failure } from "./support/failure.js";

const AUDIENCE = "https://calendar.example.com";

describe("the introspection cache (test authority over HTTP, injected clock)", () => {
  let authority: TestAuthority;
  let now = Date.now();
  const clock = () => now;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE, clock });
    await authority.listen();
  });
  afterAll(() => authority.close());

  const verifierWith = (introspection: Partial<IntrospectionOptions> = {}) =>
    createVerifier({
      ...authority.verifierOptions(),
      clock,
      introspection: { ...authority.introspectionOptions(), failureBackoffMs: 0, ...introspection },
    });
  const asked = () => authority.requests.introspection;

  it("answers a repeated token from the cache, one request in all", async () => {
    const verifier = verifierWith();
    const opaque = authority.mintOpaque({ scope: "event.read" });
    const before = asked();
    for (let i = 0; i < 5; i++) expect((await verifier.verify(opaque)).scopes).toEqual(["event.read"]);
    expect(asked() - before).toBe(1);
  });

  it("sends one request for many concurrent verifications of one token (single flight)", async () => {
    const verifier = verifierWith();
    const opaque = authority.mintOpaque();
    const before = asked();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(opaque)));
    expect(results.every((token) => token.token === opaque)).toBe(true);
    expect(asked() - before).toBe(1);
  });

  it("reuses an active answer for maxAgeSec at most: a revoked token passes until then, not after", async () => {
    const verifier = verifierWith({ cache: { maxAgeSec: 60 } });
    const opaque = authority.mintOpaque({ expiresInSec: 300 });
    await verifier.verify(opaque);
    authority.revoke(opaque);
    now += 59_000;
    await verifier.verify(opaque);
    now += 2_000;
    expect((await failure(verifier.verify(opaque))).code).toBe("ERR_TOKEN_INACTIVE");
  });

  it("never reuses an active answer past the token's exp, even when maxAgeSec is longer", async () => {
    const verifier = verifierWith({ cache: { maxAgeSec: 3600 } });
    const opaque = authority.mintOpaque({ expiresInSec: 30 });
    await verifier.verify(opaque);
    const before = asked();
    now += 31_000;
    expect((await failure(verifier.verify(opaque))).code).toBe("ERR_TOKEN_INACTIVE");
    expect(asked() - before).toBe(1);
  });

  it("reuses an inactive answer for inactiveMaxAgeSec only", async () => {
    const verifier = verifierWith({ cache: { inactiveMaxAgeSec: 5 } });
    const before = asked();
    await failure(verifier.verify("unknown-opaque-token"));
    await failure(verifier.verify("unknown-opaque-token"));
    expect(asked() - before).toBe(1);
    now += 6_000;
    await failure(verifier.verify("unknown-opaque-token"));
    expect(asked() - before).toBe(2);
  });

  it("keys the store by the token's SHA-256 and stores neither the token nor a function", async () => {
    const records = new Map<string, IntrospectionRecord>();
    const store: IntrospectionStore = {
      get: (key) => records.get(key),
      set: (key, record, ttlMs) => {
        expect(ttlMs).toBeGreaterThan(0);
        records.set(key, JSON.parse(JSON.stringify(record)));
      },
      delete: (key) => {
        records.delete(key);
      },
    };
    const verifier = verifierWith({ cache: { store } });
    const opaque = authority.mintOpaque({ scope: "event.read" });
    await verifier.verify(opaque);
    await failure(verifier.verify("another-unknown-token"));
    expect([...records.keys()].every((key) => /^[A-Za-z0-9_-]{43}$/.test(key))).toBe(true);
    expect(JSON.stringify([...records])).not.toContain(opaque);
    const before = asked();
    expect((await verifier.verify(opaque)).scopes).toEqual(["event.read"]);
    expect(asked()).toBe(before);
  });

  it("holds at most maxEntries answers, dropping the least recently used", async () => {
    const store = createMemoryIntrospectionStore({ maxEntries: 2 });
    const verifier = verifierWith({ cache: { store } });
    const tokens = Array.from({ length: 4 }, () => authority.mintOpaque());
    for (const opaque of tokens) await verifier.verify(opaque);
    expect(store.size).toBe(2);
    const before = asked();
    await verifier.verify(tokens[0] as string);
    expect(asked() - before).toBe(1);
  });

  it("introspects anyway when the store fails", async () => {
    const broken: IntrospectionStore = {
      get: () => Promise.reject(new Error("store down")),
      set: () => {
        throw new Error("store down");
      },
      delete: () => {},
    };
    const verifier = verifierWith({ cache: { store: broken } });
    expect((await verifier.verify(authority.mintOpaque({ scope: "admin" }))).scopes).toEqual(["admin"]);
  });

  it("serves cached active answers while the authorization server is down, and 503 for the rest", async () => {
    const verifier = verifierWith({ failureBackoffMs: 10_000 });
    const cached = authority.mintOpaque({ scope: "event.read" });
    await verifier.verify(cached);
    const fresh = authority.mintOpaque();
    authority.simulate("down");
    try {
      expect((await verifier.verify(cached)).scopes).toEqual(["event.read"]);
      const error = await failure(verifier.verify(fresh));
      expect([error.status, error.error, error.code]).toEqual([
        503,
        "temporarily_unavailable",
        "ERR_INTROSPECTION_UNAVAILABLE",
      ]);
      expect(error.headers["Retry-After"]).toBe("10");
      // Within the backoff, a miss is answered at once without asking.
      const before = asked();
      expect((await failure(verifier.verify(authority.mintOpaque()))).status).toBe(503);
      expect(asked()).toBe(before);
    } finally {
      authority.simulate("ok");
    }
    now += 11_000;
    expect((await verifier.verify(fresh)).token).toBe(fresh);
  });
});

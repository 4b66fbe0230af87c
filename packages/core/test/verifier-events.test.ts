import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createJwksCache,
  createVerifier,
  type ScopegateEvent,
  type TokenRefusedEvent,
  type VerifierOptions,
} from "../src/index.js";

const AUDIENCE = "https://calendar.example.com";

let authority: TestAuthority;
beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
});
afterAll(() => authority.close());

function observed(overrides: Partial<VerifierOptions> = {}) {
  const events: ScopegateEvent[] = [];
  const verifier = createVerifier({
    ...authority.verifierOptions(),
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  const ofType = <T extends ScopegateEvent["type"]>(type: T) =>
    events.filter((e): e is Extract<ScopegateEvent, { type: T }> => e.type === type);
  return { verifier, events, ofType };
}

describe("verifier events", () => {
  it("reports a verified token with issuer, client, scopes, binding and whether the token cache answered", async () => {
    const { verifier, ofType } = observed();
    const jwt = await authority.mint({ scope: "event.read event.create", clientId: "task-service" });
    for (let i = 0; i < 3; i++) await verifier.verify(jwt);
    const verified = ofType("token_verified");
    expect(verified.map((e) => e.cached)).toEqual([false, false, true]); // cached from the second success
    expect(verified[0]).toMatchObject({
      issuer: authority.issuer,
      clientId: "task-service",
      scopes: ["event.read", "event.create"],
      binding: "bearer",
    });
    for (const event of verified) expect(event.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports the key fetch of its own JWKS cache before the first verification", async () => {
    const { verifier, events } = observed();
    await verifier.authenticate({ headers: { authorization: `Bearer ${await authority.mint()}` } });
    expect(events.map((e) => e.type)).toEqual(["fetch_succeeded", "token_verified"]);
  });

  it("reports a refusal with its code and status, and never the token's text", async () => {
    const { verifier, ofType, events } = observed();
    const expired = await authority.tokens.expired();
    await verifier.verify(expired).catch(() => {});
    await verifier.authenticate({ headers: {} }).catch(() => {});
    await verifier.authenticate({ headers: { authorization: "Bearer " } }).catch(() => {});
    expect(ofType("token_refused").map(({ code, status, error }) => ({ code, status, error }))).toEqual([
      { code: "ERR_TOKEN_EXPIRED", status: 401, error: "invalid_token" },
      { code: "ERR_NO_CREDENTIALS", status: 401, error: undefined },
      { code: "ERR_EMPTY_TOKEN", status: 400, error: "invalid_request" },
    ]);
    const refused = ofType("token_refused")[0] as TokenRefusedEvent;
    expect(refused.issuer).toBeUndefined();
    expect(refused.durationMs).toBeGreaterThanOrEqual(0);
    const text = JSON.stringify(events);
    for (const part of expired.split(".")) expect(text).not.toContain(part);
  });

  it("reports a missing scope as a 403 refusal with the verified token's issuer and client", async () => {
    const { verifier, ofType } = observed();
    const token = await verifier.verify(await authority.mint({ scope: "event.read", clientId: "reporting" }));
    expect(() => verifier.requireScopes(token, { allOf: ["event.delete"] })).toThrow();
    expect(ofType("token_refused")).toEqual([
      {
        type: "token_refused",
        code: "ERR_INSUFFICIENT_SCOPE",
        status: 403,
        error: "insufficient_scope",
        issuer: authority.issuer,
        clientId: "reporting",
        durationMs: undefined,
      },
    ]);
  });

  it("reports a 503 when no key can be had, with the fetch failure before it", async () => {
    const { verifier, events } = observed();
    authority.simulate("down");
    try {
      await verifier.verify(await authority.mint()).catch(() => {});
    } finally {
      authority.simulate("ok");
    }
    expect(events.map((e) => e.type)).toEqual(["fetch_failed", "token_refused"]);
    expect(events[1]).toMatchObject({ code: "ERR_JWKS_UNAVAILABLE", status: 503 });
  });

  it("gives several listeners every event, and a throwing one breaks nothing", async () => {
    const seen: string[] = [];
    const { verifier } = observed({
      onEvent: [
        () => {
          throw new Error("listener bug");
        },
        (event) => seen.push(event.type),
      ],
    });
    await expect(verifier.verify(await authority.mint())).resolves.toBeDefined();
    expect(seen).toEqual(["fetch_succeeded", "token_verified"]);
  });

  it("leaves a shared JWKS cache's events to that cache's own subscribers", async () => {
    const cacheEvents: string[] = [];
    const jwksCache = createJwksCache({ fetch: authority.fetch });
    jwksCache.subscribe?.((event) => cacheEvents.push(event.type));
    const { verifier, events } = observed({ jwksCache });
    await verifier.verify(await authority.mint());
    expect(events.map((e) => e.type)).toEqual(["token_verified"]);
    expect(cacheEvents).toEqual(["fetch_succeeded"]);
  });

  it("builds no verification event while its only listener says it is not listening, and does once it is", async () => {
    let on = false;
    const seen: string[] = [];
    const listener = Object.assign((event: ScopegateEvent) => seen.push(event.type), {
      listening: () => on,
    });
    const verifier = createVerifier({ ...authority.verifierOptions(), onEvent: listener });
    const jwt = await authority.mint();
    await verifier.verify(jwt);
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
    expect(seen).toEqual(["fetch_succeeded"]); // key fetches are reported regardless
    on = true;
    await verifier.verify(jwt);
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
    expect(seen).toEqual(["fetch_succeeded", "token_verified", "token_refused"]);
  });

  it("keeps reporting to every listener while any one is listening or has no listening()", async () => {
    const quiet = Object.assign(() => {}, { listening: () => false });
    const seen: string[] = [];
    const { verifier } = observed({ onEvent: [quiet, (event) => seen.push(event.type)] });
    await verifier.verify(await authority.mint());
    expect(seen).toEqual(["fetch_succeeded", "token_verified"]);
  });

  it("refuses an onEvent that is not a function with a TypeError naming the option", () => {
    expect(() => observed({ onEvent: "console.log" as unknown as () => void })).toThrow(/`onEvent`/);
    expect(() => observed({ onEvent: [() => {}, 1 as unknown as () => void] })).toThrow(TypeError);
  });
});

describe("verifier.readiness()", () => {
  it("fetches missing keys and reports each issuer fresh with its key count", async () => {
    const { verifier } = observed();
    const report = await verifier.readiness();
    expect(report).toEqual({
      ok: true,
      issuers: [
        {
          issuer: authority.issuer,
          jwksUri: authority.jwksUri,
          keys: "fresh",
          ageSec: 0,
          keyCount: 1,
          lastError: null,
          ok: true,
        },
      ],
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("reports missing keys with the fetch error in safe words when the keys cannot be had", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    authority.simulate("error500");
    try {
      const report = await verifier.readiness();
      expect(report.ok).toBe(false);
      expect(report.issuers[0]).toMatchObject({
        keys: "missing",
        ageSec: null,
        keyCount: 0,
        ok: false,
        lastError: {
          code: "ERR_FETCH_STATUS",
          message: "The server answered with an unexpected status (500)",
        },
      });
      expect(report.issuers[0]?.lastError?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(JSON.stringify(report.issuers[0]?.lastError)).not.toContain("http"); // no URL in the error text
    } finally {
      authority.simulate("ok");
    }
  });

  it("stays ok with stale keys while the authorization server is down, and shows their age and the error", async () => {
    let now = Date.now();
    const verifier = createVerifier({ ...authority.verifierOptions(), clock: () => now });
    await verifier.warm();
    authority.simulate("down");
    try {
      now += 11 * 60_000;
      await verifier.verify(await authority.mint()).catch(() => {}); // starts the background refresh
      await new Promise((resolve) => setTimeout(resolve, 50));
      const report = await verifier.readiness();
      expect(report.ok).toBe(true);
      expect(report.issuers[0]).toMatchObject({ keys: "stale", ageSec: 660, ok: true });
      expect(report.issuers[0]?.lastError?.code).toBe("ERR_FETCH_NETWORK");
    } finally {
      authority.simulate("ok");
    }
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createVerifier,
  isBearerError,
  type JwksCacheEvent,
  type JwksCacheOptions,
  type VerifiedToken,
  type VerifierOptions,
} from "../src/index.js";
import { deadPort, type FaultServer, startFaultServer } from "./support/auth-server.js";
import { compact, createHostileKit, generateKeys, type HostileKit, signerFor } from "./support/hostile.js";

/**
 * The authorization server misbehaves; scopegate must answer 503 only when no usable key exists,
 * keep serving cached keys otherwise, never wait past its timeout, never hammer the server, and
 * recover on its own. Everything goes over real HTTP on 127.0.0.1 through `createVerifier`; time
 * that matters (ages, cooldowns, backoffs) comes from an injected clock.
 */

const audience = "https://api.example.com";
const TIMEOUT_MS = 200;
/** Slack for "answers within timeoutMs": generous, this is a bound, not a benchmark. */
const SLACK_MS = 2_000;
const JWKS = "/jwks.json";
const RFC8414 = "/.well-known/oauth-authorization-server";

let server: FaultServer;
let kit: HostileKit;
let now = Date.now();
const clock = () => now;
const advance = (ms: number) => {
  now += ms;
};

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  server = await startFaultServer();
  kit = createHostileKit({ issuer: server.origin, audience, nowSec: () => now / 1000 });
});
beforeEach(async () => {
  await server.start();
  server.reset();
  server.jwks = () => kit.jwks();
  server.metadata = () => ({ issuer: server.origin, jwks_uri: server.jwksUri });
  now = Date.now();
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  await server.close();
  process.off("unhandledRejection", onUnhandled);
});

function setup(jwks: JwksCacheOptions = {}, options: Partial<VerifierOptions> = {}) {
  const events: JwksCacheEvent[] = [];
  const verifier = createVerifier({
    issuer: server.origin,
    audience,
    jwksUri: server.jwksUri,
    clock,
    jwks: { timeoutMs: TIMEOUT_MS, onEvent: (e) => events.push(e), ...jwks },
    ...options,
  });
  return { verifier, events };
}

interface Outcome {
  status: number;
  code?: string;
  retryAfter?: string;
  ms: number;
}

/** Runs a verification and reports it the way an HTTP answer would: 200, or the error's status. */
async function outcome(run: Promise<VerifiedToken>): Promise<Outcome> {
  const started = performance.now();
  try {
    await run;
    return { status: 200, ms: performance.now() - started };
  } catch (error) {
    if (!isBearerError(error)) throw error;
    const retryAfter = error.headers["Retry-After"];
    return {
      status: error.status,
      code: error.code,
      ms: performance.now() - started,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    };
  }
}

const unavailable = { status: 503, code: "ERR_JWKS_UNAVAILABLE" };
const ok = { status: 200 };

describe("JWKS endpoint down", () => {
  it("answers 503 with Retry-After when nothing listens from the start, then recovers once it is up", async () => {
    const port = await deadPort();
    const verifier = createVerifier({
      issuer: server.origin,
      audience,
      jwksUri: `http://127.0.0.1:${port}/jwks.json`,
      clock,
      jwks: { timeoutMs: TIMEOUT_MS },
    });
    const first = await outcome(verifier.verify(kit.good()));
    expect(first).toMatchObject(unavailable);
    expect(Number(first.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(first.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    // The same JWKS URL, once something answers on it.
    const upVerifier = setup().verifier;
    expect(await outcome(upVerifier.verify(kit.good()))).toMatchObject(ok);
  });

  it("answers 503 while the server resets connections, without retrying inside the backoff, and recovers", async () => {
    const { verifier } = setup({ failureBackoffMs: 5_000 });
    server.set(JWKS, { kind: "reset" });
    for (let i = 0; i < 20; i++)
      expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    // One fetch: its request, and the one immediate retry a reset connection gets (issue 12, item 7).
    expect(server.hits(JWKS)).toBe(2);
    server.set(JWKS, { kind: "ok" });
    advance(4_000);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits(JWKS)).toBe(2);
    advance(1_001);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
    expect(server.hits(JWKS)).toBe(3);
  });

  it("keeps serving cached keys when the server goes down after warm-up, until maxStaleMs", async () => {
    const { verifier, events } = setup({ cacheMaxAgeMs: 60_000, maxStaleMs: 3_600_000 });
    await verifier.warm();
    await server.stop();
    advance(120_000); // past cacheMaxAgeMs: a background refresh starts and fails
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
    await until(() => events.some((e) => e.type === "fetch_failed"));
    expect(events.find((e) => e.type === "fetch_failed")).toMatchObject({ servingCachedKeys: true });
    // Tokens are still judged on their merits: 401, not 503.
    expect(await outcome(verifier.verify(kit.good({ exp: now / 1000 - 60 })))).toMatchObject({
      status: 401,
      code: "ERR_TOKEN_EXPIRED",
    });
    const forged = kit.cases().find((c) => c.title === "signed by a foreign key under the authority's kid")!;
    expect(await outcome(verifier.verify(forged.token))).toMatchObject({
      status: 401,
      code: "ERR_TOKEN_SIGNATURE",
    });
    advance(3_600_000); // past maxStaleMs: no usable key remains
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    await server.start();
    advance(10_000);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });

  it("answers 503 (not 401) for an unknown kid while the server is down: absence cannot be proven", async () => {
    const { verifier } = setup({ cacheMaxAgeMs: 60_000 });
    await verifier.warm();
    await server.stop();
    const unknown = compact(
      { alg: "RS256", kid: "rotated-in", typ: "at+jwt" },
      kit.claims(),
      signerFor("RS256", kit.keys.rsa.privateKey),
    );
    expect(await outcome(verifier.verify(unknown))).toMatchObject(unavailable);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });
});

describe("clock steps", () => {
  it("retries after the backoff even when the clock steps backwards during it (NTP step, VM resume)", async () => {
    const { verifier } = setup({ failureBackoffMs: 5_000 });
    server.set(JWKS, { kind: "json", status: 500, body: {} });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    server.set(JWKS, { kind: "ok" });
    advance(-3_600_000); // the wall clock is stepped back one hour
    advance(5_001);
    const result = await outcome(verifier.verify(kit.good()));
    // Without a guard the backoff would last the hour the clock went back: 503, Retry-After: 3600.
    expect(result).toMatchObject(ok);
    expect(server.hits(JWKS)).toBe(2);
  });

  it("keeps serving cached keys when the clock steps forward past cacheMaxAgeMs and refreshes them", async () => {
    const { verifier } = setup({ cacheMaxAgeMs: 60_000 });
    await verifier.warm();
    advance(86_400_000 * 2); // two days forward: past maxStaleMs too
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
    expect(server.hits(JWKS)).toBe(2);
  });
});

describe("JWKS endpoint slow or hanging", () => {
  it("answers a cold request 503 within timeoutMs when the server hangs", async () => {
    const { verifier } = setup();
    server.set(JWKS, { kind: "hang" });
    const result = await outcome(verifier.verify(kit.good()));
    expect(result).toMatchObject(unavailable);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("answers 503 within timeoutMs when the answer comes too late, and uses the server once it is fast", async () => {
    const { verifier } = setup({ failureBackoffMs: 1_000 });
    server.set(JWKS, { kind: "slow", delayMs: TIMEOUT_MS * 5 });
    const result = await outcome(verifier.verify(kit.good()));
    expect(result).toMatchObject(unavailable);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    server.set(JWKS, { kind: "ok" });
    advance(1_001);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });

  it("never makes a request wait for a hanging background refresh when keys are cached", async () => {
    const { verifier } = setup({ cacheMaxAgeMs: 60_000, timeoutMs: 5_000 });
    await verifier.warm();
    server.set(JWKS, { kind: "hang" });
    advance(61_000);
    const results = await Promise.all([1, 2, 3].map(() => outcome(verifier.verify(kit.good()))));
    for (const result of results) {
      expect(result).toMatchObject(ok);
      expect(result.ms).toBeLessThan(2_000); // the refresh itself may take up to 5 s
    }
    await until(() => server.hits(JWKS) === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.hits(JWKS)).toBe(2); // one refresh for all three requests
  });
});

describe("JWKS endpoint answers garbage", () => {
  const garbage: Array<[string, Parameters<FaultServer["set"]>[1]]> = [
    ["500", { kind: "json", status: 500, body: { error: "server_error" } }],
    [
      "502 with HTML",
      { kind: "raw", status: 502, contentType: "text/html", body: "<html>Bad gateway</html>" },
    ],
    ["404", { kind: "json", status: 404, body: { error: "not_found" } }],
    ["200 with an HTML login page", { kind: "raw", contentType: "text/html", body: "<!doctype html><form>" }],
    ["200 with HTML labelled JSON", { kind: "raw", body: "<!doctype html><html></html>" }],
    ["200 with text/plain JSON", { kind: "raw", contentType: "text/plain", body: '{"keys":[]}' }],
    ["truncated JSON", { kind: "raw", body: '{"keys":[{"kty":"RSA","kid":"rsa-1","n":"' }],
    ["a body cut off mid-transfer", { kind: "truncated" }],
    ["a JSON array", { kind: "json", body: [] }],
    ["a JSON string", { kind: "json", body: "keys" }],
    ["an object without keys", { kind: "json", body: {} }],
    ["keys that is not an array", { kind: "json", body: { keys: { kty: "RSA" } } }],
    ["an empty key set", { kind: "json", body: { keys: [] } }],
    [
      "keys that are all garbage",
      { kind: "json", body: { keys: [null, 1, "x", { kty: "RSA" }, { n: "a" }] } },
    ],
    ["invalid UTF-8", { kind: "raw", body: '{"keys":"\udc00"}' }],
    ["a 50 MB body", { kind: "huge", bytes: 50 * 1024 * 1024 }],
    ["a declared 50 MB body", { kind: "huge", bytes: 50 * 1024 * 1024, declareLength: true }],
    ["a 50 MB gzip bomb", { kind: "gzip-bomb", bytes: 50 * 1024 * 1024 }],
  ];

  it.each(garbage)("answers 503 when a cold cache gets %s, with one request", async (_title, behaviour) => {
    const { verifier } = setup();
    server.set(JWKS, behaviour);
    const result = await outcome(verifier.verify(kit.good()));
    expect(result).toMatchObject(unavailable);
    expect(result.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits(JWKS)).toBe(1);
    // A body that large is abandoned early, not read to the end.
    expect(server.bytesSent(JWKS)).toBeLessThan(16 * 1024 * 1024);
  });

  it.each(garbage)("keeps the cached keys when a refresh gets %s", async (_title, behaviour) => {
    const { verifier } = setup({ cacheMaxAgeMs: 60_000 });
    await verifier.warm();
    server.set(JWKS, behaviour);
    advance(61_000);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
    await until(() => server.hits(JWKS) === 2);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });
});

describe("JWKS redirects", () => {
  it("gives up on a redirect loop after a bounded number of requests", async () => {
    const { verifier } = setup();
    server.set(JWKS, { kind: "redirect", location: "/hop" });
    server.set("/hop", { kind: "redirect", location: JWKS });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits(JWKS) + server.hits("/hop")).toBeLessThanOrEqual(4);
  });

  it("gives up on a chain longer than maxRedirects without reaching its end", async () => {
    const { verifier } = setup({ maxRedirects: 2 });
    server.set(JWKS, { kind: "redirect", location: "/1" });
    server.set("/1", { kind: "redirect", location: "/2", status: 301 });
    server.set("/2", { kind: "redirect", location: "/3", status: 307 });
    server.set("/3", { kind: "redirect", location: "/keys", status: 308 });
    server.set("/keys", { kind: "ok" });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits("/3")).toBe(0);
    expect(server.hits("/keys")).toBe(0);
  });

  it("refuses a redirect to plain http off loopback (here 0.0.0.0, which would reach this server)", async () => {
    const { verifier } = setup();
    const port = new URL(server.origin).port;
    server.set(JWKS, { kind: "redirect", location: `http://0.0.0.0:${port}/elsewhere` });
    server.set("/elsewhere", { kind: "ok" });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits("/elsewhere")).toBe(0);
  });

  it("follows a short, sane redirect", async () => {
    const { verifier } = setup();
    server.set(JWKS, { kind: "redirect", location: "/keys" });
    server.set("/keys", { kind: "json", body: kit.jwks() });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });
});

describe("unusable and rotated keys", () => {
  it("answers 503 when the JWKS holds only encryption keys (no usable key exists)", async () => {
    const { verifier } = setup();
    server.jwks = () => ({ keys: kit.jwks().keys.map((k) => ({ ...k, use: "enc" })) });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
  });

  it("answers 401 for a kid whose only key is use: enc while other keys are usable", async () => {
    const { verifier } = setup();
    server.jwks = () => ({ keys: [{ ...kit.keys.rsa.jwk, use: "enc" }, kit.keys.ec.jwk] });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject({
      status: 401,
      code: "ERR_TOKEN_KEY_NOT_FOUND",
    });
    expect(await outcome(verifier.verify(kit.good({}, { alg: "ES256", kid: "ec-1" })))).toMatchObject(ok);
  });

  it("keeps at most maxKeys keys of a JWKS with 10 000 entries", async () => {
    const { verifier } = setup({ maxKeys: 100, maxResponseBytes: 64 * 1024 * 1024 });
    const filler = Array.from({ length: 10_000 }, (_, i) => ({ ...kit.keys.ec.jwk, kid: `filler-${i}` }));
    server.jwks = () => ({ keys: [...filler, kit.keys.rsa.jwk] });
    const result = await outcome(verifier.verify(kit.good()));
    expect(result).toMatchObject({ status: 401, code: "ERR_TOKEN_KEY_NOT_FOUND" });
    expect(await outcome(verifier.verify(kit.good({}, { alg: "ES256", kid: "filler-42" })))).toMatchObject(
      ok,
    );
  });

  it("picks up a rotated-in key with one refetch and rejects tokens of a key rotated out", async () => {
    const { verifier } = setup({ cooldownMs: 30_000 });
    const oldToken = kit.good();
    expect(await outcome(verifier.verify(oldToken))).toMatchObject(ok);
    const next = generateKeys().rsa;
    const rotated = { ...next.jwk, kid: "rsa-2" };
    server.jwks = () => ({ keys: [rotated, kit.keys.ec.jwk] });
    advance(1_000);
    const newToken = compact(
      { alg: "RS256", kid: "rsa-2", typ: "at+jwt" },
      kit.claims(),
      signerFor("RS256", next.privateKey),
    );
    expect(await outcome(verifier.verify(newToken))).toMatchObject(ok);
    expect(server.hits(JWKS)).toBe(2);
    // The old token verified (and was cached) before the rotation: it must not outlive its key.
    expect(await outcome(verifier.verify(oldToken))).toMatchObject({
      status: 401,
      code: "ERR_TOKEN_KEY_NOT_FOUND",
    });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject({
      status: 401,
      code: "ERR_TOKEN_KEY_NOT_FOUND",
    });
    expect(server.hits(JWKS)).toBe(2);
  });
});

describe("discovery faults", () => {
  const discovering = (jwks: JwksCacheOptions = {}) =>
    setup(jwks, { jwksUri: undefined, discovery: { failureBackoffMs: 1_000, timeoutMs: TIMEOUT_MS } });

  it.each([
    ["a trailing slash added", (origin: string) => `${origin}/`],
    ["a different port", (origin: string) => origin.replace(/:\d+$/, ":1")],
    ["a different case", (origin: string) => origin.toUpperCase()],
    ["an attacker's issuer", () => "https://attacker.example"],
    ["no issuer", () => undefined],
  ])("answers 503 and never fetches keys when the metadata names %s", async (_title, issuerOf) => {
    const { verifier } = discovering();
    server.metadata = () => ({ issuer: issuerOf(server.origin), jwks_uri: server.jwksUri });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits(JWKS)).toBe(0);
    // Fixed metadata is picked up after the backoff.
    server.metadata = () => ({ issuer: server.origin, jwks_uri: server.jwksUri });
    advance(1_001);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });

  it.each([
    ["plain http off loopback", "http://0.0.0.0:1/jwks.json"],
    ["a non-http scheme", "file:///etc/passwd"],
    ["not a URL", "jwks"],
    ["a URL with credentials", "http://user:pass@127.0.0.1:1/jwks.json"],
  ])("answers 503 when the metadata's jwks_uri is %s", async (_title, jwksUri) => {
    const { verifier } = discovering();
    server.metadata = () => ({ issuer: server.origin, jwks_uri: jwksUri });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    expect(server.hits(JWKS)).toBe(0);
  });

  it("answers 503 within the timeout when the metadata endpoint hangs", async () => {
    const { verifier } = discovering();
    server.set(RFC8414, { kind: "hang" });
    server.set("/.well-known/openid-configuration", { kind: "hang" });
    const result = await outcome(verifier.verify(kit.good()));
    expect(result).toMatchObject(unavailable);
    expect(result.ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
  });

  it("discovers once for hundreds of concurrent cold requests", async () => {
    const { verifier } = discovering();
    server.set(RFC8414, { kind: "slow", delayMs: 50 });
    const results = await Promise.all(
      Array.from({ length: 300 }, () => outcome(verifier.verify(kit.good()))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(server.hits(RFC8414)).toBe(1);
    expect(server.hits(JWKS)).toBe(1);
  });
});

describe("load on a cold or flooded cache", () => {
  it("fetches the JWKS once for hundreds of concurrent cold requests", async () => {
    const { verifier } = setup();
    server.set(JWKS, { kind: "slow", delayMs: 100 });
    const tokens = Array.from({ length: 500 }, (_, i) =>
      i % 2 === 0 ? kit.good() : kit.good({}, { alg: "ES256", kid: "ec-1" }),
    );
    const results = await Promise.all(tokens.map((t) => outcome(verifier.verify(t))));
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(server.hits(JWKS)).toBe(1);
  });

  it("answers hundreds of concurrent cold requests 503 with one attempt while the server hangs", async () => {
    const { verifier } = setup();
    server.set(JWKS, { kind: "hang" });
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 300 }, () => outcome(verifier.verify(kit.good()))),
    );
    expect(results.every((r) => r.status === 503)).toBe(true);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(server.hits(JWKS)).toBe(1);
  });

  it("refetches at most once per cooldown for a flood of unknown kids, and keeps serving good tokens", async () => {
    const { verifier } = setup({ cooldownMs: 30_000 });
    await verifier.warm();
    expect(server.hits(JWKS)).toBe(1);
    const flood = (n: number) =>
      Array.from({ length: n }, () =>
        compact(
          { alg: "RS256", kid: randomUUID(), typ: "at+jwt" },
          kit.claims(),
          signerFor("RS256", kit.keys.rsa.privateKey),
        ),
      );
    const first = await Promise.all(flood(400).map((t) => outcome(verifier.verify(t))));
    expect(first.every((r) => r.status === 401 && r.code === "ERR_TOKEN_KEY_NOT_FOUND")).toBe(true);
    expect(server.hits(JWKS)).toBe(2);
    for (let second = 0; second < 29; second++) {
      advance(1_000);
      const wave = await Promise.all(flood(20).map((t) => outcome(verifier.verify(t))));
      expect(wave.every((r) => r.status === 401)).toBe(true);
      expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
    }
    expect(server.hits(JWKS)).toBe(2);
    advance(1_001);
    await Promise.all(flood(100).map((t) => outcome(verifier.verify(t))));
    expect(server.hits(JWKS)).toBe(3);
  });

  it("survives an event hook that throws", async () => {
    const { verifier } = setup({
      onEvent: () => {
        throw new Error("hook failed");
      },
    });
    server.set(JWKS, { kind: "json", status: 500, body: {} });
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(unavailable);
    server.set(JWKS, { kind: "ok" });
    advance(10_000);
    expect(await outcome(verifier.verify(kit.good()))).toMatchObject(ok);
  });
});

/** Waits (real time, bounded) for something a background task does. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

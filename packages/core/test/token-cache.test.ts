import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifiedToken } from "../src/base/types.js";
import { createVerifier, isBearerError, type Verifier, type VerifierOptions } from "../src/index.js";
import { createTokenCache } from "../src/token/token-cache.js";

const issuer = "https://issuer.example/";
const audience = "https://api.example/";
const START_MS = 1_700_000_000_000;
const startSec = START_MS / 1000;

interface SigningPair {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(kid: string): Promise<SigningPair> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

/** A JWKS served over real HTTP on 127.0.0.1; `keys` is what it serves now. */
let server: Server;
let jwksUri: string;
let published: JWK[] = [];
let jwksUp = true;
let jwksRequests = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    jwksRequests++;
    if (!jwksUp) {
      res.writeHead(500).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});

afterAll(async () => {
  server.close();
  await once(server, "close");
});

function mint(
  key: SigningPair,
  claims: Record<string, unknown> = {},
  lifetimeSec = 3600,
  iatSec = startSec,
): Promise<string> {
  return new SignJWT({ scope: "event.read event.create", client_id: "task-service", ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "at+jwt" })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject("task-service")
    .setIssuedAt(iatSec)
    .setExpirationTime(iatSec + lifetimeSec)
    .sign(key.privateKey);
}

/** A verifier on its own JWKS cache with an injected clock. */
function setup(options: Partial<VerifierOptions> = {}) {
  const clock = { nowMs: START_MS };
  const verifier = createVerifier({
    issuer,
    audience,
    jwksUri,
    algorithms: ["ES256"],
    clockToleranceSec: 5,
    clock: () => clock.nowMs,
    jwks: { cacheMaxAgeMs: 60_000, cooldownMs: 0 },
    ...options,
  });
  return { verifier, clock };
}

/** Verifies `token` until the verifier caches it (tokens are cached from their second verification). */
async function cached(verifier: Verifier, token: string): Promise<VerifiedToken> {
  await verifier.verify(token);
  const verified = await verifier.verify(token);
  expect(await verifier.verify(token)).toBe(verified); // a hit: the very same object
  return verified;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    expect(isBearerError(error)).toBe(true);
    return (error as { code: string }).code;
  }
}

let current: SigningPair;
beforeAll(async () => {
  current = await newKey("k1");
  published = [current.jwk];
});

describe("verified-token cache", () => {
  it("caches a token from its second verification: the same verified token comes back", async () => {
    const { verifier } = setup();
    const token = await mint(current);
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first); // the first use is only noted
    expect(second).toEqual(first);
    expect(await verifier.verify(token)).toBe(second);
    expect(await verifier.verify(token)).toBe(second);
    expect(second.scopes).toEqual(["event.read", "event.create"]);
  });

  it("verifies every use afresh when turned off with tokenCache: false", async () => {
    const { verifier } = setup({ tokenCache: false });
    const token = await mint(current);
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it("serves a cached token until exp plus tolerance, then rejects it with ERR_TOKEN_EXPIRED", async () => {
    const { verifier, clock } = setup();
    const token = await mint(current, {}, 600);
    const first = await cached(verifier, token);
    clock.nowMs = START_MS + (600 + 4) * 1000; // within the 5 s tolerance
    expect(await verifier.verify(token)).toBe(first);
    clock.nowMs = START_MS + (600 + 5) * 1000;
    expect(await codeOf(verifier.verify(token))).toBe("ERR_TOKEN_EXPIRED");
    clock.nowMs = START_MS; // back in time: the entry was dropped, so this is a full verification
    expect(await verifier.verify(token)).not.toBe(first);
  });

  it("honours nbf on a hit when the clock steps back", async () => {
    const { verifier, clock } = setup();
    const token = await mint(current, { nbf: startSec });
    await cached(verifier, token);
    clock.nowMs = START_MS - 60_000;
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe("ERR_TOKEN_NOT_YET_VALID");
    expect((error as { status: number }).status).toBe(401);
  });

  it("enforces maxTokenAgeSec on a hit", async () => {
    const { verifier, clock } = setup({ maxTokenAgeSec: 300 });
    const token = await mint(current, {}, 3600);
    await cached(verifier, token);
    clock.nowMs = START_MS + 200_000;
    await verifier.verify(token);
    clock.nowMs = START_MS + 400_000;
    expect(await codeOf(verifier.verify(token))).toBe("ERR_TOKEN_TOO_OLD");
  });

  it("rejects a cached token with 401 ERR_TOKEN_KEY_NOT_FOUND once its key leaves the JWKS", async () => {
    const { verifier, clock } = setup();
    const token = await mint(current);
    await cached(verifier, token);

    const next = await newKey("k2");
    const previous = published;
    try {
      published = [next.jwk]; // rotation: k1 is gone
      clock.nowMs += 61_000; // past cacheMaxAgeMs: the JWKS is refreshed
      await verifier.warm();
      const error = await verifier.verify(token).catch((e: unknown) => e);
      expect((error as { code: string }).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
      expect((error as { status: number }).status).toBe(401);
      // Tokens from the new key verify.
      expect((await verifier.verify(await mint(next, {}, 3600, startSec + 61))).issuer).toBe(issuer);
    } finally {
      published = previous;
    }
  });

  it("re-checks the signature when the same kid now names different key material", async () => {
    const { verifier, clock } = setup();
    const token = await mint(current);
    await cached(verifier, token);
    const impostor = await newKey("k1");
    const previous = published;
    try {
      published = [impostor.jwk];
      clock.nowMs += 61_000;
      await verifier.warm();
      expect(await codeOf(verifier.verify(token))).toBe("ERR_TOKEN_SIGNATURE");
    } finally {
      published = previous;
    }
  });

  it("keeps serving a cached token while the JWKS keeps the same key across refreshes", async () => {
    const { verifier, clock } = setup();
    const token = await mint(current);
    const first = await cached(verifier, token);
    const before = jwksRequests;
    clock.nowMs += 61_000;
    await verifier.warm(); // refetched: new objects, same key material
    expect(jwksRequests).toBeGreaterThan(before);
    expect(await verifier.verify(token)).toBe(first);
  });

  it("does not cache a 503: a token first seen during a JWKS outage verifies once keys are back", async () => {
    const { verifier } = setup({ jwks: { cacheMaxAgeMs: 60_000, cooldownMs: 0, failureBackoffMs: 0 } });
    const token = await mint(current);
    jwksUp = false;
    try {
      const error = await verifier.verify(token).catch((e: unknown) => e);
      expect((error as { status: number }).status).toBe(503);
      expect(await codeOf(verifier.verify(token))).toBe("ERR_JWKS_UNAVAILABLE");
    } finally {
      jwksUp = true;
    }
    expect((await verifier.verify(token)).clientId).toBe("task-service");
  });

  it("never turns a failure into a success: a tampered copy of a cached token is rejected", async () => {
    const { verifier } = setup();
    const token = await mint(current);
    await cached(verifier, token);
    const [h, , s] = token.split(".");
    const forged = Buffer.from(
      JSON.stringify({ iss: issuer, aud: audience, exp: startSec + 3600, scope: "admin" }),
    );
    expect(await codeOf(verifier.verify(`${h}.${forged.toString("base64url")}.${s}`))).toBe(
      "ERR_TOKEN_SIGNATURE",
    );
    expect(await codeOf(verifier.verify(`${token}x`))).not.toBe("ok");
  });

  it("keeps rejecting a token its validators reject, on every use", async () => {
    const { verifier } = setup({ validators: [(claims) => claims.client_id !== "blocked"] });
    const token = await mint(current, { client_id: "blocked" });
    for (let i = 0; i < 3; i++) expect(await codeOf(verifier.verify(token))).toBe("ERR_TOKEN_REJECTED");
  });

  it("re-runs validators on a hit, so a token revoked after caching is rejected", async () => {
    const revoked = new Set<string>();
    const { verifier } = setup({ validators: [(claims) => !revoked.has(claims.jti as string)] });
    const token = await mint(current, { jti: "t-1" });
    await cached(verifier, token);
    revoked.add("t-1");
    expect(await codeOf(verifier.verify(token))).toBe("ERR_TOKEN_REJECTED");
  });

  it("still checks scopes per route on a cached token (403 insufficient_scope)", async () => {
    const { verifier } = setup();
    const token = await mint(current, { scope: "event.read" });
    const hit = await cached(verifier, token);
    expect(() => verifier.requireScopes(hit, { allOf: ["event.read"] })).not.toThrow();
    const error = (() => {
      try {
        verifier.requireScopes(hit, { allOf: ["event.create"] });
      } catch (e) {
        return e as { status: number; code: string };
      }
    })();
    expect(error?.status).toBe(403);
    expect(error?.code).toBe("ERR_INSUFFICIENT_SCOPE");
  });

  it("freezes cached claims deeply, so a handler cannot change what the next request sees", async () => {
    const { verifier } = setup();
    const token = await mint(current, { permissions: ["event.read"], ext: { tier: "gold" } });
    const verified = await cached(verifier, token);
    expect(() => (verified.claims.permissions as string[]).push("admin")).toThrow(TypeError);
    expect(() => {
      (verified.claims.ext as { tier: string }).tier = "platinum";
    }).toThrow(TypeError);
    expect((await verifier.verify(token)).claims.permissions).toEqual(["event.read"]);
  });

  it("holds at most maxEntries tokens: the least recently used is verified afresh", async () => {
    const { verifier } = setup({ tokenCache: { maxEntries: 3 } });
    const tokens = await Promise.all([0, 1, 2, 3].map((i) => mint(current, { jti: `t${i}` })));
    const results: VerifiedToken[] = [];
    for (const token of tokens) results.push(await cached(verifier, token));
    expect(await verifier.verify(tokens[3] as string)).toBe(results[3]); // recent: a hit
    expect(await verifier.verify(tokens[0] as string)).not.toBe(results[0]); // evicted: verified afresh
  });

  it("refuses a tokenCache option that is not an object with a positive maxEntries", () => {
    const base = { issuer, audience, jwksUri };
    expect(() => createVerifier({ ...base, tokenCache: { maxEntries: 0 } })).toThrow(
      /tokenCache\.maxEntries/,
    );
    expect(() => createVerifier({ ...base, tokenCache: { maxEntries: 1.5 } })).toThrow(TypeError);
    expect(() => createVerifier({ ...base, tokenCache: "on" as unknown as false })).toThrow(/tokenCache/);
    expect(createVerifier(base).options.tokenCache).toEqual({ maxEntries: 10_000 });
    expect(createVerifier({ ...base, tokenCache: false }).options.tokenCache).toBeNull();
  });
});

describe("createTokenCache", () => {
  const entry = (expiresAtMs: number, token = "t") =>
    ({
      verified: {
        token,
        header: { alg: "ES256" },
        claims: { aud: ["a"] },
      } as unknown as VerifiedToken,
      selector: { alg: "ES256", kid: "k" },
      key: {} as never,
      expiresAtMs,
    }) as const;

  it("never grows past maxEntries, whatever the number of distinct tokens", () => {
    const cache = createTokenCache({ maxEntries: 100 });
    for (let i = 0; i < 10_000; i++) {
      for (let offer = 0; offer < 2; offer++) cache.set(`token-${i}`, entry(START_MS + 1000, `token-${i}`));
    }
    expect(cache.size).toBe(100);
    expect(cache.get("token-9999", START_MS)).toBeDefined();
    expect(cache.get("token-0", START_MS)).toBeUndefined();
  });

  it("drops an entry at its expiry time", () => {
    const cache = createTokenCache();
    expect(cache.set("t", entry(START_MS + 1000))).toBe(false);
    expect(cache.get("t", START_MS)).toBeUndefined();
    expect(cache.set("t", entry(START_MS + 1000))).toBe(true);
    expect(cache.get("t", START_MS + 999)).toBeDefined();
    expect(cache.get("t", START_MS + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("stores nothing for one-off tokens: a million distinct tokens offered once leave it empty", () => {
    const cache = createTokenCache({ maxEntries: 100 });
    for (let i = 0; i < 1_000_000; i++) cache.set(`token-${i}`, entry(START_MS + 1000, `token-${i}`));
    expect(cache.size).toBe(0);
  });

  it("finds an entry only for the identical token, whatever the hash", () => {
    const cache = createTokenCache();
    const a = `${"x".repeat(100)}${"s".repeat(40)}`;
    const b = `${"y".repeat(100)}${"s".repeat(40)}`; // same length and same last 32 characters
    cache.set(a, entry(START_MS + 1000, a));
    cache.set(a, entry(START_MS + 1000, a));
    expect(cache.get(a, START_MS)).toBeDefined();
    expect(cache.get(b, START_MS)).toBeUndefined();
    cache.delete(b);
    expect(cache.get(a, START_MS)).toBeDefined();
  });

  it("rejects a maxEntries below 1", () => {
    expect(() => createTokenCache({ maxEntries: 0 })).toThrow(TypeError);
  });
});

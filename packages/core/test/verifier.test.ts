import { createTestAuthority, type TestAlgorithm, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BearerError,
  createJwksCache,
  createVerifier,
  isBearerError,
  type VerifierOptions,
} from "../src/index.js";

const AUDIENCE = "https://calendar.example.com";

async function failure(promise: Promise<unknown>): Promise<BearerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isBearerError(outcome)) throw new Error(`expected a scopegate error, got ${String(outcome)}`);
  return outcome;
}

describe("createVerifier with an in-memory authority", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
  });
  afterAll(() => authority.close());

  const verifierWith = (overrides: Partial<VerifierOptions> = {}) =>
    createVerifier({ ...authority.verifierOptions(), ...overrides });

  it("verifies a minted token and exposes subject, client, scopes, issuer and expiry", async () => {
    const verifier = verifierWith();
    const jwt = await authority.mint({ scope: "event.read event.create", clientId: "task-service" });
    const token = await verifier.verify(jwt);
    expect(token.token).toBe(jwt);
    expect(token.subject).toBe("task-service");
    expect(token.clientId).toBe("task-service");
    expect(token.scopes).toEqual(["event.read", "event.create"]);
    expect(token.issuer).toBe(authority.issuer);
    expect(token.header.alg).toBe("RS256");
    expect(token.expiresAt.getTime()).toBe((token.claims.exp as number) * 1000);
    expect(Object.isFrozen(token) && Object.isFrozen(token.claims)).toBe(true);
  });

  it("authenticates a request object and a Headers instance", async () => {
    const verifier = verifierWith();
    const jwt = await authority.mint({ scope: "event.read" });
    expect((await verifier.authenticate({ headers: { authorization: `Bearer ${jwt}` } })).scopes).toEqual([
      "event.read",
    ]);
    expect((await verifier.authenticate(new Headers({ authorization: `Bearer ${jwt}` }))).scopes).toEqual([
      "event.read",
    ]);
  });

  it("takes clientId from azp when client_id is absent", async () => {
    const jwt = await authority.mint({ omit: ["client_id"], claims: { azp: "reporting" } });
    expect((await verifierWith().verify(jwt)).clientId).toBe("reporting");
  });

  it.each([
    ["expired", () => authority.tokens.expired(), "ERR_TOKEN_EXPIRED"],
    ["not yet valid", () => authority.tokens.notYetValid(), "ERR_TOKEN_NOT_YET_VALID"],
    ["for another audience", () => authority.tokens.wrongAudience(), "ERR_TOKEN_AUDIENCE"],
    ["from another issuer", () => authority.tokens.wrongIssuer(), "ERR_TOKEN_ISSUER"],
    ["with an unknown kid", () => authority.tokens.unknownKid(), "ERR_TOKEN_KEY_NOT_FOUND"],
    ["signed by a foreign key", () => authority.tokens.foreignKey(), "ERR_TOKEN_SIGNATURE"],
    ["unsigned (alg none, empty signature)", () => authority.tokens.algNone(), "ERR_TOKEN_MALFORMED"],
    ["signed with HS256 and the public key", () => authority.tokens.algConfusion(), "ERR_TOKEN_ALGORITHM"],
    ["with a tampered payload", () => authority.tokens.tampered(), "ERR_TOKEN_SIGNATURE"],
  ])("rejects a token %s with 401 invalid_token", async (_title, make, code) => {
    const error = await failure(verifierWith({ jwks: { cooldownMs: 0 } }).verify(await make()));
    expect(error.code).toBe(code);
    expect(error.status).toBe(401);
    expect(error.error).toBe("invalid_token");
  });

  it("uses the configured realm in every challenge it throws", async () => {
    const verifier = verifierWith({ realm: "calendar" });
    const expired = await failure(verifier.verify(await authority.tokens.expired()));
    expect(expired.headers["WWW-Authenticate"]).toMatch(/^Bearer realm="calendar", error="invalid_token"/);
    const missing = await failure(verifier.authenticate({ headers: {} }));
    expect(missing.headers["WWW-Authenticate"]).toBe('Bearer realm="calendar"');
    const token = await verifier.verify(await authority.mint({ scope: "event.read" }));
    let scopeError: unknown;
    try {
      verifier.requireScopes(token, { allOf: ["event.create"] });
    } catch (error) {
      scopeError = error;
    }
    expect(isBearerError(scopeError) && scopeError.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="calendar", error="insufficient_scope", error_description="The access token lacks a required scope", scope="event.create"',
    );
  });

  it("reads extra scope claims such as Auth0 permissions when configured", async () => {
    const jwt = await authority.mint({ scope: "openid", claims: { permissions: ["event.create"] } });
    expect((await verifierWith().verify(jwt)).scopes).toEqual(["openid"]);
    expect((await verifierWith({ scopeClaims: ["scope", "permissions"] }).verify(jwt)).scopes).toEqual([
      "openid",
      "event.create",
    ]);
  });

  it("enforces strict RFC 9068 typ and claims when asked", async () => {
    const strict = verifierWith({ tokenType: "strict" });
    expect(await strict.verify(await authority.mint())).toBeDefined();
    expect((await failure(strict.verify(await authority.mint({ typ: "JWT" })))).code).toBe("ERR_TOKEN_TYPE");
    expect((await failure(strict.verify(await authority.mint({ typ: null })))).code).toBe("ERR_TOKEN_TYPE");
    expect((await failure(strict.verify(await authority.mint({ omit: ["jti"] })))).code).toBe(
      "ERR_TOKEN_CLAIM_MISSING",
    );
    expect((await failure(verifierWith().verify(await authority.mint({ typ: "id+jwt" })))).code).toBe(
      "ERR_TOKEN_TYPE",
    );
  });

  it("runs custom validators, sync and async, and fails closed when one throws", async () => {
    const jwt = await authority.mint({ claims: { tenant: "acme" } });
    const seen: unknown[] = [];
    const ok = verifierWith({
      validators: [(claims) => void seen.push(claims.tenant), async (claims) => claims.tenant === "acme"],
    });
    expect((await ok.verify(jwt)).claims.tenant).toBe("acme");
    expect(seen).toEqual(["acme"]);
    const refuses = verifierWith({ validators: [async () => false] });
    expect((await failure(refuses.verify(jwt))).code).toBe("ERR_TOKEN_REJECTED");
    const boom = new Error("database down");
    const throws = verifierWith({
      validators: [
        () => {
          throw boom;
        },
      ],
    });
    const error = await failure(throws.verify(jwt));
    expect(error.code).toBe("ERR_TOKEN_REJECTED");
    expect(error.cause).toBe(boom);
    expect(error.body().error_description).not.toContain("database");
  });

  it("refuses a token from an issuer it does not know without fetching anything", async () => {
    const before = authority.requests.jwks + authority.requests.discovery;
    const error = await failure(
      verifierWith().verify(await authority.mint({ issuer: "https://evil.example.com/" })),
    );
    expect(error.code).toBe("ERR_TOKEN_ISSUER");
    expect(authority.requests.jwks + authority.requests.discovery).toBe(before);
  });

  it("enforces allowedClientIds and maxTokenAgeSec", async () => {
    const only = verifierWith({ allowedClientIds: ["task-service"] });
    expect(await only.verify(await authority.mint({ clientId: "task-service" }))).toBeDefined();
    expect((await failure(only.verify(await authority.mint({ clientId: "other" })))).code).toBe(
      "ERR_TOKEN_CLIENT",
    );
    const young = verifierWith({ maxTokenAgeSec: 60 });
    expect((await failure(young.verify(await authority.mint({ issuedAtSec: -3600 })))).code).toBe(
      "ERR_TOKEN_TOO_OLD",
    );
  });

  it("accepts query tokens only when enabled", async () => {
    const jwt = await authority.mint();
    const request = { headers: {}, query: { access_token: jwt } };
    expect((await failure(verifierWith().authenticate(request))).code).toBe("ERR_NO_CREDENTIALS");
    expect((await verifierWith({ allowQueryToken: true }).authenticate(request)).subject).toBeDefined();
  });

  it("answers 503 with Retry-After when the authorization server is down and no key is cached", async () => {
    const down = await createTestAuthority({ audience: AUDIENCE });
    try {
      down.simulate("down");
      const error = await failure(createVerifier(down.verifierOptions()).verify(await down.mint()));
      expect(error.code).toBe("ERR_JWKS_UNAVAILABLE");
      expect(error.status).toBe(503);
      expect(Number(error.headers["Retry-After"])).toBeGreaterThan(0);
    } finally {
      await down.close();
    }
  });

  it("warm() fetches the keys up front and rejects with a 503 error when it cannot", async () => {
    const fresh = await createTestAuthority({ audience: AUDIENCE });
    try {
      const verifier = createVerifier(fresh.verifierOptions());
      await verifier.warm();
      expect(fresh.requests.jwks).toBe(1);
      fresh.simulate("down");
      const cold = createVerifier(fresh.verifierOptions());
      expect((await failure(cold.warm())).code).toBe("ERR_JWKS_UNAVAILABLE");
    } finally {
      await fresh.close();
    }
  });
});

describe.each<TestAlgorithm>(["RS256", "PS256", "ES256", "EdDSA", "RS512", "ES384"])(
  "algorithm %s",
  (algorithm) => {
    it("verifies tokens signed with it and refuses it when not allowed", async () => {
      const authority = await createTestAuthority({ audience: AUDIENCE, algorithm });
      try {
        const jwt = await authority.mint({ scope: "event.read" });
        expect((await createVerifier(authority.verifierOptions()).verify(jwt)).header.alg).toBe(algorithm);
        const other = algorithm === "RS256" ? "ES256" : "RS256";
        const narrow = createVerifier({ ...authority.verifierOptions(), algorithms: [other] });
        expect((await failure(narrow.verify(jwt))).code).toBe("ERR_TOKEN_ALGORITHM");
      } finally {
        await authority.close();
      }
    });
  },
);

describe("createVerifier over real HTTP", () => {
  let a: TestAuthority;
  let b: TestAuthority;
  beforeAll(async () => {
    a = await createTestAuthority({ audience: AUDIENCE });
    b = await createTestAuthority({ audience: AUDIENCE, algorithm: "ES256" });
    await a.listen();
    await b.listen();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("discovers the JWKS from the issuer's metadata", async () => {
    const verifier = createVerifier({ issuer: a.issuer, audience: AUDIENCE });
    expect((await verifier.verify(await a.mint({ scope: "event.read" }))).issuer).toBe(a.issuer);
  });

  it("serves several issuers, each with its own keys, and keeps them apart", async () => {
    const verifier = createVerifier({ issuer: [a.issuer, b.issuer], audience: AUDIENCE });
    expect((await verifier.verify(await a.mint())).issuer).toBe(a.issuer);
    expect((await verifier.verify(await b.mint())).issuer).toBe(b.issuer);
    // A token claiming b but signed with a's key and kid fails: b's JWKS does not hold a's key.
    const crossed = await a.mint({ issuer: b.issuer });
    expect((await failure(verifier.verify(crossed))).code).toMatch(/ERR_TOKEN_(KEY_NOT_FOUND|SIGNATURE)/);
  });

  it("accepts a rotated key on its first use and shares one cache between verifiers", async () => {
    const cache = createJwksCache({ cooldownMs: 0 });
    const one = createVerifier({
      issuer: a.issuer,
      audience: AUDIENCE,
      jwksUri: a.jwksUri,
      jwksCache: cache,
    });
    const two = createVerifier({
      issuer: a.issuer,
      audience: [AUDIENCE, "other"],
      jwksUri: a.jwksUri,
      jwksCache: cache,
    });
    await one.verify(await a.mint());
    const fetched = a.requests.jwks;
    await two.verify(await a.mint());
    expect(a.requests.jwks).toBe(fetched);
    a.rotateKeys();
    expect(await one.verify(await a.mint())).toBeDefined();
    expect(a.requests.jwks).toBe(fetched + 1);
  });
});

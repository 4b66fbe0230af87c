import type { webcrypto } from "node:crypto";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  type IntrospectionEvent,
  type IntrospectionOptions,
  isBearerError,
  type VerifierOptions,
} from "../src/index.js";
import { failure } from "./support/failure.js";

const AUDIENCE = "https://calendar.example.com";

describe("introspection against the test authority over HTTP", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
  });
  afterAll(() => authority.close());

  const verifierWith = (
    introspection: Partial<IntrospectionOptions> = {},
    overrides: Partial<VerifierOptions> = {},
  ) =>
    createVerifier({
      ...authority.verifierOptions(),
      introspection: { ...authority.introspectionOptions(), failureBackoffMs: 0, ...introspection },
      ...overrides,
    });

  it("verifies an opaque token and returns the same VerifiedToken shape as a JWT", async () => {
    const opaque = authority.mintOpaque({ scope: "event.read event.create", clientId: "task-service" });
    const token = await verifierWith().verify(opaque);
    expect(token.token).toBe(opaque);
    expect(token.subject).toBe("task-service");
    expect(token.clientId).toBe("task-service");
    expect(token.scopes).toEqual(["event.read", "event.create"]);
    expect(token.issuer).toBe(authority.issuer);
    expect(token.header).toEqual({ alg: "none", typ: "introspected" });
    expect(token.expiresAt.getTime()).toBe((token.claims.exp as number) * 1000);
    expect(token.claims.active).toBeUndefined();
    expect(Object.isFrozen(token) && Object.isFrozen(token.claims)).toBe(true);
  });

  it("finds the endpoint in the issuer's metadata when none is configured", async () => {
    const { endpoint: _endpoint, ...discovered } = authority.introspectionOptions();
    const before = authority.server?.discoveryRequests ?? 0;
    const verifier = createVerifier({
      issuer: authority.issuer,
      audience: AUDIENCE,
      introspection: discovered,
    });
    const token = await verifier.verify(authority.mintOpaque({ scope: "event.read" }));
    expect(token.scopes).toEqual(["event.read"]);
    expect(authority.server?.discoveryRequests).toBeGreaterThan(before);
  });

  it("authenticates with client_secret_post as well as client_secret_basic", async () => {
    const verifier = verifierWith({ clientAuthMethod: "client_secret_post" });
    expect((await verifier.verify(authority.mintOpaque())).clientId).toBe("scopegate-test-client");
  });

  it("authenticates with private_key_jwt (a fresh signed assertion per request)", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as webcrypto.CryptoKeyPair;
    const publicJwk = {
      ...(await crypto.subtle.exportKey("jwk", pair.publicKey)),
      kid: "rs-1",
      alg: "ES256",
    };
    const keyed = await createTestAuthority({
      audience: AUDIENCE,
      introspectionClient: { clientId: "calendar-rs", clientSecret: null, jwks: { keys: [publicJwk] } },
    });
    try {
      await keyed.listen();
      const { clientSecret: _none, ...introspection } = keyed.introspectionOptions();
      const verifier = createVerifier({
        ...keyed.verifierOptions(),
        introspection: { ...introspection, privateKey: { key: pair.privateKey, kid: "rs-1" } },
      });
      expect((await verifier.verify(keyed.mintOpaque({ scope: "event.read" }))).scopes).toEqual([
        "event.read",
      ]);
      const other = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
        "sign",
      ])) as webcrypto.CryptoKeyPair;
      const impostor = createVerifier({
        ...keyed.verifierOptions(),
        introspection: { ...introspection, privateKey: { key: other.privateKey, kid: "rs-1" } },
      });
      const error = await failure(impostor.verify(keyed.mintOpaque()));
      expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_CLIENT_AUTH");
    } finally {
      await keyed.close();
    }
  });

  it("answers a wrong client secret with 503 (not the token's fault) and says why in the cause", async () => {
    const error = await failure(verifierWith({ clientSecret: "wrong" }).verify(authority.mintOpaque()));
    expect(error.status).toBe(503);
    expect(error.code).toBe("ERR_INTROSPECTION_UNAVAILABLE");
    expect(error.headers["Retry-After"]).toMatch(/^\d+$/);
    expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_CLIENT_AUTH");
  });

  it("rejects an unknown or revoked token (active: false) with 401 invalid_token", async () => {
    const verifier = verifierWith({ cache: false });
    expect((await failure(verifier.verify("no-such-token"))).code).toBe("ERR_TOKEN_INACTIVE");
    const opaque = authority.mintOpaque();
    await verifier.verify(opaque);
    expect(authority.revoke(opaque)).toBe(true);
    const error = await failure(verifier.verify(opaque));
    expect([error.status, error.error, error.code]).toEqual([401, "invalid_token", "ERR_TOKEN_INACTIVE"]);
  });

  it.each([
    ["for another audience", { audience: "https://other.example.com" }, "ERR_TOKEN_AUDIENCE"],
    ["from another issuer", { issuer: "https://other-issuer.example.com/" }, "ERR_TOKEN_ISSUER"],
    [
      "whose answer says active past exp",
      { expiresInSec: -60, answer: { active: true } },
      "ERR_TOKEN_EXPIRED",
    ],
    ["not yet valid", { notBeforeSec: 600, answer: { active: true } }, "ERR_TOKEN_NOT_YET_VALID"],
    ["without exp", { omit: ["exp"] }, "ERR_TOKEN_CLAIM_MISSING"],
    ["that is a refresh token", { answer: { token_type: "refresh_token" } }, "ERR_TOKEN_TYPE"],
    ["with a non-string client_id", { claims: { client_id: 42 } }, "ERR_TOKEN_CLAIM_INVALID"],
  ])("rejects an active answer %s with 401 invalid_token", async (_title, opaqueOptions, code) => {
    const error = await failure(verifierWith().verify(authority.mintOpaque(opaqueOptions)));
    expect([error.status, error.error, error.code]).toEqual([401, "invalid_token", code]);
  });

  it("applies allowedClientIds and custom validators to the answer", async () => {
    const allowed = verifierWith({}, { allowedClientIds: ["task-service"] });
    expect((await failure(allowed.verify(authority.mintOpaque({ clientId: "reporting" })))).code).toBe(
      "ERR_TOKEN_CLIENT",
    );
    const validated = verifierWith({}, { validators: [(claims) => claims.tenant === "acme"] });
    expect((await validated.verify(authority.mintOpaque({ claims: { tenant: "acme" } }))).claims.tenant).toBe(
      "acme",
    );
    expect((await failure(validated.verify(authority.mintOpaque()))).code).toBe("ERR_TOKEN_REJECTED");
  });

  it("answers a missing scope on an introspected token with 403 insufficient_scope", async () => {
    const verifier = verifierWith();
    const token = await verifier.verify(authority.mintOpaque({ scope: "event.read" }));
    let thrown: unknown;
    try {
      verifier.requireScopes(token, { allOf: ["event.create"] });
    } catch (error) {
      thrown = error;
    }
    expect(isBearerError(thrown) && [thrown.status, thrown.error]).toEqual([403, "insufficient_scope"]);
  });

  it("verifies JWTs locally and everything else by introspection (mixed mode)", async () => {
    const verifier = verifierWith();
    const before = authority.requests.introspection;
    const jwt = await authority.mint({ scope: "event.read" });
    expect((await verifier.authenticate({ headers: { authorization: `Bearer ${jwt}` } })).header.alg).toBe(
      "RS256",
    );
    expect(authority.requests.introspection).toBe(before);
    const opaque = authority.mintOpaque({ scope: "event.read" });
    const token = await verifier.authenticate({ headers: { authorization: `Bearer ${opaque}` } });
    expect(token.header.alg).toBe("none");
    expect(authority.requests.introspection).toBe(before + 1);
  });

  it('introspects JWTs too with tokens: "all", so a revoked JWT is refused', async () => {
    const verifier = verifierWith({ tokens: "all", cache: false });
    const jwt = await authority.mint();
    // The test authority knows only its opaque tokens: a JWT it minted is inactive to it.
    expect((await failure(verifier.verify(jwt))).code).toBe("ERR_TOKEN_INACTIVE");
  });

  it("honours cnf in the answer: a certificate-bound opaque token without its certificate is refused", async () => {
    const verifier = verifierWith();
    const bound = authority.mintOpaque({
      claims: { cnf: { "x5t#S256": "bm90LXRoZS1wcmVzZW50ZWQtY2VydGlmaWNhdGU" } },
    });
    const error = await failure(verifier.authenticate({ headers: { authorization: `Bearer ${bound}` } }));
    expect([error.status, error.error]).toEqual([401, "invalid_token"]);
    const plain = authority.mintOpaque();
    expect((await verifier.authenticate({ headers: { authorization: `Bearer ${plain}` } })).token).toBe(
      plain,
    );
  });

  it("verifies RFC 9701 signed answers against the issuer's JWKS", async () => {
    const verifier = verifierWith({ jwtResponse: true, cache: false });
    const before = authority.server?.requests ?? 0;
    const token = await verifier.verify(authority.mintOpaque({ scope: "event.read" }));
    expect(token.scopes).toEqual(["event.read"]);
    expect(authority.server?.requests).toBeGreaterThan(before);
  });

  it("refuses a signed answer that does not verify, and a plain answer when a signed one is required", async () => {
    const verifier = verifierWith({ jwtResponse: true, cache: false });
    authority.simulate("garbage", {
      endpoints: "introspection",
      body: `${await authority.tokens.foreignKey()}`,
      contentType: "application/token-introspection+jwt",
      times: 1,
    });
    const forged = await failure(verifier.verify(authority.mintOpaque()));
    expect(forged.status).toBe(503);
    expect((forged.cause as { code?: string }).code).toMatch(/^ERR_INTROSPECTION_(SIGNATURE|RESPONSE)$/);

    authority.simulate("garbage", {
      endpoints: "introspection",
      body: '{"active":true}',
      contentType: "application/json",
      times: 1,
    });
    const plain = await failure(verifier.verify(authority.mintOpaque()));
    expect((plain.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_CONTENT_TYPE");
  });

  it("never puts the token in an error, its cause or an event", async () => {
    const events: IntrospectionEvent[] = [];
    const opaque = authority.mintOpaque();
    const verifier = verifierWith({ clientSecret: "wrong", onEvent: (event) => events.push(event) });
    const error = await failure(verifier.verify(opaque));
    const seen = JSON.stringify([error, error.message, String(error.cause), error.cause, events]);
    expect(events.map((e) => e.type)).toEqual(["introspection_failed"]);
    expect(seen).not.toContain(opaque);
  });
});

import { createHmac, createPublicKey } from "node:crypto";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestAuthority,
  type TestAuthority,
  UNRELATED_SCOPE,
  WRONG_AUDIENCE,
  WRONG_ISSUER,
} from "../src/index.js";

const audience = "https://api.example.com";
let authority: TestAuthority;
let keys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  authority = await createTestAuthority({ audience });
  keys = createLocalJWKSet(authority.jwks());
});
afterAll(() => authority.close());

const now = () => Math.floor(Date.now() / 1000);
/** Verifies the signature and the issuer only, so each claim can be asserted on its own. */
const signatureOnly = (token: string) => jwtVerify(token, keys, { issuer: authority.issuer });

describe("tokens", () => {
  it("expired(): a correctly signed token whose exp passed long ago", async () => {
    const token = await authority.tokens.expired({ scope: "event.create" });
    const claims = decodeJwt(token);
    expect(claims.exp).toBeLessThanOrEqual(now() - 600);
    expect(claims.iat).toBeLessThan(claims.exp!);
    expect(claims.scope).toBe("event.create");
    await expect(signatureOnly(token)).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  it("notYetValid(): a correctly signed token whose nbf is in the future", async () => {
    const token = await authority.tokens.notYetValid();
    const claims = decodeJwt(token);
    expect(claims.nbf).toBeGreaterThanOrEqual(now() + 590);
    expect(claims.exp).toBeGreaterThan(claims.nbf!);
    await expect(signatureOnly(token)).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
      claim: "nbf",
    });
  });

  it("wrongAudience(): a correctly signed token for another API", async () => {
    const token = await authority.tokens.wrongAudience();
    expect(decodeJwt(token).aud).toBe(WRONG_AUDIENCE);
    await expect(signatureOnly(token)).resolves.toBeDefined();
    await expect(jwtVerify(token, keys, { audience })).rejects.toMatchObject({ claim: "aud" });
  });

  it("wrongIssuer(): a token from another issuer, signed with the real key", async () => {
    const token = await authority.tokens.wrongIssuer();
    expect(decodeJwt(token).iss).toBe(WRONG_ISSUER);
    await expect(jwtVerify(token, keys, { audience })).resolves.toBeDefined();
    await expect(signatureOnly(token)).rejects.toMatchObject({ claim: "iss" });
  });

  it("missingScope(): a valid token without the scope the route needs", async () => {
    const token = await authority.tokens.missingScope("event.create", {
      scope: ["event.read", "event.create"],
    });
    const { payload } = await jwtVerify(token, keys, { issuer: authority.issuer, audience });
    expect(payload.scope).toBe("event.read");
  });

  it("missingScope(): an unrelated scope when nothing else is left, or the scopes of options.scope", async () => {
    expect(decodeJwt(await authority.tokens.missingScope()).scope).toBe(UNRELATED_SCOPE);
    expect(decodeJwt(await authority.tokens.missingScope("event.create")).scope).toBe(UNRELATED_SCOPE);
    expect(decodeJwt(await authority.tokens.missingScope({ scope: "event.read" })).scope).toBe("event.read");
  });

  it("unknownKid(): signed by a key the JWKS lacks, under a kid it does not list", async () => {
    const token = await authority.tokens.unknownKid({ scope: "event.create" });
    const { kid } = decodeProtectedHeader(token);
    expect(kid).toBeDefined();
    expect(authority.jwks().keys.map((k) => k.kid)).not.toContain(kid);
    await expect(signatureOnly(token)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  it("foreignKey(): signed by a foreign key under the real kid", async () => {
    const token = await authority.tokens.foreignKey();
    expect(decodeProtectedHeader(token)).toMatchObject({ kid: authority.kid, alg: "RS256" });
    expect(decodeJwt(token).aud).toBe(audience);
    await expect(signatureOnly(token)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it('algNone(): an unsigned token with alg "none" and an empty signature', async () => {
    const token = await authority.tokens.algNone({ scope: "event.create" });
    expect(token.endsWith(".")).toBe(true);
    expect(token.split(".")).toHaveLength(3);
    expect(decodeProtectedHeader(token).alg).toBe("none");
    expect(decodeJwt(token)).toMatchObject({ iss: authority.issuer, aud: audience, scope: "event.create" });
    await expect(signatureOnly(token)).rejects.toThrow();
  });

  it("tampered(): a valid token whose payload was changed after signing", async () => {
    const token = await authority.tokens.tampered({ scope: "event.read" });
    const claims = decodeJwt(token);
    expect(claims.sub).toBe("scopegate-test-tampered");
    expect(claims.scope).toBe("event.read admin");
    expect(decodeProtectedHeader(token).kid).toBe(authority.kid);
    await expect(signatureOnly(token)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("algConfusion(): HS256 under the real kid, HMAC-signed with the public key", async () => {
    const token = await authority.tokens.algConfusion();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "HS256", kid: authority.kid });
    const [h, p, s] = token.split(".");
    const pem = createPublicKey({ key: authority.jwks().keys[0]!, format: "jwk" }).export({
      type: "spki",
      format: "pem",
    });
    expect(createHmac("sha256", pem).update(`${h}.${p}`).digest("base64url")).toBe(s);
    await expect(signatureOnly(token)).rejects.toThrow();
  });

  it("malformed(): three segments that are not JSON", async () => {
    const token = await authority.tokens.malformed();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(() => decodeJwt(token)).toThrow();
    expect(() => decodeProtectedHeader(token)).toThrow();
  });

  it("signs bad tokens with the algorithm of the current key", async () => {
    await using ec = await createTestAuthority({ algorithm: "ES256" });
    expect(decodeProtectedHeader(await ec.tokens.foreignKey()).alg).toBe("ES256");
    expect(decodeProtectedHeader(await ec.tokens.unknownKid()).alg).toBe("ES256");
    await expect(jwtVerify(await ec.tokens.foreignKey(), createLocalJWKSet(ec.jwks()))).rejects.toMatchObject(
      {
        code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
      },
    );
  });
});

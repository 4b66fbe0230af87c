import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAuthority, DEFAULT_TEST_CLIENT_ID, type TestAuthority } from "../src/index.js";

const NOW_MS = 1_900_000_000_000;
const NOW = NOW_MS / 1000;
let authority: TestAuthority;

beforeAll(async () => {
  authority = await createTestAuthority({ audience: "https://api.example.com", clock: () => NOW_MS + 123 });
});
afterAll(() => authority.close());

describe("mint", () => {
  it("writes RFC 9068 claims and header by default", async () => {
    const token = await authority.mint();
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", kid: authority.kid, typ: "at+jwt" });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: authority.issuer,
      aud: "https://api.example.com",
      sub: DEFAULT_TEST_CLIENT_ID,
      client_id: DEFAULT_TEST_CLIENT_ID,
      iat: NOW,
      exp: NOW + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([authority.mint(), authority.mint()]);
    expect(decodeJwt(a).jti).not.toBe(decodeJwt(b).jti);
  });

  it("signs tokens that verify against the authority's keys", async () => {
    const token = await authority.mint({ scope: ["event.read", "event.create"] });
    const { payload } = await jwtVerify(token, createLocalJWKSet(authority.jwks()), {
      issuer: authority.issuer,
      audience: "https://api.example.com",
      currentDate: new Date(NOW_MS),
    });
    expect(payload.scope).toBe("event.read event.create");
  });

  it("writes scope as a space-delimited string and scp as an array", async () => {
    const claims = decodeJwt(await authority.mint({ scope: "a b", scp: "c d" }));
    expect(claims.scope).toBe("a b");
    expect(claims.scp).toEqual(["c", "d"]);
    expect(decodeJwt(await authority.mint({ scope: [] })).scope).toBe("");
  });

  it("sets subject, client, audience and issuer when asked", async () => {
    const claims = decodeJwt(
      await authority.mint({
        subject: "svc-1",
        clientId: "client-1",
        audience: ["urn:a", "urn:b"],
        issuer: "https://other.test/",
      }),
    );
    expect(claims).toMatchObject({
      sub: "svc-1",
      client_id: "client-1",
      aud: ["urn:a", "urn:b"],
      iss: "https://other.test/",
    });
  });

  it("uses the client id as the subject unless a subject is given", async () => {
    expect(decodeJwt(await authority.mint({ clientId: "client-2" })).sub).toBe("client-2");
  });

  it("computes exp, nbf and iat as offsets from the clock", async () => {
    const claims = decodeJwt(
      await authority.mint({ expiresInSec: -60, notBeforeSec: 30, issuedAtSec: -120 }),
    );
    expect(claims).toMatchObject({ exp: NOW - 60, nbf: NOW + 30, iat: NOW - 120 });
  });

  it("lets claims override everything and omit drop claims", async () => {
    const claims = decodeJwt(
      await authority.mint({
        claims: { sub: "override", tenant: "t1", exp: 42 },
        omit: ["jti", "client_id"],
      }),
    );
    expect(claims).toMatchObject({ sub: "override", tenant: "t1", exp: 42 });
    expect(claims).not.toHaveProperty("jti");
    expect(claims).not.toHaveProperty("client_id");
  });

  it("changes the header through typ and header, and drops parameters set to undefined", async () => {
    expect(decodeProtectedHeader(await authority.mint({ typ: null }))).not.toHaveProperty("typ");
    expect(decodeProtectedHeader(await authority.mint({ typ: "JWT" })).typ).toBe("JWT");
    const header = decodeProtectedHeader(await authority.mint({ header: { kid: undefined, x: 1 } }));
    expect(header).toEqual({ alg: "RS256", typ: "at+jwt", x: 1 });
  });

  it("signs with a key it used to have when given its kid", async () => {
    const rotating = await createTestAuthority();
    const oldKid = rotating.kid;
    rotating.rotateKeys({ keepOld: false });
    const token = await rotating.mint({ kid: oldKid });
    expect(decodeProtectedHeader(token).kid).toBe(oldKid);
    await expect(jwtVerify(token, createLocalJWKSet(rotating.jwks()))).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
    await rotating.close();
  });

  it("writes an unknown kid to the header of a token signed with the current key", async () => {
    const token = await authority.mint({ kid: "nobody-has-this" });
    expect(decodeProtectedHeader(token).kid).toBe("nobody-has-this");
    const [jwk] = authority.jwks().keys;
    const { payload } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: [{ ...jwk!, kid: "nobody-has-this" }] }),
      {
        currentDate: new Date(NOW_MS),
      },
    );
    expect(payload.iss).toBe(authority.issuer);
  });
});

describe("certificate-bound tokens", () => {
  it("binds a minted token to a certificate's thumbprint in cnf x5t#S256", async () => {
    const thumbprint = "A".repeat(43);
    expect(decodeJwt(await authority.mint({ certificate: { thumbprint } })).cnf).toEqual({
      "x5t#S256": thumbprint,
    });
    expect(decodeJwt(await authority.mint({ certificate: thumbprint })).cnf).toEqual({
      "x5t#S256": thumbprint,
    });
    expect(decodeJwt(await authority.mint()).cnf).toBeUndefined();
  });
});

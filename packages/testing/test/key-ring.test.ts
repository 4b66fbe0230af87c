import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createTestAuthority } from "../src/index.js";

describe("rotateKeys", () => {
  it("publishes the new key, signs with it, and keeps the old one published", async () => {
    await using authority = await createTestAuthority();
    const oldKid = authority.kid;
    const oldToken = await authority.mint();
    const rotated = authority.rotateKeys();
    expect(rotated).toEqual({ kid: authority.kid, alg: "RS256" });
    expect(rotated.kid).not.toBe(oldKid);
    expect(authority.jwks().keys.map((k) => k.kid)).toEqual([rotated.kid, oldKid]);
    const newToken = await authority.mint();
    expect(decodeProtectedHeader(newToken).kid).toBe(rotated.kid);
    const keys = createLocalJWKSet(authority.jwks());
    await expect(jwtVerify(oldToken, keys)).resolves.toBeDefined();
    await expect(jwtVerify(newToken, keys)).resolves.toBeDefined();
  });

  it("retireOldKeys() unpublishes the previous keys, so their tokens stop verifying", async () => {
    await using authority = await createTestAuthority();
    const oldToken = await authority.mint();
    const oldKid = authority.kid;
    authority.rotateKeys();
    authority.rotateKeys();
    expect(authority.jwks().keys).toHaveLength(3);
    const retired = authority.retireOldKeys();
    expect(retired).toHaveLength(2);
    expect(retired).toContain(oldKid);
    expect(authority.jwks().keys.map((k) => k.kid)).toEqual([authority.kid]);
    await expect(jwtVerify(oldToken, createLocalJWKSet(authority.jwks()))).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
  });

  it("drops the old key at once with keepOld: false", async () => {
    await using authority = await createTestAuthority();
    const oldKid = authority.kid;
    authority.rotateKeys({ keepOld: false });
    expect(authority.jwks().keys.map((k) => k.kid)).toEqual([authority.kid]);
    expect(authority.kid).not.toBe(oldKid);
  });

  it("switches algorithm when asked", async () => {
    await using authority = await createTestAuthority();
    authority.rotateKeys({ algorithm: "EdDSA" });
    expect(authority.algorithm).toBe("EdDSA");
    expect(authority.jwks().keys.map((k) => k.kty)).toEqual(["OKP", "RSA"]);
    const token = await authority.mint();
    await expect(jwtVerify(token, createLocalJWKSet(authority.jwks()))).resolves.toBeDefined();
    expect(() => authority.rotateKeys({ algorithm: "HS256" as never })).toThrow(TypeError);
  });

  it("serves the rotated key set over HTTP at once", async () => {
    await using authority = await createTestAuthority();
    const server = await authority.listen();
    const oldKid = authority.kid;
    authority.rotateKeys();
    const body = (await (await fetch(server.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(body.keys.map((k) => k.kid)).toEqual([authority.kid, oldKid]);
    const token = await authority.mint();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
      issuer: server.url,
    });
    expect(payload.iss).toBe(server.url);
  });
});

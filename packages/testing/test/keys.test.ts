import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createTestAuthority, TEST_ALGORITHMS } from "../src/index.js";

const EXPECTED_KEY: Record<string, { kty: string; crv?: string }> = {
  RS: { kty: "RSA" },
  PS: { kty: "RSA" },
  ES256: { kty: "EC", crv: "P-256" },
  ES384: { kty: "EC", crv: "P-384" },
  ES512: { kty: "EC", crv: "P-521" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
  Ed25519: { kty: "OKP", crv: "Ed25519" },
};

describe("signing keys", () => {
  it.each(TEST_ALGORITHMS)("signs %s tokens that jose verifies with the published key", async (algorithm) => {
    await using authority = await createTestAuthority({ algorithm });
    const token = await authority.mint();
    expect(decodeProtectedHeader(token).alg).toBe(algorithm);
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(authority.jwks()), {
      algorithms: [algorithm],
    });
    expect(protectedHeader.kid).toBe(authority.kid);
    const jwk = authority.jwks().keys[0];
    expect(jwk).toMatchObject({
      ...(EXPECTED_KEY[algorithm] ?? EXPECTED_KEY[algorithm.slice(0, 2)]),
      alg: algorithm,
    });
  });

  it("names each key by its RFC 7638 thumbprint", async () => {
    await using authority = await createTestAuthority({ algorithm: "ES256" });
    const [jwk] = authority.jwks().keys;
    expect(jwk!.kid).toBe(await calculateJwkThumbprint(jwk!, "sha256"));
  });

  it("gives every authority its own key", async () => {
    await using a = await createTestAuthority();
    await using b = await createTestAuthority();
    expect(a.kid).not.toBe(b.kid);
    await expect(jwtVerify(await a.mint(), createLocalJWKSet(b.jwks()))).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
  });
});

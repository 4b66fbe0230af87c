import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { accessTokenHash, createDpopKey, createTestAuthority } from "../src/index.js";

describe("createDpopKey", () => {
  it.each(["ES256", "RS256", "PS256", "EdDSA"] as const)(
    "makes %s proofs that verify with their own public jwk, for one request",
    async (alg) => {
      const key = await createDpopKey(alg);
      expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk as never, "sha256"));
      const proof = await key.proof({
        method: "POST",
        url: "https://api.example.com/events?x=1#f",
        accessToken: "t",
      });
      const header = decodeProtectedHeader(proof);
      expect(header).toMatchObject({ typ: "dpop+jwt", alg });
      expect(header.jwk).not.toHaveProperty("d");
      const { payload } = await compactVerify(proof, await importJWK(header.jwk as never, alg));
      const claims = JSON.parse(new TextDecoder().decode(payload));
      expect(claims).toMatchObject({
        htm: "POST",
        htu: "https://api.example.com/events",
        ath: accessTokenHash("t"),
      });
      expect(typeof claims.jti).toBe("string");
      expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(5);
    },
  );

  it("makes a distinct broken proof of each kind, and binds minted tokens with cnf.jkt", async () => {
    const key = await createDpopKey();
    const bad = await key.badProofs({
      method: "GET",
      url: "https://api.example.com/events",
      accessToken: "t",
    });
    const values = Object.values(bad);
    expect(new Set(values).size).toBe(values.length);
    expect(decodeProtectedHeader(bad.privateJwk).jwk).toHaveProperty("d");
    expect(decodeProtectedHeader(bad.algNone).alg).toBe("none");
    expect(decodeProtectedHeader(bad.algHs256).alg).toBe("HS256");
    const authority = await createTestAuthority();
    const token = await authority.mint({ dpop: key });
    const claims = JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString());
    expect(claims.cnf).toEqual({ jkt: key.thumbprint });
    await authority.close();
  });
});

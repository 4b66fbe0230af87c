import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createVerifier, isBearerError } from "../src/index.js";

const issuer = "https://issuer.example.com/";
const audience = "https://api.example.com";
const jwksUri = "https://issuer.example.com/jwks";

async function setup() {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const fetch = async () =>
    new Response(JSON.stringify({ keys: [jwk] }), { headers: { "content-type": "application/json" } });
  const mint = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT({ scope: "event.read event.create", client_id: "task-service", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "at+jwt", ...header })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject("task-service")
      .setIssuedAt()
      .setExpirationTime((claims.exp as number | undefined) ?? "5m")
      .sign(privateKey);
  return { mint, verifier: createVerifier({ issuer, audience, jwksUri, fetch }) };
}

describe("createVerifier", () => {
  it("verifies a valid token and normalises its scopes", async () => {
    const { mint, verifier } = await setup();
    const token = await verifier.authenticate({ authorization: `Bearer ${await mint()}` });
    expect(token.scopes).toEqual(["event.read", "event.create"]);
    expect(token.clientId).toBe("task-service");
    expect(token.issuer).toBe(issuer);
  });

  it("rejects an expired token with 401 invalid_token", async () => {
    const { mint, verifier } = await setup();
    const err = await verifier
      .verify(await mint({ exp: Math.floor(Date.now() / 1000) - 60 }))
      .catch((e) => e);
    expect(isBearerError(err)).toBe(true);
    expect(err.code).toBe("ERR_TOKEN_EXPIRED");
    expect(err.status).toBe(401);
    expect(err.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired"',
    );
  });
});

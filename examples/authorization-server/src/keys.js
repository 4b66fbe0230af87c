// @ts-check
import { createHash, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * A private RSA signing key in JWK form, as oidc-provider's `jwks` option takes it.
 * @typedef {import("node:crypto").JsonWebKey & { kty: "RSA", kid: string, alg: "RS256", use: "sig" }} PrivateSigningJwk
 */

/**
 * Generates a fresh 2048-bit RSA signing key whose `kid` is its RFC 7638 thumbprint.
 * @returns {Promise<PrivateSigningJwk>}
 */
export async function generateSigningKey() {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const thumbprint = createHash("sha256")
    .update(JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n }))
    .digest("base64url");
  return { ...jwk, kty: "RSA", kid: thumbprint, alg: "RS256", use: "sig" };
}

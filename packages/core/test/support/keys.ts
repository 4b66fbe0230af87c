import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface TestKey {
  kid: string;
  alg: "ES256" | "RS256";
  /** The public JWK as a JWKS publishes it (`kid`, `alg`, `use: "sig"`). */
  jwk: JWK;
  privateKey: CryptoKey;
  /** Signs a token with this key (`kid` and `alg` in the header). */
  sign(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
}

export async function makeKey(kid: string, alg: "ES256" | "RS256" = "ES256"): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return {
    kid,
    alg,
    jwk,
    privateKey,
    sign: (claims, header = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, kid, typ: "at+jwt", ...header })
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey),
  };
}

/** A JWK Set of the given keys' public parts. */
export function jwks(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.jwk) };
}

/** A clock tests move by hand. */
export function manualClock(start = Date.now()): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

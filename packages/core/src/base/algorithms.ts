/** Asymmetric JWS algorithms scopegate can verify. Symmetric (HS*) and `none` are never accepted. */
export const SUPPORTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
] as const;

export type Algorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** The default allow-list: every supported algorithm. */
export const DEFAULT_ALGORITHMS: readonly Algorithm[] = SUPPORTED_ALGORITHMS;

export function isSupportedAlgorithm(value: unknown): value is Algorithm {
  return typeof value === "string" && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value);
}

/** What a JWK must look like to verify signatures made with `alg`. */
export function keyRequirementsFor(alg: Algorithm): { kty: string; crv?: string } {
  switch (alg) {
    case "RS256":
    case "RS384":
    case "RS512":
    case "PS256":
    case "PS384":
    case "PS512":
      return { kty: "RSA" };
    case "ES256":
      return { kty: "EC", crv: "P-256" };
    case "ES384":
      return { kty: "EC", crv: "P-384" };
    case "ES512":
      return { kty: "EC", crv: "P-521" };
    case "EdDSA":
    case "Ed25519":
      return { kty: "OKP", crv: "Ed25519" };
  }
}

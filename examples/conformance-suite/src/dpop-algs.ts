/** The proof algorithms scopegate accepts by default, announced in the `DPoP` challenge (`algs="…"`). */
export const DPOP_ALGS = "ES256 RS256 PS256 EdDSA";

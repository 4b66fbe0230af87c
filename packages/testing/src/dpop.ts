import { createHash, createHmac, type JsonWebKey, type KeyObject, randomUUID } from "node:crypto";
import { checkAlgorithm, type TestAlgorithm } from "./algorithms.js";
import { generateTestKey, jwkThumbprint } from "./keys.js";
import { encodeSegment, signCompact } from "./mint.js";

/** What a DPoP proof is made for (RFC 9449 §4.2). */
export interface DpopProofOptions {
  /** The request method: the proof's `htm`. */
  method: string;
  /** The request URL as the client sees it: the proof's `htu` (query and fragment are dropped). */
  url: string | URL;
  /** The access token sent with the proof: its hash is the proof's `ath`. Default: no `ath`. */
  accessToken?: string;
  /** The server's nonce (`DPoP-Nonce`). Default: no `nonce`. */
  nonce?: string;
  /** `iat` as seconds from now (negative: in the past). Default: `0`. */
  issuedAtSec?: number;
  /** The proof's `jti`. Default: a random UUID. */
  jti?: string;
  /** Extra or overriding claims (`{ htm: undefined }` drops one). Default: `{}`. */
  claims?: Record<string, unknown>;
  /** Extra or overriding header parameters. Default: `{}`. */
  header?: Record<string, unknown>;
}

/**
 * Proofs scopegate must refuse, each made for `options` but broken in one way. Every one is answered
 * 401 `invalid_dpop_proof` (with the `error_description` named). A replay is simply a good proof sent
 * twice ("The DPoP proof was already used").
 */
export interface BadDpopProofs {
  /** `htm` is another method. "The DPoP proof was made for another HTTP method". */
  wrongMethod: string;
  /** `htu` is another URL (another path). "The DPoP proof was made for another URL". */
  wrongUrl: string;
  /** `htu` is another origin (the same path elsewhere). "The DPoP proof was made for another URL". */
  wrongOrigin: string;
  /** `ath` is the hash of another token. "The DPoP proof was made for another access token". */
  wrongAccessToken: string;
  /** Signed by another key than the one the token is bound to. "The DPoP proof key is not the key the access token is bound to". */
  otherKey: string;
  /** `iat` ten minutes ago. "The DPoP proof is too old or was issued in the future". */
  staleIat: string;
  /** `iat` ten minutes ahead. "The DPoP proof is too old or was issued in the future". */
  futureIat: string;
  /** The `jwk` header carries the private key (`d`). "The DPoP proof does not carry an acceptable public key". */
  privateJwk: string;
  /** `alg: "none"` and no signature. "The DPoP proof is malformed" (nothing signed). */
  algNone: string;
  /** `alg: "HS256"`, MACed with a secret. "The DPoP proof is signed with an algorithm that is not accepted". */
  algHs256: string;
  /** `typ` is `JWT`. "The DPoP proof type is not dpop+jwt". */
  wrongType: string;
  /** No `jti`. "The DPoP proof has no usable identifier". */
  missingJti: string;
  /** A claim changed after signing. "The DPoP proof signature is invalid". */
  tampered: string;
}

/** A client's DPoP key pair: its thumbprint goes in a token's `cnf.jkt`, its private key signs proofs. */
export interface DpopKey {
  readonly alg: TestAlgorithm;
  /** The public JWK a proof carries (required members only). */
  readonly publicJwk: Readonly<JsonWebKey>;
  /** RFC 7638 thumbprint of the public key: the `cnf.jkt` of tokens bound to this key. */
  readonly thumbprint: string;
  readonly privateKey: KeyObject;
  /** Signs a proof for one request. */
  proof(options: DpopProofOptions): Promise<string>;
  /** Proofs for one request that must be refused, one per way of breaking it. */
  badProofs(options: DpopProofOptions): Promise<BadDpopProofs>;
}

/** base64url(SHA-256(token)): the `ath` of a proof sent with `token`. */
export function accessTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** `url` without query and fragment: a proof's `htu`. */
function htuOf(url: string | URL): string {
  const parsed = new URL(String(url));
  parsed.search = "";
  parsed.hash = "";
  return parsed.href;
}

const REQUIRED_MEMBERS: Record<string, readonly string[]> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
};

function publicMembers(jwk: JsonWebKey): JsonWebKey {
  const members = REQUIRED_MEMBERS[String(jwk.kty)] ?? [];
  return Object.fromEntries(members.map((name) => [name, jwk[name as keyof JsonWebKey]]));
}

function proofClaims(options: DpopProofOptions): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    jti: options.jti ?? randomUUID(),
    htm: options.method,
    htu: htuOf(options.url),
    iat: Math.floor(Date.now() / 1000) + (options.issuedAtSec ?? 0),
  };
  if (options.accessToken !== undefined) claims.ath = accessTokenHash(options.accessToken);
  if (options.nonce !== undefined) claims.nonce = options.nonce;
  Object.assign(claims, options.claims);
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete claims[name];
  return claims;
}

/**
 * Creates a client's DPoP key pair (ES256 by default; any test algorithm works) that signs proofs
 * for your tests: `Authorization: DPoP <token>` with `DPoP: <proof>`.
 */
export async function createDpopKey(alg: TestAlgorithm = "ES256"): Promise<DpopKey> {
  checkAlgorithm("alg", alg);
  const key = await generateTestKey(alg);
  const publicJwk = Object.freeze(publicMembers(key.publicKey.export({ format: "jwk" })));
  const thumbprint = jwkThumbprint(publicJwk);
  let other: Promise<DpopKey> | undefined;

  const sign = (options: DpopProofOptions, claims = proofClaims(options), privateKey = key.privateKey) =>
    signCompact({ typ: "dpop+jwt", alg, jwk: publicJwk, ...options.header }, claims, privateKey);

  const dpopKey: DpopKey = {
    alg,
    publicJwk,
    thumbprint,
    privateKey: key.privateKey,
    proof: (options) => sign(options),
    async badProofs(options) {
      const claims = proofClaims(options);
      other ??= createDpopKey(alg);
      const url = new URL(htuOf(options.url));
      const elsewhere = new URL(url.pathname, "https://elsewhere.scopegate-test.invalid");
      const unsigned = `${encodeSegment({ typ: "dpop+jwt", alg: "none", jwk: publicJwk })}.${encodeSegment(claims)}.`;
      const hsHeader = encodeSegment({ typ: "dpop+jwt", alg: "HS256", jwk: publicJwk });
      const hsInput = `${hsHeader}.${encodeSegment(claims)}`;
      const good = await sign(options);
      const [h, , s] = good.split(".");
      return {
        wrongMethod: await sign(options, { ...claims, htm: options.method === "GET" ? "POST" : "GET" }),
        wrongUrl: await sign(options, { ...claims, htu: new URL("/elsewhere", url).href }),
        wrongOrigin: await sign(options, { ...claims, htu: elsewhere.href }),
        wrongAccessToken: await sign(options, { ...claims, ath: accessTokenHash("another.access.token") }),
        otherKey: await (await other).proof(options),
        staleIat: await sign(options, { ...claims, iat: (claims.iat as number) - 600 }),
        futureIat: await sign(options, { ...claims, iat: (claims.iat as number) + 600 }),
        privateJwk: await signCompact(
          { typ: "dpop+jwt", alg, jwk: key.privateKey.export({ format: "jwk" }) },
          claims,
          key.privateKey,
        ),
        algNone: unsigned,
        algHs256: `${hsInput}.${createHmac("sha256", "dpop-test-secret").update(hsInput).digest("base64url")}`,
        wrongType: await signCompact({ typ: "JWT", alg, jwk: publicJwk }, claims, key.privateKey),
        missingJti: await sign(options, { ...claims, jti: undefined }),
        tampered: `${h}.${encodeSegment({ ...claims, htm: claims.htm, jti: `${String(claims.jti)}x` })}.${s}`,
      };
    },
  };
  return dpopKey;
}

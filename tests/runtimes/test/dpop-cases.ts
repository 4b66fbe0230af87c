import { createDpopKey, type DpopKey } from "@scopegate/testing";

/**
 * The algorithms `dpop.algorithms` allows by default, and ES384 (allowed here by the option): each
 * signs its own client's proofs.
 */
const DPOP_ALGORITHMS = ["ES256", "ES384", "EdDSA", "RS256", "PS256"] as const;
const PUBLIC_URL = "https://api.example.com";
const PATH = "/events";

/** One request to replay: sent in order to one verifier, with the outcome it must get on every runtime. */
export interface DpopCase {
  title: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** `"ok"`, or `"<status> <error> <code>"` of the refusal. */
  expected: string;
}

export interface DpopFixture {
  publicUrl: string;
  /** The verifier's `dpop.algorithms`. */
  algorithms: readonly string[];
  cases: DpopCase[];
}

const refused = (error: string, code: string) => `401 ${error} ${code}`;
const proofError = (code: string) => refused("invalid_dpop_proof", code);

/** `proof` with one bit of its signature's last byte changed. */
function flipSignatureBit(proof: string): string {
  const [header, body, signature] = proof.split(".") as [string, string, string];
  const bytes = Buffer.from(signature, "base64url");
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
  return `${header}.${body}.${bytes.toString("base64url")}`;
}

/** One client's requests: good proofs, a replay, broken proofs, and its bound token sent as Bearer. */
async function casesFor(key: DpopKey, token: string, nowSec: number): Promise<DpopCase[]> {
  // Proofs carry `iat` = the fixture's fixed clock, whatever the time they are made at.
  const options = {
    method: "GET",
    url: `${PUBLIC_URL}${PATH}`,
    accessToken: token,
    issuedAtSec: nowSec - Math.floor(Date.now() / 1000),
  };
  const first = await key.proof(options);
  const bad = await key.badProofs(options);
  const request = (title: string, proof: string, expected: string): DpopCase => ({
    title: `${key.alg}: ${title}`,
    method: "GET",
    url: PATH,
    headers: { authorization: `DPoP ${token}`, dpop: proof },
    expected,
  });
  return [
    request("a DPoP-bound token with a fresh proof", first, "ok"),
    request("the same proof again", first, proofError("ERR_DPOP_PROOF_REPLAYED")),
    request("another fresh proof with the same key", await key.proof(options), "ok"),
    request(
      "a proof with one signature bit changed",
      flipSignatureBit(await key.proof(options)),
      proofError("ERR_DPOP_PROOF_SIGNATURE"),
    ),
    request(
      "a proof with a claim changed after signing",
      bad.tampered,
      proofError("ERR_DPOP_PROOF_SIGNATURE"),
    ),
    request("a proof whose jwk carries the private key", bad.privateJwk, proofError("ERR_DPOP_PROOF_KEY")),
    request("a proof for another path", bad.wrongUrl, proofError("ERR_DPOP_PROOF_URL")),
    request("a proof for another origin", bad.wrongOrigin, proofError("ERR_DPOP_PROOF_URL")),
    request("a proof for another method", bad.wrongMethod, proofError("ERR_DPOP_PROOF_METHOD")),
    request("a proof signed by another key", bad.otherKey, proofError("ERR_DPOP_PROOF_KEY_MISMATCH")),
    {
      title: `${key.alg}: the bound token sent as Bearer`,
      method: "GET",
      url: PATH,
      headers: { authorization: `Bearer ${token}` },
      expected: refused("invalid_token", "ERR_TOKEN_DPOP_BOUND"),
    },
  ];
}

/**
 * DPoP requests for every default proof algorithm; `boundToken(jkt)` signs an access token (trusted
 * by the fixture's keys) bound to the thumbprint `jkt`.
 */
export async function dpopCases(boundToken: (jkt: string) => string, nowSec: number): Promise<DpopFixture> {
  const cases: DpopCase[] = [];
  for (const alg of DPOP_ALGORITHMS) {
    const key = await createDpopKey(alg);
    cases.push(...(await casesFor(key, boundToken(key.thumbprint), nowSec)));
  }
  return { publicUrl: PUBLIC_URL, algorithms: DPOP_ALGORITHMS, cases };
}

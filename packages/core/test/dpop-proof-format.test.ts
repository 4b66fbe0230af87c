import { createDpopKey, type DpopKey } from "@scopegate/testing";
import { beforeAll, describe, expect, it } from "vitest";
import type { Algorithm } from "../src/base/algorithms.js";
import {
  createProofDecoder,
  type DecodedProof,
  decodeProof,
  PROOF_HEADERS_LIMIT,
} from "../src/binding/dpop-proof-format.js";
import { isBearerError } from "../src/index.js";

const URL_EVENTS = "https://api.example.com/events";
const ALGORITHMS: readonly Algorithm[] = ["ES256", "EdDSA", "PS256", "RS256"];
const MAX_PROOF_BYTES = 8192;

const b64u = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const segments = (proof: string) => proof.split(".") as [string, string, string];

/** What a decoder makes of a proof: the decoded proof, or the error code it refused it with. */
function outcome(decode: () => DecodedProof): { ok: DecodedProof } | { code: string } {
  try {
    return { ok: decode() };
  } catch (error) {
    if (!isBearerError(error)) throw error;
    return { code: error.code };
  }
}

describe("the proof decoder's remembered headers", () => {
  let key: DpopKey;
  beforeAll(async () => {
    key = await createDpopKey();
  });

  it("decodes every proof, broken ones included, exactly as decodeProof does once the header is known", async () => {
    const decode = createProofDecoder(ALGORITHMS, MAX_PROOF_BYTES);
    const options = { method: "GET", url: URL_EVENTS, accessToken: "a.b.c" };
    const good = await key.proof(options);
    decode(good); // the header is now remembered
    const [header, claims, signature] = segments(good);
    const proofs: Record<string, string> = {
      ...(await key.badProofs(options)),
      good: await key.proof(options),
      duplicateClaim: `${header}.${Buffer.from('{"jti":"a","jti":"b"}').toString("base64url")}.${signature}`,
      claimsNotJson: `${header}.${Buffer.from("not json").toString("base64url")}.${signature}`,
      claimsArray: `${header}.${b64u([1])}.${signature}`,
      claimsNotBase64url: `${header}.${claims}+.${signature}`,
      signatureNotBase64url: `${header}.${claims}.${signature}=`,
      signatureOneCharacterQuantum: `${header}.${claims}.${signature}A`,
      fourSegments: `${good}.${signature}`,
      emptyClaims: `${header}..${signature}`,
      tooLong: `${header}.${b64u({ pad: "x".repeat(MAX_PROOF_BYTES) })}.${signature}`,
    };
    for (const [name, proof] of Object.entries(proofs)) {
      const remembered = outcome(() => decode(proof));
      const fresh = outcome(() => decodeProof(proof, ALGORITHMS, MAX_PROOF_BYTES));
      expect(remembered, name).toEqual(fresh);
    }
  });

  it("hands the same frozen header (and jwk) for proofs under one header, and fresh claims for each", async () => {
    const decode = createProofDecoder(ALGORITHMS, MAX_PROOF_BYTES);
    const first = decode(await key.proof({ method: "GET", url: URL_EVENTS }));
    const second = decode(await key.proof({ method: "GET", url: URL_EVENTS }));
    expect(second.header).toBe(first.header);
    expect(second.header.jwk).toBe(first.header.jwk);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(Object.isFrozen(first.header.jwk)).toBe(true);
    expect(second.claims.jti).not.toBe(first.claims.jti);
  });

  it("does not remember a refused header: the same header is refused again with the same code", () => {
    const decode = createProofDecoder(["ES256"], MAX_PROOF_BYTES);
    const header = b64u({ typ: "dpop+jwt", alg: "ES256", jwk: { ...key.publicJwk, d: "private" } });
    const proof = `${header}.${b64u({ jti: "1" })}.AAAA`;
    for (let i = 0; i < 3; i++) expect(outcome(() => decode(proof))).toEqual({ code: "ERR_DPOP_PROOF_KEY" });
  });

  it("keeps decoding alike past the number of headers it remembers", async () => {
    const decode = createProofDecoder(ALGORITHMS, MAX_PROOF_BYTES);
    const proofs: string[] = [];
    for (let i = 0; i < PROOF_HEADERS_LIMIT + 8; i++) {
      // Another header member per proof: as many distinct header segments.
      proofs.push(await key.proof({ method: "GET", url: URL_EVENTS, header: { n: i } }));
    }
    for (const proof of [...proofs, ...proofs]) {
      expect(outcome(() => decode(proof))).toEqual(
        outcome(() => decodeProof(proof, ALGORITHMS, MAX_PROOF_BYTES)),
      );
    }
  });
});

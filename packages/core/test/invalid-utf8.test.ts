import { webcrypto } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeTextWithAtob } from "../src/base/base64url.js";
import { decodeProof } from "../src/binding/dpop-proof-format.js";
import { createVerifier, DEFAULT_ALGORITHMS, type FetchLike, isBearerError } from "../src/index.js";
import { verifyJwtAnswer } from "../src/introspection/jwt-answer.js";
import type { SigningKey } from "../src/keys/jwks-cache.js";
import { createSignatureVerifier, verifySignatureWithJose } from "../src/signature/signature.js";
import { decodeToken } from "../src/token/token-format.js";
import { b64u, compact, createHostileKit, rawBytes, signerFor } from "./support/hostile.js";

/**
 * Issue 12, item 5: a header or payload string holding malformed UTF-8 is refused on every decode
 * path, never read with U+FFFD in its place (two different signed `sub` values would compare equal).
 */

const issuer = "https://issuer.example.com/";
const audience = "https://api.example.com";
const kit = createHostileKit({ issuer, audience });

/** Malformed sequences: a bare continuation byte, 0xFF, an overlong `/`, a UTF-16 surrogate, a truncated 3-byte sequence, a code point past U+10FFFF. */
const MALFORMED: ReadonlyArray<readonly [string, number[]]> = [
  ["a bare continuation byte", [0x80]],
  ["the byte 0xFF", [0xff]],
  ["an overlong encoding of /", [0xc0, 0xaf]],
  ["an encoded UTF-16 surrogate", [0xed, 0xa0, 0x80]],
  ["a truncated three-byte sequence", [0xe2, 0x82]],
  ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
];

/** JSON text `{"...":"a<bytes>b", ...}` with `bytes` inside the string of member `name`. */
function jsonWith(value: Record<string, unknown>, name: string, bytes: number[]): Buffer {
  const marker = "@@BYTES@@";
  const text = JSON.stringify({ ...value, [name]: `a${marker}b` });
  const [before, after] = text.split(marker) as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

const header = { alg: "RS256", kid: "rsa-1", typ: "at+jwt" };
const rsa = signerFor("RS256", kit.keys.rsa.privateKey);
const badPayload = (bytes: number[]) => compact(header, rawBytes(jsonWith(kit.claims(), "sub", bytes)), rsa);
const badHeader = (bytes: number[]) =>
  compact(rawBytes(jsonWith(header, "x-note", bytes)), kit.claims(), rsa);

async function signingKey(): Promise<SigningKey> {
  const jwk = kit.keys.rsa.jwk;
  const key = await webcrypto.subtle.importKey(
    "jwk",
    jwk as webcrypto.JsonWebKey,
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return {
    jwk: jwk as SigningKey["jwk"],
    kid: "rsa-1",
    alg: "RS256",
    key: key as unknown as SigningKey["key"],
  };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isBearerError(error) ? error.code : `not a BearerError: ${String(error)}`;
  }
  return undefined;
}

describe.each(MALFORMED)("a string holding %s", (_what, bytes) => {
  it("is refused by decodeToken with ERR_TOKEN_MALFORMED, in the payload and in the header", () => {
    expect(codeOf(() => decodeToken(badPayload(bytes), DEFAULT_ALGORITHMS, 16_384))).toBe(
      "ERR_TOKEN_MALFORMED",
    );
    expect(codeOf(() => decodeToken(badHeader(bytes), DEFAULT_ALGORITHMS, 16_384))).toBe(
      "ERR_TOKEN_MALFORMED",
    );
  });

  it("is refused by the jose path and the node:crypto path with ERR_TOKEN_MALFORMED (header)", async () => {
    const key = await signingKey();
    const token = badHeader(bytes);
    await expect(verifySignatureWithJose(token, key)).rejects.toMatchObject({ code: "ERR_TOKEN_MALFORMED" });
    await expect(createSignatureVerifier().verify(token, key)).rejects.toMatchObject({
      code: "ERR_TOKEN_MALFORMED",
    });
    await expect(createSignatureVerifier(null).verify(token, key)).rejects.toMatchObject({
      code: "ERR_TOKEN_MALFORMED",
    });
  });

  it("is refused by the verifier with 401 ERR_TOKEN_MALFORMED although the signature is valid", async () => {
    const fetch: FetchLike = async () =>
      new Response(JSON.stringify(kit.jwks()), { headers: { "content-type": "application/json" } });
    const verifier = createVerifier({ issuer, audience, jwksUri: `${issuer}jwks`, fetch });
    for (const token of [badPayload(bytes), badHeader(bytes)]) {
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: "ERR_TOKEN_MALFORMED",
        status: 401,
      });
    }
  });

  it("is refused in a DPoP proof with ERR_DPOP_PROOF_MALFORMED", () => {
    const jwk = kit.keys.ec.jwk;
    const proofHeader = {
      typ: "dpop+jwt",
      alg: "ES256",
      jwk: { kty: "EC", crv: "P-256", x: String(jwk.x), y: String(jwk.y) },
    };
    const claims = { htm: "GET", htu: "https://api.example.com/x", iat: 1, jti: "j" };
    const es = signerFor("ES256", kit.keys.ec.privateKey);
    const inClaims = compact(proofHeader, rawBytes(jsonWith(claims, "jti", bytes)), es);
    const inHeader = compact(rawBytes(jsonWith(proofHeader, "x-note", bytes)), claims, es);
    for (const proof of [inClaims, inHeader]) {
      expect(codeOf(() => decodeProof(proof, ["ES256"], 8_192))).toBe("ERR_DPOP_PROOF_MALFORMED");
    }
  });

  it("is refused in a signed introspection answer (RFC 9701) as malformed", async () => {
    const key = await signingKey();
    const answer = compact(
      { alg: "RS256", kid: "rsa-1", typ: "token-introspection+jwt" },
      rawBytes(jsonWith({ iss: issuer, aud: "rs", token_introspection: { active: true } }, "iss", bytes)),
      rsa,
    );
    await expect(
      verifyJwtAnswer(answer, {
        algorithms: ["RS256"],
        maxBytes: 16_384,
        endpoint: "https://issuer.example.com/introspect",
        keyFor: async () => key,
      }),
    ).rejects.toMatchObject({ code: "ERR_INTROSPECTION_SIGNATURE", detail: "malformed" });
  });

  it("is refused by the decoder used where Buffer does not exist", () => {
    expect(() => decodeTextWithAtob(b64u(Buffer.from([0x7b, 0x22, ...bytes, 0x22, 0x7d])))).toThrow(
      TypeError,
    );
  });
});

describe("well-formed UTF-8", () => {
  it("keeps a genuine U+FFFD and other non-ASCII text in a claim", async () => {
    const sub = "caf\u00e9 \ufffd \u{1f600} \u6f22";
    const token = kit.good({ sub });
    expect(decodeToken(token, DEFAULT_ALGORITHMS, 16_384).claims.sub).toBe(sub);
  });
});

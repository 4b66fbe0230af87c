import { constants, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Algorithm, SUPPORTED_ALGORITHMS } from "../src/base/algorithms.js";
import { decodeProof } from "../src/binding/dpop-proof-format.js";
import { createProofKeys, type ProofKey } from "../src/binding/proof-keys.js";
import { isBearerError } from "../src/index.js";
import type { PublicJwk } from "../src/keys/key-selection.js";
import { loadNodeCrypto } from "../src/signature/node-crypto.js";
import { verifySignatureWithJose } from "../src/signature/signature.js";

/**
 * The proof-key differential suite: a proof's `jwk` imported by `node:crypto` (a `KeyObject`, the
 * thumbprint hashed here, signatures checked by `node:crypto`) must come out exactly as jose's
 * import (`importJWK`, `calculateJwkThumbprint`, `compactVerify`) does: the same thumbprint or the
 * same refusal, and the same verdict on every signature, for every algorithm and hostile key.
 */

const ALGORITHMS: readonly Algorithm[] = SUPPORTED_ALGORITHMS;
const CURVES: Record<string, string> = { ES256: "P-256", ES384: "P-384", ES512: "P-521" };
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const nodeCrypto = loadNodeCrypto();
const b64u = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
const bytes = (member: unknown): Buffer => Buffer.from(String(member), "base64url");
const encode = (buffer: Buffer): string => buffer.toString("base64url");

interface TestKey {
  alg: Algorithm;
  privateKey: KeyObject;
  jwk: PublicJwk;
}

function generate(alg: Algorithm, modulusLength = 2048): TestKey {
  const curve = CURVES[alg];
  const pair =
    curve !== undefined
      ? generateKeyPairSync("ec", { namedCurve: curve })
      : alg === "EdDSA" || alg === "Ed25519"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("rsa", { modulusLength });
  const full = pair.publicKey.export({ format: "jwk" }) as Record<string, string>;
  const members =
    full.kty === "RSA"
      ? ["kty", "n", "e"]
      : full.kty === "EC"
        ? ["kty", "crv", "x", "y"]
        : ["kty", "crv", "x"];
  return {
    alg,
    privateKey: pair.privateKey,
    jwk: Object.fromEntries(members.map((m) => [m, full[m]])) as PublicJwk,
  };
}

/** A JWS signature as JWA says for `alg` (ECDSA as raw r‖s, PSS with the hash's salt length). */
function signature(alg: Algorithm, privateKey: KeyObject, input: string): Buffer {
  const data = Buffer.from(input);
  if (alg === "EdDSA" || alg === "Ed25519") return sign(null, data, privateKey);
  const digest = `sha${alg.slice(2)}`;
  if (alg.startsWith("ES")) return sign(digest, data, { key: privateKey, dsaEncoding: "ieee-p1363" });
  if (alg.startsWith("PS")) {
    const saltLength = Number(alg.slice(2)) / 8;
    return sign(digest, data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
  }
  return sign(digest, data, privateKey);
}

/** A proof of `key`'s algorithm, its signature made by `signer` and then changed by `alter`. */
function proofBy(key: TestKey, signer: KeyObject = key.privateKey, alter = (s: Buffer) => s): string {
  const input = `${b64u({ typ: "dpop+jwt", alg: key.alg, jwk: key.jwk })}.${b64u({ jti: "1", htm: "GET" })}`;
  return `${input}.${encode(alter(signature(key.alg, signer, input)))}`;
}

/** The decoder's view of a proof, without checking its `jwk` (the hostile keys are given to keyOf directly). */
function decodedOf(proof: string, alg: Algorithm) {
  const [first, second] = [proof.indexOf("."), proof.lastIndexOf(".")];
  return { header: { alg }, headerEnd: first, payloadEnd: second, signature: bytes(proof.slice(second + 1)) };
}

const codeOf = (error: unknown): string =>
  isBearerError(error) ? error.code : `not a scopegate error: ${String(error)}`;

/** What the DPoP check makes of a proof with a key: `node:crypto` where it decides, jose otherwise. */
async function verdict(key: ProofKey, proof: string, alg: Algorithm): Promise<string> {
  const quick = key.checkSignature(proof, decodedOf(proof, alg));
  if (quick !== undefined) return quick ? "valid" : "invalid";
  try {
    await verifySignatureWithJose(proof, await key.joseKey());
    return "valid";
  } catch (error) {
    return isBearerError(error) && error.code === "ERR_DPOP_PROOF_KEY" ? error.code : "invalid";
  }
}

/** The thumbprint (or the refusal) and the verdict on each proof, by one way of importing keys. */
async function outcome(
  viaNode: boolean,
  jwk: PublicJwk,
  alg: Algorithm,
  proofs: string[],
): Promise<string[]> {
  const keys = createProofKeys(100, viaNode ? (nodeCrypto ?? null) : null);
  let key: ProofKey;
  try {
    key = await keys.keyOf(jwk, alg);
  } catch (error) {
    return [codeOf(error)];
  }
  return [key.thumbprint, ...(await Promise.all(proofs.map((proof) => verdict(key, proof, alg))))];
}

/** The keys of one algorithm that a proof's `jwk` could carry, broken in every way that passes the proof's own checks. */
function hostileJwks(key: TestKey): Record<string, PublicJwk> {
  const { jwk } = key;
  const with_ = (changes: Record<string, string>): PublicJwk => ({ ...jwk, ...changes });
  const flip = (member: string) => {
    const value = bytes(jwk[member]);
    value[value.length - 1] = (value[value.length - 1] ?? 0) ^ 0x01;
    return encode(value);
  };
  const common = {
    "one byte short": with_({
      [jwk.kty === "RSA" ? "n" : "x"]: encode(bytes(jwk[jwk.kty === "RSA" ? "n" : "x"]).subarray(1)),
    }),
    "a leading zero byte": with_({
      [jwk.kty === "RSA" ? "n" : "x"]: encode(
        Buffer.concat([Buffer.alloc(1), bytes(jwk[jwk.kty === "RSA" ? "n" : "x"])]),
      ),
    }),
    "standard base64 spelling": with_({
      [jwk.kty === "RSA" ? "n" : "x"]: bytes(jwk[jwk.kty === "RSA" ? "n" : "x"]).toString("base64"),
    }),
    "characters outside base64": with_({
      [jwk.kty === "RSA" ? "n" : "x"]: `${String(jwk[jwk.kty === "RSA" ? "n" : "x"])}!*`,
    }),
    "an empty member": with_({ [jwk.kty === "RSA" ? "n" : "x"]: "" }),
    "optional members (use, alg, kid)": with_({ use: "sig", alg: key.alg, kid: "k1" }),
  };
  if (jwk.kty === "EC") {
    return {
      ...common,
      "a point off the curve": with_({ y: flip("y") }),
      "x and y swapped": with_({ x: String(jwk.y), y: String(jwk.x) }),
      "y of zeros": with_({ y: encode(Buffer.alloc(bytes(jwk.y).length)) }),
    };
  }
  if (jwk.kty === "RSA") {
    return {
      ...common,
      "exponent 1": with_({ e: "AQ" }),
      "exponent 0": with_({ e: "AA" }),
      "even exponent": with_({ e: "AQAA" }),
      "exponent with a leading zero": with_({ e: "AAEAAQ" }),
      "modulus changed": with_({ n: flip("n") }),
    };
  }
  return {
    ...common,
    "x of zeros": with_({ x: encode(Buffer.alloc(32)) }),
    "x changed": with_({ x: flip("x") }),
  };
}

describe.skipIf(nodeCrypto === undefined)("proof keys: node:crypto against jose", () => {
  it.each(ALGORITHMS)(
    "%s: the same thumbprint and signature verdicts, or the same refusal, for valid and hostile keys and signatures",
    async (alg) => {
      const key = generate(alg);
      const other = generate(alg);
      const proofs = [
        proofBy(key),
        proofBy(key, key.privateKey, (s) =>
          Buffer.from(s.map((b, i) => (i === s.length - 1 ? b ^ 0x01 : b))),
        ),
        proofBy(key, key.privateKey, (s) => s.subarray(1)),
        proofBy(key, key.privateKey, (s) => Buffer.concat([s, Buffer.alloc(1)])),
        proofBy(key, key.privateKey, () => Buffer.alloc(0)),
        proofBy(key, other.privateKey),
      ];
      const mismatches: string[] = [];
      for (const [name, jwk] of Object.entries({ valid: key.jwk, ...hostileJwks(key) })) {
        const [viaNode, viaJose] = [
          await outcome(true, jwk, alg, proofs),
          await outcome(false, jwk, alg, proofs),
        ];
        if (JSON.stringify(viaNode) !== JSON.stringify(viaJose))
          mismatches.push(`${name}: node:crypto ${JSON.stringify(viaNode)}, jose ${JSON.stringify(viaJose)}`);
      }
      expect(mismatches).toEqual([]);
      const valid = await outcome(true, key.jwk, alg, proofs);
      expect(valid.slice(1)).toEqual(["valid", "invalid", "invalid", "invalid", "invalid", "invalid"]);
    },
    30_000,
  );

  it("decides RSA keys under 2048 bits as jose does (jose refuses them), not through node:crypto", async () => {
    for (const alg of ["RS256", "PS256"] as const) {
      const small = generate(alg, 1024);
      const proof = proofBy(small);
      const keys = createProofKeys(10, nodeCrypto ?? null);
      const key = await keys.keyOf(small.jwk, alg);
      expect(key.checkSignature(proof, decodedOf(proof, alg))).toBeUndefined();
      expect(await outcome(true, small.jwk, alg, [proof])).toEqual(
        await outcome(false, small.jwk, alg, [proof]),
      );
      expect((await outcome(true, small.jwk, alg, [proof]))[1]).toBe("invalid");
    }
  });

  it("imports a key with node:crypto at once (no promise) and checks its signatures without jose", async () => {
    for (const alg of ALGORITHMS) {
      const key = generate(alg);
      const proof = proofBy(key);
      const imported = createProofKeys(10, nodeCrypto ?? null).keyOf(key.jwk, alg);
      expect(imported).not.toBeInstanceOf(Promise);
      expect((imported as ProofKey).checkSignature(proof, decodedOf(proof, alg))).toBe(true);
      expect(createProofKeys(10, null).keyOf(key.jwk, alg)).toBeInstanceOf(Promise);
    }
  });

  it("imports only the public members: a key given with private members has the public key's thumbprint either way", async () => {
    for (const alg of ALGORITHMS) {
      const key = generate(alg);
      const full = key.privateKey.export({ format: "jwk" }) as PublicJwk;
      const [viaNode, viaJose] = [await outcome(true, full, alg, []), await outcome(false, full, alg, [])];
      expect(viaNode).toEqual(viaJose);
      expect(viaNode).toEqual(await outcome(false, key.jwk, alg, []));
    }
  });
});

describe("a proof whose jwk carries a private member", () => {
  it.each(ALGORITHMS)("%s: refused with ERR_DPOP_PROOF_KEY before any key is imported", (alg) => {
    const key = generate(alg);
    const exported = key.privateKey.export({ format: "jwk" }) as Record<string, string>;
    for (const member of PRIVATE_MEMBERS) {
      const jwk = { ...key.jwk, [member]: exported[member] ?? "AQAB" };
      const proof = `${b64u({ typ: "dpop+jwt", alg, jwk })}.${b64u({ jti: "1" })}.AAAA`;
      let code: string | undefined;
      try {
        decodeProof(proof, ALGORITHMS, 16_384);
      } catch (error) {
        code = codeOf(error);
      }
      expect(code, member).toBe("ERR_DPOP_PROOF_KEY");
    }
  });
});

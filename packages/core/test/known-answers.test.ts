import { createVerify, type Verify } from "node:crypto";
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { type Algorithm, SUPPORTED_ALGORITHMS } from "../src/base/algorithms.js";
import { decodeBase64urlText, decodeTextWithAtob, decodeWithAtob } from "../src/base/base64url.js";
import type { SigningKey } from "../src/keys/jwks-cache.js";
import type { PublicJwk } from "../src/keys/key-selection.js";
import { loadNodeCrypto, type NodeCrypto } from "../src/signature/node-crypto.js";
import { passesKnownAnswer } from "../src/signature/node-key-checks.js";
import { createSignatureVerifier } from "../src/signature/signature.js";

const nodeCrypto = loadNodeCrypto() as NodeCrypto;

/** A signed token and the `SigningKey` that verifies it. */
async function signed(alg: Algorithm) {
  const pair = await generateKeyPair(alg === "Ed25519" ? "Ed25519" : alg, { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k", alg } as PublicJwk;
  const key: SigningKey = { jwk, kid: "k", alg, key: (await importJWK(jwk as JWK, alg)) as CryptoKey };
  const token = await new CompactSign(new TextEncoder().encode('{"sub":"svc"}'))
    .setProtectedHeader({ alg })
    .sign(pair.privateKey);
  return { key, token };
}

/** `node:crypto` with `verify` replaced. */
function withVerify(verify: NodeCrypto["verify"]): NodeCrypto {
  return {
    KeyObject: nodeCrypto.KeyObject,
    constants: nodeCrypto.constants,
    createPublicKey: nodeCrypto.createPublicKey,
    verify,
  };
}

describe("the known-answer check of the node:crypto fast path", () => {
  it.each(SUPPORTED_ALGORITHMS)("passes for %s on Node's node:crypto", (alg) => {
    expect(passesKnownAnswer(nodeCrypto, alg)).toBe(true);
  });

  it("leaves ES256 and PS256 to jose when node:crypto refuses their valid signatures (as workerd's did): valid tokens still pass", async () => {
    let calls = 0;
    const refusing = withVerify((algorithm, data, key, signature) => {
      calls++;
      const options = key as { dsaEncoding?: string; padding?: number };
      if (options.dsaEncoding !== undefined || options.padding !== undefined) return false;
      return nodeCrypto.verify(algorithm, data, key, signature);
    });
    expect(passesKnownAnswer(refusing, "ES256")).toBe(false);
    expect(passesKnownAnswer(refusing, "PS256")).toBe(false);
    expect(passesKnownAnswer(refusing, "RS256")).toBe(true);
    const verifier = createSignatureVerifier(refusing);
    for (const alg of ["ES256", "PS256", "RS256", "EdDSA"] as const) {
      const { key, token } = await signed(alg);
      await expect(verifier.verify(token, key)).resolves.toBeUndefined();
      const [header, payload] = token.split(".");
      const forged = `${header}.${payload}.${(await signed(alg)).token.split(".")[2]}`;
      await expect(verifier.verify(forged, key)).rejects.toMatchObject({ code: "ERR_TOKEN_SIGNATURE" });
    }
    expect(calls).toBeGreaterThan(0);
  });

  it("checks RS256 and ES256 with the streaming createVerify where it exists, and leaves them to jose when it accepts everything or throws", async () => {
    const streaming = (answer: () => boolean): NodeCrypto => ({
      ...withVerify(nodeCrypto.verify),
      createVerify: () => ({ update: () => ({ verify: answer }) }) as unknown as Verify,
    });
    for (const broken of [
      streaming(() => true),
      streaming(() => {
        throw new Error("unsupported");
      }),
    ]) {
      for (const alg of ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"] as const) {
        expect([alg, passesKnownAnswer(broken, alg)]).toEqual([alg, false]);
      }
      // The one-shot verify still serves the others.
      for (const alg of ["PS256", "EdDSA"] as const)
        expect([alg, passesKnownAnswer(broken, alg)]).toEqual([alg, true]);
      const verifier = createSignatureVerifier(broken);
      for (const alg of ["RS256", "ES256"] as const) {
        const { key, token } = await signed(alg);
        const [header, payload] = token.split(".");
        const forged = `${header}.${payload}.${(await signed(alg)).token.split(".")[2]}`;
        await expect(verifier.verify(forged, key)).rejects.toMatchObject({ code: "ERR_TOKEN_SIGNATURE" });
        await expect(verifier.verify(token, key)).resolves.toBeUndefined();
      }
    }
    let streamed = 0;
    const counting: NodeCrypto = {
      ...withVerify(nodeCrypto.verify),
      createVerify: (algorithm: string) => {
        streamed++;
        return createVerify(algorithm);
      },
    };
    const { key, token } = await signed("ES256");
    await expect(createSignatureVerifier(counting).verify(token, key)).resolves.toBeUndefined();
    expect(streamed).toBeGreaterThan(0);
  });

  it("trusts no algorithm to a node:crypto that accepts everything or throws: forged tokens still fail", async () => {
    for (const broken of [
      withVerify(() => true),
      withVerify(() => {
        throw new Error("unsupported");
      }),
    ]) {
      for (const alg of SUPPORTED_ALGORITHMS) expect(passesKnownAnswer(broken, alg)).toBe(false);
      const verifier = createSignatureVerifier(broken);
      const { key, token } = await signed("ES256");
      const [header, payload] = token.split(".");
      const forged = `${header}.${payload}.${(await signed("ES256")).token.split(".")[2]}`;
      await expect(verifier.verify(forged, key)).rejects.toMatchObject({ code: "ERR_TOKEN_SIGNATURE" });
      await expect(verifier.verify(token, key)).resolves.toBeUndefined();
    }
  });
});

describe("base64url without Buffer", () => {
  it("decodes every checked segment to the bytes Buffer decodes, whatever the unused bits of the last character", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (let length = 2; length <= 40; length++) {
      if (length % 4 === 1) continue;
      for (let round = 0; round < 20; round++) {
        let segment = "";
        for (let i = 0; i < length; i++) segment += alphabet[Math.floor(Math.random() * 64)];
        expect(Buffer.from(decodeWithAtob(segment))).toEqual(Buffer.from(segment, "base64url"));
      }
    }
  });

  it("keeps a leading byte-order mark in the text, as Buffer does (a header with one is malformed JSON)", () => {
    const segment = Buffer.from('\uFEFF{"alg":"RS256"}').toString("base64url");
    expect(decodeTextWithAtob(segment)).toBe(Buffer.from(segment, "base64url").toString("utf8"));
    expect(decodeTextWithAtob(segment).charCodeAt(0)).toBe(0xfeff);
  });

  it("refuses malformed UTF-8 with a TypeError, as the Buffer path does (never U+FFFD)", () => {
    const invalid = Buffer.from([0x7b, 0xff, 0xc3, 0x28, 0x7d]).toString("base64url");
    expect(() => decodeTextWithAtob(invalid)).toThrow(TypeError);
    expect(() => decodeBase64urlText(invalid)).toThrow(TypeError);
  });
});

import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  type KeyObject as KeyObjectType,
  type JsonWebKey as NodeJwk,
  sign,
  webcrypto,
} from "node:crypto";
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import type { Algorithm } from "../src/base/algorithms.js";
import type { SigningKey } from "../src/keys/jwks-cache.js";
import type { PublicJwk } from "../src/keys/key-selection.js";
import { loadNodeCrypto, type NodeCrypto } from "../src/signature/node-crypto.js";
import { createNodeSignatureVerifier } from "../src/signature/node-signature.js";
import {
  checkSignature,
  checkSignatureOffloaded,
  createSignatureVerifier,
  verifyDecodedSignature,
  verifySignature,
  verifySignatureWithJose,
} from "../src/signature/signature.js";
import { type DecodedToken, decodeToken } from "../src/token/token-format.js";

/**
 * The differential suite: for every algorithm and every hostile input, the `node:crypto` fast path
 * must accept exactly what jose accepts, and `verifySignature` must answer with jose's error code.
 */

const nodeCrypto = loadNodeCrypto() as NodeCrypto;
const fast = createNodeSignatureVerifier(nodeCrypto);
const joseOnly = createSignatureVerifier(null).verify;
/** What `decodeToken` makes of `token` for a verifier that allows `alg` (`undefined`: refused). */
function decodable(token: string, alg: Algorithm): DecodedToken | undefined {
  try {
    return decodeToken(token, [alg], 1_000_000);
  } catch {
    return undefined;
  }
}

/**
 * Tokens jose accepts that `decodeToken` refuses on purpose: JWS `b64` (RFC 7797), duplicate member
 * names, and segments that are not strict base64url (jose strips whitespace and padding).
 */
const STRICTER_THAN_JOSE = new Set([
  "a padded signature",
  "a signature with a space",
  "a signature with a trailing newline",
  "a header with b64 false",
  "a header with b64 true and no crit",
  "a header with a duplicate alg member",
]);

/** True when the token's payload is a JSON object (what `decodeToken` requires of a JWT's claims). */
function hasJsonClaims(token: string): boolean {
  try {
    const claims: unknown = JSON.parse(fromB64u(token.split(".")[1] ?? "").toString("utf8"));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims);
  } catch {
    return false;
  }
}

/** What `decodeToken` guarantees before the verifier calls `verifyDecodedSignature`. */
const DECODABLE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const ALGORITHMS: readonly Algorithm[] = [
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
];

const b64u = (bytes: Uint8Array | Buffer | string) =>
  (typeof bytes === "string" ? Buffer.from(bytes) : Buffer.from(bytes)).toString("base64url");
const fromB64u = (segment: string) => Buffer.from(segment, "base64url");
const enc = (value: unknown) => b64u(JSON.stringify(value));

const isRsa = (alg: Algorithm) => alg.startsWith("RS") || alg.startsWith("PS");
const isPss = (alg: Algorithm) => alg.startsWith("PS");
const isEc = (alg: Algorithm) => alg.startsWith("ES");
const digestOf = (alg: Algorithm): string | null => (alg.includes("Ed") ? null : `sha${alg.slice(2)}`);
const ecSize: Record<string, number> = { ES256: 32, ES384: 48, ES512: 66 };
const ecOrder: Record<string, string> = {
  ES256: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
  ES384: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
  ES512:
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
};
/** The order of the Ed25519 group, little-endian, for the S + L malleability case. */
const ED25519_L = Buffer.from("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010", "hex");

interface Keys {
  alg: Algorithm;
  privateKey: KeyObjectType;
  josePrivateKey: CryptoKey;
  signingKey: SigningKey;
  /** The same public key as a `KeyObject` (the other key shape jose accepts). */
  keyObjectKey: SigningKey;
  otherKey: SigningKey;
}

async function keysFor(alg: Algorithm): Promise<Keys> {
  const make = async () => {
    const pair = await generateKeyPair(alg === "Ed25519" ? "Ed25519" : alg, { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: `${alg}-key`, alg, use: "sig" } as PublicJwk;
    const key = (await importJWK(jwk as JWK, alg)) as CryptoKey;
    const signingKey: SigningKey = { jwk, kid: jwk.kid, alg, key };
    return { pair, jwk, signingKey };
  };
  const main = await make();
  const other = await make();
  const keyObject = createPublicKey({ key: main.jwk as NodeJwk, format: "jwk" });
  return {
    alg,
    privateKey: KeyObject.from(main.pair.privateKey as webcrypto.CryptoKey),
    josePrivateKey: main.pair.privateKey,
    signingKey: main.signingKey,
    keyObjectKey: { ...main.signingKey, key: keyObject as unknown as CryptoKey },
    otherKey: other.signingKey,
  };
}

/** Signs `header.payload` with node:crypto, in JOSE's signature format for `alg` (or `format`). */
function rawSign(
  keys: Keys,
  signingInput: string,
  options: { alg?: Algorithm; saltLength?: number; dsaEncoding?: "der" | "ieee-p1363" } = {},
): Buffer {
  const alg = options.alg ?? keys.alg;
  const data = Buffer.from(signingInput);
  if (isRsa(alg)) {
    return sign(digestOf(alg), data, {
      key: keys.privateKey,
      ...(isPss(alg)
        ? {
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: options.saltLength ?? Number(alg.slice(2)) / 8,
          }
        : {}),
    });
  }
  if (isEc(alg)) {
    return sign(digestOf(alg), data, {
      key: keys.privateKey,
      dsaEncoding: options.dsaEncoding ?? "ieee-p1363",
    });
  }
  return sign(null, data, keys.privateKey);
}

async function joseSign(keys: Keys, payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: keys.alg, kid: keys.signingKey.kid, typ: "at+jwt", ...header })
    .sign(keys.josePrivateKey);
}

/** What a verifier says: "ok" or the scopegate error code. */
async function outcome(run: () => Promise<void>): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? "thrown";
  }
}

interface Case {
  name: string;
  token: string;
  key: SigningKey;
  /** The fast path is expected to decide this case itself (not hand it to jose). */
  native?: boolean;
  /** The expected outcome, when the case pins one. */
  expect?: "ok" | "rejected";
}

function splitToken(token: string): [string, string, string] {
  const [h, p, s] = token.split(".") as [string, string, string];
  return [h, p, s];
}

/** Re-signs an arbitrary signing input, keeping it exactly as given. */
const resigned = (keys: Keys, h: string, p: string, options?: Parameters<typeof rawSign>[2]) =>
  `${h}.${p}.${b64u(rawSign(keys, `${h}.${p}`, options))}`;

/** A base64url string for the same bytes with its unused trailing bits set (when it has any). */
function nonCanonical(segment: string): string | undefined {
  const spare = (segment.length * 6) % 8;
  if (spare === 0) return undefined;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(segment.at(-1) as string);
  return segment.slice(0, -1) + alphabet[last | 1];
}

async function casesFor(keys: Keys, all: Map<Algorithm, Keys>): Promise<Case[]> {
  const { alg, signingKey } = keys;
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "https://issuer.example/", sub: "svc", aud: "api", exp: now + 300, scope: "a b" };
  const valid = await joseSign(keys, claims);
  const [h, p, s] = splitToken(valid);
  const sig = fromB64u(s);
  const flip = (buf: Buffer, index: number) => {
    const copy = Buffer.from(buf);
    copy[index] = (copy[index] as number) ^ 0x01;
    return copy;
  };
  const cases: Case[] = [
    { name: "a valid token", token: valid, key: signingKey, native: true, expect: "ok" },
    {
      name: "a valid token, key as a KeyObject",
      token: valid,
      key: keys.keyObjectKey,
      native: true,
      expect: "ok",
    },
    { name: "the wrong key", token: valid, key: keys.otherKey, native: true, expect: "rejected" },
    {
      name: "the wrong key as a KeyObject",
      token: await joseSign({ ...keys }, claims),
      key: {
        ...keys.otherKey,
        key: createPublicKey({ key: keys.otherKey.jwk as NodeJwk, format: "jwk" }) as unknown as CryptoKey,
      },
      native: true,
      expect: "rejected",
    },
    {
      name: "a tampered payload",
      token: `${h}.${enc({ ...claims, scope: "a b admin" })}.${s}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a tampered header",
      token: `${enc({ alg, kid: signingKey.kid, typ: "JWT" })}.${p}.${s}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a flipped signature bit",
      token: `${h}.${p}.${b64u(flip(sig, sig.length >> 1))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a flipped last signature byte",
      token: `${h}.${p}.${b64u(flip(sig, sig.length - 1))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a signature one byte short",
      token: `${h}.${p}.${b64u(sig.subarray(0, -1))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a signature with a zero byte appended",
      token: `${h}.${p}.${b64u(Buffer.concat([sig, Buffer.alloc(1)]))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a signature with a zero byte prepended",
      token: `${h}.${p}.${b64u(Buffer.concat([Buffer.alloc(1), sig]))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a signature twice as long",
      token: `${h}.${p}.${b64u(Buffer.concat([sig, sig]))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a one-byte signature",
      token: `${h}.${p}.AA`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    { name: "an empty signature", token: `${h}.${p}.`, key: signingKey, expect: "rejected" },
    {
      name: "an all-zero signature",
      token: `${h}.${p}.${b64u(Buffer.alloc(sig.length))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "an all-0xff signature",
      token: `${h}.${p}.${b64u(Buffer.alloc(sig.length, 0xff))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    },
    {
      name: "a signature with a dangling base64url character",
      token: `${valid}A`,
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a padded signature",
      token: `${valid}${"=".repeat((4 - (s.length % 4)) % 4 || 4)}`,
      key: signingKey,
    },
    { name: "a signature with a space", token: `${h}.${p}.${s.slice(0, 8)} ${s.slice(8)}`, key: signingKey },
    { name: "a signature with a trailing newline", token: `${valid}\n`, key: signingKey },
    {
      name: "a signature in the base64 (not url) alphabet",
      token: `${h}.${p}.${sig.toString("base64").replace(/=+$/, "")}`,
      key: signingKey,
    },
    {
      name: "a signature with an invalid character",
      token: `${h}.${p}.${s.slice(0, -2)}!${s.slice(-1)}`,
      key: signingKey,
      expect: "rejected",
    },
    { name: "a signature with trailing garbage", token: `${valid}!!`, key: signingKey, expect: "rejected" },
    { name: "two segments", token: `${h}.${p}`, key: signingKey, expect: "rejected" },
    { name: "four segments", token: `${valid}.${s}`, key: signingKey, expect: "rejected" },
    { name: "an empty header segment", token: `.${p}.${s}`, key: signingKey, expect: "rejected" },
    { name: "an empty payload segment, re-signed", token: resigned(keys, h, ""), key: signingKey },
    { name: "an empty string", token: "", key: signingKey, expect: "rejected" },
    {
      name: "a header that is not JSON",
      token: resigned(keys, b64u("not json"), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header that is a JSON array",
      token: resigned(keys, b64u(`["${alg}"]`), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header that is JSON null",
      token: resigned(keys, b64u("null"), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header that is not UTF-8",
      token: resigned(keys, b64u(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header without alg",
      token: resigned(keys, enc({ kid: signingKey.kid }), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header with an empty alg",
      token: resigned(keys, enc({ alg: "" }), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header with a numeric alg",
      token: resigned(keys, enc({ alg: 256 }), p),
      key: signingKey,
      expect: "rejected",
    },
    { name: "alg none", token: `${enc({ alg: "none" })}.${p}.`, key: signingKey, expect: "rejected" },
    {
      name: "alg none with the real signature",
      token: `${enc({ alg: "none" })}.${p}.${s}`,
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header with crit",
      token: resigned(keys, enc({ alg, crit: ["exp"], exp: 1 }), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header with crit null",
      token: resigned(keys, enc({ alg, crit: null }), p),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a header with b64 false",
      token: resigned(keys, enc({ alg, b64: false, crit: ["b64"] }), p),
      key: signingKey,
    },
    {
      name: "a header with b64 true and no crit",
      token: resigned(keys, enc({ alg, b64: true }), p),
      key: signingKey,
    },
    {
      name: "a header with a duplicate alg member",
      token: resigned(keys, b64u(`{"alg":"none","alg":"${alg}"}`), p),
      key: signingKey,
    },
    {
      name: "a header with __proto__",
      token: resigned(keys, b64u(`{"alg":"${alg}","__proto__":{"crit":["x"]}}`), p),
      key: signingKey,
    },
    {
      name: "a payload that is not base64url, signed as is",
      token: resigned(keys, h, `${p.slice(0, 4)}!${p.slice(4)}`),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a payload with a dangling character, signed as is",
      token: resigned(keys, h, p.length % 4 === 0 ? `${p}A` : `${p.slice(0, p.length - (p.length % 4))}A`),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a payload with a non-ASCII character, signed as UTF-8",
      token: resigned(keys, h, `${p}é`),
      key: signingKey,
      expect: "rejected",
    },
    {
      name: "a payload that is not JSON, re-signed",
      token: resigned(keys, h, b64u("hello")),
      key: signingKey,
      native: true,
      expect: "ok",
    },
    {
      name: "a payload signed by another algorithm's hash",
      token: resigned(keys, h, p, {
        alg: alg === "RS256" ? "RS384" : alg === "PS256" ? "PS384" : alg === "ES256" ? "ES256" : alg,
      }),
      key: signingKey,
    },
    {
      name: "a token whose header alg is HS256",
      token: `${enc({ alg: "HS256" })}.${p}.${s}`,
      key: signingKey,
      expect: "rejected",
    },
  ];

  const canonicalVariant = nonCanonical(s);
  if (canonicalVariant !== undefined) {
    cases.push({
      name: "a non-canonical base64url signature (spare bits set)",
      token: `${h}.${p}.${canonicalVariant}`,
      key: signingKey,
    });
  }
  const payloadVariant = nonCanonical(p);
  if (payloadVariant !== undefined && payloadVariant !== p) {
    cases.push({
      name: "a non-canonical base64url payload",
      token: `${h}.${payloadVariant}.${s}`,
      key: signingKey,
      expect: "rejected",
    });
  }

  // Wrong algorithm for the key: the token names another algorithm, or the key was imported for another.
  for (const other of all.values()) {
    if (other.alg === alg) continue;
    const otherToken = await joseSign(other, claims);
    cases.push({
      name: `a ${other.alg} token (its own key) checked as ${alg}`,
      token: otherToken,
      key: signingKey,
      expect: "rejected",
    });
    cases.push({
      name: `a ${alg} token checked with a ${other.alg} key that claims ${alg}`,
      token: valid,
      key: { ...other.signingKey, alg },
      expect: "rejected",
    });
    cases.push({
      name: `a token claiming ${alg}, signed by a ${other.alg} key, checked with that key labelled ${alg}`,
      token: (() => {
        const header = enc({ alg });
        const payload = enc(claims);
        return `${header}.${payload}.${b64u(rawSign(other, `${header}.${payload}`))}`;
      })(),
      key: { ...other.signingKey, alg },
      // EdDSA and Ed25519 name the same key type and signature: that one is valid.
      ...(alg.includes("Ed") && other.alg.includes("Ed") ? {} : { expect: "rejected" as const }),
    });
  }
  if (isRsa(alg)) {
    const twin: Algorithm = isPss(alg)
      ? (`RS${alg.slice(2)}` as Algorithm)
      : (`PS${alg.slice(2)}` as Algorithm);
    const header = enc({ alg: twin });
    cases.push({
      name: `the same RSA key signing ${twin}, checked as ${alg}`,
      token: `${header}.${p}.${b64u(rawSign(keys, `${header}.${p}`, { alg: twin }))}`,
      key: signingKey,
      expect: "rejected",
    });
    const sameHeader = h;
    cases.push({
      name: `a ${twin} signature under a ${alg} header`,
      token: `${sameHeader}.${p}.${b64u(rawSign(keys, `${sameHeader}.${p}`, { alg: twin }))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    });
    // The signature as an integer at or above the modulus.
    const modulus = fromB64u(signingKey.jwk.n as string);
    cases.push({
      name: "a signature equal to the modulus",
      token: `${h}.${p}.${b64u(modulus)}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    });
    // A signature whose leading zero byte was dropped (a short but numerically equal signature).
    const short = shortRsaToken(keys, h, claims);
    if (short !== undefined) {
      cases.push({
        name: "a valid signature with its leading zero byte dropped",
        token: short.dropped,
        key: signingKey,
      });
      cases.push({
        name: "a valid signature that starts with a zero byte",
        token: short.full,
        key: signingKey,
        native: true,
        expect: "ok",
      });
    }
  }
  if (isPss(alg)) {
    const hashLength = Number(alg.slice(2)) / 8;
    for (const saltLength of [0, 20, hashLength - 1, hashLength + 1, constants.RSA_PSS_SALTLEN_MAX_SIGN]) {
      cases.push({
        name: `an RSA-PSS signature with salt length ${saltLength === constants.RSA_PSS_SALTLEN_MAX_SIGN ? "max" : saltLength}`,
        token: resigned(keys, h, p, { saltLength }),
        key: signingKey,
        native: true,
        expect: "rejected",
      });
    }
    cases.push({
      name: "an RSA-PSS signature with salt length = hash length",
      token: resigned(keys, h, p, { saltLength: hashLength }),
      key: signingKey,
      native: true,
      expect: "ok",
    });
  }
  if (isEc(alg)) {
    const n = ecSize[alg] as number;
    const r = sig.subarray(0, n);
    const sPart = sig.subarray(n);
    const order = Buffer.from(ecOrder[alg] as string, "hex");
    const zero = Buffer.alloc(n);
    cases.push(
      {
        name: "ECDSA r = s = 0 (CVE-2022-21449)",
        token: `${h}.${p}.${b64u(Buffer.alloc(2 * n))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "ECDSA r = 0",
        token: `${h}.${p}.${b64u(Buffer.concat([zero, sPart]))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "ECDSA s = 0",
        token: `${h}.${p}.${b64u(Buffer.concat([r, zero]))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "ECDSA r = s = n (the group order)",
        token: `${h}.${p}.${b64u(Buffer.concat([order, order]))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "ECDSA r = n, s valid",
        token: `${h}.${p}.${b64u(Buffer.concat([order, sPart]))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "an ECDSA signature in DER instead of raw r‖s",
        token: resigned(keys, h, p, { dsaEncoding: "der" }),
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "the valid signature re-encoded as DER",
        token: `${h}.${p}.${b64u(rawToDer(r, sPart))}`,
        key: signingKey,
        native: true,
        expect: "rejected",
      },
      {
        name: "an ECDSA signature with s replaced by n - s",
        token: `${h}.${p}.${b64u(Buffer.concat([r, negate(sPart, order)]))}`,
        key: signingKey,
        native: true,
      },
    );
  }
  if (alg === "EdDSA" || alg === "Ed25519") {
    cases.push({
      name: "an Ed25519 signature with S + L (malleated)",
      token: `${h}.${p}.${b64u(Buffer.concat([sig.subarray(0, 32), addLittleEndian(sig.subarray(32), ED25519_L)]))}`,
      key: signingKey,
      native: true,
      expect: "rejected",
    });
    const twin = alg === "EdDSA" ? "Ed25519" : "EdDSA";
    cases.push({
      name: `the same Ed25519 key with alg ${twin} in the header`,
      token: resigned(keys, enc({ alg: twin }), p),
      key: signingKey,
      expect: "rejected",
    });
  }
  return cases;
}

function shortRsaToken(keys: Keys, h: string, claims: Record<string, unknown>) {
  for (let i = 0; i < 4000; i++) {
    const p = enc({ ...claims, jti: `n${i}` });
    const signature = rawSign(keys, `${h}.${p}`);
    if (signature[0] === 0) {
      return { full: `${h}.${p}.${b64u(signature)}`, dropped: `${h}.${p}.${b64u(signature.subarray(1))}` };
    }
  }
  return undefined;
}

function derInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  let body = bytes.subarray(start);
  if ((body[0] as number) & 0x80) body = Buffer.concat([Buffer.alloc(1), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

function rawToDer(r: Buffer, s: Buffer): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  const length = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), length, body]);
}

function negate(s: Buffer, order: Buffer): Buffer {
  const value = BigInt(`0x${order.toString("hex")}`) - BigInt(`0x${s.toString("hex")}`);
  return Buffer.from(value.toString(16).padStart(s.length * 2, "0"), "hex");
}

function addLittleEndian(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  let carry = 0;
  for (let i = 0; i < a.length; i++) {
    const sum = (a[i] as number) + (b[i] as number) + carry;
    out[i] = sum & 0xff;
    carry = sum >> 8;
  }
  return out;
}

describe("loadNodeCrypto", () => {
  it("finds node:crypto on Node.js", () => {
    expect(typeof nodeCrypto?.verify).toBe("function");
  });

  it("answers undefined where node:crypto is not available, so jose is used", () => {
    const getBuiltinModule = (globalThis.process as { getBuiltinModule: (id: string) => unknown })
      .getBuiltinModule;
    expect(loadNodeCrypto(null)).toBeUndefined();
    expect(loadNodeCrypto({ versions: {} })).toBeUndefined();
    expect(loadNodeCrypto({ versions: { node: "22.0.0" } })).toBeUndefined();
    expect(loadNodeCrypto({ versions: { node: "22.0.0", bun: "1.2.0" }, getBuiltinModule })).toBeUndefined();
    expect(loadNodeCrypto({ versions: { node: "22.0.0", deno: "2.0.0" }, getBuiltinModule })).toBeUndefined();
    expect(loadNodeCrypto({ versions: { node: "22.0.0" }, getBuiltinModule: () => ({}) })).toBeUndefined();
    expect(
      loadNodeCrypto({
        versions: { node: "22.0.0" },
        getBuiltinModule: () => {
          throw new Error("no such module");
        },
      }),
    ).toBeUndefined();
    expect(loadNodeCrypto({ versions: { node: "22.0.0" }, getBuiltinModule })).toBeDefined();
  });
});

/** One key pair (and a second one of the same type) per algorithm, shared by every case. */
const allKeys = new Map<Algorithm, Keys>();
beforeAll(async () => {
  for (const alg of ALGORITHMS) allKeys.set(alg, await keysFor(alg));
}, 60_000);

describe.each(ALGORITHMS)("%s: node:crypto and jose agree", (alg) => {
  it("accepts and rejects exactly what jose does, with jose's error code, on every hostile input", async () => {
    const cases = await casesFor(allKeys.get(alg) as Keys, allKeys);
    expect(cases.length).toBeGreaterThan(40);
    const mismatches: string[] = [];
    for (const c of cases) {
      const jose = await outcome(() => verifySignatureWithJose(c.token, c.key));
      const viaDefault = await outcome(() => verifySignature(c.token, c.key));
      const viaJoseFallback = await outcome(() => joseOnly(c.token, c.key));
      const native = fast.verify(c.token, c.key);
      if (viaDefault !== jose) mismatches.push(`${c.name}: verifySignature ${viaDefault}, jose ${jose}`);
      if (viaJoseFallback !== jose)
        mismatches.push(`${c.name}: jose fallback ${viaJoseFallback}, jose ${jose}`);
      if (DECODABLE.test(c.token)) {
        const viaDecoded = await outcome(() => verifyDecodedSignature(c.token, c.key));
        if (viaDecoded !== jose)
          mismatches.push(`${c.name}: verifyDecodedSignature ${viaDecoded}, jose ${jose}`);
        if (fast.verifyWellFormed(c.token, c.key) !== native)
          mismatches.push(`${c.name}: verifyWellFormed differs`);
      }
      // The verifier's path: what decodeToken accepts, checked with what it decoded.
      const decoded = decodable(c.token, alg);
      if (decoded !== undefined) {
        const viaDecoded = fast.verifyDecoded(c.token, decoded, c.key);
        if (viaDecoded !== undefined && viaDecoded !== (jose === "ok")) {
          mismatches.push(`${c.name}: verifyDecoded ${viaDecoded}, jose ${jose}`);
        }
        if (viaDecoded !== native && native !== undefined) {
          mismatches.push(`${c.name}: verifyDecoded ${viaDecoded}, verify ${native}`);
        }
        // The signature step, on the event loop and on libuv's thread pool (offloadSignatures).
        const now = await outcome(async () => checkSignature(c.token, decoded, c.key));
        const later = await outcome(async () => checkSignatureOffloaded(c.token, decoded, c.key));
        if (now !== jose) mismatches.push(`${c.name}: checkSignature ${now}, jose ${jose}`);
        if (later !== jose) mismatches.push(`${c.name}: checkSignatureOffloaded ${later}, jose ${jose}`);
      } else if (jose === "ok" && hasJsonClaims(c.token) && !STRICTER_THAN_JOSE.has(c.name)) {
        mismatches.push(`${c.name}: decodeToken refuses a token jose accepts`);
      }
      if (native !== undefined && native !== (jose === "ok")) {
        mismatches.push(`${c.name}: node:crypto ${native}, jose ${jose}`);
      }
      if (c.native === true && native === undefined) mismatches.push(`${c.name}: not decided by node:crypto`);
      if (c.expect !== undefined && (jose === "ok" ? "ok" : "rejected") !== c.expect) {
        mismatches.push(`${c.name}: expected ${c.expect}, jose says ${jose}`);
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});

describe("keys jose refuses", () => {
  it("rejects RSA keys under 2048 bits as jose does, without the fast path", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "small" } as PublicJwk;
    for (const alg of ["RS256", "PS256"] as const) {
      const header = enc({ alg });
      const payload = enc({ sub: "svc" });
      const signature = sign(`sha256`, Buffer.from(`${header}.${payload}`), {
        key: privateKey,
        ...(alg === "PS256" ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {}),
      });
      const token = `${header}.${payload}.${b64u(signature)}`;
      const asCryptoKey: SigningKey = {
        jwk,
        kid: "small",
        alg,
        key: (await importJWK(jwk as JWK, alg)) as CryptoKey,
      };
      const asKeyObject: SigningKey = { ...asCryptoKey, key: publicKey as unknown as CryptoKey };
      for (const key of [asCryptoKey, asKeyObject]) {
        expect(fast.verify(token, key)).toBeUndefined();
        const jose = await outcome(() => verifySignatureWithJose(token, key));
        expect(jose).toBe("ERR_TOKEN_SIGNATURE");
        expect(await outcome(() => verifySignature(token, key))).toBe(jose);
      }
    }
  });

  it("rejects a private key, or a public key without the verify usage, as jose does", async () => {
    const keys = await keysFor("ES256");
    const token = await joseSign(keys, { sub: "svc" });
    const jwk = keys.signingKey.jwk as webcrypto.JsonWebKey;
    const noUsage = await webcrypto.subtle.importKey(
      "jwk",
      jwk,
      { name: "ECDSA", namedCurve: "P-256" },
      true,
      [],
    );
    for (const material of [noUsage, keys.josePrivateKey, keys.privateKey]) {
      const key: SigningKey = { ...keys.signingKey, key: material as unknown as CryptoKey };
      expect(fast.verify(token, key)).toBeUndefined();
      const jose = await outcome(() => verifySignatureWithJose(token, key));
      expect(jose).not.toBe("ok");
      expect(await outcome(() => verifySignature(token, key))).toBe(jose);
    }
  });
});

/**
 * Low-level forging primitives for the hostile suites: compact JWS built byte by byte with
 * node:crypto (no scopegate code, no jose), so a test can send exactly what an attacker would —
 * duplicate keys, raw JSON text, DER signatures, HMACs keyed with public keys, self-signed
 * certificates.
 */
import {
  createHmac,
  constants as cryptoConstants,
  sign as cryptoSign,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from "node:crypto";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Keys {
  rsa: { privateKey: KeyObject; publicKey: KeyObject; jwk: JsonWebKey };
  ec: { privateKey: KeyObject; publicKey: KeyObject; jwk: JsonWebKey };
  ed: { privateKey: KeyObject; publicKey: KeyObject; jwk: JsonWebKey };
}

export const b64u = (data: Buffer | string): string => Buffer.from(data).toString("base64url");
/** base64url of a JSON value, or of raw text when a string is given (for hand-written JSON). */
export const segment = (value: Json | RawJson): string =>
  b64u(value instanceof RawJson ? value.text : JSON.stringify(value));

/** JSON text used exactly as written (duplicate keys, `1e400`, deep nesting, …). */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}
export const raw = (text: string): RawJson => new RawJson(text);
/** Bytes used exactly as given, e.g. JSON holding a malformed UTF-8 sequence. */
export const rawBytes = (bytes: Buffer): RawJson => new RawJson(bytes);

/** `value` as JSON text with extra members appended verbatim (`{"a":1,"exp":1e400}`). */
export function rawWith(value: Record<string, Json | undefined>, members: Record<string, string>): RawJson {
  const extra = Object.entries(members).map(([name, text]) => `${JSON.stringify(name)}:${text}`);
  const base = JSON.stringify(value);
  return raw(base === "{}" ? `{${extra.join(",")}}` : `${base.slice(0, -1)},${extra.join(",")}}`);
}

export type Signer = (signingInput: Buffer) => Buffer;

/** Builds `header.payload.signature` with `signer` over the exact ASCII of the first two segments. */
export function compact(header: Json | RawJson, payload: Json | RawJson, signer: Signer): string {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${b64u(signer(Buffer.from(input, "ascii")))}`;
}

const HASH: Record<string, string> = { "256": "sha256", "384": "sha384", "512": "sha512" };
const hashOf = (alg: string): string => HASH[alg.slice(2)] ?? "sha256";

/** A signer for `alg` with a node:crypto private key (RS*, PS*, ES* in raw r‖s, EdDSA). */
export function signerFor(alg: string, privateKey: KeyObject, options: { der?: boolean } = {}): Signer {
  return (input) => {
    if (alg === "EdDSA" || alg === "Ed25519") return cryptoSign(null, input, privateKey);
    if (alg.startsWith("PS")) {
      return cryptoSign(hashOf(alg), input, {
        key: privateKey,
        padding: cryptoConstants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(alg.slice(2)) / 8,
      });
    }
    if (alg.startsWith("ES")) {
      return cryptoSign(hashOf(alg), input, {
        key: privateKey,
        dsaEncoding: options.der ? "der" : "ieee-p1363",
      });
    }
    return cryptoSign(hashOf(alg), input, privateKey);
  };
}

/** An HMAC signer keyed with arbitrary bytes (the public-key-as-secret confusion attack). */
export const hmacSigner =
  (alg: string, secret: Buffer | string): Signer =>
  (input) =>
    createHmac(hashOf(alg), secret).update(input).digest();

/** A signer that ignores its input and returns fixed bytes. */
export const fixedSigner =
  (bytes: Buffer): Signer =>
  () =>
    bytes;

/** Generates the authorization server's keys (RS256 `rsa-1`, ES256 `ec-1`, EdDSA `ed-1`). */
export function generateKeys(): Keys {
  const make = (
    type: "rsa" | "ec" | "ed25519",
    kid: string,
    alg: string,
  ): { privateKey: KeyObject; publicKey: KeyObject; jwk: JsonWebKey } => {
    const pair =
      type === "rsa"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 })
        : type === "ec"
          ? generateKeyPairSync("ec", { namedCurve: "P-256" })
          : generateKeyPairSync("ed25519");
    const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid, alg, use: "sig" };
    return { privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
  };
  return {
    rsa: make("rsa", "rsa-1", "RS256"),
    ec: make("ec", "ec-1", "ES256"),
    ed: make("ed25519", "ed-1", "EdDSA"),
  };
}

// ---------------------------------------------------------------------------------------------
// A minimal DER writer, enough for a self-signed X.509 certificate (the `x5c` attack).

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
export const der = (tag: number, ...parts: Buffer[]): Buffer => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const SHA256_WITH_RSA = Buffer.from("06092a864886f70d01010b0500", "hex"); // OID + NULL
const COMMON_NAME = Buffer.from("0603550403", "hex");

/** A self-signed X.509 certificate (DER) for an RSA key pair. `new X509Certificate(der)` accepts it. */
export function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, cn: string): Buffer {
  const name = der(0x30, der(0x31, der(0x30, COMMON_NAME, der(0x0c, Buffer.from(cn, "utf8")))));
  const algorithm = der(0x30, SHA256_WITH_RSA);
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.concat([Buffer.from([1]), randomBytes(8)])),
    algorithm,
    name,
    der(0x30, der(0x17, Buffer.from("240101000000Z")), der(0x17, Buffer.from("491231235959Z"))),
    name,
    publicKey.export({ format: "der", type: "spki" }),
  );
  const signature = cryptoSign("sha256", tbs, privateKey);
  return der(0x30, tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
}

// ---------------------------------------------------------------------------------------------

/** The P-256 group order n: r = s = n is the other classic invalid ECDSA signature. */
export const P256_ORDER = Buffer.from(
  "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
  "hex",
);

/** Wraps a raw r‖s ES256 signature in ASN.1 DER (what a non-JOSE library would send). */
export function p1363ToDer(signature: Buffer): Buffer {
  const int = (bytes: Buffer): Buffer => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    return der(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
  };
  const half = signature.length / 2;
  return der(0x30, int(signature.subarray(0, half)), int(signature.subarray(half)));
}

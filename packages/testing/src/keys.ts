import {
  createHash,
  generateKeyPair,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";
import { promisify } from "node:util";
import type { TestAlgorithm } from "./algorithms.js";

/** A public JSON Web Key as published in the JWKS. */
export interface TestPublicJwk {
  kty: string;
  kid: string;
  alg: TestAlgorithm;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: unknown;
}

/** A signing key pair of the test authority. The private key never leaves the process. */
export interface TestKey {
  /** RFC 7638 JWK thumbprint of the public key (SHA-256, base64url). */
  readonly kid: string;
  readonly alg: TestAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public JWK as published (`kid`, `alg`, `use: "sig"`). */
  readonly publicJwk: Readonly<TestPublicJwk>;
}

interface KeySpec {
  type: "rsa" | "ec" | "ed25519";
  options: { modulusLength?: number; namedCurve?: string };
}

function specFor(alg: TestAlgorithm): KeySpec {
  switch (alg) {
    case "RS256":
    case "RS384":
    case "RS512":
    case "PS256":
    case "PS384":
    case "PS512":
      return { type: "rsa", options: { modulusLength: 2048 } };
    case "ES256":
      return { type: "ec", options: { namedCurve: "P-256" } };
    case "ES384":
      return { type: "ec", options: { namedCurve: "P-384" } };
    case "ES512":
      return { type: "ec", options: { namedCurve: "P-521" } };
    case "EdDSA":
    case "Ed25519":
      return { type: "ed25519", options: {} };
  }
}

/** RFC 7638 members per key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
};

/** RFC 7638 JWK thumbprint (SHA-256, base64url). */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (!members) throw new TypeError(`@scopegate/testing: no thumbprint for key type ${String(jwk.kty)}.`);
  const canonical = `{${members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(",")}}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

function toTestKey(alg: TestAlgorithm, privateKey: KeyObject, publicKey: KeyObject): TestKey {
  const exported = publicKey.export({ format: "jwk" });
  const kid = jwkThumbprint(exported);
  const publicJwk: TestPublicJwk = {
    ...(exported as { kty: string }),
    kid,
    alg,
    use: "sig",
  };
  return Object.freeze({ kid, alg, privateKey, publicKey, publicJwk: Object.freeze(publicJwk) });
}

/** Generates a key pair for `alg` synchronously (RSA 2048, P-256/384/521, Ed25519). */
export function generateTestKeySync(alg: TestAlgorithm): TestKey {
  const spec = specFor(alg);
  // The overloads of generateKeyPairSync are keyed on literal types; the spec is checked above.
  const pair = (
    generateKeyPairSync as (type: string, options: object) => { privateKey: KeyObject; publicKey: KeyObject }
  )(spec.type, spec.options);
  return toTestKey(alg, pair.privateKey, pair.publicKey);
}

const generateKeyPairAsync = promisify(generateKeyPair) as unknown as (
  type: string,
  options: object,
) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

/** Generates a key pair for `alg` off the main thread. */
export async function generateTestKey(alg: TestAlgorithm): Promise<TestKey> {
  const spec = specFor(alg);
  const pair = await generateKeyPairAsync(spec.type, spec.options);
  return toTestKey(alg, pair.privateKey, pair.publicKey);
}

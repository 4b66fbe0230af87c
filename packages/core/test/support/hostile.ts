/**
 * The hostile-token table: every attack class of issue 8 as concrete tokens with the answer
 * scopegate must give. Every token is forged by hand (./forge.ts), with the authorization server's
 * own keys where the point is that only one check stands in the way.
 *
 * Used by packages/core/test/hostile-tokens.test.ts (through `createVerifier`) and by tests/hostile
 * (through every adapter). It imports nothing from scopegate, so both can share it.
 */
import { createHash, type JsonWebKey, type KeyObject, randomBytes } from "node:crypto";
import {
  b64u,
  compact,
  fixedSigner,
  generateKeys,
  hmacSigner,
  type Json,
  type Keys,
  P256_ORDER,
  p1363ToDer,
  RawJson,
  raw,
  rawBytes,
  rawWith,
  type Signer,
  segment,
  selfSignedCertificate,
  signerFor,
} from "./forge.js";

export * from "./forge.js";

/** One hostile input and the answer scopegate must give. */
export interface HostileCase {
  /** Group it belongs to (the attack class), used in test titles and docs. */
  group: string;
  /** What the token is. */
  title: string;
  /** The compact token (sent as `Authorization: Bearer <token>` by the adapter suites). */
  token: string;
  /** Stable scopegate error code `verify(token)` must reject with. */
  code: string;
  /** HTTP status of that code. */
  status: number;
  /** RFC 6750 error of that code. */
  error: string | undefined;
}

export interface HostileKitOptions {
  issuer: string;
  audience: string;
  /** Seconds since the epoch. Default: `Date.now() / 1000`. */
  nowSec?: () => number;
}

/** Answers of every code the hostile tables use: status and RFC 6750 error. */
export const EXPECTED: Record<string, { status: number; error: string | undefined }> = {
  ERR_TOKEN_MALFORMED: { status: 401, error: "invalid_token" },
  ERR_TOKEN_TOO_LARGE: { status: 401, error: "invalid_token" },
  ERR_TOKEN_HEADER_UNSUPPORTED: { status: 401, error: "invalid_token" },
  ERR_TOKEN_ALGORITHM: { status: 401, error: "invalid_token" },
  ERR_TOKEN_KEY_NOT_FOUND: { status: 401, error: "invalid_token" },
  ERR_TOKEN_SIGNATURE: { status: 401, error: "invalid_token" },
  ERR_TOKEN_EXPIRED: { status: 401, error: "invalid_token" },
  ERR_TOKEN_NOT_YET_VALID: { status: 401, error: "invalid_token" },
  ERR_TOKEN_ISSUED_IN_FUTURE: { status: 401, error: "invalid_token" },
  ERR_TOKEN_ISSUER: { status: 401, error: "invalid_token" },
  ERR_TOKEN_AUDIENCE: { status: 401, error: "invalid_token" },
  ERR_TOKEN_TYPE: { status: 401, error: "invalid_token" },
  ERR_TOKEN_CLAIM_MISSING: { status: 401, error: "invalid_token" },
  ERR_TOKEN_CLAIM_INVALID: { status: 401, error: "invalid_token" },
  ERR_INSUFFICIENT_SCOPE: { status: 403, error: "insufficient_scope" },
  ERR_MALFORMED_AUTHORIZATION: { status: 400, error: "invalid_request" },
  ERR_EMPTY_TOKEN: { status: 400, error: "invalid_request" },
};

/** The scope every route of the hostile suites requires. */
export const REQUIRED_SCOPE = "event.read";

/** Claim values built to break a response header if one ever reached it. */
export const HEADER_INJECTION_VALUES = [
  'quo"te',
  "back\\slash",
  "line\r\nSet-Cookie: pwned=1",
  "bare\nX-Injected: 1",
  "nul\u0000byte",
  "non-ascii é ü 漢字 😀",
  "\u2028line separator\u2029",
] as const;

/** Everything a hostile suite needs: the authority's keys and JWKS, and the forged tokens. */
export interface HostileKit {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: Keys;
  /** The JWKS the (honest) authorization server publishes. */
  jwks(): { keys: JsonWebKey[] };
  /** Claims of a good token, with `overrides` merged in (`undefined` removes a claim). */
  claims(overrides?: Record<string, Json | undefined>): Record<string, Json>;
  /** A token signed by the authority's RSA key (`kid: rsa-1`), header and claims adjustable. */
  good(overrides?: Record<string, Json | undefined>, header?: Record<string, Json | undefined>): string;
  /** Signs raw header/payload with the authority's key for `alg` (RS*, PS*, ES*, EdDSA). */
  signed(header: Json | RawJson, payload: Json | RawJson, alg?: string): string;
  /** The hostile table. */
  cases(): HostileCase[];
}

const clean = <T extends Record<string, Json | undefined>>(value: T): Record<string, Json> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Record<string, Json>;

export function createHostileKit(options: HostileKitOptions): HostileKit {
  const { issuer, audience } = options;
  const now = () => Math.floor(options.nowSec ? options.nowSec() : Date.now() / 1000);
  const keys = generateKeys();
  const attacker = generateKeys();

  const claims = (overrides: Record<string, Json | undefined> = {}): Record<string, Json> =>
    clean({
      iss: issuer,
      aud: audience,
      sub: "task-service",
      client_id: "task-service",
      scope: `${REQUIRED_SCOPE} event.create`,
      iat: now(),
      exp: now() + 300,
      jti: createHash("sha256").update(randomBytes(16)).digest("hex").slice(0, 16),
      ...overrides,
    });
  const keyFor = (alg: string): KeyObject =>
    alg.startsWith("ES")
      ? keys.ec.privateKey
      : alg === "EdDSA" || alg === "Ed25519"
        ? keys.ed.privateKey
        : keys.rsa.privateKey;
  const signed = (header: Json | RawJson, payload: Json | RawJson, alg = "RS256"): string =>
    compact(header, payload, signerFor(alg, keyFor(alg)));
  const good = (
    overrides: Record<string, Json | undefined> = {},
    header: Record<string, Json | undefined> = {},
  ): string => {
    const h = clean({ alg: "RS256", kid: "rsa-1", typ: "at+jwt", ...header });
    return signed(h, claims(overrides), String(h.alg));
  };

  function cases(): HostileCase[] {
    const list: HostileCase[] = [];
    const add = (group: string, title: string, token: string, code: string) => {
      const expected = EXPECTED[code];
      if (!expected) throw new Error(`hostile table: no expectation for ${code}`);
      list.push({ group, title, token, code, ...expected });
    };
    const rsaHeader = { alg: "RS256", kid: "rsa-1", typ: "at+jwt" };
    const body = claims();

    // --- alg: none, in any spelling -----------------------------------------------------------
    for (const alg of ["none", "None", "NONE", "nOnE", "NoNe", " none", "none ", "none\u0000"]) {
      const unsigned = `${segment({ alg, typ: "at+jwt" })}.${segment(body)}`;
      add(
        "alg none",
        `alg ${JSON.stringify(alg)} without a signature`,
        `${unsigned}.`,
        "ERR_TOKEN_MALFORMED",
      );
      add(
        "alg none",
        `alg ${JSON.stringify(alg)} with a junk signature`,
        `${unsigned}.AAAA`,
        "ERR_TOKEN_ALGORITHM",
      );
      add(
        "alg none",
        `alg ${JSON.stringify(alg)} with the kid of a real key and a real RS256 signature`,
        compact({ alg, kid: "rsa-1", typ: "at+jwt" }, body, signerFor("RS256", keys.rsa.privateKey)),
        "ERR_TOKEN_ALGORITHM",
      );
    }
    add("alg none", "no alg at all", signed({ kid: "rsa-1", typ: "at+jwt" }, body), "ERR_TOKEN_MALFORMED");
    add("alg none", "alg null", signed({ alg: null, kid: "rsa-1" }, body), "ERR_TOKEN_MALFORMED");
    add("alg none", "alg as an array", signed({ alg: ["RS256"], kid: "rsa-1" }, body), "ERR_TOKEN_MALFORMED");
    add("alg none", "an empty alg", signed({ alg: "", kid: "rsa-1" }, body), "ERR_TOKEN_ALGORITHM");

    // --- HS* keyed with the authority's public key, in every encoding ----------------------------
    const rsaPub = keys.rsa.publicKey;
    const ecPub = keys.ec.publicKey;
    const ecJwk = keys.ec.jwk;
    const secrets: Array<[string, string, Buffer | string]> = [
      ["rsa-1", "RSA SPKI PEM", rsaPub.export({ format: "pem", type: "spki" }) as string],
      ["rsa-1", "RSA PKCS#1 PEM", rsaPub.export({ format: "pem", type: "pkcs1" }) as string],
      ["rsa-1", "RSA SPKI DER", rsaPub.export({ format: "der", type: "spki" })],
      ["rsa-1", "RSA PKCS#1 DER", rsaPub.export({ format: "der", type: "pkcs1" })],
      ["rsa-1", "RSA JWK JSON (as published)", JSON.stringify(keys.rsa.jwk)],
      ["rsa-1", "RSA JWK JSON (bare)", JSON.stringify(rsaPub.export({ format: "jwk" }))],
      ["rsa-1", "RSA modulus bytes", Buffer.from(keys.rsa.jwk.n!, "base64url")],
      ["rsa-1", "RSA modulus base64url text", keys.rsa.jwk.n!],
      ["ec-1", "EC SPKI PEM", ecPub.export({ format: "pem", type: "spki" }) as string],
      ["ec-1", "EC SPKI DER", ecPub.export({ format: "der", type: "spki" })],
      ["ec-1", "EC JWK JSON (as published)", JSON.stringify(ecJwk)],
      [
        "ec-1",
        "EC uncompressed point bytes",
        Buffer.concat([
          Buffer.from([4]),
          Buffer.from(ecJwk.x!, "base64url"),
          Buffer.from(ecJwk.y!, "base64url"),
        ]),
      ],
      ["ec-1", "EC x coordinate bytes", Buffer.from(ecJwk.x!, "base64url")],
    ];
    for (const alg of ["HS256", "HS384", "HS512"]) {
      for (const [kid, encoding, secret] of secrets) {
        add(
          "algorithm confusion",
          `${alg} keyed with the ${encoding}`,
          compact({ alg, kid, typ: "at+jwt" }, body, hmacSigner(alg, secret)),
          "ERR_TOKEN_ALGORITHM",
        );
      }
    }
    add(
      "algorithm confusion",
      "an HMAC keyed with the RSA SPKI PEM but labelled RS256",
      compact(rsaHeader, body, hmacSigner("HS256", secrets[0]![2])),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "algorithm confusion",
      "RS384 signed by the authority's RS256 key (key alg disagrees)",
      compact({ ...rsaHeader, alg: "RS384" }, body, signerFor("RS384", keys.rsa.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "PS256 signed by the authority's RS256 key (key alg disagrees)",
      compact({ ...rsaHeader, alg: "PS256" }, body, signerFor("PS256", keys.rsa.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "ES256 under the kid of an RSA key (kty disagrees)",
      compact({ ...rsaHeader, alg: "ES256" }, body, signerFor("ES256", keys.ec.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "RS256 under the kid of an EC key (kty disagrees)",
      compact({ ...rsaHeader, kid: "ec-1" }, body, signerFor("RS256", keys.rsa.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "EdDSA under the kid of an EC key (kty disagrees)",
      compact({ ...rsaHeader, alg: "EdDSA", kid: "ec-1" }, body, signerFor("EdDSA", keys.ed.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "ES384 under the kid of a P-256 key (curve disagrees)",
      compact({ ...rsaHeader, alg: "ES384", kid: "ec-1" }, body, signerFor("ES256", keys.ec.privateKey)),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "algorithm confusion",
      "an unknown alg (RS1)",
      compact({ ...rsaHeader, alg: "RS1" }, body, signerFor("RS256", keys.rsa.privateKey)),
      "ERR_TOKEN_ALGORITHM",
    );
    add(
      "algorithm confusion",
      "a JWE algorithm (RSA-OAEP)",
      compact({ ...rsaHeader, alg: "RSA-OAEP" }, body, signerFor("RS256", keys.rsa.privateKey)),
      "ERR_TOKEN_ALGORITHM",
    );

    // --- Keys the token picks for itself ---------------------------------------------------------
    const attackerJwk = { ...attacker.rsa.jwk, kid: "rsa-1" };
    const forge = (header: Record<string, Json>) =>
      compact({ ...rsaHeader, ...header }, body, signerFor("RS256", attacker.rsa.privateKey));
    add("foreign key", "signed by a foreign key under the authority's kid", forge({}), "ERR_TOKEN_SIGNATURE");
    add(
      "foreign key",
      "signed by a foreign EC key under the authority's EC kid",
      compact({ alg: "ES256", kid: "ec-1", typ: "at+jwt" }, body, signerFor("ES256", attacker.ec.privateKey)),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "foreign key",
      "signed by a foreign key under an unknown kid",
      forge({ kid: "attacker-1" }),
      "ERR_TOKEN_KEY_NOT_FOUND",
    );
    add(
      "foreign key",
      "signed by a foreign key without a kid",
      compact({ alg: "RS256", typ: "at+jwt" }, body, signerFor("RS256", attacker.rsa.privateKey)),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "foreign key",
      "a foreign authority's own valid token (its iss, its key)",
      compact(
        rsaHeader,
        { ...body, iss: "https://attacker.example/" },
        signerFor("RS256", attacker.rsa.privateKey),
      ),
      "ERR_TOKEN_ISSUER",
    );
    const cert = selfSignedCertificate(attacker.rsa.publicKey, attacker.rsa.privateKey, "issuer.example.com");
    add(
      "embedded key",
      "an embedded jwk signed by that key",
      forge({ jwk: attackerJwk as Json }),
      "ERR_TOKEN_HEADER_UNSUPPORTED",
    );
    add(
      "embedded key",
      "an embedded jwk without a kid signed by that key",
      compact(
        { alg: "RS256", typ: "at+jwt", jwk: attacker.rsa.publicKey.export({ format: "jwk" }) as Json },
        body,
        signerFor("RS256", attacker.rsa.privateKey),
      ),
      "ERR_TOKEN_HEADER_UNSUPPORTED",
    );
    add(
      "embedded key",
      "a jku pointing at the attacker's JWKS",
      forge({ jku: "http://127.0.0.1:9/jwks.json" }),
      "ERR_TOKEN_HEADER_UNSUPPORTED",
    );
    add(
      "embedded key",
      "an x5u pointing at the attacker's certificate",
      forge({ x5u: "http://127.0.0.1:9/cert.pem" }),
      "ERR_TOKEN_HEADER_UNSUPPORTED",
    );
    add(
      "embedded key",
      "an x5c self-signed certificate chain signed by that key",
      forge({ x5c: [cert.toString("base64")] }),
      "ERR_TOKEN_HEADER_UNSUPPORTED",
    );
    add("embedded key", "an x5c header with junk", forge({ x5c: "junk" }), "ERR_TOKEN_HEADER_UNSUPPORTED");
    add("embedded key", "a null jwk header", forge({ jwk: null }), "ERR_TOKEN_HEADER_UNSUPPORTED");

    // --- kid ---------------------------------------------------------------------------------
    const kids: Array<[string, Json, string]> = [
      ["path traversal", "../../../../../../etc/passwd", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["an encoded path traversal", "..%2f..%2f..%2fetc%2fpasswd", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["a file URL", "file:///dev/random", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["SQL", "' OR '1'='1' --", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["SQL with a statement", "rsa-1'; DROP TABLE keys; --", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["shell metacharacters", "$(curl 127.0.0.1:9)|`id`", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["CR/LF", "rsa-1\r\nX-Injected: 1", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["a NUL byte", "rsa-1\u0000", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["a lookalike of a real kid", "rsa\u20101", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["__proto__", "__proto__", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["constructor", "constructor", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["hasOwnProperty", "hasOwnProperty", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["an empty string", "", "ERR_TOKEN_KEY_NOT_FOUND"],
      ["1024 characters", "k".repeat(1024), "ERR_TOKEN_KEY_NOT_FOUND"],
      ["1025 characters", "k".repeat(1025), "ERR_TOKEN_MALFORMED"],
      ["4000 characters", "../".repeat(1333), "ERR_TOKEN_MALFORMED"],
      ["a number", 1, "ERR_TOKEN_MALFORMED"],
      ["an object", { $ne: null }, "ERR_TOKEN_MALFORMED"],
      ["an array", ["rsa-1"], "ERR_TOKEN_MALFORMED"],
      ["null", null, "ERR_TOKEN_MALFORMED"],
    ];
    for (const [what, kid, code] of kids) {
      add("kid", `kid as ${what}, signed by the authority's key`, signed({ ...rsaHeader, kid }, body), code);
    }

    // --- crit and b64 ------------------------------------------------------------------------
    const critValues: Array<[string, Record<string, Json>]> = [
      ["crit naming an unknown parameter", { crit: ["urn:example:unknown"], "urn:example:unknown": 1 }],
      ["crit naming a parameter that is absent", { crit: ["exp"] }],
      ["an empty crit", { crit: [] }],
      ["crit as a string", { crit: "b64" }],
      ["crit with a number", { crit: [1] }],
      ["crit null", { crit: null }],
      ["b64 false with crit", { b64: false, crit: ["b64"] }],
      ["b64 false without crit", { b64: false }],
      ["b64 true", { b64: true, crit: ["b64"] }],
    ];
    for (const [what, extra] of critValues) {
      add(
        "crit",
        `${what}, signed by the authority's key`,
        signed({ ...rsaHeader, ...extra }, body),
        "ERR_TOKEN_HEADER_UNSUPPORTED",
      );
    }
    {
      // RFC 7797: with b64 false the signature covers the payload bytes as they are. Here the
      // "unencoded" payload happens to be base64url text, so both readings pass the signature.
      const header = { ...rsaHeader, b64: false, crit: ["b64"] };
      const payloadText = segment(body);
      const input = `${segment(header)}.${payloadText}`;
      const sig = signerFor("RS256", keys.rsa.privateKey)(Buffer.from(input));
      add(
        "crit",
        "an RFC 7797 unencoded payload (b64 false) validly signed",
        `${input}.${b64u(sig)}`,
        "ERR_TOKEN_HEADER_UNSUPPORTED",
      );
    }

    // --- ECDSA signatures ---------------------------------------------------------------------
    const esHeader = { alg: "ES256", kid: "ec-1", typ: "at+jwt" };
    const esToken = (signer: Signer) => compact(esHeader, body, signer);
    add(
      "ecdsa",
      "an ES256 signature of zeros (CVE-2022-21449)",
      esToken(fixedSigner(Buffer.alloc(64))),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "ecdsa",
      "an ES256 signature with r = s = n (the group order)",
      esToken(fixedSigner(Buffer.concat([P256_ORDER, P256_ORDER]))),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "ecdsa",
      "an ES256 signature with r = 0 and a real s",
      esToken((input) => {
        const real = signerFor("ES256", keys.ec.privateKey)(input);
        return Buffer.concat([Buffer.alloc(32), real.subarray(32)]);
      }),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "ecdsa",
      "a valid ES256 signature DER-encoded instead of raw r‖s",
      esToken(signerFor("ES256", keys.ec.privateKey, { der: true })),
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "ecdsa",
      "an ASN.1 DER signature of zeros",
      esToken(fixedSigner(p1363ToDer(Buffer.alloc(64)))),
      "ERR_TOKEN_SIGNATURE",
    );
    for (const [what, cut] of [
      ["63 bytes (one short)", (s: Buffer) => s.subarray(0, 63)],
      ["65 bytes (one extra)", (s: Buffer) => Buffer.concat([s, Buffer.from([0])])],
      ["32 bytes (r only)", (s: Buffer) => s.subarray(0, 32)],
      ["128 bytes (doubled)", (s: Buffer) => Buffer.concat([s, s])],
      ["1 byte", (s: Buffer) => s.subarray(0, 1)],
    ] as const) {
      add(
        "ecdsa",
        `a valid ES256 signature cut to ${what}`,
        esToken((input) => cut(signerFor("ES256", keys.ec.privateKey)(input))),
        "ERR_TOKEN_SIGNATURE",
      );
    }
    add(
      "ecdsa",
      "an Ed25519 signature of zeros",
      compact({ alg: "EdDSA", kid: "ed-1", typ: "at+jwt" }, body, fixedSigner(Buffer.alloc(64))),
      "ERR_TOKEN_SIGNATURE",
    );

    // --- Tampering --------------------------------------------------------------------------
    const real = good();
    const [h, p, s] = real.split(".") as [string, string, string];
    const other = good({ sub: "someone-else" }).split(".")[2]!;
    add(
      "tampering",
      "a tampered payload (scope raised)",
      `${h}.${segment({ ...body, scope: "admin" })}.${s}`,
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "tampering",
      "a tampered payload (exp extended)",
      `${h}.${segment({ ...body, exp: now() + 86400 * 365 })}.${s}`,
      "ERR_TOKEN_SIGNATURE",
    );
    add(
      "tampering",
      "a tampered header (typ changed)",
      `${segment({ ...rsaHeader, typ: "JWT" })}.${p}.${s}`,
      "ERR_TOKEN_SIGNATURE",
    );
    add("tampering", "a stripped signature", `${h}.${p}.`, "ERR_TOKEN_MALFORMED");
    add("tampering", "another token's signature", `${h}.${p}.${other}`, "ERR_TOKEN_SIGNATURE");
    add("tampering", "a truncated signature", `${h}.${p}.${s.slice(0, -4)}`, "ERR_TOKEN_SIGNATURE");
    add("tampering", "a signature of zeros", `${h}.${p}.${b64u(Buffer.alloc(256))}`, "ERR_TOKEN_SIGNATURE");

    // --- Shape -----------------------------------------------------------------------------
    add(
      "shape",
      "a JWE (five parts)",
      `${h}.${b64u(randomBytes(256))}.${b64u(randomBytes(12))}.${p}.${b64u(randomBytes(16))}`,
      "ERR_TOKEN_MALFORMED",
    );
    add("shape", "two parts", `${h}.${p}`, "ERR_TOKEN_MALFORMED");
    add("shape", "four parts", `${h}.${p}.${s}.${s}`, "ERR_TOKEN_MALFORMED");
    add("shape", "one part", h, "ERR_TOKEN_MALFORMED");
    add("shape", "only dots", "..", "ERR_TOKEN_MALFORMED");
    add(
      "shape",
      "standard base64 (+ and /)",
      `${h}.${p}.${s.replace(/-/g, "+").replace(/_/g, "/")}+/`,
      "ERR_TOKEN_MALFORMED",
    );
    add("shape", "base64 padding", `${h}.${p}=.${s}`, "ERR_TOKEN_MALFORMED");
    add("shape", "a percent-encoded segment", `${h}.${p}%3D.${s}`, "ERR_TOKEN_MALFORMED");
    add("shape", "a header that is not JSON", `${b64u("not json")}.${p}.${s}`, "ERR_TOKEN_MALFORMED");
    add(
      "shape",
      "a header that is not UTF-8 JSON",
      `${b64u(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]))}.${p}.${s}`,
      "ERR_TOKEN_MALFORMED",
    );
    // Malformed UTF-8 inside a string, correctly signed: never read as U+FFFD (issue 12, item 5).
    const withBytes = (value: Record<string, Json>, name: string, bytes: number[]): RawJson => {
      const [before, after] = JSON.stringify({ ...value, [name]: "a\u0000b" }).split("\\u0000");
      return rawBytes(Buffer.concat([Buffer.from(before!), Buffer.from(bytes), Buffer.from(after!)]));
    };
    for (const [what, bytes] of [
      ["0xFF", [0xff]],
      ["an overlong /", [0xc0, 0xaf]],
      ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ] as const) {
      add(
        "shape",
        `a signed payload whose sub holds ${what} (malformed UTF-8)`,
        signed(rsaHeader, withBytes(body, "sub", [...bytes])),
        "ERR_TOKEN_MALFORMED",
      );
      add(
        "shape",
        `a signed header whose kid holds ${what} (malformed UTF-8)`,
        signed(withBytes(rsaHeader, "kid", [...bytes]), body),
        "ERR_TOKEN_MALFORMED",
      );
    }
    add(
      "shape",
      "a header with a BOM",
      `${b64u(`\ufeff${JSON.stringify(rsaHeader)}`)}.${p}.${s}`,
      "ERR_TOKEN_MALFORMED",
    );
    add("shape", "a header that is a JSON array", signed(raw('["RS256"]'), body), "ERR_TOKEN_MALFORMED");
    add("shape", "a header that is a JSON string", signed("RS256", body), "ERR_TOKEN_MALFORMED");
    add("shape", "a header that is a JSON number", signed(7, body), "ERR_TOKEN_MALFORMED");
    add("shape", "a header that is null", signed(null, body), "ERR_TOKEN_MALFORMED");
    add("shape", "a payload that is not JSON", signed(rsaHeader, raw("{iss:")), "ERR_TOKEN_MALFORMED");
    add("shape", "a payload that is a JSON array", signed(rsaHeader, [body]), "ERR_TOKEN_MALFORMED");
    add(
      "shape",
      "a payload that is a JSON string",
      signed(rsaHeader, JSON.stringify(body)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "shape",
      "a payload that is a nested JWT",
      signed({ ...rsaHeader, cty: "JWT" }, raw(real)),
      "ERR_TOKEN_MALFORMED",
    );
    add("shape", "a payload that is true", signed(rsaHeader, true), "ERR_TOKEN_MALFORMED");
    add("shape", "an empty payload", signed(rsaHeader, raw("")), "ERR_TOKEN_MALFORMED");

    // --- Duplicate keys and nesting (parser differentials, resource exhaustion) ---------------
    const bodyJson = JSON.stringify(body);
    add(
      "json",
      "a header with a duplicate alg (none, then RS256)",
      signed(raw(`{"alg":"none","kid":"rsa-1","typ":"at+jwt","alg":"RS256"}`), body),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a header with a duplicate kid",
      signed(raw(`{"alg":"RS256","kid":"attacker","typ":"at+jwt","kid":"rsa-1"}`), body),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a header whose duplicate is spelled with an escape (\\u0061lg)",
      signed(raw(`{"alg":"RS256","kid":"rsa-1","\\u0061lg":"RS256"}`), body),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload with a duplicate scope",
      signed(rsaHeader, raw(`${bodyJson.slice(0, -1)},"scope":"admin"}`)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload with a duplicate iss",
      signed(rsaHeader, raw(`{"iss":"https://attacker.example/",${bodyJson.slice(1)}`)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload with a duplicate key inside a nested object",
      signed(rsaHeader, raw(`${bodyJson.slice(0, -1)},"ext":{"roles":["user"],"roles":["admin"]}}`)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload nested 1000 levels deep",
      signed(rsaHeader, raw(`${bodyJson.slice(0, -1)},"deep":${"[".repeat(1000)}${"]".repeat(1000)}}`)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload of nested objects 500 levels deep",
      signed(rsaHeader, raw(`${bodyJson.slice(0, -1)},"deep":${'{"a":'.repeat(500)}1${"}".repeat(500)}}`)),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a header nested 300 levels deep",
      signed(raw(`{"alg":"RS256","kid":"rsa-1","x":${"[".repeat(300)}${"]".repeat(300)}}`), body),
      "ERR_TOKEN_MALFORMED",
    );
    add(
      "json",
      "a payload whose claim hides in __proto__ (no own exp)",
      signed(rsaHeader, rawWith({ ...body, exp: undefined }, { ["__proto__"]: '{"exp":9999999999}' })),
      "ERR_TOKEN_CLAIM_MISSING",
    );

    // --- Size --------------------------------------------------------------------------------
    add("size", "a 100 KB token", good({ pad: "x".repeat(100_000) }), "ERR_TOKEN_TOO_LARGE");
    add(
      "size",
      "a 10 KB token (over maxTokenBytes, under Node's header limit)",
      good({ pad: "x".repeat(7_000) }),
      "ERR_TOKEN_TOO_LARGE",
    );
    add(
      "size",
      "a 16 KB header",
      `${b64u(JSON.stringify({ ...rsaHeader, pad: "x".repeat(12_000) }))}.${p}.${s}`,
      "ERR_TOKEN_TOO_LARGE",
    );
    add("size", "a 16 KB signature", `${h}.${p}.${b64u(randomBytes(12_288))}`, "ERR_TOKEN_TOO_LARGE");

    // --- NumericDates --------------------------------------------------------------------------
    const t = now();
    const dates: Array<[string, string, Json | RawJson, string]> = [
      ["exp", "a numeric string", String(t + 300), "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "an ISO date string", new Date((t + 300) * 1000).toISOString(), "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "negative", -1, "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "huge (1e20)", 1e20, "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "beyond the safe-integer range", 2 ** 53 + 2, "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "1e400 (Infinity when parsed)", raw("1e400"), "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "-1e400 (-Infinity when parsed)", raw("-1e400"), "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "zero", 0, "ERR_TOKEN_EXPIRED"],
      ["exp", "negative zero", raw("-0"), "ERR_TOKEN_EXPIRED"],
      ["exp", "a float in the past", t - 60.5, "ERR_TOKEN_EXPIRED"],
      ["exp", "true", true, "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "null", null, "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "an array", [t + 300], "ERR_TOKEN_CLAIM_INVALID"],
      ["exp", "an object", { $gt: 0 }, "ERR_TOKEN_CLAIM_INVALID"],
      ["nbf", "a numeric string", String(t - 10), "ERR_TOKEN_CLAIM_INVALID"],
      ["nbf", "negative", -5, "ERR_TOKEN_CLAIM_INVALID"],
      ["nbf", "huge (1e20)", 1e20, "ERR_TOKEN_CLAIM_INVALID"],
      ["nbf", "a float an hour ahead", t + 3600.25, "ERR_TOKEN_NOT_YET_VALID"],
      ["iat", "a numeric string", String(t), "ERR_TOKEN_CLAIM_INVALID"],
      ["iat", "negative", -1, "ERR_TOKEN_CLAIM_INVALID"],
      ["iat", "1e400", raw("1e400"), "ERR_TOKEN_CLAIM_INVALID"],
      ["iat", "a day ahead", t + 86400, "ERR_TOKEN_ISSUED_IN_FUTURE"],
    ];
    for (const [name, what, value, code] of dates) {
      const payload =
        value instanceof RawJson
          ? rawWith({ ...body, [name]: undefined }, { [name]: value.text as string })
          : { ...body, [name]: value };
      add("numeric dates", `${name} as ${what}`, signed(rsaHeader, payload), code);
    }
    add("numeric dates", "no exp", good({ exp: undefined }), "ERR_TOKEN_CLAIM_MISSING");

    // --- iss, aud, typ, scope ------------------------------------------------------------------
    const issVariants: Array<[string, Json]> = [
      ["with a trailing slash added or removed", issuer.endsWith("/") ? issuer.slice(0, -1) : `${issuer}/`],
      ["in a different case", issuer.toUpperCase()],
      [
        "with a different scheme",
        issuer.replace(/^https?:/, issuer.startsWith("https:") ? "http:" : "https:"),
      ],
      ["with a suffix", `${issuer}evil`],
      ["with surrounding spaces", ` ${issuer} `],
      ["as an array", [issuer]],
      ["as null", null],
    ];
    for (const [what, iss] of issVariants) add("issuer", `iss ${what}`, good({ iss }), "ERR_TOKEN_ISSUER");
    add("issuer", "no iss", good({ iss: undefined }), "ERR_TOKEN_ISSUER");

    const audVariants: Array<[string, Json, string]> = [
      ["a prefix of ours", audience.slice(0, -1), "ERR_TOKEN_AUDIENCE"],
      ["ours with a suffix", `${audience}.evil.example`, "ERR_TOKEN_AUDIENCE"],
      ["ours with a trailing slash", `${audience}/`, "ERR_TOKEN_AUDIENCE"],
      ["ours in a different case", audience.toUpperCase(), "ERR_TOKEN_AUDIENCE"],
      [
        "a list with a prefix and a suffix of ours",
        [audience.slice(0, -1), `${audience}x`],
        "ERR_TOKEN_AUDIENCE",
      ],
      ["a list of non-strings", [1, true, null], "ERR_TOKEN_AUDIENCE"],
      ["a comma-joined list including ours", `other,${audience}`, "ERR_TOKEN_AUDIENCE"],
      ["a space-joined list including ours", `other ${audience}`, "ERR_TOKEN_AUDIENCE"],
      ["an empty list", [], "ERR_TOKEN_CLAIM_INVALID"],
      ["an object keyed by ours", { [audience]: true }, "ERR_TOKEN_CLAIM_INVALID"],
      ["null", null, "ERR_TOKEN_CLAIM_INVALID"],
    ];
    for (const [what, aud, code] of audVariants) add("audience", `aud as ${what}`, good({ aud }), code);
    add("audience", "no aud", good({ aud: undefined }), "ERR_TOKEN_AUDIENCE");

    add("type", "a DPoP proof (typ dpop+jwt)", good({}, { typ: "dpop+jwt" }), "ERR_TOKEN_TYPE");
    add("type", "a logout token (typ logout+jwt)", good({}, { typ: "logout+jwt" }), "ERR_TOKEN_TYPE");
    add("type", "typ JWE", good({}, { typ: "JWE" }), "ERR_TOKEN_TYPE");
    add("type", "typ as a number", good({}, { typ: 1 }), "ERR_TOKEN_TYPE");

    const scopeVariants: Array<[string, Json, string]> = [
      ["an object", { [REQUIRED_SCOPE]: true }, "ERR_TOKEN_CLAIM_INVALID"],
      ["a number", 1, "ERR_TOKEN_CLAIM_INVALID"],
      ["an array with an object", [REQUIRED_SCOPE, { admin: true }], "ERR_TOKEN_CLAIM_INVALID"],
      ["comma-separated", `${REQUIRED_SCOPE},event.create`, "ERR_INSUFFICIENT_SCOPE"],
      ["tab-separated", `${REQUIRED_SCOPE}\tevent.create`, "ERR_INSUFFICIENT_SCOPE"],
      ["newline-separated", `${REQUIRED_SCOPE}\nevent.create`, "ERR_INSUFFICIENT_SCOPE"],
      ["in a different case", REQUIRED_SCOPE.toUpperCase(), "ERR_INSUFFICIENT_SCOPE"],
      ["a prefix of the required scope", REQUIRED_SCOPE.slice(0, -1), "ERR_INSUFFICIENT_SCOPE"],
      ["the required scope with a suffix", `${REQUIRED_SCOPE}x`, "ERR_INSUFFICIENT_SCOPE"],
      ["the required scope quoted", `"${REQUIRED_SCOPE}"`, "ERR_INSUFFICIENT_SCOPE"],
      ["a wildcard", "*", "ERR_INSUFFICIENT_SCOPE"],
      ["empty", "", "ERR_INSUFFICIENT_SCOPE"],
    ];
    for (const [what, scope, code] of scopeVariants) {
      add("scope", `scope as ${what}`, good({ scope }), code);
    }
    add(
      "scope",
      "scp as an object",
      good({ scope: undefined, scp: { [REQUIRED_SCOPE]: true } }),
      "ERR_TOKEN_CLAIM_INVALID",
    );
    add(
      "scope",
      "the scope only inside __proto__",
      signed(
        rsaHeader,
        rawWith({ ...body, scope: undefined }, { ["__proto__"]: JSON.stringify({ scope: REQUIRED_SCOPE }) }),
      ),
      "ERR_INSUFFICIENT_SCOPE",
    );

    // --- Values that must never reach a response header ------------------------------------
    for (const value of HEADER_INJECTION_VALUES) {
      const shown = JSON.stringify(value);
      add(
        "header injection",
        `sub ${shown} on an expired token`,
        good({ sub: value, exp: now() - 600 }),
        "ERR_TOKEN_EXPIRED",
      );
      add("header injection", `scope ${shown}`, good({ scope: value }), "ERR_INSUFFICIENT_SCOPE");
      add("header injection", `kid ${shown}`, good({}, { kid: value }), "ERR_TOKEN_KEY_NOT_FOUND");
      add("header injection", `iss ${shown}`, good({ iss: value }), "ERR_TOKEN_ISSUER");
      add("header injection", `aud ${shown}`, good({ aud: value }), "ERR_TOKEN_AUDIENCE");
      add("header injection", `typ ${shown}`, good({}, { typ: value }), "ERR_TOKEN_TYPE");
    }

    return list;
  }

  return {
    issuer,
    audience,
    keys,
    jwks: () => ({ keys: [keys.rsa.jwk, keys.ec.jwk, keys.ed.jwk] }),
    claims,
    good,
    signed,
    cases,
  };
}

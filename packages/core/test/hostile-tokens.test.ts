import { generateKeyPairSync, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type BearerError,
  createVerifier,
  ERROR_CODES,
  type FetchLike,
  isBearerError,
  toErrorResponse,
  type Verifier,
  type VerifierOptions,
} from "../src/index.js";
import {
  compact,
  createHostileKit,
  HEADER_INJECTION_VALUES,
  hmacSigner,
  REQUIRED_SCOPE,
  selfSignedCertificate,
  signerFor,
} from "./support/hostile.js";

const issuer = "https://issuer.example.com/";
const audience = "https://api.example.com";
const jwksUri = "https://issuer.example.com/jwks";

const kit = createHostileKit({ issuer, audience });
const cases = kit.cases();

/** An in-memory authorization server that records every URL it is asked for. */
function serve(jwks: () => unknown) {
  const fetched: string[] = [];
  const fetch: FetchLike = async (input) => {
    fetched.push(String(input));
    return new Response(JSON.stringify(jwks()), { headers: { "content-type": "application/json" } });
  };
  return { fetch, fetched };
}

function verifierFor(jwks: () => unknown = kit.jwks, options: Partial<VerifierOptions> = {}) {
  const server = serve(jwks);
  const verifier = createVerifier({ issuer, audience, jwksUri, fetch: server.fetch, ...options });
  return { verifier, fetched: server.fetched };
}

/** Verifies and applies the route's scope requirement; returns the error (or the token). */
async function attempt(verifier: Verifier, token: string): Promise<unknown> {
  try {
    const verified = await verifier.verify(token);
    verifier.requireScopes(verified, { allOf: [REQUIRED_SCOPE] });
    return verified;
  } catch (error) {
    return error;
  }
}

/** The RFC 6750 answer every failure must carry, byte for byte. */
function expectRfc6750(error: BearerError, token: string): void {
  const { status, headers, body } = toErrorResponse(error);
  const entry = ERROR_CODES[error.code];
  expect(status).toBe(entry.status);
  expect(body).toEqual({ error: entry.error, error_description: entry.description });
  const scope = error.code === "ERR_INSUFFICIENT_SCOPE" ? `, scope="${REQUIRED_SCOPE}"` : "";
  expect(headers["WWW-Authenticate"]).toBe(
    `Bearer realm="api", error="${entry.error}", error_description="${entry.description}"${scope}`,
  );
  for (const value of Object.values(headers)) {
    expect(value).toMatch(/^[\x20-\x7e]*$/);
    for (const injected of HEADER_INJECTION_VALUES) expect(value).not.toContain(injected);
  }
  const shown = JSON.stringify({ message: error.message, json: error.toJSON(), headers });
  for (const part of token.split(".")) if (part.length >= 8) expect(shown).not.toContain(part);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

describe("hostile tokens through createVerifier", () => {
  const { verifier, fetched } = verifierFor();

  it("accepts the authority's own good tokens (the table's control)", async () => {
    for (const [alg, kid] of [
      ["RS256", "rsa-1"],
      ["ES256", "ec-1"],
      ["EdDSA", "ed-1"],
    ] as const) {
      const token = await attempt(verifier, kit.good({}, { alg, kid }));
      expect(isBearerError(token), `${alg} good token`).toBe(false);
    }
    const noKid = await attempt(verifier, kit.good({}, { kid: undefined }));
    expect(isBearerError(noKid)).toBe(false);
  });

  it("accepts fractional NumericDates (RFC 7519 §2) within their window", async () => {
    const now = Date.now() / 1000;
    const token = await attempt(verifier, kit.good({ iat: now - 0.5, nbf: now - 1.25, exp: now + 60.75 }));
    expect(isBearerError(token)).toBe(false);
  });

  it.each([1e13, 2 ** 53 - 1])(
    "rejects an exp of %d, signed by the authority, that no Date can hold (expiresAt would be Invalid Date)",
    async (exp) => {
      const outcome = await attempt(verifier, kit.good({ exp }));
      expect(isBearerError(outcome), "accepted with expiresAt = Invalid Date").toBe(true);
      expect((outcome as BearerError).code).toBe("ERR_TOKEN_CLAIM_INVALID");
    },
  );

  it("accepts an exp at the very end of the Date range", async () => {
    const outcome = await attempt(verifier, kit.good({ exp: 8.64e12 }));
    expect(isBearerError(outcome)).toBe(false);
    expect((outcome as { expiresAt: Date }).expiresAt.getTime()).toBe(8.64e15);
  });

  it.each(cases)("$group: rejects $title with $code", async ({ token, code, status, error }) => {
    const outcome = await attempt(verifier, token);
    expect(isBearerError(outcome), "must be rejected with a scopegate error").toBe(true);
    const err = outcome as BearerError;
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.error).toBe(error);
    expectRfc6750(err, token);
  });

  it("never fetches a URL a token names (jku, x5u, iss): only the configured JWKS", () => {
    expect(fetched.length).toBeGreaterThan(0);
    expect(new Set(fetched)).toEqual(new Set([jwksUri]));
  });
});

describe("hostile keys and key sets", () => {
  it("fetches nothing for a token whose issuer is not configured", async () => {
    const { verifier, fetched } = verifierFor();
    const err = await attempt(verifier, kit.good({ iss: "https://attacker.example/" }));
    expect((err as BearerError).code).toBe("ERR_TOKEN_ISSUER");
    expect(fetched).toEqual([]);
  });

  it("lets a key without alg verify only the algorithms in the allow-list", async () => {
    const { alg: _alg, ...bare } = kit.keys.rsa.jwk;
    const pinned = verifierFor(() => ({ keys: [bare] }), { algorithms: ["RS256"] }).verifier;
    const ps256 = kit.good({}, { alg: "PS256" });
    expect(((await attempt(pinned, ps256)) as BearerError).code).toBe("ERR_TOKEN_ALGORITHM");
    expect(isBearerError(await attempt(pinned, kit.good()))).toBe(false);
  });

  it("rejects a token whose kid names a symmetric (oct) key in the JWKS", async () => {
    const secret = randomBytes(32);
    const oct = { kty: "oct", k: secret.toString("base64url"), kid: "shared", alg: "HS256" };
    const { verifier } = verifierFor(() => ({ keys: [oct, kit.keys.rsa.jwk] }));
    const body = kit.claims();
    const hs = compact({ alg: "HS256", kid: "shared" }, body, hmacSigner("HS256", secret));
    const rs = compact({ alg: "RS256", kid: "shared" }, body, signerFor("RS256", kit.keys.rsa.privateKey));
    expect(((await attempt(verifier, hs)) as BearerError).code).toBe("ERR_TOKEN_ALGORITHM");
    expect(((await attempt(verifier, rs)) as BearerError).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("never uses a private key published in the JWKS by mistake", async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const leaked = { ...pair.privateKey.export({ format: "jwk" }), kid: "leaky", alg: "RS256" };
    const { verifier } = verifierFor(() => ({ keys: [leaked, kit.keys.ec.jwk] }));
    const token = compact(
      { alg: "RS256", kid: "leaky", typ: "at+jwt" },
      kit.claims(),
      signerFor("RS256", pair.privateKey),
    );
    const err = (await attempt(verifier, token)) as BearerError;
    expect(err.code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    expect(err.status).toBe(401);
  });

  it.each([
    ["use: enc", { use: "enc" }],
    ["key_ops without verify", { key_ops: ["encrypt"] }],
    ["key_ops that is not an array", { key_ops: "verify" }],
  ])("does not verify signatures with a key marked %s", async (_title, marks) => {
    const { verifier } = verifierFor(() => ({ keys: [{ ...kit.keys.rsa.jwk, ...marks }, kit.keys.ec.jwk] }));
    const err = (await attempt(verifier, kit.good())) as BearerError;
    expect(err.code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("rejects a token without kid when several keys could verify it", async () => {
    const second = { ...kit.keys.rsa.jwk, kid: "rsa-2" };
    const { verifier } = verifierFor(() => ({ keys: [kit.keys.rsa.jwk, second] }));
    const err = (await attempt(verifier, kit.good({}, { kid: undefined }))) as BearerError;
    expect(err.code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("rejects a token signed by a 1024-bit RSA key the JWKS publishes", async () => {
    const weak = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = { ...weak.publicKey.export({ format: "jwk" }), kid: "weak", alg: "RS256", use: "sig" };
    const { verifier } = verifierFor(() => ({ keys: [jwk] }));
    const token = compact(
      { alg: "RS256", kid: "weak", typ: "at+jwt" },
      kit.claims(),
      signerFor("RS256", weak.privateKey),
    );
    const err = (await attempt(verifier, token)) as BearerError;
    expect(isBearerError(err)).toBe(true);
    expect(err.status).toBe(401);
    expect(["ERR_TOKEN_SIGNATURE", "ERR_TOKEN_KEY_NOT_FOUND"]).toContain(err.code);
  });

  it("builds the x5c attack with a certificate Node itself accepts", async () => {
    const { X509Certificate } = await import("node:crypto");
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const cert = new X509Certificate(selfSignedCertificate(pair.publicKey, pair.privateKey, "issuer"));
    expect(cert.verify(pair.publicKey)).toBe(true);
    expect(cert.subject).toBe("CN=issuer");
  });
});

describe("several issuers", () => {
  const other = createHostileKit({ issuer: "https://other.example.com/", audience });
  const jwksOf: Record<string, unknown> = {
    "https://issuer.example.com/jwks": { keys: [kit.keys.rsa.jwk, kit.keys.ec.jwk] },
    "https://other.example.com/jwks": {
      keys: [{ ...other.keys.rsa.jwk, kid: "other-1" }, other.keys.ec.jwk],
    },
  };
  const fetch: FetchLike = async (input) =>
    new Response(JSON.stringify(jwksOf[String(input)] ?? { keys: [] }), {
      headers: { "content-type": "application/json" },
    });
  const verifier = createVerifier({
    issuer: [issuer, "https://other.example.com/"],
    audience,
    jwksUri: { [issuer]: jwksUri, "https://other.example.com/": "https://other.example.com/jwks" },
    fetch,
  });

  it("accepts each issuer's own tokens", async () => {
    expect(isBearerError(await attempt(verifier, kit.good()))).toBe(false);
    const theirs = other.good({}, { kid: "other-1" });
    expect(isBearerError(await attempt(verifier, theirs))).toBe(false);
  });

  it("never verifies one issuer's token with another issuer's key (kid from the other JWKS)", async () => {
    // iss says issuer A; kid and signature are issuer B's.
    const token = compact(
      { alg: "RS256", kid: "other-1", typ: "at+jwt" },
      kit.claims(),
      signerFor("RS256", other.keys.rsa.privateKey),
    );
    expect(((await attempt(verifier, token)) as BearerError).code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
  });

  it("never verifies one issuer's token with another issuer's key under a kid both use", async () => {
    // Both publish an ES256 key "ec-1": issuer A's name, issuer B's key.
    const token = compact(
      { alg: "ES256", kid: "ec-1", typ: "at+jwt" },
      kit.claims(),
      signerFor("ES256", other.keys.ec.privateKey),
    );
    expect(((await attempt(verifier, token)) as BearerError).code).toBe("ERR_TOKEN_SIGNATURE");
    // And the other way round: issuer B's name for the token, issuer A's key.
    const reverse = compact(
      { alg: "ES256", kid: "ec-1", typ: "at+jwt" },
      other.claims(),
      signerFor("ES256", kit.keys.ec.privateKey),
    );
    expect(((await attempt(verifier, reverse)) as BearerError).code).toBe("ERR_TOKEN_SIGNATURE");
  });
});

describe("claim values never reach a response", () => {
  it.each(HEADER_INJECTION_VALUES)(
    "keeps %j out of the headers of a 401 raised by a validator",
    async (value) => {
      const { verifier } = verifierFor(kit.jwks, {
        validators: [
          (claims) => {
            throw new Error(`rejected ${String(claims.sub)}`);
          },
        ],
      });
      const token = kit.good({ sub: value });
      const err = (await attempt(verifier, token)) as BearerError;
      expect(err.code).toBe("ERR_TOKEN_REJECTED");
      expectRfc6750(err, token);
      expect(err.message).not.toContain(value);
    },
  );
});

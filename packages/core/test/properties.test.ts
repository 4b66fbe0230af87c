import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  DEFAULT_ALGORITHMS,
  extractBearerToken,
  type FetchLike,
  isBearerError,
  parseAuthorizationHeader,
  type VerifiedToken,
} from "../src/index.js";
import { decodeToken, MAX_JSON_DEPTH } from "../src/token/token-format.js";
import { createHostileKit, segment } from "./support/hostile.js";

/**
 * Property-based fuzzing of everything an attacker controls: the request (headers, query, body) and
 * the token's bytes. Runs are kept modest so the suite stays fast; a failure prints its seed and
 * counterexample, and `fc.assert(..., { seed, path })` replays it.
 */

const issuer = "https://issuer.example.com/";
const audience = "https://api.example.com";
const kit = createHostileKit({ issuer, audience });
const fetch: FetchLike = async () =>
  new Response(JSON.stringify(kit.jwks()), { headers: { "content-type": "application/json" } });
const verifier = createVerifier({ issuer, audience, jwksUri: "https://issuer.example.com/jwks", fetch });

/** Generous ceiling for one `verify` of any input (keys are cached; no network is involved). */
const VERIFY_BOUND_MS = 1_000;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  await verifier.warm();
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});

/** Runs `fn`; returns what it threw, asserting it is a scopegate error with an allowed status. */
function typedError(fn: () => unknown, statuses: readonly number[]): unknown {
  try {
    return fn();
  } catch (error) {
    if (!isBearerError(error)) throw error;
    expect(statuses).toContain(error.status);
    return error;
  }
}

/** Verifies within the bound; resolves to the token or the (scopegate) error. */
async function timedVerify(token: string): Promise<VerifiedToken | { code: string; status: number }> {
  const started = performance.now();
  const outcome = await verifier.verify(token).catch((error: unknown) => {
    if (!isBearerError(error)) throw error;
    return error;
  });
  expect(performance.now() - started).toBeLessThan(VERIFY_BOUND_MS);
  return outcome;
}

const headerValue = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    "bearer\t",
    "Basic Zm9v",
    "Bearer a, Bearer b",
    "Bearer ,",
    "Bearer ===",
  ),
  fc
    .tuple(
      fc.constantFrom(
        "Bearer",
        "bearer",
        "BEARER",
        "Bearer  ",
        "Bearer\t",
        "Bearer,",
        "DPoP",
        "Bearer\u00a0",
      ),
      fc.stringMatching(/^[A-Za-z0-9\-._~+/=, "\\\r\n\t]{0,60}$/),
    )
    .map(([scheme, token]) => `${scheme} ${token}`),
);

describe("bearer parsing properties", () => {
  it("parseAuthorizationHeader returns a b64token, nothing, or a 400 scopegate error", () => {
    fc.assert(
      fc.property(headerValue, (value) => {
        const result = typedError(() => parseAuthorizationHeader(value), [400]);
        if (typeof result === "string") expect(result).toMatch(B64TOKEN);
        else if (!isBearerError(result)) expect(result).toBeUndefined();
      }),
      { numRuns: 2_000 },
    );
  });

  it("extractBearerToken throws only scopegate errors for any request shape", () => {
    const headerName = fc.constantFrom(
      "authorization",
      "Authorization",
      "AUTHORIZATION",
      "content-type",
      "x-other",
    );
    const headers = fc.dictionary(
      headerName,
      fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 }), fc.constant(undefined)),
      { maxKeys: 4 },
    );
    const request = fc.record(
      {
        headers,
        method: fc.constantFrom("GET", "POST", "PUT", "head", ""),
        query: fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("access_token", "x"), fc.anything())),
        body: fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("access_token", "y"), fc.anything())),
        rawHeaders: fc.array(fc.oneof(headerName, headerValue), { maxLength: 6 }),
      },
      { requiredKeys: ["headers"] },
    );
    const options = fc.record({ allowQueryToken: fc.boolean(), allowBodyToken: fc.boolean() });
    fc.assert(
      fc.property(request, options, (req, opts) => {
        const result = typedError(() => extractBearerToken(req as never, opts), [400, 401]);
        if (!isBearerError(result)) expect(result).toMatch(B64TOKEN);
      }),
      { numRuns: 2_000 },
    );
  });

  it("authenticate rejects any garbage request with a scopegate error, within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(headerValue, async (value) => {
        const started = performance.now();
        const error = await verifier.authenticate({ authorization: value }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(performance.now() - started).toBeLessThan(VERIFY_BOUND_MS);
        expect(isBearerError(error)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("token mutation properties", () => {
  const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const goods = [
    kit.good(),
    kit.good({}, { alg: "ES256", kid: "ec-1" }),
    kit.good({}, { alg: "EdDSA", kid: "ed-1" }),
  ];
  const anyChar = fc.oneof(
    fc.constantFrom(...BASE64URL.split("")),
    // "\u0141" and "\u012d": UTF-16 characters whose low byte is of the alphabet ("A", "-").
    fc.constantFrom(".", "=", "+", "/", " ", "%", "\u0000", "é", "\ud83d", "\u0141", "\u012d"),
  );
  type Mutation = (token: string) => string;
  const at = (token: string, i: number) => i % Math.max(1, token.length);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.tuple(fc.nat(), anyChar).map(
      ([i, c]): Mutation =>
        (t) =>
          t.slice(0, at(t, i)) + c + t.slice(at(t, i) + 1),
    ),
    fc.tuple(fc.nat(), anyChar).map(
      ([i, c]): Mutation =>
        (t) =>
          t.slice(0, at(t, i)) + c + t.slice(at(t, i)),
    ),
    fc.nat().map(
      (i): Mutation =>
        (t) =>
          t.slice(0, at(t, i)) + t.slice(at(t, i) + 1),
    ),
    fc.nat().map(
      (i): Mutation =>
        (t) =>
          t.slice(0, at(t, i)),
    ),
    fc.tuple(fc.nat(), fc.nat()).map(
      ([i, j]): Mutation =>
        (t) => {
          const chars = t.split("");
          const a = at(t, i);
          const b = at(t, j);
          [chars[a], chars[b]] = [chars[b]!, chars[a]!];
          return chars.join("");
        },
    ),
    // Flip one bit of one decoded segment and re-encode it canonically.
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.integer({ min: 0, max: 7 })).map(
      ([part, i, bit]): Mutation =>
        (t) => {
          const parts = t.split(".");
          const bytes = Buffer.from(parts[part] ?? "", "base64url");
          if (bytes.length === 0) return t;
          bytes[i % bytes.length]! ^= 1 << bit;
          parts[part] = bytes.toString("base64url");
          return parts.join(".");
        },
    ),
    // Swap or repeat whole segments.
    fc.constantFrom<Mutation>(
      (t) => t.split(".").reverse().join("."),
      (t) => {
        const [h, p, s] = t.split(".");
        return `${p}.${h}.${s}`;
      },
      (t) => `${t}.${t.split(".")[2]}`,
      (t) => t.split(".").slice(0, 2).join("."),
      (t) => `${t}.`,
      (t) => `.${t}`,
    ),
  );

  it("rejects every mutation of a valid token's bytes, or decodes it to exactly the same claims", async () => {
    const originals = new Map<string, VerifiedToken>();
    for (const token of goods) originals.set(token, await verifier.verify(token));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...goods),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (token, mutations) => {
          const mutated = mutations.reduce((t, m) => m(t), token);
          const outcome = await timedVerify(mutated);
          if (isBearerError(outcome)) {
            expect(outcome.status).toBe(401);
            return;
          }
          const original = originals.get(token)!;
          const accepted = outcome as VerifiedToken;
          expect(accepted.claims).toEqual(original.claims);
          expect(accepted.header).toEqual(original.header);
          expect(accepted.scopes).toEqual(original.scopes);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("rejects structurally valid tokens with arbitrary JSON and signatures, within the bound", async () => {
    const header = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        alg: fc.constantFrom("RS256", "ES256", "EdDSA", "PS256", "none", "HS256"),
        kid: fc.oneof(fc.constantFrom("rsa-1", "ec-1", "ed-1"), fc.string()),
        typ: fc.constantFrom("at+jwt", "JWT", undefined),
      }),
    );
    const payload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        iss: fc.constantFrom(issuer, "https://attacker.example/"),
        aud: fc.oneof(fc.constant(audience), fc.jsonValue({ maxDepth: 1 })),
        exp: fc.oneof(fc.integer(), fc.double(), fc.string()),
        scope: fc.jsonValue({ maxDepth: 1 }),
      }),
    );
    const signature = fc
      .uint8Array({ maxLength: 600 })
      .map((b) => Buffer.from(b).toString("base64url") || "AA");
    await fc.assert(
      fc.asyncProperty(header, payload, signature, async (h, p, s) => {
        const outcome = await timedVerify(`${segment(h as never)}.${segment(p as never)}.${s}`);
        expect(isBearerError(outcome)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects arbitrary strings, including long ones, within the bound", async () => {
    const input = fc.oneof(
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{0,40}(\.[A-Za-z0-9_-]{0,40}){0,5}$/),
      fc.integer({ min: 8_000, max: 20_000 }).map((n) => "eyJ".padEnd(n, "A")),
    );
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        expect(isBearerError(await timedVerify(value))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("JSON strictness properties (duplicate member names, nesting)", () => {
  const decodePayload = (text: string) => {
    const token = `${segment({ alg: "RS256" })}.${Buffer.from(text, "utf8").toString("base64url")}.c2ln`;
    try {
      return decodeToken(token, DEFAULT_ALGORITHMS, 1_000_000).claims;
    } catch (error) {
      if (!isBearerError(error)) throw error;
      return error.code;
    }
  };
  /** A serializer with configurable spacing around colons (JSON.stringify cannot put one before). */
  const serialize = (value: unknown, space: string): string => {
    if (Array.isArray(value)) return `[${value.map((v) => serialize(v, space)).join(",")}]`;
    if (typeof value === "object" && value !== null) {
      const members = Object.keys(value).map(
        (k) =>
          `${JSON.stringify(k)}${space}:${space}${serialize((value as Record<string, unknown>)[k], space)}`,
      );
      return `{${members.join(`,${space}`)}}`;
    }
    return JSON.stringify(value);
  };
  /** Spells a member name with \uXXXX escapes only: the same name to JSON.parse, different bytes. */
  const escaped = (name: string) =>
    `"${[...Array(name.length).keys()].map((i) => `\\u${name.charCodeAt(i).toString(16).padStart(4, "0")}`).join("")}"`;

  const key = fc.oneof(
    fc.string({ unit: "binary", maxLength: 8 }),
    fc.constantFrom("alg", "scope", '"', "\\", ":", '":', '\\":', "__proto__", "a b", ""),
  );
  const object = fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }), { minKeys: 1, maxKeys: 8 });
  const spacing = fc.constantFrom("", " ", "\t", "\n ", "\r\n");

  /** Whether some member name, at any depth, is one character that JSON spells with an escape. */
  const hasOneEscapedCharacterName = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(hasOneEscapedCharacterName);
    if (typeof value !== "object" || value === null) return false;
    return Object.entries(value).some(
      ([name, member]) =>
        (name.length === 1 && JSON.stringify(name).length > 3) || hasOneEscapedCharacterName(member),
    );
  };

  it("accepts every JSON object without duplicate names, however it is spaced (refusing one-escaped-character names)", () => {
    fc.assert(
      fc.property(object, spacing, (value, space) => {
        const text = serialize(value, space);
        const expected = hasOneEscapedCharacterName(value) ? "ERR_TOKEN_MALFORMED" : JSON.parse(text);
        expect(decodePayload(text)).toEqual(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it("rejects every JSON object with a repeated member name, however it is spelled or spaced", () => {
    fc.assert(
      fc.property(
        object,
        spacing,
        fc.boolean(),
        fc.jsonValue({ maxDepth: 2 }),
        (value, space, useEscapes, again) => {
          const names = Object.keys(value);
          const name = names[names.length - 1]!;
          const text = serialize(value, space);
          const repeat = `${useEscapes ? escaped(name) : JSON.stringify(name)}${space}:${space}${JSON.stringify(again)}`;
          const duplicated = `${text.slice(0, -1)},${repeat}}`;
          expect(decodePayload(duplicated)).toBe("ERR_TOKEN_MALFORMED");
          const nested = `{"outer":[1,${duplicated}]}`;
          expect(decodePayload(nested)).toBe("ERR_TOKEN_MALFORMED");
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels and rejects anything deeper`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.boolean(), (depth, arrays) => {
        // The payload object itself is level 1.
        const inner = arrays
          ? `${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}`
          : `${'{"a":'.repeat(depth - 1)}0${"}".repeat(depth - 1)}`;
        const text = depth === 1 ? '{"x":0}' : `{"x":${inner}}`;
        const result = decodePayload(text);
        if (depth <= MAX_JSON_DEPTH) expect(result).toEqual(JSON.parse(text));
        else expect(result).toBe("ERR_TOKEN_MALFORMED");
      }),
      { numRuns: 300 },
    );
  });
});

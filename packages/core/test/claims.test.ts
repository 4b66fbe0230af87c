import { describe, expect, it } from "vitest";
import { checkClaims, checkClaimTimes, checkTokenType, isBearerError, type JwtClaims } from "../src/index.js";
import type { ClaimCheckOptions } from "../src/token/claims.js";

const NOW = 1_800_000_000;
const base: ClaimCheckOptions = {
  issuers: ["https://issuer.example.com/"],
  audiences: ["https://api.example.com"],
  clockToleranceSec: 5,
  maxTokenAgeSec: null,
  tokenType: "lenient",
  requiredClaims: [],
  scopeClaims: ["scope", "scp"],
  allowedClientIds: null,
  clientIdClaims: ["client_id", "azp"],
};
const good: JwtClaims = {
  iss: "https://issuer.example.com/",
  aud: "https://api.example.com",
  sub: "task-service",
  client_id: "task-service",
  iat: NOW - 10,
  exp: NOW + 300,
  jti: "j1",
};

function codeOf(claims: JwtClaims, options: Partial<ClaimCheckOptions> = {}, now = NOW): string | undefined {
  try {
    checkClaims(claims, { ...base, ...options }, now);
  } catch (error) {
    if (!isBearerError(error)) throw error;
    expect(error.status).toBe(401);
    expect(error.error).toBe("invalid_token");
    return error.code;
  }
  return undefined;
}

describe("checkClaims", () => {
  it("accepts a token whose claims all pass", () => {
    expect(codeOf(good)).toBeUndefined();
  });

  it("requires exp", () => {
    const { exp: _exp, ...rest } = good;
    expect(codeOf(rest)).toBe("ERR_TOKEN_CLAIM_MISSING");
  });

  it("rejects an expired token, honouring the clock tolerance", () => {
    expect(codeOf({ ...good, exp: NOW - 6 })).toBe("ERR_TOKEN_EXPIRED");
    expect(codeOf({ ...good, exp: NOW - 5 })).toBe("ERR_TOKEN_EXPIRED");
    expect(codeOf({ ...good, exp: NOW - 4 })).toBeUndefined();
    expect(codeOf({ ...good, exp: NOW - 4 }, { clockToleranceSec: 0 })).toBe("ERR_TOKEN_EXPIRED");
  });

  it("rejects a token not yet valid (nbf) beyond the tolerance", () => {
    expect(codeOf({ ...good, nbf: NOW + 6 })).toBe("ERR_TOKEN_NOT_YET_VALID");
    expect(codeOf({ ...good, nbf: NOW + 5 })).toBeUndefined();
  });

  it("rejects a token issued in the future (iat) beyond the tolerance", () => {
    expect(codeOf({ ...good, iat: NOW + 60 })).toBe("ERR_TOKEN_ISSUED_IN_FUTURE");
  });

  it("enforces maxTokenAgeSec and then requires iat", () => {
    expect(codeOf({ ...good, iat: NOW - 100 }, { maxTokenAgeSec: 60 })).toBe("ERR_TOKEN_TOO_OLD");
    expect(codeOf({ ...good, iat: NOW - 30 }, { maxTokenAgeSec: 60 })).toBeUndefined();
    const { iat: _iat, ...noIat } = good;
    expect(codeOf(noIat, { maxTokenAgeSec: 60 })).toBe("ERR_TOKEN_CLAIM_MISSING");
  });

  it.each([
    ["a string", "1800000300"],
    ["a negative number", -1],
    ["a number beyond what a Date can hold", 8.64e12 + 1],
    ["an object", { n: 1 }],
  ])("rejects exp given as %s", (_title, exp) => {
    expect(codeOf({ ...good, exp: exp as number })).toBe("ERR_TOKEN_CLAIM_INVALID");
  });

  it("accepts fractional NumericDates", () => {
    expect(codeOf({ ...good, exp: NOW + 0.5 + 300 })).toBeUndefined();
  });

  it("compares iss exactly: no trailing-slash or case folding", () => {
    expect(codeOf({ ...good, iss: "https://issuer.example.com" })).toBe("ERR_TOKEN_ISSUER");
    expect(codeOf({ ...good, iss: "https://ISSUER.example.com/" })).toBe("ERR_TOKEN_ISSUER");
    expect(codeOf({ ...good, iss: undefined })).toBe("ERR_TOKEN_ISSUER");
  });

  it("accepts any one listed audience and nothing that merely contains ours", () => {
    expect(codeOf({ ...good, aud: ["other", "https://api.example.com"] })).toBeUndefined();
    expect(codeOf({ ...good, aud: "https://api.example.com/extra" })).toBe("ERR_TOKEN_AUDIENCE");
    expect(codeOf({ ...good, aud: "https://api.example" })).toBe("ERR_TOKEN_AUDIENCE");
    expect(codeOf({ ...good, aud: undefined })).toBe("ERR_TOKEN_AUDIENCE");
    expect(codeOf({ ...good, aud: [] })).toBe("ERR_TOKEN_CLAIM_INVALID");
    expect(codeOf({ ...good, aud: undefined }, { audiences: null })).toBeUndefined();
  });

  it("rejects registered string claims of the wrong type", () => {
    expect(codeOf({ ...good, sub: 42 as unknown as string })).toBe("ERR_TOKEN_CLAIM_INVALID");
    expect(codeOf({ ...good, client_id: ["a"] as unknown as string })).toBe("ERR_TOKEN_CLAIM_INVALID");
  });

  it("rejects scope claims that are neither strings nor arrays of strings", () => {
    expect(codeOf({ ...good, scope: { a: 1 } as unknown as string })).toBe("ERR_TOKEN_CLAIM_INVALID");
    expect(codeOf({ ...good, scp: ["a", 1] as unknown as string[] })).toBe("ERR_TOKEN_CLAIM_INVALID");
    expect(codeOf({ ...good, scope: "a,b" })).toBeUndefined();
  });

  it("requires RFC 9068 claims in strict mode", () => {
    const { jti: _jti, ...noJti } = good;
    expect(codeOf(noJti, { tokenType: "strict" })).toBe("ERR_TOKEN_CLAIM_MISSING");
    expect(codeOf(good, { tokenType: "strict" })).toBeUndefined();
  });

  it("requires configured claims", () => {
    expect(codeOf(good, { requiredClaims: ["tenant"] })).toBe("ERR_TOKEN_CLAIM_MISSING");
  });

  it("enforces the allowed calling clients from client_id, else azp", () => {
    const allowed = new Set(["task-service"]);
    expect(codeOf(good, { allowedClientIds: allowed })).toBeUndefined();
    expect(codeOf({ ...good, client_id: "other" }, { allowedClientIds: allowed })).toBe("ERR_TOKEN_CLIENT");
    const { client_id: _c, ...noClient } = good;
    expect(codeOf({ ...noClient, azp: "task-service" }, { allowedClientIds: allowed })).toBeUndefined();
    expect(codeOf(noClient, { allowedClientIds: allowed })).toBe("ERR_TOKEN_CLIENT");
  });

  it("reads the client from the configured clientIdClaims, in order", () => {
    const allowed = new Set(["0oa1"]);
    const okta = { ...good, client_id: undefined, cid: "0oa1" };
    expect(codeOf(okta, { allowedClientIds: allowed, clientIdClaims: ["cid"] })).toBeUndefined();
    expect(codeOf(okta, { allowedClientIds: allowed })).toBe("ERR_TOKEN_CLIENT");
    expect(codeOf({ ...okta, cid: 7 }, { clientIdClaims: ["cid"] })).toBe("ERR_TOKEN_CLAIM_INVALID");
  });
});

describe("checkClaimTimes", () => {
  function timeCodeOf(claims: JwtClaims, options: Partial<ClaimCheckOptions> = {}, now = NOW) {
    try {
      checkClaimTimes(claims, { ...base, ...options }, now);
    } catch (error) {
      if (!isBearerError(error)) throw error;
      return error.code;
    }
    return undefined;
  }

  it("gives checkClaims' verdict on every clock check, at every moment around the edges", () => {
    const cases: [JwtClaims, Partial<ClaimCheckOptions>][] = [
      [good, {}],
      [{ ...good, nbf: NOW + 100 }, {}],
      [{ ...good, iat: NOW + 100 }, {}],
      [{ ...good, exp: NOW + 0.5 }, {}],
      [good, { maxTokenAgeSec: 60 }],
      [good, { clockToleranceSec: 0 }],
    ];
    for (const [claims, options] of cases) {
      for (const now of [
        NOW - 200,
        NOW - 6,
        NOW,
        NOW + 5,
        NOW + 55,
        NOW + 60,
        NOW + 296,
        NOW + 305,
        NOW + 1_000,
      ]) {
        expect(timeCodeOf(claims, options, now)).toBe(codeOf(claims, options, now));
      }
    }
    expect(timeCodeOf(good, {}, NOW + 1_000)).toBe("ERR_TOKEN_EXPIRED");
    expect(timeCodeOf({ ...good, nbf: NOW + 100 }, {}, NOW)).toBe("ERR_TOKEN_NOT_YET_VALID");
    expect(timeCodeOf(good, { maxTokenAgeSec: 60 }, NOW + 100)).toBe("ERR_TOKEN_TOO_OLD");
  });

  it("refuses claims without exp, or without iat under maxTokenAgeSec, as checkClaims does", () => {
    const { exp: _exp, ...noExp } = good;
    const { iat: _iat, ...noIat } = good;
    expect(timeCodeOf(noExp)).toBe("ERR_TOKEN_CLAIM_MISSING");
    expect(timeCodeOf(noIat, { maxTokenAgeSec: 60 })).toBe("ERR_TOKEN_CLAIM_MISSING");
  });

  it("leaves the claims the clock cannot change alone (they passed checkClaims when first verified)", () => {
    const other = { ...good, iss: "https://other.example/", aud: "https://other.example" };
    expect(codeOf(other)).toBe("ERR_TOKEN_ISSUER");
    expect(timeCodeOf(other)).toBeUndefined();
  });
});

describe("checkTokenType", () => {
  const typeCode = (typ: unknown, mode: "lenient" | "strict") => {
    try {
      checkTokenType({ alg: "RS256", ...(typ === undefined ? {} : { typ: typ as string }) }, mode);
    } catch (error) {
      if (!isBearerError(error)) throw error;
      return error.code;
    }
    return undefined;
  };

  it("accepts at+jwt, application/at+jwt, JWT or no typ in lenient mode", () => {
    for (const typ of ["at+jwt", "application/at+jwt", "JWT", "jwt", "AT+JWT", undefined]) {
      expect(typeCode(typ, "lenient")).toBeUndefined();
    }
    expect(typeCode("id+jwt", "lenient")).toBe("ERR_TOKEN_TYPE");
    expect(typeCode("JWE", "lenient")).toBe("ERR_TOKEN_TYPE");
  });

  it("accepts only at+jwt in strict RFC 9068 mode", () => {
    expect(typeCode("at+jwt", "strict")).toBeUndefined();
    expect(typeCode("application/at+jwt", "strict")).toBeUndefined();
    expect(typeCode("JWT", "strict")).toBe("ERR_TOKEN_TYPE");
    expect(typeCode(undefined, "strict")).toBe("ERR_TOKEN_TYPE");
  });
});

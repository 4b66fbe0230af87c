import { describe, expect, it } from "vitest";
import {
  BearerError,
  CredentialsRequiredError,
  ERROR_CODES,
  formatChallenge,
  InvalidRequestError,
  InvalidTokenError,
  isBearerError,
  JwksUnavailableError,
  toErrorResponse,
} from "../src/index.js";

describe("errors", () => {
  it("gives every code a fixed status, RFC 6750 error and safe description", () => {
    for (const [code, entry] of Object.entries(ERROR_CODES)) {
      const error = new BearerError(code as keyof typeof ERROR_CODES);
      expect(error.status).toBe(entry.status);
      expect(error.statusCode).toBe(entry.status);
      expect(error.error).toBe(entry.error);
      expect(error.message).toBe(entry.description);
      expect(error.expose).toBe(true);
      expect(entry.description).toMatch(/^[\x20-\x7e]+$/);
      expect(entry.description).not.toMatch(/["\\]/);
    }
  });

  it("keeps the original error as cause without showing it", () => {
    const cause = new Error("secret internals: eyJhbGciOi...");
    const error = new InvalidTokenError("ERR_TOKEN_SIGNATURE", { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error.body())).not.toContain("secret");
    expect(error.headers["WWW-Authenticate"]).not.toContain("secret");
  });

  it("formats the bare challenge for missing credentials and the error challenge otherwise", () => {
    expect(new CredentialsRequiredError().headers).toEqual({ "WWW-Authenticate": 'Bearer realm="api"' });
    expect(new InvalidRequestError("ERR_EMPTY_TOKEN", { realm: "cal" }).headers["WWW-Authenticate"]).toBe(
      'Bearer realm="cal", error="invalid_request", error_description="The bearer token is empty"',
    );
  });

  it("answers 503 with Retry-After and no challenge when keys cannot be had", () => {
    const error = new JwksUnavailableError({ retryAfterSec: 12.2 });
    expect(error.status).toBe(503);
    expect(error.headers["Retry-After"]).toBe("13");
    expect(error.headers["WWW-Authenticate"]).toBeUndefined();
    expect(error.body().error).toBe("temporarily_unavailable");
  });

  it("builds a complete JSON response", () => {
    const response = toErrorResponse(new InvalidTokenError("ERR_TOKEN_EXPIRED"));
    expect(response.status).toBe(401);
    expect(response.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(response.body).toEqual({ error: "invalid_token", error_description: "The access token expired" });
  });

  it("recognises errors from another copy of the package through a global brand", () => {
    const foreign = new InvalidTokenError("ERR_TOKEN_EXPIRED");
    const plain = Object.assign(Object.create(null), { code: "ERR_TOKEN_EXPIRED", status: 401 });
    expect(isBearerError(foreign)).toBe(true);
    expect(isBearerError(plain)).toBe(false);
    expect(isBearerError(new Error("x"))).toBe(false);
    expect(isBearerError(null)).toBe(false);
    const copy = Object.create(Error.prototype);
    Object.defineProperty(copy, Symbol.for("scopegate.BearerError"), { value: true });
    expect(isBearerError(copy)).toBe(true);
  });
});

describe("formatChallenge", () => {
  it("strips characters that could break out of a quoted-string or a header line", () => {
    const value = formatChallenge({ realm: 'a"b\\c\r\nSet-Cookie: x=1\u00e9', error: "invalid_token" });
    expect(value).toBe('Bearer realm="abcSet-Cookie: x=1", error="invalid_token"');
    expect(value).not.toMatch(/[\r\n]/);
  });
});

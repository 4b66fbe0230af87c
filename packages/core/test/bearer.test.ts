import { describe, expect, it } from "vitest";
import { extractBearerToken, isBearerError, parseAuthorizationHeader } from "../src/index.js";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (!isBearerError(error)) throw error;
    return error.code;
  }
  return undefined;
}

describe("extractBearerToken", () => {
  it("returns the token of an Authorization: Bearer header", () => {
    expect(extractBearerToken({ authorization: `Bearer ${JWT}` })).toBe(JWT);
  });

  it("accepts the scheme in any case and extra spaces after it", () => {
    expect(extractBearerToken({ authorization: `bEaReR    ${JWT}` })).toBe(JWT);
    expect(extractBearerToken({ Authorization: `BEARER ${JWT}` })).toBe(JWT);
  });

  it("takes only the letters of Bearer as Bearer: a scheme one character away is another scheme or malformed", () => {
    for (const scheme of ["Bearex", "Bdarer", "BEARES", "Bearer\u0000"]) {
      expect(codeOf(() => extractBearerToken({ authorization: `${scheme} ${JWT}` }))).toMatch(
        /^ERR_(NO_CREDENTIALS|MALFORMED_AUTHORIZATION)$/,
      );
    }
    expect(codeOf(() => extractBearerToken({ authorization: `B\u00c9ARER ${JWT}` }))).toBe(
      "ERR_MALFORMED_AUTHORIZATION",
    );
  });

  it("reads Fetch-API Headers and request objects", () => {
    expect(extractBearerToken(new Headers({ authorization: `Bearer ${JWT}` }))).toBe(JWT);
    expect(extractBearerToken({ headers: { authorization: `Bearer ${JWT}` }, method: "GET" })).toBe(JWT);
  });

  it("accepts token68 padding and the full b64token alphabet", () => {
    expect(extractBearerToken({ authorization: "Bearer aZ09-._~+/==" })).toBe("aZ09-._~+/==");
  });

  it("answers no credentials at all with ERR_NO_CREDENTIALS (401, bare challenge)", () => {
    expect(codeOf(() => extractBearerToken({}))).toBe("ERR_NO_CREDENTIALS");
    try {
      extractBearerToken({});
    } catch (error) {
      if (!isBearerError(error)) throw error;
      expect(error.status).toBe(401);
      expect(error.error).toBeUndefined();
      expect(error.headers["WWW-Authenticate"]).toBe('Bearer realm="api"');
      expect(error.body()).toEqual({ error_description: "Authentication is required" });
    }
  });

  it("treats another scheme such as Basic as no bearer credentials", () => {
    expect(codeOf(() => extractBearerToken({ authorization: "Basic dXNlcjpwYXNz" }))).toBe(
      "ERR_NO_CREDENTIALS",
    );
  });

  it.each([
    ["an empty bearer", "Bearer", "ERR_EMPTY_TOKEN"],
    ["a bearer of spaces", "Bearer    ", "ERR_EMPTY_TOKEN"],
    ["two tokens after one scheme", `Bearer ${JWT} ${JWT}`, "ERR_MALFORMED_AUTHORIZATION"],
    ["a comma-joined second credential", `Bearer ${JWT}, Bearer ${JWT}`, "ERR_MULTIPLE_CREDENTIALS"],
    ["characters outside token68", 'Bearer abc"def', "ERR_MALFORMED_AUTHORIZATION"],
    ["padding in the middle", "Bearer ab=cd", "ERR_MALFORMED_AUTHORIZATION"],
    ["an empty header", "", "ERR_MALFORMED_AUTHORIZATION"],
    ["a scheme with a control character", "Bea\u0000rer x", "ERR_MALFORMED_AUTHORIZATION"],
    ["a tab between scheme and token", `Bearer\t${JWT}`, "ERR_MALFORMED_AUTHORIZATION"],
  ])("rejects %s with 400 invalid_request", (_title, header, code) => {
    const got = codeOf(() => extractBearerToken({ authorization: header }));
    expect(got).toBe(code);
    try {
      extractBearerToken({ authorization: header });
    } catch (error) {
      if (!isBearerError(error)) throw error;
      expect(error.status).toBe(400);
      expect(error.error).toBe("invalid_request");
    }
  });

  it("rejects a header sent twice (array form and Node's rawHeaders) with ERR_MULTIPLE_CREDENTIALS", () => {
    expect(codeOf(() => extractBearerToken({ authorization: [`Bearer ${JWT}`, `Bearer ${JWT}`] }))).toBe(
      "ERR_MULTIPLE_CREDENTIALS",
    );
    const request = {
      headers: { authorization: `Bearer ${JWT}` },
      rawHeaders: ["Authorization", `Bearer ${JWT}`, "authorization", "Bearer other"],
    };
    expect(codeOf(() => extractBearerToken(request))).toBe("ERR_MULTIPLE_CREDENTIALS");
  });

  it("treats an Express- or Koa-style request with a get() method as a request, not as Headers", () => {
    const request = {
      headers: { authorization: `Bearer ${JWT}` },
      query: { access_token: JWT },
      get: (name: string) => (name.toLowerCase() === "authorization" ? `Bearer ${JWT}` : null),
    };
    expect(codeOf(() => extractBearerToken(request))).toBe("ERR_MULTIPLE_CREDENTIALS");
  });

  it("counts Authorization header lines in any ASCII case and no other name of that length", () => {
    const twice = (first: string, second: string) => ({
      headers: { authorization: `Bearer ${JWT}` },
      rawHeaders: [first, `Bearer ${JWT}`, second, "Bearer other"],
    });
    expect(codeOf(() => extractBearerToken(twice("AUTHORIZATION", "aUtHoRiZaTiOn")))).toBe(
      "ERR_MULTIPLE_CREDENTIALS",
    );
    for (const other of [
      "Authorizatiom",
      "Authorization-",
      "X-Authorizati",
      "Authorizat1on",
      "Authorizatio\u00d1",
    ]) {
      expect(extractBearerToken(twice("Authorization", other))).toBe(JWT);
    }
  });

  it("finds a repeated Authorization header in Fastify's request.raw.rawHeaders", () => {
    const request = {
      headers: { authorization: `Bearer ${JWT}` },
      raw: { rawHeaders: ["authorization", `Bearer ${JWT}`, "Authorization", "Bearer x"] },
    };
    expect(codeOf(() => extractBearerToken(request))).toBe("ERR_MULTIPLE_CREDENTIALS");
  });

  it("finds a repeated Authorization header in Koa's request.req.rawHeaders", () => {
    const request = {
      headers: { authorization: `Bearer ${JWT}` },
      req: { rawHeaders: ["authorization", `Bearer ${JWT}`, "Authorization", "Bearer x"] },
    };
    expect(codeOf(() => extractBearerToken(request))).toBe("ERR_MULTIPLE_CREDENTIALS");
  });

  it("ignores query and body tokens by default", () => {
    expect(codeOf(() => extractBearerToken({ headers: {}, query: { access_token: JWT } }))).toBe(
      "ERR_NO_CREDENTIALS",
    );
    const form = {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      method: "POST",
      body: { access_token: JWT },
    };
    expect(codeOf(() => extractBearerToken(form))).toBe("ERR_NO_CREDENTIALS");
  });

  it("rejects a token in the header and in the query or body, even when those are not enabled", () => {
    const headers = { authorization: `Bearer ${JWT}` };
    expect(codeOf(() => extractBearerToken({ headers, query: { access_token: JWT } }))).toBe(
      "ERR_MULTIPLE_CREDENTIALS",
    );
    expect(
      codeOf(() => extractBearerToken({ headers, query: new URLSearchParams({ access_token: JWT }) })),
    ).toBe("ERR_MULTIPLE_CREDENTIALS");
    expect(codeOf(() => extractBearerToken({ headers, method: "POST", body: { access_token: JWT } }))).toBe(
      "ERR_MULTIPLE_CREDENTIALS",
    );
  });

  it("reads ?access_token= when allowQueryToken is on", () => {
    const request = { headers: {}, query: { access_token: JWT } };
    expect(extractBearerToken(request, { allowQueryToken: true })).toBe(JWT);
    expect(
      codeOf(() =>
        extractBearerToken({ headers: {}, query: { access_token: [JWT, JWT] } }, { allowQueryToken: true }),
      ),
    ).toBe("ERR_MULTIPLE_CREDENTIALS");
    expect(
      codeOf(() =>
        extractBearerToken({ headers: {}, query: { access_token: "" } }, { allowQueryToken: true }),
      ),
    ).toBe("ERR_EMPTY_TOKEN");
    expect(
      codeOf(() =>
        extractBearerToken(
          { headers: {}, query: { access_token: { nested: "x" } } },
          { allowQueryToken: true },
        ),
      ),
    ).toBe("ERR_MALFORMED_AUTHORIZATION");
  });

  it("reads a form-body access_token only on form-encoded, non-GET requests when allowBodyToken is on", () => {
    const form = {
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      method: "POST",
      body: { access_token: JWT },
    };
    expect(extractBearerToken(form, { allowBodyToken: true })).toBe(JWT);
    expect(codeOf(() => extractBearerToken({ ...form, method: "GET" }, { allowBodyToken: true }))).toBe(
      "ERR_NO_CREDENTIALS",
    );
    const json = { ...form, headers: { "content-type": "application/json" } };
    expect(codeOf(() => extractBearerToken(json, { allowBodyToken: true }))).toBe("ERR_NO_CREDENTIALS");
  });

  it("never accepts a token from two places at once, whatever is enabled", () => {
    const both = {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      method: "POST",
      query: { access_token: JWT },
      body: { access_token: JWT },
    };
    expect(codeOf(() => extractBearerToken(both, { allowQueryToken: true, allowBodyToken: true }))).toBe(
      "ERR_MULTIPLE_CREDENTIALS",
    );
  });
});

describe("parseAuthorizationHeader", () => {
  it("returns undefined for non-bearer schemes and the token for Bearer", () => {
    expect(parseAuthorizationHeader("Digest username=x")).toBeUndefined();
    expect(parseAuthorizationHeader(`Bearer ${JWT}`)).toBe(JWT);
  });
});

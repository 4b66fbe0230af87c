import { describe, expect, it } from "vitest";
import { DEFAULT_ALGORITHMS, isBearerError } from "../src/index.js";
import { decodeToken } from "../src/token-format.js";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const token = (header: unknown, payload: unknown = { iss: "x" }, signature = "c2ln") =>
  `${b64(header)}.${b64(payload)}.${signature}`;

function codeOf(value: string, max = 8192): string | undefined {
  try {
    decodeToken(value, DEFAULT_ALGORITHMS, max);
  } catch (error) {
    if (!isBearerError(error)) throw error;
    expect(error.status).toBe(401);
    return error.code;
  }
  return undefined;
}

describe("decodeToken", () => {
  it("decodes header and claims of a well-formed compact JWS", () => {
    const decoded = decodeToken(
      token({ alg: "ES256", kid: "k" }, { iss: "i", n: 1 }),
      DEFAULT_ALGORITHMS,
      8192,
    );
    expect(decoded.header).toEqual({ alg: "ES256", kid: "k" });
    expect(decoded.claims).toEqual({ iss: "i", n: 1 });
  });

  it.each([
    ["two parts", "abc.def"],
    ["four parts", "a.b.c.d"],
    ["five parts (a JWE)", "a.b.c.d.e"],
    ["an empty header segment", ".b.c"],
    ["an empty signature (stripped)", `${b64({ alg: "RS256" })}.${b64({})}.`],
    ["standard base64 characters", `${b64({ alg: "RS256" })}+.${b64({})}.c2ln`],
    ["padding", `${b64({ alg: "RS256" })}=.${b64({})}.c2ln`],
    ["a header that is not JSON", `${b64("not json")}.${b64({})}.c2ln`],
    ["a header that is a JSON array", token(["alg"])],
    ["a header that is a JSON string", token("RS256")],
    ["a payload that is not JSON", `${b64({ alg: "RS256" })}.${b64("{")}.c2ln`],
    ["a payload that is null", token({ alg: "RS256" }, null)],
    ["a missing alg", token({ typ: "JWT" })],
    ["a non-string kid", token({ alg: "RS256", kid: 7 })],
    ["a kid over 1024 characters", token({ alg: "RS256", kid: "k".repeat(1025) })],
  ])("rejects %s as malformed", (_title, value) => {
    expect(codeOf(value)).toBe("ERR_TOKEN_MALFORMED");
  });

  it.each(["none", "None", "NONE", "nOnE", "HS256", "HS384", "HS512", "RS1", ""])(
    "rejects alg %j before any key is looked up",
    (alg) => {
      expect(codeOf(token({ alg }))).toBe("ERR_TOKEN_ALGORITHM");
    },
  );

  it("rejects an algorithm outside the configured allow-list", () => {
    expect(() => decodeToken(token({ alg: "ES256" }), ["RS256"], 8192)).toThrow(/algorithm/);
  });

  it.each([
    ["jwk", { kty: "RSA", n: "x", e: "AQAB" }],
    ["jku", "https://attacker.example/jwks"],
    ["x5u", "https://attacker.example/cert"],
    ["x5c", ["MIIB"]],
    ["crit", ["exp"]],
    ["b64", false],
  ])("refuses a %s header parameter", (name, value) => {
    expect(codeOf(token({ alg: "RS256", [name]: value }))).toBe("ERR_TOKEN_HEADER_UNSUPPORTED");
  });

  it("rejects an oversized token before decoding it", () => {
    const huge = `${"A".repeat(100_000)}.${b64({})}.c2ln`;
    expect(codeOf(huge)).toBe("ERR_TOKEN_TOO_LARGE");
    expect(codeOf(token({ alg: "RS256" }), 16)).toBe("ERR_TOKEN_TOO_LARGE");
  });

  it("rejects a non-string typ as a type error", () => {
    expect(codeOf(token({ alg: "RS256", typ: 1 }))).toBe("ERR_TOKEN_TYPE");
  });
});

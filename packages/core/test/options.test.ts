import { describe, expect, it } from "vitest";
import { createVerifier, type VerifierOptions } from "../src/index.js";

const valid: VerifierOptions = {
  issuer: "https://issuer.example.com/",
  audience: "https://api.example.com",
};

function message(options: unknown): string {
  try {
    createVerifier(options as VerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error("expected createVerifier to throw");
}

describe("verifier options", () => {
  it("builds with only issuer and audience, applying documented defaults", () => {
    const { options } = createVerifier(valid);
    expect(options.clockToleranceSec).toBe(5);
    expect(options.tokenType).toBe("lenient");
    expect(options.realm).toBe("api");
    expect(options.maxTokenBytes).toBe(8192);
    expect(options.scopeClaims).toEqual(["scope", "scp"]);
    expect(options.algorithms).toContain("RS256");
    expect(options.algorithms).toContain("EdDSA");
    expect(options.allowQueryToken).toBe(false);
    expect(options.allowBodyToken).toBe(false);
  });

  it("fails at construction without an issuer, saying how to fix it", () => {
    expect(message({ audience: "x" })).toMatch(/`issuer`.*required/);
    expect(message({ ...valid, issuer: "" })).toMatch(/`issuer`/);
    expect(message({ ...valid, issuer: [] })).toMatch(/`issuer`/);
  });

  it("fails without an audience unless null is given explicitly", () => {
    expect(message({ issuer: valid.issuer })).toMatch(/`audience`.*`null`/);
    expect(createVerifier({ ...valid, audience: null }).options.audiences).toBeNull();
  });

  it.each(["none", "NONE", "None"])("refuses alg %s in the allow-list", (alg) => {
    expect(message({ ...valid, algorithms: [alg] })).toMatch(/never accepted/);
  });

  it.each(["HS256", "HS384", "HS512", "hs256"])("refuses %s with a JWKS", (alg) => {
    expect(message({ ...valid, algorithms: [alg] })).toMatch(/shared-secret/);
  });

  it("refuses unknown algorithms and an empty allow-list", () => {
    expect(message({ ...valid, algorithms: ["RS1"] })).toMatch(/not supported/);
    expect(message({ ...valid, algorithms: [] })).toMatch(/at least one/);
  });

  it("requires https key URLs except on loopback", () => {
    expect(message({ ...valid, jwksUri: "http://keys.example.com/jwks" })).toMatch(/https/);
    expect(message({ ...valid, issuer: "http://issuer.example.com" })).toMatch(/https/);
    expect(message({ ...valid, jwksUri: "not a url" })).toMatch(/absolute URL/);
    expect(message({ ...valid, jwksUri: "https://user:pw@keys.example.com/jwks" })).toMatch(/credentials/);
    expect(() => createVerifier({ ...valid, jwksUri: "http://127.0.0.1:8080/jwks" })).not.toThrow();
    expect(() =>
      createVerifier({ ...valid, issuer: "http://localhost:3000", jwksUri: undefined }),
    ).not.toThrow();
  });

  it("maps JWKS URLs to issuers and refuses one URL for several issuers", () => {
    const issuers = ["https://a.example.com", "https://b.example.com"];
    expect(message({ ...valid, issuer: issuers, jwksUri: "https://a.example.com/jwks" })).toMatch(/map/);
    expect(
      message({ ...valid, issuer: issuers, jwksUri: { "https://c.example.com": "https://c.example.com/k" } }),
    ).toMatch(/not one of the configured issuers/);
    const { options } = createVerifier({
      ...valid,
      issuer: issuers,
      jwksUri: { "https://a.example.com": "https://a.example.com/k" },
    });
    expect(options.jwksUris.get("https://a.example.com")).toBe("https://a.example.com/k");
  });

  it("validates numbers, modes, realm and validators", () => {
    expect(message({ ...valid, clockToleranceSec: -1 })).toMatch(/clockToleranceSec/);
    expect(message({ ...valid, clockToleranceSec: Number.NaN })).toMatch(/clockToleranceSec/);
    expect(message({ ...valid, maxTokenBytes: 10 })).toMatch(/maxTokenBytes/);
    expect(message({ ...valid, tokenType: "loose" })).toMatch(/tokenType/);
    expect(message({ ...valid, realm: 'a"b' })).toMatch(/realm/);
    expect(message({ ...valid, validators: ["x"] })).toMatch(/validators/);
    expect(message(null)).toMatch(/options/);
  });
});

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authenticateOptional,
  createVerifier,
  isBearerError,
  isVerifier,
  resolveAuthOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
  ScopegateConfigurationError,
  type Verifier,
} from "../src/index.js";

describe("adapter options", () => {
  let authority: TestAuthority;
  let verifier: Verifier;

  beforeAll(async () => {
    authority = await createTestAuthority();
    verifier = createVerifier(authority.verifierOptions());
  });

  afterAll(async () => {
    await authority?.close();
  });

  describe("isVerifier", () => {
    it("recognises a verifier made by createVerifier() and nothing else", () => {
      expect(isVerifier(verifier)).toBe(true);
      expect(isVerifier({ authenticate() {}, requireScopes() {} })).toBe(true);
      for (const value of [
        undefined,
        null,
        "verifier",
        {},
        { authenticate() {} },
        authority.verifierOptions(),
      ])
        expect(isVerifier(value)).toBe(false);
    });
  });

  describe("resolveAuthOptions", () => {
    it("defaults to credentials required and handleErrors fallback, keeping a given verifier", () => {
      expect(resolveAuthOptions(verifier)).toEqual({
        verifier,
        credentialsRequired: true,
        handleErrors: "fallback",
      });
      expect(resolveAuthOptions(verifier, { credentialsRequired: false, handleErrors: "never" })).toEqual({
        verifier,
        credentialsRequired: false,
        handleErrors: "never",
      });
    });

    it("builds a verifier from options, leaving the adapter options out of createVerifier's", () => {
      const resolved = resolveAuthOptions({
        ...authority.verifierOptions(),
        credentialsRequired: false,
        handleErrors: "always",
      });
      expect(isVerifier(resolved.verifier)).toBe(true);
      expect(resolved.verifier).not.toBe(verifier);
      expect(resolved.verifier.options.issuers).toEqual([authority.issuer]);
      expect(resolved).toMatchObject({ credentialsRequired: false, handleErrors: "always" });
    });

    it.each([
      ["no argument", () => (resolveAuthOptions as (x?: unknown) => unknown)()],
      ["a string", () => resolveAuthOptions("https://issuer" as never)],
      ["options without an issuer", () => resolveAuthOptions({ audience: "x" } as never)],
      ["a second argument after options", () => resolveAuthOptions(authority.verifierOptions(), {})],
      ["options that are not an object", () => resolveAuthOptions(verifier, "always" as never)],
      [
        "an unknown option next to a verifier",
        () => resolveAuthOptions(verifier, { credential: 1 } as never),
      ],
    ])("throws a TypeError for %s", (_title, call) => {
      expect(call).toThrow(TypeError);
    });

    it("names the option in the message", () => {
      expect(() => resolveAuthOptions(verifier, { handleErrors: "sometimes" as never })).toThrow(
        /invalid option `handleErrors`: expected "fallback", "always" or "never"/,
      );
      expect(() => resolveAuthOptions(verifier, { credentialsRequired: "no" as never })).toThrow(
        /invalid option `credentialsRequired`/,
      );
      expect(() =>
        resolveAuthOptions({ ...authority.verifierOptions(), credentialsRequired: 0 as never }),
      ).toThrow(/invalid option `credentialsRequired`/);
      expect(() => resolveAuthOptions(verifier, { credentialRequired: false } as never)).toThrow(
        /bearerAuth\(verifier, options\) has no option `credentialRequired`; did you mean `credentialsRequired`\?/,
      );
    });
  });

  describe("resolveScopeOptions", () => {
    it("builds an all-of requirement by default and an any-of one with match: any", () => {
      expect(resolveScopeOptions(["event.read", "event.create"])).toEqual({
        requirement: { allOf: ["event.read", "event.create"] },
        verifier: undefined,
        handleErrors: undefined,
      });
      expect(resolveScopeOptions(["a", "b"], { match: "any", verifier, handleErrors: "always" })).toEqual({
        requirement: { anyOf: ["a", "b"] },
        verifier,
        handleErrors: "always",
      });
    });

    it("copies the scopes, so changing the caller's array later changes nothing", () => {
      const scopes = ["event.read"];
      const { requirement } = resolveScopeOptions(scopes);
      scopes.push("event.delete");
      expect(requirement).toEqual({ allOf: ["event.read"] });
    });

    it.each([
      ["a string instead of an array", () => resolveScopeOptions("event.read" as never)],
      ["an empty array", () => resolveScopeOptions([])],
      ["a scope with a space", () => resolveScopeOptions(["event.read event.create"])],
      ["a scope with a quote", () => resolveScopeOptions(['event"read'])],
      ["an unknown match", () => resolveScopeOptions(["a"], { match: "some" as never })],
      ["a verifier that is not one", () => resolveScopeOptions(["a"], { verifier: {} as never })],
      ["an unknown handleErrors", () => resolveScopeOptions(["a"], { handleErrors: "maybe" as never })],
      ["an unknown option", () => resolveScopeOptions(["a"], { mode: "any" } as never)],
      ["options that are not an object", () => resolveScopeOptions(["a"], 1 as never)],
    ])("throws a TypeError for %s", (_title, call) => {
      expect(call).toThrow(TypeError);
    });

    it("names the option and the call in the message", () => {
      expect(() => resolveScopeOptions(["a"], { match: "some" as never })).toThrow(/invalid option `match`/);
      expect(() => resolveScopeOptions(["a"], { mode: "any" } as never)).toThrow(
        /requireScopes\(\) has no option `mode`/,
      );
    });
  });

  describe("resolveSingleScopeOptions", () => {
    it("requires the one scope", () => {
      expect(resolveSingleScopeOptions("event.read", { verifier })).toEqual({
        requirement: { allOf: ["event.read"] },
        verifier,
        handleErrors: undefined,
      });
    });

    it.each([
      ["an array", () => resolveSingleScopeOptions(["a"] as never)],
      ["an empty scope", () => resolveSingleScopeOptions("")],
      ["an unknown option", () => resolveSingleScopeOptions("a", { mode: "any" } as never)],
      ["options that are not an object", () => resolveSingleScopeOptions("a", "all" as never)],
    ])("throws a TypeError for %s", (_title, call) => {
      expect(call).toThrow(TypeError);
    });

    it("names requireScope() in the message", () => {
      expect(() => resolveSingleScopeOptions("a", { mode: "any" } as never)).toThrow(
        /requireScope\(\) has no option `mode`/,
      );
    });
  });

  describe("authenticateOptional", () => {
    it("resolves the verified token when the request carries one", async () => {
      const jwt = await authority.mint({ scope: "event.read" });
      const token = await authenticateOptional(verifier, { headers: { authorization: `Bearer ${jwt}` } });
      expect(token?.scopes).toEqual(["event.read"]);
    });

    it("resolves undefined for a request without any bearer credentials", async () => {
      await expect(authenticateOptional(verifier, { headers: {} })).resolves.toBeUndefined();
      await expect(
        authenticateOptional(verifier, { headers: { authorization: "Basic dXNlcjpwYXNz" } }),
      ).resolves.toBeUndefined();
    });

    it.each([
      ["an empty bearer token", { authorization: "Bearer " }, "ERR_EMPTY_TOKEN"],
      ["a malformed header", { authorization: "Bearer a b" }, "ERR_MALFORMED_AUTHORIZATION"],
      ["a token that does not verify", { authorization: "Bearer not.a.jwt" }, "ERR_TOKEN_MALFORMED"],
    ])("still rejects %s", async (_title, headers, code) => {
      const outcome: unknown = await authenticateOptional(verifier, { headers }).catch((error) => error);
      expect(isBearerError(outcome) && outcome.code).toBe(code);
    });

    it("still rejects a token in two places", async () => {
      const jwt = await authority.mint();
      const outcome: unknown = await authenticateOptional(verifier, {
        headers: { authorization: `Bearer ${jwt}` },
        query: { access_token: jwt },
      }).catch((error) => error);
      expect(isBearerError(outcome) && outcome.code).toBe("ERR_MULTIPLE_CREDENTIALS");
    });
  });

  describe("ScopegateConfigurationError", () => {
    it("is a 500 that is never shown, naming the call and the fix", () => {
      const error = new ScopegateConfigurationError("requireScope()");
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject({
        code: "ERR_NO_AUTHENTICATION",
        status: 500,
        statusCode: 500,
        expose: false,
      });
      expect(error.message).toMatch(/requireScope\(\) ran on a request that no bearerAuth\(\) authenticated/);
      expect(isBearerError(error)).toBe(false);
    });
  });
});

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerAuth, createVerifier, requireScope, requireScopes, type Verifier } from "../src/index.js";

describe("option checks at set-up", () => {
  let authority: TestAuthority;
  let verifier: Verifier;

  beforeAll(async () => {
    authority = await createTestAuthority();
    verifier = createVerifier(authority.verifierOptions());
  });

  afterAll(async () => {
    await authority?.close();
  });

  const bad = (call: () => unknown) => () => call();

  it.each([
    ["no argument", bad(() => (bearerAuth as (x?: unknown) => unknown)())],
    ["a string", bad(() => bearerAuth("https://issuer" as never))],
    ["options without an issuer", bad(() => bearerAuth({ audience: "x" } as never))],
    [
      "credentialsRequired that is not a boolean",
      bad(() => bearerAuth(verifier, { credentialsRequired: "no" as never })),
    ],
    ["an unknown handleErrors", bad(() => bearerAuth(verifier, { handleErrors: "sometimes" as never }))],
    [
      "an unknown option next to a verifier",
      bad(() => bearerAuth(verifier, { credentialRequired: false } as never)),
    ],
    ["a second argument after options", bad(() => bearerAuth(authority.verifierOptions(), {} as never))],
    [
      "credentialsRequired that is not a boolean in the options",
      bad(() => bearerAuth({ ...authority.verifierOptions(), credentialsRequired: 0 as never })),
    ],
  ])("bearerAuth() throws a TypeError for %s", (_title, call) => {
    expect(call).toThrow(TypeError);
  });

  it.each([
    ["a string instead of an array", bad(() => requireScopes("event.read" as never))],
    ["an empty array", bad(() => requireScopes([]))],
    ["a scope with a space", bad(() => requireScopes(["event.read event.create"]))],
    ["a scope with a quote", bad(() => requireScopes(['event"read']))],
    ["an unknown match", bad(() => requireScopes(["a"], { match: "some" as never }))],
    ["a verifier that is not one", bad(() => requireScopes(["a"], { verifier: {} as never }))],
    ["an unknown option", bad(() => requireScopes(["a"], { mode: "any" } as never))],
    ["requireScope() with an array", bad(() => requireScope(["a"] as never))],
    ["requireScope() with an empty scope", bad(() => requireScope(""))],
  ])("requireScopes() throws a TypeError for %s", (_title, call) => {
    expect(call).toThrow(TypeError);
  });

  it.each<[Record<string, unknown>, string, string]>([
    [{ credentialRequired: false }, "credentialRequired", "credentialsRequired"],
    [{ handleError: "always" }, "handleError", "handleErrors"],
    [{ clockTolerance: 5 }, "clockTolerance", "clockToleranceSec"],
  ])("bearerAuth(options) refuses the typo %o at set-up, suggesting the option meant", (typo, key, meant) => {
    const options = { ...authority.verifierOptions(), ...typo };
    expect(() => bearerAuth(options as never)).toThrow(
      `scopegate: bearerAuth() has no option \`${key}\`; did you mean \`${meant}\`?`,
    );
  });

  it("names the option in the message", () => {
    expect(() => bearerAuth(verifier, { handleErrors: "sometimes" as never })).toThrow(/`handleErrors`/);
    expect(() => requireScopes(["a"], { match: "some" as never })).toThrow(/`match`/);
  });

  it("builds a verifier from options and exposes it on the middleware", () => {
    const middleware = bearerAuth({ ...authority.verifierOptions(), credentialsRequired: false });
    expect(typeof middleware.verifier.authenticate).toBe("function");
    expect(bearerAuth(verifier).verifier).toBe(verifier);
  });
});

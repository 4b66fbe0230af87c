import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  requireScope,
  requireScopes,
  type ScopegatePluginOptions,
  scopegate,
  type Verifier,
} from "../src/index.js";
import { FRAMEWORKS } from "./support.js";

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

  describe.each(FRAMEWORKS)("the plugin on %s", (_name, create) => {
    /** Registers the plugin with `options` and returns what `ready()` rejects with. */
    async function registrationError(options: unknown): Promise<unknown> {
      const app = create();
      app.register(scopegate, options as ScopegatePluginOptions);
      try {
        await app.ready();
        return undefined;
      } catch (error) {
        return error;
      } finally {
        await app.close();
      }
    }

    it.each([
      ["options without an issuer", () => ({ audience: "x" })],
      ["a verifier that is not one", () => ({ verifier: {} })],
      ["credentialsRequired that is not a boolean", () => ({ verifier, credentialsRequired: "no" })],
      ["an unknown handleErrors", () => ({ verifier, handleErrors: "sometimes" })],
      ["an unknown option next to a verifier", () => ({ verifier, credentialRequired: false })],
    ])("fails the app's start with a TypeError for %s", async (_title, options) => {
      expect(await registrationError(options())).toBeInstanceOf(TypeError);
    });

    it("names the option in the message", async () => {
      expect(String(await registrationError({ verifier, handleErrors: "sometimes" }))).toMatch(
        /`handleErrors`/,
      );
    });

    it("accepts Fastify's own register options (prefix, logLevel) next to its own", async () => {
      expect(await registrationError({ verifier, prefix: "/api", logLevel: "warn" })).toBeUndefined();
      expect(await registrationError({ ...authority.verifierOptions(), credentialsRequired: false })).toBe(
        undefined,
      );
    });

    it.each([
      ["a string", "event.read"],
      ["an empty list", []],
      ["a scope with a space", ["event.read event.create"]],
      ["an object with another key", { oneOf: ["a"] }],
      ["anyOf and allOf together", { anyOf: ["a"], allOf: ["b"] }],
      ["anyOf that is not a list", { anyOf: "a" }],
    ])(
      "fails the app's start with a TypeError naming the route for config.scopes as %s",
      async (_t, scopes) => {
        const app = create();
        app.register(scopegate, { verifier });
        app.register(async (api) => {
          api.get("/events", { config: { scopes: scopes as never } }, async () => ({}));
        });
        let failure: unknown;
        try {
          await app.ready();
        } catch (error) {
          failure = error;
        } finally {
          await app.close();
        }
        expect(failure).toBeInstanceOf(TypeError);
        expect(String(failure)).toMatch(/config\.scopes of GET \/events/);
      },
    );
  });

  const bad = (call: () => unknown) => () => call();
  it.each([
    ["a string instead of an array", bad(() => requireScopes("event.read" as never))],
    ["an empty array", bad(() => requireScopes([]))],
    ["a scope with a quote", bad(() => requireScopes(['event"read']))],
    ["an unknown match", bad(() => requireScopes(["a"], { match: "some" as never }))],
    ["a verifier that is not one", bad(() => requireScopes(["a"], { verifier: {} as never }))],
    ["an unknown option", bad(() => requireScopes(["a"], { mode: "any" } as never))],
    ["requireScope() with an array", bad(() => requireScope(["a"] as never))],
    ["requireScope() with an empty scope", bad(() => requireScope(""))],
  ])("requireScopes() throws a TypeError for %s", (_title, call) => {
    expect(call).toThrow(TypeError);
  });
});

import { describe, expect, it } from "vitest";
import { closestKey, refuseUnknownKeys } from "../src/base/option-keys.js";
import {
  createDiscovery,
  createJwksCache,
  createMemoryJwksStore,
  createVerifier,
  presets,
  resolveAuthOptions,
  resolveScopeOptions,
  resolveSingleScopeOptions,
} from "../src/index.js";

// Issue 12, item 0: a typo in an option must never leave a route open. Every options object scopegate
// takes refuses keys it does not know at construction, naming the key and the closest known one.

const valid = { issuer: "https://issuer.example.com/", audience: "https://api.example.com" };

/** The TypeError `call` throws (the test fails if it does not throw one). */
function typeErrorOf(call: () => unknown): TypeError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error("expected a TypeError");
}

describe("refuseUnknownKeys", () => {
  it("accepts an object holding only known keys, and no object at all", () => {
    expect(() => refuseUnknownKeys({ a: 1, b: undefined }, ["a", "b", "c"], "f()")).not.toThrow();
    expect(() => refuseUnknownKeys(undefined, ["a"], "f()")).not.toThrow();
  });

  it("names the unknown key, the call, and the closest known key", () => {
    const error = typeErrorOf(() => refuseUnknownKeys({ gaurd: "global" }, ["guard", "global"], "forRoot()"));
    expect(error.message).toBe("scopegate: forRoot() has no option `gaurd`; did you mean `guard`?");
  });

  it("lists the known keys when none is close", () => {
    const error = typeErrorOf(() => refuseUnknownKeys({ zzzzzz: 1 }, ["issuer", "audience"], "f()"));
    expect(error.message).toBe("scopegate: f() has no option `zzzzzz`; it takes issuer, audience.");
  });

  it("refuses an unknown key even when its value is undefined (a typo is a typo)", () => {
    expect(() => refuseUnknownKeys({ isuer: undefined }, ["issuer"], "f()")).toThrow(/`isuer`/);
  });

  it.each([
    ["gaurd", "guard"],
    ["clockTolerance", "clockToleranceSec"],
    ["credentialRequired", "credentialsRequired"],
    ["handleError", "handleErrors"],
    ["jwksURI", "jwksUri"],
    ["audiance", "audience"],
    ["cacheMaxAge", "cacheMaxAgeMs"],
  ])("suggests %s -> %s", (typo, known) => {
    const keys = [
      "guard",
      "global",
      "clockToleranceSec",
      "credentialsRequired",
      "handleErrors",
      "jwksUri",
      "audience",
      "cacheMaxAgeMs",
      "maxAgeSec",
    ];
    expect(closestKey(typo, keys)).toBe(known);
  });
});

describe("every options object refuses unknown keys", () => {
  it.each<[string, () => unknown, string, string]>([
    [
      "createVerifier",
      () => createVerifier({ ...valid, clockTolerance: 5 } as never),
      "clockTolerance",
      "clockToleranceSec",
    ],
    [
      "createVerifier's jwks",
      () => createVerifier({ ...valid, jwks: { cacheMaxAge: 1 } } as never),
      "cacheMaxAge",
      "cacheMaxAgeMs",
    ],
    [
      "createVerifier's discovery",
      () => createVerifier({ ...valid, discovery: { timeout: 1 } } as never),
      "timeout",
      "timeoutMs",
    ],
    [
      "createVerifier's tokenCache",
      () => createVerifier({ ...valid, tokenCache: { maxEntry: 1 } } as never),
      "maxEntry",
      "maxEntries",
    ],
    ["createJwksCache", () => createJwksCache({ coolDownMs: 1 } as never), "coolDownMs", "cooldownMs"],
    ["createDiscovery", () => createDiscovery({ maxRedirect: 1 } as never), "maxRedirect", "maxRedirects"],
    [
      "createMemoryJwksStore",
      () => createMemoryJwksStore({ maxEntry: 1 } as never),
      "maxEntry",
      "maxEntries",
    ],
    [
      "bearerAuth(options)",
      () => resolveAuthOptions({ ...valid, credentialRequired: false } as never),
      "credentialRequired",
      "credentialsRequired",
    ],
    [
      "bearerAuth(options) handleError",
      () => resolveAuthOptions({ ...valid, handleError: "always" } as never),
      "handleError",
      "handleErrors",
    ],
    [
      "bearerAuth(verifier, options)",
      () => resolveAuthOptions(createVerifier(valid), { credentialRequired: false } as never),
      "credentialRequired",
      "credentialsRequired",
    ],
    ["requireScopes", () => resolveScopeOptions(["a"], { matches: "any" } as never), "matches", "match"],
    [
      "requireScope",
      () => resolveSingleScopeOptions("a", { verifer: undefined } as never),
      "verifer",
      "verifier",
    ],
    [
      "presets.auth0",
      () => presets.auth0({ domain: "x.auth0.com", audience: "a", allowedClientId: ["c"] } as never),
      "allowedClientId",
      "allowedClientIds",
    ],
    [
      "presets.auth0 overrides",
      () => presets.auth0({ domain: "x.auth0.com", audience: "a" }, { clockTolerance: 5 } as never),
      "clockTolerance",
      "clockToleranceSec",
    ],
    [
      "presets.cognito",
      () =>
        presets.cognito({
          region: "eu-west-1",
          userPoolId: "eu-west-1_Ab",
          clientId: "c",
          clientIds: ["d"],
        } as never),
      "clientIds",
      "clientId",
    ],
    [
      "presets.entra",
      () =>
        presets.entra({
          tenantId: "00000000-0000-0000-0000-000000000000",
          audience: "a",
          version: ["2.0"],
        } as never),
      "version",
      "versions",
    ],
    [
      "presets.keycloak",
      () =>
        presets.keycloak({
          baseUrl: "https://sso.example.com",
          realm: "r",
          audience: "a",
          realms: "x",
        } as never),
      "realms",
      "realm",
    ],
    [
      "presets.okta",
      () => presets.okta({ issuer: "https://x.okta.com/oauth2/default", audience: "a", isuer: "x" } as never),
      "isuer",
      "issuer",
    ],
    [
      "presets.supertokens",
      () =>
        presets.supertokens({
          apiDomain: "https://api.example.com",
          audience: "a",
          apiBasepath: "/auth",
        } as never),
      "apiBasepath",
      "apiBasePath",
    ],
  ])("%s names the key and suggests the closest", (_where, call, key, suggestion) => {
    const error = typeErrorOf(call);
    expect(error.message).toContain(`no option \`${key}\``);
    expect(error.message).toContain(`did you mean \`${suggestion}\`?`);
  });

  it("refuses in createVerifier's discovery what the verifier sets itself", () => {
    expect(typeErrorOf(() => createVerifier({ ...valid, discovery: { fetch } } as never)).message).toContain(
      "no option `fetch`",
    );
  });

  it("still accepts every documented option of createVerifier", () => {
    expect(() =>
      createVerifier({
        ...valid,
        jwksUri: "https://issuer.example.com/jwks",
        algorithms: ["RS256"],
        clockToleranceSec: 5,
        maxTokenAgeSec: null,
        tokenType: "lenient",
        requiredClaims: [],
        scopeClaims: ["scope"],
        allowedClientIds: null,
        clientIdClaims: ["client_id"],
        validators: [],
        realm: "api",
        maxTokenBytes: 8192,
        allowQueryToken: false,
        allowBodyToken: false,
        jwks: { cacheMaxAgeMs: 1000, timeoutMs: 1000 },
        fetch,
        discoveryTimeoutMs: 1000,
        discovery: { cacheMaxAgeMs: 1000 },
        clock: Date.now,
        tokenCache: { maxEntries: 10 },
      }),
    ).not.toThrow();
  });
});

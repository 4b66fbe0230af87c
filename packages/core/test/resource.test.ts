import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BearerError,
  canonicalResource,
  createVerifier,
  isBearerError,
  isSameResource,
  resourceMetadataPath,
  resourceMetadataUrl,
} from "../src/index.js";

const RESOURCE = "https://mcp.example.com/mcp";

async function failure(promise: Promise<unknown>): Promise<BearerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isBearerError(outcome)) throw new Error(`expected a scopegate error, got ${String(outcome)}`);
  return outcome;
}

describe("canonicalResource", () => {
  it.each([
    ["https://mcp.example.com/mcp", "https://mcp.example.com/mcp"],
    ["HTTPS://MCP.Example.COM/mcp", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com:443/mcp", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com/mcp/", "https://mcp.example.com/mcp"],
    ["https://mcp.example.com/", "https://mcp.example.com"],
    ["https://mcp.example.com", "https://mcp.example.com"],
    ["https://mcp.example.com:8443/Server/MCP", "https://mcp.example.com:8443/Server/MCP"],
    ["http://127.0.0.1:3000/mcp", "http://127.0.0.1:3000/mcp"],
    ["http://localhost:3000", "http://localhost:3000"],
    ["http://[::1]:8080/", "http://[::1]:8080"],
  ])("puts %s in canonical form %s", (input, canonical) => {
    expect(canonicalResource(input)).toBe(canonical);
    expect(canonicalResource(new URL(input))).toBe(canonical);
  });

  it.each([
    ["a relative reference", "/mcp", /not an absolute URI/],
    ["plain http on a public host", "http://mcp.example.com/mcp", /https:/],
    ["another scheme", "urn:example:mcp", /https:/],
    ["a fragment", "https://mcp.example.com/mcp#tools", /fragment/],
    ["an empty fragment", "https://mcp.example.com/mcp#", /fragment/],
    ["a query", "https://mcp.example.com/mcp?tenant=1", /query/],
    ["credentials", "https://user:pw@mcp.example.com/mcp", /user name or password/],
    ["surrounding spaces", " https://mcp.example.com/mcp", /absolute URI string/],
  ])("refuses %s with a TypeError naming the option", (_what, input, reason) => {
    expect(() => canonicalResource(input)).toThrow(TypeError);
    expect(() => canonicalResource(input)).toThrow(reason);
    expect(() => canonicalResource(input)).toThrow(/`resource`/);
  });

  it("matches another spelling of the same resource and nothing else", () => {
    expect(isSameResource("https://MCP.example.com:443/mcp/", RESOURCE)).toBe(true);
    expect(isSameResource(RESOURCE, RESOURCE)).toBe(true);
    expect(isSameResource("https://mcp.example.com/mcp/tools", RESOURCE)).toBe(false);
    expect(isSameResource("https://mcp.example.com/MCP", RESOURCE)).toBe(false);
    expect(isSameResource("https://mcp.example.com", RESOURCE)).toBe(false);
    expect(isSameResource("https://mcp.example.com:8443/mcp", RESOURCE)).toBe(false);
    expect(isSameResource("http://mcp.example.com/mcp", RESOURCE)).toBe(false);
    expect(isSameResource("https://mcp.example.com/mcp#x", RESOURCE)).toBe(false);
    expect(isSameResource("https://mcp.example.com/mcp?x", RESOURCE)).toBe(false);
    expect(isSameResource("not a uri", RESOURCE)).toBe(false);
  });

  it("derives the RFC 9728 well-known path and URL, inserted before the resource's path", () => {
    expect(resourceMetadataPath(RESOURCE)).toBe("/.well-known/oauth-protected-resource/mcp");
    expect(resourceMetadataUrl(RESOURCE)).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    );
    expect(resourceMetadataPath("https://api.example.com")).toBe("/.well-known/oauth-protected-resource");
    expect(resourceMetadataUrl("http://127.0.0.1:3000")).toBe(
      "http://127.0.0.1:3000/.well-known/oauth-protected-resource",
    );
  });
});

describe("the verifier's resource option", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: RESOURCE });
  });
  afterAll(() => authority.close());

  const withResource = (extra: Record<string, unknown> = {}) => {
    const { audience: _audience, ...rest } = authority.verifierOptions();
    return createVerifier({ ...rest, resource: "https://MCP.example.com/mcp/", ...extra });
  };

  it("keeps the resource in canonical form and makes it the only accepted audience", async () => {
    const verifier = withResource();
    expect(verifier.options.resource).toBe(RESOURCE);
    expect(verifier.options.audiences).toEqual([RESOURCE]);
    expect((await verifier.verify(await authority.mint({ audience: RESOURCE }))).scopes).toBeDefined();
  });

  it("accepts a token whose aud spells the resource differently (case, default port, one trailing slash)", async () => {
    const verifier = withResource();
    for (const aud of ["https://mcp.example.com/mcp/", "HTTPS://mcp.EXAMPLE.com:443/mcp"]) {
      await expect(verifier.verify(await authority.mint({ audience: aud }))).resolves.toBeDefined();
    }
    const inList = await authority.mint({
      audience: ["https://other.example.com", "https://mcp.example.com/mcp/"],
    });
    await expect(verifier.verify(inList)).resolves.toBeDefined();
  });

  it("refuses a token for another resource, another path or a sub-path with 401 ERR_TOKEN_AUDIENCE", async () => {
    const verifier = withResource();
    for (const aud of [
      "https://calendar.example.com",
      "https://mcp.example.com",
      "https://mcp.example.com/mcp/admin",
      "https://mcp.example.com/MCP",
      "http://mcp.example.com/mcp",
    ]) {
      const error = await failure(verifier.verify(await authority.mint({ audience: aud })));
      expect([error.status, error.code]).toEqual([401, "ERR_TOKEN_AUDIENCE"]);
    }
  });

  it("keeps an explicit audience as given: the resource is then not accepted unless listed", async () => {
    const verifier = withResource({ audience: "https://calendar.example.com" });
    expect(verifier.options.audiences).toEqual(["https://calendar.example.com"]);
    const error = await failure(verifier.verify(await authority.mint({ audience: RESOURCE })));
    expect(error.code).toBe("ERR_TOKEN_AUDIENCE");
  });

  it("still requires audience when no resource is given", () => {
    const { audience: _audience, ...rest } = authority.verifierOptions();
    expect(() => createVerifier(rest as never)).toThrow(/`audience`.*required/);
  });

  it("refuses a resource that is not a resource identifier at construction", () => {
    expect(() => withResource({ resource: "http://mcp.example.com/mcp" })).toThrow(TypeError);
    expect(() => withResource({ resource: "https://mcp.example.com/mcp#x" })).toThrow(/fragment/);
  });

  it("adds resource_metadata (the well-known URL) to the 401 challenges", async () => {
    const verifier = withResource();
    expect(verifier.options.resourceMetadataUrl).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    );
    const none = await failure(verifier.authenticate({ headers: {} }));
    expect(none.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    );
    const bad = await failure(
      verifier.verify(await authority.mint({ audience: "https://other.example.com" })),
    );
    expect(bad.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token audience is not accepted", ' +
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("adds resource_metadata after scope to the 403 challenge", async () => {
    const verifier = withResource({
      resourceMetadataUrl: "http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp",
    });
    const token = await verifier.verify(await authority.mint({ audience: RESOURCE, scope: "event.read" }));
    let thrown: unknown;
    try {
      verifier.requireScopes(token, { allOf: ["event.create"] });
    } catch (error) {
      thrown = error;
    }
    expect(isBearerError(thrown) && thrown.status).toBe(403);
    expect((thrown as BearerError).headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a required scope", ' +
        'scope="event.create", resource_metadata="http://127.0.0.1:3000/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("leaves resource_metadata out with resourceMetadataUrl: null, and refuses a non-https one", async () => {
    const verifier = withResource({ resourceMetadataUrl: null });
    const none = await failure(verifier.authenticate({ headers: {} }));
    expect(none.headers["WWW-Authenticate"]).toBe('Bearer realm="api"');
    expect(() => withResource({ resourceMetadataUrl: "http://mcp.example.com/x" })).toThrow(
      /`resourceMetadataUrl`.*https:/,
    );
  });

  it("adds no resource_metadata when neither resource nor resourceMetadataUrl is given", async () => {
    const verifier = createVerifier(authority.verifierOptions({ audience: RESOURCE }));
    const none = await failure(verifier.authenticate({ headers: {} }));
    expect(none.headers["WWW-Authenticate"]).toBe('Bearer realm="api"');
  });
});

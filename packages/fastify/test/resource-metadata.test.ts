import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectResourceMetadataAnswers, type RunningApp } from "@scopegate-examples/conformance-suite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, resourceMetadata, scopegate, type Verifier } from "../src/index.js";
import { FRAMEWORKS, listen } from "./support.js";

const RESOURCE = "https://api.scopegate.test/mcp";
const METADATA_URL = "https://api.scopegate.test/.well-known/oauth-protected-resource/mcp";
const PATH = "/.well-known/oauth-protected-resource/mcp";

describe.each(FRAMEWORKS)("resourceMetadata() on %s", (_name, create) => {
  let authority: TestAuthority;
  let verifier: Verifier;
  let app: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: RESOURCE });
    const { audience: _audience, ...options } = authority.verifierOptions();
    verifier = createVerifier({
      ...options,
      resource: RESOURCE,
      dpop: { publicUrl: "https://api.scopegate.test" },
    });
    const fastify = create();
    // A prefix does not move a well-known path.
    await fastify.register(resourceMetadata(verifier, { scopesSupported: ["event.read"] }), {
      prefix: "/api",
    });
    await fastify.register(async (api) => {
      await api.register(scopegate, { verifier });
      api.get("/mcp/events", { config: { scopes: ["event.read"] } }, async () => []);
    });
    app = await listen(fastify);
  });
  afterAll(async () => {
    await app?.close();
    await authority?.close();
  });

  it("serves the RFC 9728 document at the resource's well-known path without a token: GET, HEAD, the CORS preflight, 405 for others", async () => {
    await expectResourceMetadataAnswers(`${app.url}${PATH}`, {
      resource: RESOURCE,
      authorization_servers: [authority.issuer],
      scopes_supported: ["event.read"],
      bearer_methods_supported: ["header"],
      dpop_signing_alg_values_supported: ["ES256", "RS256", "PS256", "EdDSA"],
      dpop_bound_access_tokens_required: false,
    });
    expect((await fetch(`${app.url}/api${PATH}`)).status).toBe(404);
  });

  it("leaves other routes to the scopegate plugin, whose 401 and 403 challenges point at the document", async () => {
    const none = await fetch(`${app.url}/mcp/events`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain(`resource_metadata="${METADATA_URL}"`);
    const token = await authority.mint({ scope: "other" });
    const forbidden = await fetch(`${app.url}/mcp/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("www-authenticate")).toContain(
      `scope="event.read", resource_metadata="${METADATA_URL}"`,
    );
  });

  it("throws a TypeError at creation for a verifier without a resource or an unknown option", () => {
    const plain = createVerifier(authority.verifierOptions());
    expect(() => resourceMetadata(plain)).toThrow(TypeError);
    expect(() => resourceMetadata(verifier, { scopes: ["a"] } as never)).toThrow(/no option `scopes`/);
  });
});

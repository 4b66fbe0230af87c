import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectResourceMetadataAnswers, type RunningApp } from "@scopegate-examples/conformance-suite";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthEnv,
  bearerAuth,
  createVerifier,
  requireScope,
  resourceMetadata,
  type Verifier,
} from "../src/index.js";
import { listen } from "./support.js";

const RESOURCE = "https://api.scopegate.test/mcp";
const METADATA_URL = "https://api.scopegate.test/.well-known/oauth-protected-resource/mcp";
const PATH = "/.well-known/oauth-protected-resource/mcp";

describe("resourceMetadata()", () => {
  let authority: TestAuthority;
  let verifier: Verifier;
  let app: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: RESOURCE });
    const { audience: _audience, ...options } = authority.verifierOptions();
    verifier = createVerifier({
      ...options,
      resource: RESOURCE,
      dpop: { publicUrl: "https://api.scopegate.test", mode: "required" },
    });
    const hono = new Hono<AuthEnv>();
    hono.use(resourceMetadata(verifier, { scopesSupported: ["event.read"] }));
    hono.get("/mcp/events", bearerAuth(verifier), requireScope("event.read"), (c) => c.json([]));
    app = await listen(hono);
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
      dpop_bound_access_tokens_required: true,
    });
  });

  it("lets other paths through, and their 401 challenges point at the document", async () => {
    const none = await fetch(`${app.url}/mcp/events`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain(`resource_metadata="${METADATA_URL}"`);
    expect((await fetch(`${app.url}/.well-known/oauth-protected-resource`)).status).toBe(404);
  });

  it("throws a TypeError at creation for a verifier without a resource or an unknown option", () => {
    const plain = createVerifier(authority.verifierOptions());
    expect(() => resourceMetadata(plain)).toThrow(TypeError);
    expect(() => resourceMetadata(verifier, { scopes: ["a"] } as never)).toThrow(/no option `scopes`/);
  });
});

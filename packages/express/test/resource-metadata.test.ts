import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerAuth, createVerifier, requireScope, resourceMetadata } from "../src/index.js";
import { listen } from "./support.js";

const RESOURCE = "https://api.scopegate.test/mcp";
const METADATA_URL = "https://api.scopegate.test/.well-known/oauth-protected-resource/mcp";

describe("resourceMetadata()", () => {
  let authority: TestAuthority;
  let close: () => Promise<void>;
  let url: string;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: RESOURCE });
    const { audience: _audience, ...options } = authority.verifierOptions();
    const verifier = createVerifier({ ...options, resource: RESOURCE });
    const app = express();
    app.use(resourceMetadata(verifier, { scopesSupported: ["event.read"] }));
    app.get("/mcp/events", bearerAuth(verifier), requireScope("event.read"), (_req, res) => res.json([]));
    ({ url, close } = await listen(app));
  });
  afterAll(async () => {
    await close?.();
    await authority?.close();
  });

  it("serves the RFC 9728 document at the resource's well-known path with caching and CORS headers", async () => {
    const response = await fetch(`${url}/.well-known/oauth-protected-resource/mcp`, {
      headers: { origin: "https://app.example.com" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({
      resource: RESOURCE,
      authorization_servers: [authority.issuer],
      scopes_supported: ["event.read"],
      bearer_methods_supported: ["header"],
    });
  });

  it("answers a CORS preflight with 204 and another method with 405", async () => {
    const preflight = await fetch(`${url}/.well-known/oauth-protected-resource/mcp`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
    const post = await fetch(`${url}/.well-known/oauth-protected-resource/mcp`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("lets other paths through, and the 401 and 403 challenges point at the document", async () => {
    const none = await fetch(`${url}/mcp/events`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe(
      `Bearer realm="api", resource_metadata="${METADATA_URL}"`,
    );
    const token = await authority.mint({ scope: "other" });
    const forbidden = await fetch(`${url}/mcp/events`, { headers: { authorization: `Bearer ${token}` } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("www-authenticate")).toContain(
      `scope="event.read", resource_metadata="${METADATA_URL}"`,
    );
    expect((await fetch(`${url}/.well-known/oauth-protected-resource`)).status).toBe(404);
  });
});

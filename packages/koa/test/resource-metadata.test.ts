import Router from "@koa/router";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectResourceMetadataAnswers } from "@scopegate-examples/conformance-suite";
import Koa from "koa";
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
    const app = new Koa();
    const router = new Router();
    router.get("/mcp/events", bearerAuth(verifier), requireScope("event.read"), (ctx) => {
      ctx.body = [];
    });
    app.use(resourceMetadata(verifier, { scopesSupported: ["event.read"] }));
    app.use(router.routes());
    ({ url, close } = await listen(app.callback()));
  });
  afterAll(async () => {
    await close?.();
    await authority?.close();
  });

  it("serves the RFC 9728 document at the resource's well-known path: caching, CORS, HEAD, preflight, 405", async () => {
    await expectResourceMetadataAnswers(`${url}/.well-known/oauth-protected-resource/mcp`, {
      resource: RESOURCE,
      authorization_servers: [authority.issuer],
      scopes_supported: ["event.read"],
      bearer_methods_supported: ["header"],
    });
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

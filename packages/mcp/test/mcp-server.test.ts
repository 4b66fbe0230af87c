import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createMcpExpressApp } from "@modelcontextprotocol/express";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/v4";
import {
  createVerifier,
  mcpBearerAuth,
  mcpResourceMetadata,
  requireToolScopes,
  type Verifier,
} from "../src/index.js";

// An MCP server on the SDK's Express helpers, protected by @scopegate/mcp, called by the SDK's own
// client over real HTTP on 127.0.0.1 with tokens from a local test authority.

let authority: TestAuthority;
let server: Server;
let url: string;
let resource: string;
let verifier: Verifier;

function buildServer(): McpServer {
  const mcp = new McpServer({ name: "test", version: "1.0.0" });
  mcp.registerTool("whoami", { description: "who calls" }, async (ctx) => ({
    content: [{ type: "text", text: JSON.stringify(ctx.http?.authInfo ?? null) }],
  }));
  mcp.registerTool(
    "create_event",
    { inputSchema: z.object({ title: z.string() }), scopeChallenge: requireToolScopes(["event.create"]) },
    async ({ title }) => ({ content: [{ type: "text", text: `created ${title}` }] }),
  );
  return mcp;
}

beforeAll(async () => {
  server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  resource = `${url}/mcp`;
  authority = await createTestAuthority({ audience: resource });
  await authority.listen();
  const { audience: _audience, ...options } = authority.verifierOptions();
  verifier = createVerifier({ ...options, resource });
  const app = createMcpExpressApp();
  app.use(mcpResourceMetadata(verifier, { scopesSupported: ["event.create"] }));
  const node = toNodeHandler(createMcpHandler(buildServer));
  app.all("/mcp", mcpBearerAuth(verifier), (req, res) => void node(req, res, req.body));
  server.on("request", app);
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await authority?.close();
});

async function connect(token: string | undefined, seen: Response[] = []): Promise<Client> {
  const client = new Client({ name: "test-client", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      seen.push(response.clone());
      return response;
    },
  });
  await client.connect(transport);
  return client;
}

describe("@scopegate/mcp with the MCP SDK", () => {
  it("serves the RFC 9728 metadata at /.well-known/oauth-protected-resource/mcp", async () => {
    const res = await fetch(`${url}/.well-known/oauth-protected-resource/mcp`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({
      resource,
      authorization_servers: [authority.issuer],
      scopes_supported: ["event.create"],
      bearer_methods_supported: ["header"],
    });
  });

  it("answers a request without a token 401 with resource_metadata in the challenge", async () => {
    const res = await fetch(`${url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer realm="api", resource_metadata="${url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it("hands the tool the SDK's AuthInfo: client, scopes, expiresAt, resource, claims", async () => {
    const token = await authority.mint({ scope: "event.read", clientId: "task-service" });
    const client = await connect(token);
    try {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      const info = JSON.parse((result.content as { text: string }[])[0]?.text ?? "null");
      expect(info).toMatchObject({
        token,
        clientId: "task-service",
        scopes: ["event.read"],
        resource: `${resource}`,
        resourceMetadataUrl: `${url}/.well-known/oauth-protected-resource/mcp`,
        extra: { issuer: authority.issuer, claims: { aud: resource } },
      });
      expect(typeof info.expiresAt).toBe("number");
    } finally {
      await client.close();
    }
  });

  it("refuses a token issued for another resource with 401 invalid_token", async () => {
    const token = await authority.mint({ audience: "https://calendar.example.com" });
    const seen: Response[] = [];
    await expect(connect(token, seen)).rejects.toThrow();
    const refused = seen.find((r) => r.status === 401);
    expect(refused?.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(refused?.headers.get("www-authenticate")).toContain("resource_metadata=");
  });

  it("answers a tool call without the tool's scope with HTTP 403 insufficient_scope naming it", async () => {
    const token = await authority.mint({ scope: "event.read" });
    const seen: Response[] = [];
    const client = await connect(token, seen);
    try {
      await expect(client.callTool({ name: "create_event", arguments: { title: "x" } })).rejects.toThrow();
      const forbidden = seen.find((r) => r.status === 403);
      const challenge = forbidden?.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="event.create"');
      expect(challenge).toContain(`resource_metadata="${url}/.well-known/oauth-protected-resource/mcp"`);
      const allowed = await connect(await authority.mint({ scope: "event.create" }));
      const result = await allowed.callTool({ name: "create_event", arguments: { title: "standup" } });
      expect(result.content).toEqual([{ type: "text", text: "created standup" }]);
      await allowed.close();
    } finally {
      await client.close();
    }
  });
});

import {
  Client,
  ClientCredentialsProvider,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import {
  CALENDAR_API,
  demoOptions,
  startAuthorizationServer,
} from "@scopegate-examples/authorization-server";
import { freePort, type RunningExample, spawnExample } from "@scopegate-examples/conformance-suite";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengeOf, connectClient, EXAMPLE } from "./support.js";

// The whole MCP authorization story over real HTTP on 127.0.0.1: the example started as a process,
// the demo's oidc-provider (client credentials, RFC 8707 resource indicators) issuing its tokens,
// oauth4webapi as the OAuth client and the MCP SDK's own client calling the tools.

type AuthorizationServer = Awaited<ReturnType<typeof startAuthorizationServer>>;

const CLIENT = { id: "task-service", secret: "task-service-demo-secret" };

let authorizationServer: AuthorizationServer;
let service: RunningExample;
let resource: string;

beforeAll(async () => {
  // The resource's URL names the port: choose it first, so the authorization server knows the resource.
  const port = await freePort();
  resource = `http://127.0.0.1:${port}/mcp`;
  authorizationServer = await startAuthorizationServer(demoOptions({ RESOURCES: resource }));
  service = await spawnExample(EXAMPLE, { ISSUER: authorizationServer.issuer, PORT: String(port) }).listening;
});
afterAll(async () => {
  await service?.stop();
  await authorizationServer?.close();
});

/** Client credentials with oauth4webapi, from the authorization server's RFC 8414 metadata. */
async function clientCredentialsToken(issuer: string, scope: string, tokenResource: string): Promise<string> {
  const insecure = { [oauth.allowInsecureRequests]: true } as const; // http: on 127.0.0.1 only
  const issuerUrl = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(
    issuerUrl,
    await oauth.discoveryRequest(issuerUrl, { algorithm: "oauth2", ...insecure }),
  );
  const client: oauth.Client = { client_id: CLIENT.id };
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    client,
    oauth.ClientSecretBasic(CLIENT.secret),
    new URLSearchParams({ scope, resource: tokenResource }),
    insecure,
  );
  return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
}

async function closing<T>(client: Client, use: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

describe("mcp-server with the MCP SDK's client and the demo authorization server", () => {
  it("401 → resource metadata → authorization-server metadata → a token for the resource → the tool call succeeds", async () => {
    // 1. No token: the SDK's client is refused, and the challenge says where the metadata is.
    const seen: Response[] = [];
    await expect(connectClient(service.url, undefined, seen)).rejects.toThrow();
    const refused = seen.find((response) => response.status === 401);
    expect(refused).toBeDefined();
    const { resourceMetadataUrl, error } = extractWWWAuthenticateParams(refused as Response);
    expect(error).toBeUndefined();
    expect(resourceMetadataUrl?.href).toBe(`${service.url}/.well-known/oauth-protected-resource/mcp`);

    // 2. The RFC 9728 document names the resource and its authorization server.
    const metadata = await discoverOAuthProtectedResourceMetadata(`${service.url}/mcp`, {
      resourceMetadataUrl,
    });
    expect(metadata.resource).toBe(resource);
    expect(metadata.authorization_servers).toEqual([authorizationServer.issuer]);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(["event.read", "event.create"]));

    // 3 and 4. The authorization server's metadata, then a client-credentials token for that resource.
    const [issuer] = metadata.authorization_servers ?? [];
    const token = await clientCredentialsToken(
      issuer as string,
      "event.read event.create",
      metadata.resource,
    );

    // 5. The tools, with that token.
    await closing(await connectClient(service.url, token), async (client) => {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["create_event", "list_events"]);
      const created = await client.callTool({ name: "create_event", arguments: { title: "Planning" } });
      expect(created.isError).toBeFalsy();
      expect(created.structuredContent).toEqual({ title: "Planning", id: expect.any(String) });
      const listed = await client.callTool({ name: "list_events", arguments: {} });
      expect(listed.structuredContent).toEqual({
        events: expect.arrayContaining([created.structuredContent]),
      });
    });
  });

  it("lets the SDK's ClientCredentialsProvider follow the same chain by itself and call a tool", async () => {
    const authProvider = new ClientCredentialsProvider({
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      scope: "event.read",
      expectedIssuer: authorizationServer.issuer,
    });
    const client = new Client({ name: "sdk-auth", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { authProvider }));
    await closing(client, async () => {
      const listed = await client.callTool({ name: "list_events", arguments: {} });
      expect(listed.isError).toBeFalsy();
      expect(listed.structuredContent).toEqual({ events: expect.any(Array) });
    });
    expect(authProvider.tokens()).toMatchObject({ token_type: expect.stringMatching(/^bearer$/i) });
  });

  it("refuses a token the same authorization server issued for another resource with 401 invalid_token", async () => {
    const token = await clientCredentialsToken(
      authorizationServer.issuer,
      "event.read event.create",
      CALENDAR_API,
    );
    const seen: Response[] = [];
    await expect(connectClient(service.url, token, seen)).rejects.toThrow();
    const challenge = challengeOf(seen, 401) ?? "";
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(
      `resource_metadata="${service.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it("answers a tool call without the tool's scope with HTTP 403 insufficient_scope, scope and resource_metadata", async () => {
    const token = await clientCredentialsToken(authorizationServer.issuer, "event.read", resource);
    const seen: Response[] = [];
    await closing(await connectClient(service.url, token, seen), async (client) => {
      expect((await client.callTool({ name: "list_events", arguments: {} })).isError).toBeFalsy();
      await expect(client.callTool({ name: "create_event", arguments: { title: "Nope" } })).rejects.toThrow();
    });
    const forbidden = seen.find((response) => response.status === 403);
    expect(forbidden).toBeDefined();
    expect(extractWWWAuthenticateParams(forbidden as Response)).toMatchObject({
      error: "insufficient_scope",
      scope: "event.create",
      resourceMetadataUrl: new URL(`${service.url}/.well-known/oauth-protected-resource/mcp`),
    });
  });
});

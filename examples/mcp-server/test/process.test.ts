import { join } from "node:path";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import {
  call,
  expectBearerFailure,
  freePort,
  pnpmCommand,
  type RunningExample,
  refusesConnections,
  runToExit,
  spawnExample,
} from "@scopegate-examples/conformance-suite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengeOf, connectClient, EXAMPLE, postToolsList } from "./support.js";

// The example as its users start it (`node src/server.js`, its `start` script; and through
// `pnpm --dir examples/mcp-server start`), configured by the environment only, against a local
// authority from @scopegate/testing: the "MCP example" section of the shared conformance contract.

let authority: TestAuthority;
let service: RunningExample;
const env = (): Record<string, string> => ({ ISSUER: authority.issuer, PORT: "0" });
const metadataUrl = (origin: string) => `${origin}/.well-known/oauth-protected-resource/mcp`;
/** A token for the service's default resource, `<url>/mcp`. */
const tokenFor = (url: string, scope: string[] = []) => authority.mint({ audience: `${url}/mcp`, scope });

beforeAll(async () => {
  authority = await createTestAuthority();
  await authority.listen();
  service = await spawnExample(EXAMPLE, env()).listening;
});
afterAll(async () => {
  await service?.stop();
  await authority?.close();
});

describe("mcp-server start-up", () => {
  it("prints one `listening on http://127.0.0.1:PORT` line with the real port when PORT=0", () => {
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(service.url).port).not.toBe("0");
    expect(service.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it("serves the RFC 9728 metadata at /.well-known/oauth-protected-resource/mcp: resource <PUBLIC_URL>/mcp, the issuer, both scopes", async () => {
    const res = await fetch(metadataUrl(service.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toEqual({
      resource: `${service.url}/mcp`,
      authorization_servers: [authority.issuer],
      scopes_supported: ["event.read", "event.create"],
      bearer_methods_supported: ["header"],
    });
  });

  it("answers GET /health 200 {ok:true} without credentials", async () => {
    const res = await call(service.url, "/health");
    expect([res.status, res.body]).toEqual([200, { ok: true }]);
  });
});

describe("POST /mcp", () => {
  it("answers a request without a token 401 whose challenge carries resource_metadata", async () => {
    const res = await call(service.url, "/mcp", {
      method: "post",
      body: { jsonrpc: "2.0", id: 1, method: "tools/list" },
    });
    expectBearerFailure(res, "ERR_NO_CREDENTIALS", { resourceMetadata: metadataUrl(service.url) });
  });

  it("answers an expired token 401 invalid_token with resource_metadata", async () => {
    const token = await authority.tokens.expired({ audience: `${service.url}/mcp` });
    const res = await call(service.url, "/mcp", {
      method: "post",
      authorization: `Bearer ${token}`,
      body: {},
    });
    expectBearerFailure(res, "ERR_TOKEN_EXPIRED", { resourceMetadata: metadataUrl(service.url) });
  });

  it("refuses a token issued for another audience (the origin alone, another path) with 401 invalid_token", async () => {
    for (const audience of [service.url, `${service.url}/mcp/admin`, "https://calendar.example.com"]) {
      const token = await authority.mint({ audience, scope: ["event.read", "event.create"] });
      const res = await call(service.url, "/mcp", {
        method: "post",
        authorization: `Bearer ${token}`,
        body: {},
      });
      expectBearerFailure(res, "ERR_TOKEN_AUDIENCE", { resourceMetadata: metadataUrl(service.url) });
    }
  });

  it("lists both tools for a valid token without scopes, and runs each only with its scope", async () => {
    const seen: Response[] = [];
    const client = await connectClient(service.url, await tokenFor(service.url), seen);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["create_event", "list_events"]);
      await expect(client.callTool({ name: "list_events", arguments: {} })).rejects.toThrow();
      const challenge = challengeOf(seen, 403) ?? "";
      expect(challenge).toMatch(/^Bearer /);
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain('scope="event.read"');
      expect(challenge).toContain(`resource_metadata="${metadataUrl(service.url)}"`);
    } finally {
      await client.close();
    }
    const writer = await connectClient(
      service.url,
      await tokenFor(service.url, ["event.create", "event.read"]),
    );
    try {
      const created = await writer.callTool({ name: "create_event", arguments: { title: "Standup" } });
      expect(created.structuredContent).toEqual({ title: "Standup", id: expect.any(String) });
      const listed = await writer.callTool({ name: "list_events", arguments: {} });
      expect(listed.structuredContent).toEqual({
        events: expect.arrayContaining([created.structuredContent]),
      });
    } finally {
      await writer.close();
    }
  });

  it("refuses a Host header that is neither the public URL's host nor loopback with 403, before authentication", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        `${service.url}/mcp`,
        { method: "POST", headers: { host: "attacker.example" } },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.once("error", reject);
      req.end("{}");
    });
    expect(status).toBe(403);
    expect((await postToolsList(service.url, { origin: "https://attacker.example" })).status).toBe(403);
  });
});

describe("settings", () => {
  it("publishes RESOURCE, accepts only tokens for it, and points challenges at PUBLIC_URL", async () => {
    const publicUrl = "https://mcp.scopegate.test";
    const resource = "https://mcp.scopegate.test/tools";
    const other = await spawnExample(EXAMPLE, { ...env(), PUBLIC_URL: `${publicUrl}/`, RESOURCE: resource })
      .listening;
    try {
      const metadata = await fetch(metadataUrl(other.url));
      expect(await metadata.json()).toMatchObject({ resource, authorization_servers: [authority.issuer] });
      const bare = await call(other.url, "/mcp", { method: "post", body: {} });
      expectBearerFailure(bare, "ERR_NO_CREDENTIALS", { resourceMetadata: metadataUrl(publicUrl) });
      const forDefault = await authority.mint({ audience: `${publicUrl}/mcp` });
      expect((await postToolsList(other.url, { authorization: `Bearer ${forDefault}` })).status).toBe(401);
      const forResource = await authority.mint({ audience: resource });
      expect((await postToolsList(other.url, { authorization: `Bearer ${forResource}` })).status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  it("uses JWKS_URI when it is set", async () => {
    const other = await spawnExample(EXAMPLE, { ...env(), JWKS_URI: authority.jwksUri }).listening;
    try {
      const token = await tokenFor(other.url);
      expect((await postToolsList(other.url, { authorization: `Bearer ${token}` })).status).toBe(200);
    } finally {
      await other.stop();
    }
  });

  const bad: [string, (base: Record<string, string>) => Record<string, string>][] = [
    ["ISSUER is missing", ({ ISSUER: _, ...rest }) => rest],
    ["ISSUER is empty", (base) => ({ ...base, ISSUER: "" })],
    ["ISSUER is not a URL", (base) => ({ ...base, ISSUER: "not a url" })],
    ["ISSUER is plain http on a public host", (base) => ({ ...base, ISSUER: "http://auth.example.com/" })],
    ["JWKS_URI is not a URL", (base) => ({ ...base, JWKS_URI: "jwks.json" })],
    ["PORT is not a number", (base) => ({ ...base, PORT: "eighty" })],
    ["PORT is out of range", (base) => ({ ...base, PORT: "65536" })],
    ["PUBLIC_URL has a path", (base) => ({ ...base, PUBLIC_URL: "https://mcp.example.com/api" })],
    ["PUBLIC_URL is not a URL", (base) => ({ ...base, PUBLIC_URL: "mcp.example.com" })],
    ["RESOURCE has a fragment", (base) => ({ ...base, RESOURCE: "https://mcp.example.com/mcp#x" })],
    [
      "RESOURCE is plain http on a public host",
      (base) => ({ ...base, RESOURCE: "http://mcp.example.com/mcp" }),
    ],
  ];
  for (const [title, change] of bad) {
    it(`exits with code 2 and one line on stderr, listening nowhere, when ${title}`, async () => {
      const port = await freePort();
      const run = await runToExit(EXAMPLE, change({ ...env(), PORT: String(port) }));
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^mcp-server: \S/);
      expect(run.stdout).not.toMatch(/listening/);
      if (!title.startsWith("PORT")) expect(await refusesConnections(port)).toBe(true);
    });
  }

  it("exits with code 2 and one line on stderr when the port is taken", async () => {
    const run = await runToExit(EXAMPLE, { ...env(), PORT: new URL(service.url).port });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^mcp-server: cannot listen on .*EADDRINUSE/),
    ]);
  });
});

describe("SIGTERM", () => {
  const deadline = () =>
    new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 2000).unref());

  it("exits with code 0 within 2 s, with an MCP client's keep-alive connection open", async () => {
    const running = await spawnExample(EXAMPLE, env()).listening;
    const client = await connectClient(running.url, await tokenFor(running.url));
    try {
      await client.listTools();
      running.child.kill("SIGTERM");
      expect(await Promise.race([running.exited, deadline()])).toEqual({ code: 0, signal: null });
    } finally {
      await client.close().catch(() => {});
      await running.stop();
    }
  });

  it("started as `pnpm --dir examples/mcp-server start`, exits with code 0 within 2 s when pnpm gets SIGTERM", async () => {
    const command = [...pnpmCommand(join(EXAMPLE.cwd, "..", "..")), "--dir", EXAMPLE.cwd, "start"];
    const running = await spawnExample({ cwd: EXAMPLE.cwd, command }, env()).listening;
    try {
      expect((await call(running.url, "/health")).status).toBe(200);
      running.child.kill("SIGTERM");
      expect(await Promise.race([running.exited, deadline()])).toEqual({ code: 0, signal: null });
      await expect(call(running.url, "/health")).rejects.toThrow();
    } finally {
      await running.stop();
    }
  });
});

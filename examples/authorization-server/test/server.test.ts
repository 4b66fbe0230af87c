import { createVerifier } from "@scopegate/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALENDAR_API, demoClients, demoOptions } from "../src/demo-config.js";
import { type AuthorizationServer, startAuthorizationServer } from "../src/server.js";

// The demo authorization server over real HTTP on 127.0.0.1. Its tokens are checked with
// @scopegate/core in strict RFC 9068 mode, keys found by discovery from the issuer alone.

const ADMIN_TOKEN = "admin-token-for-this-test";
const MCP_API = "http://127.0.0.1:9/mcp";
let server: AuthorizationServer;

beforeAll(async () => {
  server = await startAuthorizationServer({
    ...demoOptions({ RESOURCES: MCP_API }),
    adminToken: ADMIN_TOKEN,
  });
});
afterAll(async () => {
  await server?.close();
});

type TokenResponse = {
  access_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
  error?: string;
};

async function requestToken(
  clientId: string,
  secret: string,
  params: Record<string, string>,
): Promise<{ status: number; body: TokenResponse }> {
  const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
    token_endpoint: string;
  };
  const response = await fetch(metadata.token_endpoint, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials", ...params }),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse };
}

const decodeHeader = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[0] as string, "base64url").toString("utf8")) as {
    kid: string;
    typ: string;
  };

const strictVerifier = () =>
  createVerifier({ issuer: server.issuer, audience: CALENDAR_API, tokenType: "strict" });

describe("demo authorization server", () => {
  it("publishes RFC 8414 metadata whose issuer is its URL", async () => {
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.grant_types_supported).toContain("client_credentials");
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(["client_secret_basic"]);
  });

  it("issues an RFC 9068 JWT access token that scopegate verifies in strict mode", async () => {
    const { status, body } = await requestToken("task-service", "task-service-demo-secret", {
      scope: "event.read event.create",
      resource: CALENDAR_API,
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe("Bearer");
    expect(body.scope).toBe("event.read event.create");
    expect(body.expires_in).toBe(300);
    const token = body.access_token as string;
    expect(decodeHeader(token)).toMatchObject({ typ: "at+jwt", kid: server.currentKid });
    const verified = await strictVerifier().verify(token);
    expect(verified.clientId).toBe("task-service");
    expect(verified.subject).toBe("task-service");
    expect(verified.scopes).toEqual(["event.read", "event.create"]);
    expect(verified.claims.aud).toBe(CALENDAR_API);
  });

  it("defaults the resource to the calendar API when the client names none", async () => {
    const { body } = await requestToken("reporting", "reporting-demo-secret", { scope: "report.read" });
    const verified = await strictVerifier().verify(body.access_token as string);
    expect(verified.scopes).toEqual(["report.read"]);
  });

  it("refuses a scope the client is not registered for with invalid_scope", async () => {
    const { status, body } = await requestToken("reporting", "reporting-demo-secret", {
      scope: "event.delete",
    });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_scope");
  });

  it("refuses a wrong client secret with invalid_client", async () => {
    const { status, body } = await requestToken("task-service", "not-the-secret", { scope: "event.read" });
    expect(status).toBe(401);
    expect(body.error).toBe("invalid_client");
  });

  it("refuses a resource it does not know with invalid_target", async () => {
    const { status, body } = await requestToken("task-service", "task-service-demo-secret", {
      scope: "event.read",
      resource: "https://other.example.com",
    });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_target");
  });

  it("issues a token for a further resource (RESOURCES) with that resource, and only it, as aud", async () => {
    const { status, body } = await requestToken("task-service", "task-service-demo-secret", {
      scope: "event.read",
      resource: MCP_API,
    });
    expect(status).toBe(200);
    const verified = await createVerifier({ issuer: server.issuer, resource: MCP_API }).verify(
      body.access_token as string,
    );
    expect(verified.claims.aud).toBe(MCP_API);
    await expect(strictVerifier().verify(body.access_token as string)).rejects.toMatchObject({
      code: "ERR_TOKEN_AUDIENCE",
    });
    expect(() => demoOptions({ RESOURCES: "https://ok.example.com, not a uri" })).toThrow(/RESOURCES/);
  });

  it("gives the short-lived client one-second tokens", async () => {
    const { body } = await requestToken("short-lived", "short-lived-demo-secret", { scope: "event.read" });
    expect(body.expires_in).toBe(1);
  });

  it("takes client secrets from the environment", () => {
    const clients = demoClients({ TASK_SERVICE_CLIENT_SECRET: "from-env" });
    expect(clients.find((c) => c.clientId === "task-service")?.clientSecret).toBe("from-env");
    expect(() => demoOptions({ PORT: "70000" })).toThrow(/PORT/);
  });

  it("has no mutual TLS unless MTLS_CERT, MTLS_KEY and MTLS_CA are all set to readable PEM files", async () => {
    expect(demoOptions({}).mutualTls).toBeUndefined();
    expect(server.mutualTlsUrl).toBeUndefined();
    expect(() => demoOptions({ MTLS_CERT: "/tmp/cert.pem" })).toThrow(
      /MTLS_CERT, MTLS_KEY and MTLS_CA go together/,
    );
    const missing = "/nonexistent/scopegate-demo.pem";
    expect(() => demoOptions({ MTLS_CERT: missing, MTLS_KEY: missing, MTLS_CA: missing })).toThrow(
      "MTLS_CERT must name a readable PEM file",
    );
    const metadata = (await (
      await fetch(`${server.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.dpop_signing_alg_values_supported).toContain("ES256");
    expect(metadata.mtls_endpoint_aliases).toBeUndefined();
    expect(metadata.tls_client_certificate_bound_access_tokens).toBeUndefined();
  });

  it("gives the DPoP client no token without a DPoP proof", async () => {
    const { status, body } = await requestToken("task-service-dpop", "task-service-dpop-demo-secret", {
      scope: "event.read",
    });
    expect([status, body.error]).toEqual([400, "invalid_grant"]);
  });
});

describe("key rotation", () => {
  it("refuses the admin endpoint without the admin token", async () => {
    const none = await fetch(`${server.url}/admin/rotate-keys`, { method: "POST" });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${server.url}/admin/rotate-keys`, {
      method: "POST",
      headers: { authorization: "Bearer wrong" },
    });
    expect(wrong.status).toBe(401);
  });

  it("has no admin endpoint unless an admin token is configured", async () => {
    const plain = await startAuthorizationServer(demoOptions({}));
    try {
      const response = await fetch(`${plain.url}/admin/rotate-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(response.status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it("signs with a new key after rotation and keeps the old one published", async () => {
    const verifier = strictVerifier();
    const before = await requestToken("task-service", "task-service-demo-secret", { scope: "event.read" });
    const oldToken = before.body.access_token as string;
    await verifier.verify(oldToken);

    const response = await fetch(`${server.url}/admin/rotate-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const rotation = (await response.json()) as { kid: string; previousKid: string };
    expect(rotation.previousKid).toBe(decodeHeader(oldToken).kid);
    expect(rotation.kid).not.toBe(rotation.previousKid);
    expect(server.currentKid).toBe(rotation.kid);

    const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual([rotation.kid, rotation.previousKid]);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);

    const after = await requestToken("task-service", "task-service-demo-secret", { scope: "event.read" });
    const newToken = after.body.access_token as string;
    expect(decodeHeader(newToken).kid).toBe(rotation.kid);
    await expect(verifier.verify(newToken)).resolves.toMatchObject({ clientId: "task-service" });
    await expect(verifier.verify(oldToken)).resolves.toMatchObject({ clientId: "task-service" });
  });
});

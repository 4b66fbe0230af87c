import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestAuthority,
  DEFAULT_INTROSPECTION_CLIENT_ID,
  DEFAULT_INTROSPECTION_CLIENT_SECRET,
  type TestAuthority,
} from "../src/index.js";

const open: TestAuthority[] = [];
async function authority(...args: Parameters<typeof createTestAuthority>) {
  const created = await createTestAuthority(...args);
  open.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const form = { "content-type": "application/x-www-form-urlencoded" };
type Json = Record<string, unknown>;
const json = async (response: Response) => (await response.json()) as Json;

async function introspect(
  a: TestAuthority,
  token: string,
  headers: Record<string, string> = {},
  fetchImpl: typeof fetch = a.fetch as typeof fetch,
): Promise<Response> {
  return fetchImpl(a.introspectionEndpoint, {
    method: "POST",
    headers: {
      ...form,
      authorization: basic(DEFAULT_INTROSPECTION_CLIENT_ID, DEFAULT_INTROSPECTION_CLIENT_SECRET),
      ...headers,
    },
    body: new URLSearchParams({ token }),
  });
}

describe("the test authority's introspection endpoint", () => {
  it("answers an opaque token active, with the claims mint would sign and token_type Bearer", async () => {
    const a = await authority({ audience: "https://api.example.com" });
    const token = a.mintOpaque({ scope: "event.read", clientId: "task-service" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const answer = await json(await introspect(a, token));
    expect(answer).toMatchObject({
      active: true,
      iss: a.issuer,
      aud: "https://api.example.com",
      client_id: "task-service",
      scope: "event.read",
      token_type: "Bearer",
    });
    expect(a.requests.introspection).toBe(1);
  });

  it("answers active: false for an unknown, revoked or expired token", async () => {
    const a = await authority();
    const revoked = a.mintOpaque();
    expect(a.revoke(revoked)).toBe(true);
    expect(a.revoke("never-issued")).toBe(false);
    for (const token of ["never-issued", revoked, a.mintOpaque({ expiresInSec: -1 })]) {
      expect(await json(await introspect(a, token))).toEqual({ active: false });
    }
  });

  it("writes answer overrides over the answer as they are", async () => {
    const a = await authority();
    const token = a.mintOpaque({ expiresInSec: -60, answer: { active: "true" } });
    const answer = await json(await introspect(a, token));
    expect(answer.active).toBe("true");
    expect(typeof answer.exp).toBe("number");
  });

  it("refuses a wrong secret (401 invalid_client) and accepts client_secret_post", async () => {
    const a = await authority();
    const token = a.mintOpaque();
    const refused = await introspect(a, token, {
      authorization: basic(DEFAULT_INTROSPECTION_CLIENT_ID, "nope"),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: "invalid_client" });
    const posted = await (a.fetch as typeof fetch)(a.introspectionEndpoint, {
      method: "POST",
      headers: form,
      body: new URLSearchParams({
        token,
        client_id: DEFAULT_INTROSPECTION_CLIENT_ID,
        client_secret: DEFAULT_INTROSPECTION_CLIENT_SECRET,
      }),
    });
    expect((await json(posted)).active).toBe(true);
  });

  it("signs the answer (RFC 9701) when asked with Accept: application/token-introspection+jwt", async () => {
    const a = await authority();
    const response = await introspect(a, a.mintOpaque({ scope: "admin" }), {
      accept: "application/token-introspection+jwt",
    });
    expect(response.headers.get("content-type")).toBe("application/token-introspection+jwt");
    const jwt = await response.text();
    expect(decodeProtectedHeader(jwt).typ).toBe("token-introspection+jwt");
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(a.jwks()), {
      issuer: a.issuer,
      audience: DEFAULT_INTROSPECTION_CLIENT_ID,
    });
    expect((payload.token_introspection as { scope?: string }).scope).toBe("admin");
  });

  it("serves the endpoint over HTTP, names it in the metadata, counts requests and simulates outages", async () => {
    const a = await authority();
    const server = await a.listen();
    expect(a.introspectionEndpoint).toBe(`${server.url}/introspect`);
    const metadata = await json(await fetch(`${server.url}/.well-known/openid-configuration`));
    expect(metadata.introspection_endpoint).toBe(a.introspectionEndpoint);
    const token = a.mintOpaque();
    expect((await json(await introspect(a, token, {}, fetch))).active).toBe(true);
    expect(server.introspectionRequests).toBe(1);
    a.simulate("error500", { endpoints: "introspection", status: 503, times: 1 });
    expect((await introspect(a, token, {}, fetch)).status).toBe(503);
    expect((await json(await fetch(a.jwksUri))).keys).toHaveLength(1);
    expect(a.introspectionOptions()).toEqual({
      endpoint: a.introspectionEndpoint,
      clientId: DEFAULT_INTROSPECTION_CLIENT_ID,
      clientSecret: DEFAULT_INTROSPECTION_CLIENT_SECRET,
    });
  });
});

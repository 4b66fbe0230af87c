import { createServer } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAuthority, type TestAuthority, type TestAuthorityServer } from "../src/index.js";

const audience = "https://api.example.com";
let authority: TestAuthority;
let server: TestAuthorityServer;

beforeAll(async () => {
  authority = await createTestAuthority({ audience });
  server = await authority.listen();
});
afterAll(() => authority.close());

async function json(url: string) {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

function canListenOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

describe("listen", () => {
  it("serves on 127.0.0.1 and makes the server's URL the issuer", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(authority.issuer).toBe(server.url);
    expect(server.issuer).toBe(server.url);
    expect(authority.jwksUri).toBe(`${server.url}/jwks.json`);
    expect(server.jwksUri).toBe(authority.jwksUri);
  });

  it("returns the running server when called again", async () => {
    expect(await authority.listen()).toBe(server);
  });

  it("serves the JWKS as JSON", async () => {
    const { status, type, body } = await json(server.jwksUri);
    expect(status).toBe(200);
    expect(type).toBe("application/json");
    expect(body).toEqual(authority.jwks());
  });

  it.each(["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"])(
    "serves the metadata at %s with issuer and jwks_uri",
    async (path) => {
      const { status, body } = await json(`${server.url}${path}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ issuer: server.url, jwks_uri: server.jwksUri });
    },
  );

  it("answers 404 elsewhere and 405 to other methods", async () => {
    expect((await fetch(`${server.url}/token`)).status).toBe(404);
    const post = await fetch(server.jwksUri, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("mints tokens that jose verifies with the JWKS fetched over HTTP", async () => {
    const token = await authority.mint({ scope: "event.create" });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
      issuer: server.url,
      audience,
    });
    expect(payload).toMatchObject({ iss: server.url, scope: "event.create" });
  });

  it("counts JWKS and discovery requests separately", async () => {
    const before = { jwks: server.requests, discovery: server.discoveryRequests };
    await Promise.all([
      json(server.jwksUri),
      json(server.jwksUri),
      json(`${server.url}/.well-known/openid-configuration`),
    ]);
    expect(server.requests).toBe(before.jwks + 2);
    expect(server.discoveryRequests).toBe(before.discovery + 1);
  });

  it("keeps an explicit issuer and serves it in the metadata", async () => {
    await using explicit = await createTestAuthority({ issuer: "https://idp.example.test/" });
    const s = await explicit.listen();
    expect(explicit.issuer).toBe("https://idp.example.test/");
    expect(explicit.jwksUri).toBe(s.jwksUri);
    expect((await json(`${s.url}/.well-known/openid-configuration`)).body).toMatchObject({
      issuer: "https://idp.example.test/",
      jwks_uri: s.jwksUri,
    });
  });

  it("listens on the port it is given", async () => {
    await using a = await createTestAuthority();
    const first = await a.listen();
    const port = first.port;
    await first.close();
    const again = await a.listen({ port });
    expect(again.port).toBe(port);
    expect(again.url).toBe(`http://127.0.0.1:${port}`);
  });

  it("releases the port on close, keep-alive connections included", async () => {
    const a = await createTestAuthority();
    const s = await a.listen();
    // A keep-alive connection stays open in fetch's pool after this request.
    await json(s.jwksUri);
    await s.close();
    expect(await canListenOn(s.port)).toBe(true);
    await expect(fetch(s.jwksUri)).rejects.toThrow(TypeError);
    expect(authority.server).toBe(server);
    expect(a.server).toBeUndefined();
    await a.close();
  });

  it("ends pending slow answers when the authority closes", async () => {
    const a = await createTestAuthority();
    const s = await a.listen();
    a.simulate("slow", { delayMs: 60_000 });
    const pending = fetch(s.jwksUri);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await a.close();
    await expect(pending).rejects.toThrow(TypeError);
    expect(await canListenOn(s.port)).toBe(true);
  });
});

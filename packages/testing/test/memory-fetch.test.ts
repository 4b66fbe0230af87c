import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createTestAuthority } from "../src/index.js";

describe("authority.fetch", () => {
  it("serves the JWKS at jwksUri, so minted tokens verify with what it returns", async () => {
    await using authority = await createTestAuthority({ audience: "https://api.example.com" });
    const response = await authority.fetch(authority.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const jwks = (await response.json()) as ReturnType<typeof authority.jwks>;
    const token = await authority.mint();
    await expect(
      jwtVerify(token, createLocalJWKSet(jwks), {
        issuer: authority.issuer,
        audience: "https://api.example.com",
      }),
    ).resolves.toBeDefined();
  });

  it("serves both well-known metadata documents of an issuer with a path", async () => {
    await using authority = await createTestAuthority({ issuer: "https://idp.example.test/tenant-a" });
    for (const url of [
      "https://idp.example.test/.well-known/oauth-authorization-server/tenant-a",
      "https://idp.example.test/tenant-a/.well-known/openid-configuration",
    ]) {
      const response = await authority.fetch(url);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        issuer: "https://idp.example.test/tenant-a",
        jwks_uri: "https://idp.example.test/tenant-a/jwks.json",
      });
    }
  });

  it("accepts URL and Request inputs and answers HEAD without a body", async () => {
    await using authority = await createTestAuthority();
    expect((await authority.fetch(new URL(authority.jwksUri))).status).toBe(200);
    expect((await authority.fetch(new Request(authority.jwksUri))).status).toBe(200);
    const head = await authority.fetch(authority.jwksUri, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await authority.fetch(authority.jwksUri, { method: "POST" })).status).toBe(405);
  });

  it("sends the Cache-Control it is configured with, or none", async () => {
    await using none = await createTestAuthority({ jwksCacheControl: null });
    expect((await none.fetch(none.jwksUri)).headers.get("cache-control")).toBeNull();
    await using noStore = await createTestAuthority({ jwksCacheControl: "no-store" });
    expect((await noStore.fetch(noStore.jwksUri)).headers.get("cache-control")).toBe("no-store");
  });

  it("serves the server's URLs from memory too once listening", async () => {
    await using authority = await createTestAuthority();
    const server = await authority.listen();
    const before = server.requests;
    expect((await authority.fetch(server.jwksUri)).status).toBe(200);
    expect(server.requests).toBe(before);
  });

  it("cuts a slow answer short when the authority closes", async () => {
    const authority = await createTestAuthority();
    authority.simulate("slow", { delayMs: 60_000 });
    const pending = authority.fetch(authority.jwksUri);
    await authority.close();
    await expect(pending).rejects.toThrow("fetch failed");
  });
});

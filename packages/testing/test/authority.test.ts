import { createLocalJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import {
  createTestAuthority,
  DEFAULT_TEST_AUDIENCE,
  DEFAULT_TEST_ISSUER,
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

describe("createTestAuthority", () => {
  it("defaults to a loud .invalid issuer, a test audience and RS256", async () => {
    const a = await authority();
    expect(a.issuer).toBe(DEFAULT_TEST_ISSUER);
    expect(a.issuer).toBe("https://scopegate-test-authority.invalid/");
    expect(a.audience).toBe(DEFAULT_TEST_AUDIENCE);
    expect(a.algorithm).toBe("RS256");
    expect(a.jwksUri).toBe("https://scopegate-test-authority.invalid/jwks.json");
    expect(a.simulated).toBe("ok");
  });

  it("uses the issuer, audience and algorithm it is given", async () => {
    const a = await authority({
      issuer: "https://idp.example.test/tenant",
      audience: ["https://api.example.com", "urn:other"],
      algorithm: "ES256",
    });
    expect(a.issuer).toBe("https://idp.example.test/tenant");
    expect(a.audience).toEqual(["https://api.example.com", "urn:other"]);
    expect(a.algorithm).toBe("ES256");
    expect(a.jwksUri).toBe("https://idp.example.test/tenant/jwks.json");
  });

  it.each([
    [{ audience: "" }, "audience"],
    [{ audience: [] }, "audience"],
    [{ issuer: "" }, "issuer"],
    [{ algorithm: "HS256" }, "algorithm"],
    [{ algorithm: "none" }, "algorithm"],
    [{ clock: 5 }, "clock"],
  ])("rejects invalid options with a TypeError naming the option (%j)", async (options, name) => {
    const error = await createTestAuthority(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`\`${name}\``);
  });

  it("returns verifier options with the in-memory fetch before listening", async () => {
    const a = await authority({ audience: "https://api.example.com" });
    const options = a.verifierOptions();
    expect(options).toEqual({
      issuer: a.issuer,
      audience: "https://api.example.com",
      jwksUri: a.jwksUri,
      fetch: a.fetch,
    });
  });

  it("applies overrides on top of the verifier options", async () => {
    const a = await authority();
    const options = a.verifierOptions({ algorithms: ["RS256"], audience: null, clockToleranceSec: 0 });
    expect(options.algorithms).toEqual(["RS256"]);
    expect(options.audience).toBeNull();
    expect(options.clockToleranceSec).toBe(0);
    expect(options.issuer).toBe(a.issuer);
  });

  it("returns the server's URLs and no fetch once listening, and the in-memory ones after the server closes", async () => {
    const a = await authority();
    const server = await a.listen();
    expect(a.verifierOptions()).toEqual({
      issuer: server.url,
      audience: a.audience,
      jwksUri: server.jwksUri,
    });
    expect("fetch" in a.verifierOptions()).toBe(false);
    await server.close();
    expect(a.server).toBeUndefined();
    expect(a.verifierOptions()).toMatchObject({ issuer: DEFAULT_TEST_ISSUER, fetch: a.fetch });
  });

  it("publishes only public key material", async () => {
    const a = await authority();
    const [jwk, ...rest] = a.jwks().keys;
    expect(rest).toEqual([]);
    expect(jwk).toMatchObject({ kty: "RSA", kid: a.kid, alg: "RS256", use: "sig" });
    for (const member of ["d", "p", "q", "dp", "dq", "qi"]) expect(jwk).not.toHaveProperty(member);
  });

  it("returns a copy of the JWKS that callers cannot change", async () => {
    const a = await authority();
    a.jwks().keys.pop();
    expect(a.jwks().keys).toHaveLength(1);
  });

  it("mints tokens that jose verifies against the served JWKS", async () => {
    const a = await authority({ audience: "https://api.example.com" });
    const token = await a.mint({ scope: "event.create" });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(a.jwks()), {
      issuer: a.issuer,
      audience: "https://api.example.com",
      typ: "at+jwt",
    });
    expect(payload.scope).toBe("event.create");
    expect(protectedHeader.kid).toBe(a.kid);
  });

  it("closes on Symbol.asyncDispose: the server stops and the in-memory fetch refuses", async () => {
    const a = await createTestAuthority();
    const server = await a.listen();
    await a[Symbol.asyncDispose]();
    await expect(fetch(server.jwksUri)).rejects.toThrow(TypeError);
    await expect(a.fetch(a.jwksUri)).rejects.toThrow("fetch failed");
    await expect(a.listen()).rejects.toThrow("closed");
    await a.close(); // idempotent
  });

  it("reports requests served through both transports", async () => {
    const a = await authority();
    await a.fetch(a.jwksUri);
    await a.fetch(`${a.issuer}.well-known/openid-configuration`);
    const server = await a.listen();
    await (await fetch(server.jwksUri)).arrayBuffer();
    expect(a.requests).toEqual({ jwks: 2, discovery: 1, introspection: 0 });
    expect(server.requests).toBe(1);
  });
});

import { createServer as createHttpServer, type RequestListener, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createTestAuthority, createTestCertificateAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDiscovery,
  createJwksCache,
  createVerifier,
  isBearerError,
  type JwksCacheOptions,
} from "../src/index.js";
import { tlsFetch } from "./support/tls-fetch.js";

/**
 * Issue 12, item 1: a JWKS or metadata request follows a redirect only within the origin of the URL
 * that was configured or discovered (or to an origin listed in `redirectOrigins`), never from
 * `https:` down to `http:` (loopback included). Real HTTPS servers with a test CA and a plain HTTP
 * server, all on 127.0.0.1.
 */

type Routes = Record<string, RequestListener>;
interface Site {
  origin: string;
  routes: Routes;
  hits: string[];
  server: Server;
}

let ca: string;
let authority: TestAuthority;
let a: Site; // https://localhost:A: the configured (or discovered) origin
let b: Site; // https://localhost:B: another https origin
let plain: Site; // http://127.0.0.1:C: loopback http

async function site(kind: "https" | "http", tls?: { key: string; cert: string }): Promise<Site> {
  const routes: Routes = {};
  const hits: string[] = [];
  const listener: RequestListener = (req, res) => {
    hits.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route) route(req, res);
    else res.writeHead(404).end();
  };
  const server = kind === "https" ? createHttpsServer(tls!, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: kind === "https" ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    routes,
    hits,
    server,
  };
}

const json =
  (body: () => unknown): RequestListener =>
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body()));
  };
const redirect =
  (location: string, status = 302): RequestListener =>
  (_req, res) => {
    res.writeHead(status, { location }).end();
  };

beforeAll(async () => {
  const certificateAuthority = await createTestCertificateAuthority();
  const tls = await certificateAuthority.serverOptions();
  ca = tls.ca;
  authority = await createTestAuthority();
  [a, b, plain] = await Promise.all([site("https", tls), site("https", tls), site("http")]);
  for (const s of [a, b, plain]) s.routes["/keys"] = json(() => authority.jwks());
});
afterAll(async () => {
  await authority.close();
  for (const s of [a, b, plain]) {
    s.server.closeAllConnections?.();
    await new Promise((resolve) => s.server.close(resolve));
  }
});

/** The key the authority signs with, looked up through a fresh cache. */
async function keyThrough(uri: string, options: JwksCacheOptions = {}) {
  const fetch = tlsFetch(ca);
  const cache = createJwksCache({ fetch, failureBackoffMs: 0, ...options });
  const kid = authority.jwks().keys[0]!.kid!;
  const alg = authority.jwks().keys[0]!.alg as "ES256";
  try {
    return { key: await cache.getKey(uri, { kid, alg }), error: undefined, fetch };
  } catch (error) {
    return { key: undefined, error, fetch };
  }
}

/** A refusal: 503 with Retry-After, a typed cause naming the refused origin. */
function expectRefused(error: unknown, refusedOrigin: string): void {
  expect(isBearerError(error), String(error)).toBe(true);
  const bearer = error as { status: number; headers: Record<string, string>; cause?: unknown };
  expect(bearer.status).toBe(503);
  expect(bearer.headers["Retry-After"]).toMatch(/^[1-9]\d*$/);
  const cause = bearer.cause as { code?: string; message?: string; refusedOrigin?: string };
  expect(cause.code).toBe("ERR_FETCH_REDIRECT_REFUSED");
  expect(cause.refusedOrigin).toBe(refusedOrigin);
  expect(cause.message).toContain(refusedOrigin);
}

describe("JWKS redirects", () => {
  it("follows a redirect within the configured origin", async () => {
    a.routes["/same"] = redirect("/keys", 301);
    const { key, error } = await keyThrough(`${a.origin}/same`);
    expect(error).toBeUndefined();
    expect(key?.alg).toBeDefined();
  });

  it("refuses a redirect to another https origin with 503 and never asks it", async () => {
    a.routes["/to-b"] = redirect(`${b.origin}/keys`);
    b.hits.length = 0;
    const { error } = await keyThrough(`${a.origin}/to-b`);
    expectRefused(error, b.origin);
    expect(b.hits).toEqual([]);
  });

  it("follows a redirect to an origin listed in redirectOrigins", async () => {
    a.routes["/to-b-allowed"] = redirect(`${b.origin}/keys`, 307);
    const { key, error } = await keyThrough(`${a.origin}/to-b-allowed`, { redirectOrigins: [b.origin] });
    expect(error).toBeUndefined();
    expect(key).toBeDefined();
  });

  it("refuses https down to loopback http, even when listed, and never asks it", async () => {
    a.routes["/down"] = redirect(`${plain.origin}/keys`);
    plain.hits.length = 0;
    for (const options of [{}, { redirectOrigins: [plain.origin] }]) {
      const { error } = await keyThrough(`${a.origin}/down`, options);
      expectRefused(error, plain.origin);
    }
    expect(plain.hits).toEqual([]);
  });

  it("follows loopback http within its own origin when that is the configured URL", async () => {
    plain.routes["/same"] = redirect("/keys");
    const { key, error } = await keyThrough(`${plain.origin}/same`);
    expect(error).toBeUndefined();
    expect(key).toBeDefined();
  });

  it("refuses a redirect from loopback http to another loopback port by default", async () => {
    plain.routes["/elsewhere"] = redirect(`http://127.0.0.1:${new URL(a.origin).port}/keys`);
    const { error } = await keyThrough(`${plain.origin}/elsewhere`);
    expectRefused(error, `http://127.0.0.1:${new URL(a.origin).port}`);
  });

  it("refuses a redirect to an https origin with a different port (origins are exact)", async () => {
    a.routes["/port"] = redirect(`https://localhost:${Number(new URL(b.origin).port)}/keys`);
    const { error } = await keyThrough(`${a.origin}/port`, { redirectOrigins: [a.origin] });
    expectRefused(error, b.origin);
  });

  it("rejects unusable redirectOrigins at construction with a TypeError naming the option", () => {
    for (const bad of [
      "http://example.com",
      "https://example.com/path",
      "not a url",
      "https://user:pw@example.com",
      42,
    ]) {
      expect(() => createJwksCache({ redirectOrigins: [bad as string] })).toThrow(/redirectOrigins/);
    }
    expect(() => createJwksCache({ redirectOrigins: "https://b.example" as never })).toThrow(TypeError);
    expect(() =>
      createJwksCache({ redirectOrigins: ["https://b.example", "http://localhost:8080"] }),
    ).not.toThrow();
  });
});

describe("through the verifier", () => {
  it("answers 503 with Retry-After when the configured JWKS redirects to another origin", async () => {
    a.routes["/verifier-jwks"] = redirect(`${b.origin}/keys`);
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      jwksUri: `${a.origin}/verifier-jwks`,
      fetch: tlsFetch(ca),
    });
    const token = await authority.mint({ scope: "event.read" });
    const error = await verifier.verify(token).catch((e: unknown) => e);
    expectRefused(error, b.origin);
  });

  it("verifies when jwks.redirectOrigins lists the other origin", async () => {
    a.routes["/verifier-jwks-ok"] = redirect(`${b.origin}/keys`);
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      jwksUri: `${a.origin}/verifier-jwks-ok`,
      fetch: tlsFetch(ca),
      jwks: { redirectOrigins: [b.origin], failureBackoffMs: 0 },
    });
    const token = await authority.mint({ scope: "event.read" });
    expect((await verifier.verify(token)).scopes).toContain("event.read");
  });
});

describe("discovery", () => {
  const metadataPath = "/.well-known/oauth-authorization-server";
  const discover = (issuer: string, options: { redirectOrigins?: string[] } = {}) =>
    createDiscovery({ fetch: tlsFetch(ca), failureBackoffMs: 0, ...options }).jwksUri(issuer);

  it("uses a jwks_uri on another https origin (the metadata says so)", async () => {
    const issuer = `${a.origin}/other-jwks`;
    a.routes[`${metadataPath}/other-jwks`] = json(() => ({ issuer, jwks_uri: `${b.origin}/keys` }));
    expect(await discover(issuer)).toBe(`${b.origin}/keys`);
  });

  it("refuses a loopback http jwks_uri for an https issuer", async () => {
    const issuer = `${a.origin}/http-jwks`;
    a.routes[`${metadataPath}/http-jwks`] = json(() => ({ issuer, jwks_uri: `${plain.origin}/keys` }));
    const error = await discover(issuer).catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(503);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ERR_METADATA_INVALID");
  });

  it("refuses a metadata redirect to another origin, and follows one listed in redirectOrigins", async () => {
    const issuer = `${a.origin}/moved`;
    a.routes[`${metadataPath}/moved`] = redirect(`${b.origin}/metadata`);
    a.routes["/moved/.well-known/openid-configuration"] = redirect(`${b.origin}/metadata`);
    b.routes["/metadata"] = json(() => ({ issuer, jwks_uri: `${a.origin}/keys` }));
    const error = await discover(issuer).catch((e: unknown) => e);
    expectRefused(error, b.origin);
    expect(await discover(issuer, { redirectOrigins: [b.origin] })).toBe(`${a.origin}/keys`);
  });
});

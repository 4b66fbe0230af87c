import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BearerError, createVerifier, JwksUnavailableError } from "../src/index.js";
import {
  createDiscovery,
  type DiscoveryEvent,
  type DiscoveryOptions,
  metadataUrls,
} from "../src/keys/discovery.js";
import { recorder } from "./support/events.js";
import { jwks, makeKey, manualClock, type TestKey } from "./support/keys.js";
import { gate, hang, json, startServer, type TestServer } from "./support/server.js";

let server: TestServer;
let other: TestServer;
let keyA: TestKey;
let keyB: TestKey;

beforeAll(async () => {
  [server, other] = await Promise.all([startServer(), startServer()]);
  [keyA, keyB] = await Promise.all([makeKey("a1"), makeKey("b1")]);
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
});

const RFC8414 = "/.well-known/oauth-authorization-server";
const OIDC = "/.well-known/openid-configuration";

function setup(options: DiscoveryOptions = {}) {
  const clock = manualClock();
  const events = recorder<DiscoveryEvent>();
  const discovery = createDiscovery({ clock: clock.now, onEvent: events.onEvent, ...options });
  return { clock, events, discovery };
}

async function rejection(promise: Promise<unknown>): Promise<BearerError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: BearerError) => error,
  );
}

describe("metadataUrls", () => {
  it("inserts the RFC 8414 well-known segment before the issuer's path, then appends the OIDC one", () => {
    expect(metadataUrls("https://as.example.com/tenant/a/")).toEqual([
      "https://as.example.com/.well-known/oauth-authorization-server/tenant/a",
      "https://as.example.com/tenant/a/.well-known/openid-configuration",
    ]);
    expect(metadataUrls("https://as.example.com")).toEqual([
      "https://as.example.com/.well-known/oauth-authorization-server",
      "https://as.example.com/.well-known/openid-configuration",
    ]);
  });

  it("has nowhere to look for an issuer that is not a plain URL", () => {
    expect(metadataUrls("not a url")).toEqual([]);
    expect(metadataUrls("https://as.example.com/?tenant=a")).toEqual([]);
    expect(metadataUrls("https://as.example.com/#a")).toEqual([]);
  });
});

describe("createDiscovery", () => {
  it("reads jwks_uri from RFC 8414 metadata, with the path-insertion rule for an issuer with a path", async () => {
    const issuer = `${server.origin}/tenant-a`;
    server.route(`${RFC8414}/tenant-a`, json({ issuer, jwks_uri: `${server.origin}/tenant-a/jwks` }));
    const { discovery } = setup();
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/tenant-a/jwks`);
    expect(server.log).toEqual([`${RFC8414}/tenant-a`]);
  });

  it("falls back to OpenID Connect discovery when there is no RFC 8414 metadata", async () => {
    const issuer = `${server.origin}/tenant-b/`;
    server.route(`/tenant-b${OIDC}`, json({ issuer, jwks_uri: `${server.origin}/keys` }));
    const { discovery, events } = setup();
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/keys`);
    expect(server.log).toEqual([`${RFC8414}/tenant-b`, `/tenant-b${OIDC}`]);
    expect(await events.waitFor("discovery_succeeded")).toMatchObject({
      issuer,
      metadataUrl: `${server.origin}/tenant-b${OIDC}`,
    });
  });

  it("never uses metadata whose issuer differs from the configured one (mix-up defence)", async () => {
    const issuer = `${server.origin}/good`;
    server.route(
      `${RFC8414}/good`,
      json({ issuer: `${server.origin}/evil`, jwks_uri: `${server.origin}/evil` }),
    );
    server.route(`/good${OIDC}`, json({ issuer: `${issuer}/`, jwks_uri: `${server.origin}/evil` }));
    const { discovery, events } = setup();
    const error = await rejection(discovery.jwksUri(issuer));
    expect(error).toBeInstanceOf(JwksUnavailableError);
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_METADATA_ISSUER_MISMATCH");
    expect(await events.waitFor("discovery_failed")).toMatchObject({ issuer, servingCachedMetadata: false });
  });

  it("uses the OIDC metadata when the RFC 8414 document names another issuer", async () => {
    const issuer = `${server.origin}/mixed`;
    server.route(`${RFC8414}/mixed`, json({ issuer: "https://other.example.com", jwks_uri: "https://x/" }));
    server.route(`/mixed${OIDC}`, json({ issuer, jwks_uri: `${server.origin}/mixed/jwks` }));
    const { discovery } = setup();
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/mixed/jwks`);
  });

  it.each([
    ["plain http off loopback", "http://keys.example.com/jwks"],
    ["missing", undefined],
    ["not a URL", "jwks"],
    ["carrying credentials", "https://user:pw@keys.example.com/jwks"],
  ])("refuses metadata whose jwks_uri is %s", async (_what, jwksUri) => {
    const issuer = `${server.origin}/bad-jwks`;
    server.route(`${RFC8414}/bad-jwks`, json({ issuer, jwks_uri: jwksUri }));
    const { discovery } = setup();
    const error = await rejection(discovery.jwksUri(issuer));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_METADATA_INVALID");
  });

  it("caches the result and refreshes it in the background once older than cacheMaxAgeMs", async () => {
    const issuer = `${server.origin}/cached`;
    let jwksPath = "/v1/jwks";
    const held = gate((req, res) => json({ issuer, jwks_uri: `${server.origin}${jwksPath}` })(req, res));
    server.route(`${RFC8414}/cached`, json({ issuer, jwks_uri: `${server.origin}${jwksPath}` }));
    const { discovery, clock, events } = setup({ cacheMaxAgeMs: 60_000 });
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/v1/jwks`);
    clock.advance(59_999);
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/v1/jwks`);
    expect(server.hits(`${RFC8414}/cached`)).toBe(1);

    server.route(`${RFC8414}/cached`, held.handler);
    jwksPath = "/v2/jwks";
    clock.advance(1);
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/v1/jwks`);
    await held.arrived;
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/v1/jwks`);
    held.release();
    await events.waitFor("discovery_succeeded", 2);
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/v2/jwks`);
    expect(server.hits(`${RFC8414}/cached`)).toBe(2);
  });

  it("keeps the discovered jwks_uri when a refresh fails", async () => {
    const issuer = `${server.origin}/flaky`;
    server.route(`${RFC8414}/flaky`, json({ issuer, jwks_uri: `${server.origin}/flaky/jwks` }));
    const { discovery, clock, events } = setup({ cacheMaxAgeMs: 60_000 });
    await discovery.jwksUri(issuer);
    server.route(`${RFC8414}/flaky`, json({}, 500));
    server.route(`/flaky${OIDC}`, json({}, 500));
    clock.advance(60_000);
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/flaky/jwks`);
    expect(await events.waitFor("discovery_failed")).toMatchObject({ servingCachedMetadata: true });
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/flaky/jwks`);
  });

  it("shares one request among concurrent callers", async () => {
    const issuer = `${server.origin}/busy`;
    const held = gate(json({ issuer, jwks_uri: `${server.origin}/busy/jwks` }));
    server.route(`${RFC8414}/busy`, held.handler);
    const { discovery } = setup();
    const pending = Array.from({ length: 50 }, () => discovery.jwksUri(issuer));
    await held.arrived;
    held.release();
    expect(new Set(await Promise.all(pending))).toEqual(new Set([`${server.origin}/busy/jwks`]));
    expect(server.hits(`${RFC8414}/busy`)).toBe(1);
  });

  it("retries a failed discovery no sooner than failureBackoffMs, and recovers after", async () => {
    const issuer = `${server.origin}/down`;
    const { discovery, clock } = setup({ failureBackoffMs: 10_000 });
    const first = (await rejection(discovery.jwksUri(issuer))) as JwksUnavailableError;
    expect(first.retryAfterSec).toBe(10);
    expect(first.headers["Retry-After"]).toBe("10");
    for (let i = 0; i < 10; i++) await rejection(discovery.jwksUri(issuer));
    expect(server.log).toHaveLength(2);
    server.route(`${RFC8414}/down`, json({ issuer, jwks_uri: `${server.origin}/down/jwks` }));
    clock.advance(9_999);
    await rejection(discovery.jwksUri(issuer));
    clock.advance(1);
    expect(await discovery.jwksUri(issuer)).toBe(`${server.origin}/down/jwks`);
    expect(server.log).toHaveLength(3);
  });

  it("gives up within timeoutMs when the server does not answer", async () => {
    const issuer = `${server.origin}/slow`;
    server.route(`${RFC8414}/slow`, hang);
    server.route(`/slow${OIDC}`, hang);
    const { discovery } = setup({ timeoutMs: 100 });
    const error = await rejection(discovery.jwksUri(issuer));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_FETCH_TIMEOUT");
  });

  it("fetches nothing for an issuer outside its issuers option", async () => {
    const { discovery } = setup({ issuers: [`${server.origin}/known`] });
    const error = await rejection(discovery.jwksUri(`${server.origin}/unknown`));
    expect(error.code).toBe("ERR_TOKEN_ISSUER");
    expect(error.status).toBe(401);
    expect(server.log).toHaveLength(0);
  });

  it.each([
    ["timeoutMs", { timeoutMs: 0 }],
    ["cacheMaxAgeMs", { cacheMaxAgeMs: -5 }],
    ["failureBackoffMs", { failureBackoffMs: Number.POSITIVE_INFINITY }],
    ["maxResponseBytes", { maxResponseBytes: 0 }],
    ["maxRedirects", { maxRedirects: 0.5 }],
    ["issuers", { issuers: "https://as.example.com" }],
    ["fetch", { fetch: {} }],
    ["onEvent", { onEvent: "log" }],
  ])("throws a TypeError naming `%s` when it is invalid", (name, options) => {
    expect(() => createDiscovery(options as DiscoveryOptions)).toThrow(`\`${name}\``);
  });
});

describe("verifier with several issuers", () => {
  const audience = "https://api.example.com";

  it("selects each token's JWKS by its issuer, discovered or configured, and never mixes them", async () => {
    const issuerA = `${server.origin}/a`;
    const issuerB = other.origin;
    server.route("/a/jwks", json(jwks(keyA)));
    other.route(RFC8414, json({ issuer: issuerB, jwks_uri: `${other.origin}/jwks` }));
    other.route("/jwks", json(jwks(keyB)));
    const verifier = createVerifier({
      issuer: [issuerA, issuerB],
      audience,
      jwksUri: { [issuerA]: `${server.origin}/a/jwks` },
    });
    expect((await verifier.verify(await keyA.sign({ iss: issuerA, aud: audience }))).issuer).toBe(issuerA);
    expect((await verifier.verify(await keyB.sign({ iss: issuerB, aud: audience }))).issuer).toBe(issuerB);
    // A's key does not vouch for B's tokens.
    const crossed = await rejection(verifier.verify(await keyA.sign({ iss: issuerB, aud: audience })));
    expect(crossed.code).toBe("ERR_TOKEN_KEY_NOT_FOUND");
    expect(server.log).toEqual(["/a/jwks"]);
  });

  it("fetches nothing at all for a token from an issuer that is not configured", async () => {
    const verifier = createVerifier({ issuer: `${server.origin}/a`, audience });
    const stranger = `${other.origin}/attacker`;
    const error = await rejection(verifier.verify(await keyB.sign({ iss: stranger, aud: audience })));
    expect(error.code).toBe("ERR_TOKEN_ISSUER");
    expect(server.log).toHaveLength(0);
    expect(other.log).toHaveLength(0);
  });
});

import type { webcrypto } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDiscovery, createJwksCache, createVerifier, isBearerError } from "../src/index.js";
import { fetchJson, globalFetch } from "../src/keys/fetch-json.js";
import { fetchOptions as options } from "./support/fetch-options.js";

/**
 * Issue 12, item 7: a routine keep-alive race (the server closes an idle connection just as the
 * client reuses it) is retried once at once, through the global `fetch` (undici) and a real server
 * on 127.0.0.1 that destroys the socket of a request arriving on a kept-alive connection. The same
 * holds for an introspection request.
 */

/**
 * `reset-once`: the first request after the warm-up (on the kept-alive connection the warm-up left
 * open, unless undici chose a new one) has its socket destroyed; `reset-always`: every one.
 */
const AUDIENCE = "https://calendar.example.com";

type Mode = "ok" | "reset-once" | "reset-always" | "status-500";

let authority: TestAuthority;
let server: Server;
let origin: string;
let mode: Mode = "ok";
let resetDone = false;
const requests: { path: string; socket: number; reused: boolean; body: string }[] = [];
const sockets = new Map<Socket, { id: number; served: number }>();

beforeAll(async () => {
  authority = await createTestAuthority();
  server = createServer(async (req, res) => {
    // Read before anything else, so that a reset still shows what the request carried.
    let sent = "";
    for await (const chunk of req) sent += chunk;
    const socket = sockets.get(req.socket)!;
    const reused = socket.served > 0;
    socket.served++;
    requests.push({ path: req.url ?? "", socket: socket.id, reused, body: sent });
    if (mode === "reset-always" || (mode === "reset-once" && req.url !== "/warm" && !resetDone)) {
      resetDone = true;
      req.socket.destroy();
      return;
    }
    if (mode === "status-500") {
      res.writeHead(500).end();
      return;
    }
    const body =
      req.url === "/.well-known/oauth-authorization-server"
        ? { issuer: origin, jwks_uri: `${origin}/jwks` }
        : req.url === "/introspect"
          ? { active: true, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300, scope: "event.read" }
          : authority.jwks();
    res.writeHead(200, { "content-type": "application/json", connection: "keep-alive" });
    res.end(JSON.stringify(body));
  });
  server.on("connection", (socket) => sockets.set(socket, { id: sockets.size + 1, served: 0 }));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await authority.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  mode = "ok";
  resetDone = false;
  requests.length = 0;
});

/** One request that opens (or reuses) a keep-alive connection, then the one under test on it. */
async function onReusedConnection<T>(run: () => Promise<T>): Promise<T> {
  await (await fetch(`${origin}/warm`)).text();
  // Lets undici put the connection back in its pool (no timing is asserted).
  await new Promise((resolve) => setTimeout(resolve, 20));
  return run();
}

describe("a reset of a reused keep-alive connection", () => {
  it("is retried once on a new connection, and the JWKS fetch succeeds", async () => {
    const result = await onReusedConnection(() => {
      mode = "reset-once";
      return fetchJson(`${origin}/jwks`, options);
    });
    expect(Array.isArray(result.body.keys)).toBe(true);
    const attempts = requests.filter((r) => r.path === "/jwks");
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.socket).not.toBe(attempts[0]!.socket);
    expect(attempts[1]!.reused).toBe(false);
  });

  it("lets the JWKS cache and discovery answer without a 503", async () => {
    const kid = authority.jwks().keys[0]!.kid!;
    const alg = authority.jwks().keys[0]!.alg as "ES256";
    await onReusedConnection(async () => {
      mode = "reset-once";
      const cache = createJwksCache({ fetch: globalFetch });
      expect((await cache.getKey(`${origin}/jwks`, { kid, alg })).kid).toBe(kid);
    });
    mode = "ok";
    resetDone = false;
    await onReusedConnection(async () => {
      mode = "reset-once";
      expect(await createDiscovery({ fetch: globalFetch }).jwksUri(origin)).toBe(`${origin}/jwks`);
    });
  });

  it("is retried only once: a second reset is a fetch failure (503 at the edge)", async () => {
    const error = await onReusedConnection(() => {
      mode = "reset-always";
      return fetchJson(`${origin}/jwks`, options).catch((e: unknown) => e);
    });
    expect((error as { code?: string }).code).toBe("ERR_FETCH_NETWORK");
    expect(requests.filter((r) => r.path === "/jwks")).toHaveLength(2);
    const cache = createJwksCache({ fetch: globalFetch });
    const refused = await cache.warm(`${origin}/jwks`).catch((e: unknown) => e);
    expect(isBearerError(refused) && refused.status).toBe(503);
  });

  it("does not retry other failures: a 500 is asked once", async () => {
    mode = "status-500";
    const error = await fetchJson(`${origin}/jwks`, options).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ERR_FETCH_STATUS");
    expect(requests.filter((r) => r.path === "/jwks")).toHaveLength(1);
  });

  it("does not retry a refused connection", async () => {
    let calls = 0;
    const refusing = async () => {
      calls++;
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      });
    };
    const error = await fetchJson(`${origin}/jwks`, { ...options, fetch: refusing }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ERR_FETCH_NETWORK");
    expect(calls).toBe(1);
  });
});

describe("a reset of a reused keep-alive connection under an introspection request", () => {
  /** A verifier that introspects at the test server, with `clientSecret: "s"` unless told otherwise. */
  const verifier = (
    credentials: { clientSecret: string } | { privateKey: { key: webcrypto.CryptoKey; kid: string } } = {
      clientSecret: "s",
    },
  ) =>
    createVerifier({
      issuer: "https://issuer.example.com/",
      audience: AUDIENCE,
      jwksUri: "https://issuer.example.com/jwks.json",
      introspection: { endpoint: `${origin}/introspect`, clientId: "calendar", cache: false, ...credentials },
    });

  it("is sent again once on a new connection, and the opaque token is accepted", async () => {
    const verified = await onReusedConnection(() => {
      mode = "reset-once";
      return verifier().verify("opaque-token-value");
    });
    expect(verified.scopes).toEqual(["event.read"]);
    const attempts = requests.filter((r) => r.path === "/introspect");
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.socket).not.toBe(attempts[0]!.socket);
  });

  it("is made again with private_key_jwt: the second POST carries a new assertion (its jti is single-use)", async () => {
    const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
      "sign",
    ]);
    const keyed = verifier({ privateKey: { key: privateKey, kid: "rs-1" } });
    const verified = await onReusedConnection(() => {
      mode = "reset-once";
      return keyed.verify("opaque-token-value");
    });
    expect(verified.scopes).toEqual(["event.read"]);
    const assertions = requests
      .filter((r) => r.path === "/introspect")
      .map((r) => new URLSearchParams(r.body).get("client_assertion"));
    expect(assertions).toHaveLength(2);
    expect(assertions[0]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(assertions[1]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const jtiOf = (jwt: string | null) =>
      JSON.parse(Buffer.from(jwt!.split(".")[1]!, "base64url").toString()).jti as string;
    expect(jtiOf(assertions[1]!)).not.toBe(jtiOf(assertions[0]!));
  });

  it("is sent again only once: a second reset is a 503 with Retry-After", async () => {
    const error = await onReusedConnection(() => {
      mode = "reset-always";
      return verifier()
        .verify("opaque-token-value")
        .catch((e: unknown) => e);
    });
    expect(isBearerError(error) && [error.status, error.code]).toEqual([
      503,
      "ERR_INTROSPECTION_UNAVAILABLE",
    ]);
    expect(isBearerError(error) && error.headers["Retry-After"]).toMatch(/^[1-9]\d*$/);
    expect(((error as Error).cause as { code?: string }).code).toBe("ERR_INTROSPECTION_NETWORK");
    expect(requests.filter((r) => r.path === "/introspect")).toHaveLength(2);
  });
});

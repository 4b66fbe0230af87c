import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiscovery, createVerifier } from "../src/index.js";
import { fetchJson, globalFetch, RemoteFetchError } from "../src/keys/fetch-json.js";
import { fetchOptions as options } from "./support/fetch-options.js";

/**
 * The fetch path aborts its controller once an exchange is over (to release anything still pending).
 * After a completed exchange that abort must not cost the kept-alive connection: key, metadata and
 * introspection fetches in a row ride the same few connections of the global `fetch` (undici), while
 * a hung exchange is still cut at `timeoutMs`. A real server on 127.0.0.1 counts its connections.
 */

const ISSUER = "https://issuer.example.com/";
const AUDIENCE = "https://calendar.example.com";
const FETCHES = 12;

let server: Server;
let origin: string;
/**
 * What the test's server saw: connections accepted and closed, requests answered, and hung
 * requests whose connection closed.
 */
let seen = { connections: 0, closed: 0, requests: 0, hungClosed: 0 };
const hanging = new Set<ServerResponse>();

function answer(req: IncomingMessage, res: ServerResponse): void {
  const body = bodyFor(req.url);
  if (body === undefined) {
    // `/hang`: headers never come; the test sees when the client gives up on the connection.
    hanging.add(res);
    req.socket.on("close", () => seen.hungClosed++);
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function bodyFor(path: string | undefined): unknown {
  switch (path) {
    case "/jwks.json":
      return { keys: [] };
    case "/.well-known/oauth-authorization-server":
      return { issuer: origin, jwks_uri: `${origin}/jwks.json` };
    case "/introspect":
      return {
        active: true,
        iss: ISSUER,
        aud: AUDIENCE,
        exp: Math.floor(Date.now() / 1000) + 300,
        scope: "a",
      };
    case "/huge":
      return { keys: [], pad: "x".repeat(100_000) };
    default:
      return undefined;
  }
}

/** A fresh server (a new origin, so a new undici pool) for each test, so each counts its own connections. */
beforeEach(async () => {
  const counts = { connections: 0, closed: 0, requests: 0, hungClosed: 0 };
  seen = counts;
  server = createServer((req, res) => {
    counts.requests++;
    req.resume();
    req.on("end", () => answer(req, res));
  });
  server.on("connection", (socket: Socket) => {
    counts.connections++;
    socket.on("close", () => counts.closed++);
  });
  // Longer than any pause in this file, even on a loaded machine (Node's default is 5 s).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  for (const res of hanging) res.destroy();
  hanging.clear();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("connection reuse on the fetch path", () => {
  it(`serves ${FETCHES} JWKS fetches in a row over a few kept-alive connections, not one each`, async () => {
    for (let i = 0; i < FETCHES; i++) {
      expect((await fetchJson(`${origin}/jwks.json`, options)).body).toEqual({ keys: [] });
    }
    expect(seen.requests).toBe(FETCHES);
    // Node 20, 22, 24 and 26 use two (undici releases a socket a tick after its response ends);
    // one connection per fetch (a TCP, and with https a TLS, handshake each) would be 12.
    expect(seen.connections).toBeLessThanOrEqual(3);
    expect(seen.closed).toBe(0);
  });

  it("keeps discovery and key fetches to the same server on the same connections", async () => {
    for (let i = 0; i < FETCHES / 2; i++) {
      expect(await createDiscovery({ fetch: globalFetch }).jwksUri(origin)).toBe(`${origin}/jwks.json`);
      await fetchJson(`${origin}/jwks.json`, options);
    }
    expect(seen.requests).toBe(FETCHES);
    expect(seen.connections).toBeLessThanOrEqual(3);
  });

  it(`serves ${FETCHES} introspection requests in a row over a few kept-alive connections`, async () => {
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: `${ISSUER}jwks.json`,
      introspection: {
        endpoint: `${origin}/introspect`,
        clientId: "calendar",
        clientSecret: "secret",
        cache: false,
      },
    });
    for (let i = 0; i < FETCHES; i++) {
      expect((await verifier.verify(`opaque-token-${i}`)).scopes).toEqual(["a"]);
    }
    expect(seen.requests).toBe(FETCHES);
    expect(seen.connections).toBeLessThanOrEqual(3);
  });

  it("still cuts a hung exchange at timeoutMs and closes its connection, then fetches again", async () => {
    const error = await fetchJson(`${origin}/hang`, { ...options, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteFetchError);
    expect((error as RemoteFetchError).code).toBe("ERR_FETCH_TIMEOUT");
    // The abort destroys the hung request's socket: the server sees it close.
    await expect.poll(() => seen.hungClosed, { timeout: 10_000 }).toBe(1);
    expect((await fetchJson(`${origin}/jwks.json`, options)).body).toEqual({ keys: [] });
  });

  it("still refuses a body over maxResponseBytes, then fetches again", async () => {
    const error = await fetchJson(`${origin}/huge`, options).catch((e: unknown) => e);
    expect((error as RemoteFetchError).code).toBe("ERR_FETCH_TOO_LARGE");
    expect((await fetchJson(`${origin}/jwks.json`, options)).body).toEqual({ keys: [] });
  });
});

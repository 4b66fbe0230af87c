import { ERROR_CODES } from "@scopegate/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FaultServer, startFaultServer } from "../../../packages/core/test/support/auth-server.js";
import {
  createHostileKit,
  HEADER_INJECTION_VALUES,
  type HostileCase,
} from "../../../packages/core/test/support/hostile.js";
import { ADAPTERS, REQUIRED_SCOPE, type RunningApp, startAdapterApp } from "./apps.js";
import { type RawResponse, rawRequest } from "./raw-http.js";

/**
 * The hostile-token table of packages/core (test/support/hostile.ts) and HTTP-level attacks, sent over
 * real sockets to the same route on every adapter. Each answer must be the RFC 6750 response for the
 * expected code — exact status, `WWW-Authenticate` and JSON body — and never a 200 or a 5xx; requests
 * the HTTP parser refuses (oversized or illegal header bytes) must get a 4xx from Node itself, and the
 * app must keep serving.
 */

const audience = "https://api.example.com";
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Node's default `--max-http-header-size` is 16 KiB: larger header sections never reach the app. */
const NODE_HEADER_LIMIT = 16 * 1024;

const server: FaultServer = await startFaultServer();
const kit = createHostileKit({ issuer: server.origin, audience });
server.jwks = () => kit.jwks();
const cases = kit.cases();

type Code = keyof typeof ERROR_CODES;

/** What the adapter must answer for a token sent as `Authorization: Bearer <token>`. */
function expectedFor(c: HostileCase): Code | "parser" {
  if (Buffer.byteLength(`Authorization: Bearer ${c.token}`) > NODE_HEADER_LIMIT) return "parser";
  if (!B64TOKEN.test(c.token)) return "ERR_MALFORMED_AUTHORIZATION";
  return c.code as Code;
}

/** The exact RFC 6750 answer for `code`, checked byte for byte. */
function expectAnswer(res: RawResponse, code: Code, scope?: string): void {
  const entry = ERROR_CODES[code];
  expect(res.status, res.head).toBe(entry.status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as unknown;
  if (entry.error === undefined) {
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
    expect(body).toEqual({ error_description: entry.description });
  } else {
    const scopePart = scope === undefined ? "" : `, scope="${scope}"`;
    expect(res.headers["www-authenticate"]).toBe(
      `Bearer realm="api", error="${entry.error}", error_description="${entry.description}"${scopePart}`,
    );
    expect(body).toEqual({ error: entry.error, error_description: entry.description });
  }
  expectSafeHead(res);
}

/** Nothing a request carried may shape the response head. */
function expectSafeHead(res: RawResponse): void {
  expect(res.head).toMatch(/^[\x20-\x7e\r\n]*$/);
  expect(res.headers["set-cookie"]).toBeUndefined();
  expect(res.headers["x-injected"]).toBeUndefined();
  for (const value of HEADER_INJECTION_VALUES) expect(res.head).not.toContain(value);
}

/**
 * Node 24 resets a connection whose request head is far over its 16 KB limit (a 100 KB line) while
 * the client is still writing it, and the 431 it sent is lost with the reset. Node 20 and 22 answer.
 */
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

function headBytesOf(headers: ReadonlyArray<readonly [string, string]>, rawHeaderBlock = ""): number {
  return headers.reduce((sum, [name, value]) => sum + name.length + value.length + 4, rawHeaderBlock.length);
}

/** A request the HTTP parser refuses: 400 or 431 from Node (or Fastify's client-error handler), never the app. */
function expectParserRefusal(res: RawResponse, headBytes: number): void {
  if (NODE_MAJOR >= 24 && headBytes > 64 * 1024 && res.error === "ECONNRESET") {
    expect([0, 431]).toContain(res.status);
    return;
  }
  expect(res.error).toBeUndefined();
  expect([400, 431]).toContain(res.status);
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUncaught);
});
afterEach(() => {
  expect(unhandled).toEqual([]);
  expect(uncaught).toEqual([]);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUncaught);
  await server.close();
});

const bearer = (token: string): Array<[string, string]> => [["Authorization", `Bearer ${token}`]];

/** HTTP-level attacks on the Authorization header and the request line. */
const HTTP_CASES: Array<{
  title: string;
  headers?: Array<[string, string]>;
  path?: string;
  rawHeaderBlock?: string;
  expected: Code | "parser";
}> = [
  {
    title: "two Authorization lines",
    headers: [...bearer(kit.good()), ...bearer(kit.good())],
    expected: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "two credentials in one line",
    headers: [["Authorization", `Bearer ${kit.good()}, Bearer ${kit.good()}`]],
    expected: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "a header token and a query token",
    headers: bearer(kit.good()),
    path: `/events?access_token=${kit.good()}`,
    expected: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "a query token alone (not enabled)",
    path: `/events?access_token=${kit.good()}`,
    expected: "ERR_NO_CREDENTIALS",
  },
  { title: "an empty bearer", headers: [["Authorization", "Bearer"]], expected: "ERR_EMPTY_TOKEN" },
  { title: "a bearer of spaces", headers: [["Authorization", "Bearer      "]], expected: "ERR_EMPTY_TOKEN" },
  {
    title: "a token with spaces",
    headers: [["Authorization", "Bearer not a token"]],
    expected: "ERR_MALFORMED_AUTHORIZATION",
  },
  {
    title: "a token with quotes and a backslash",
    headers: [["Authorization", 'Bearer "ey\\J"']],
    expected: "ERR_MALFORMED_AUTHORIZATION",
  },
  {
    title: "a token with obs-text (latin1) bytes",
    headers: [["Authorization", `Bearer ${kit.good()}\u00e9\u00ff`]],
    expected: "ERR_MALFORMED_AUTHORIZATION",
  },
  {
    title: "10 000 spaces before junk (no backtracking blow-up)",
    headers: [["Authorization", `Bearer${" ".repeat(10_000)}!`]],
    expected: "ERR_MALFORMED_AUTHORIZATION",
  },
  {
    title: "the Basic scheme",
    headers: [["Authorization", "Basic dXNlcjpwYXNz"]],
    expected: "ERR_NO_CREDENTIALS",
  },
  {
    title: "the DPoP scheme",
    headers: [["Authorization", `DPoP ${kit.good()}`]],
    expected: "ERR_NO_CREDENTIALS",
  },
  {
    title: "a scheme with illegal characters",
    headers: [["Authorization", "Bea{rer x"]],
    expected: "ERR_MALFORMED_AUTHORIZATION",
  },
  { title: "no Authorization header", expected: "ERR_NO_CREDENTIALS" },
  {
    title: "a 16 KB Authorization line",
    headers: [["Authorization", `Bearer ${"A".repeat(16 * 1024)}`]],
    expected: "parser",
  },
  {
    title: "a 100 KB Authorization line",
    headers: [["Authorization", `Bearer ${"A".repeat(100 * 1024)}`]],
    expected: "parser",
  },
  {
    title: "a header section over 16 KB in many small headers",
    headers: [
      ...bearer(kit.good()),
      ...Array.from({ length: 200 }, (_, i): [string, string] => [`x-pad-${i}`, "p".repeat(100)]),
    ],
    expected: "parser",
  },
  {
    title: "a NUL byte in the header value",
    headers: [["Authorization", "Bearer abc\u0000def"]],
    expected: "parser",
  },
  {
    title: "a bare CR in the header value",
    headers: [["Authorization", "Bearer abc\rX-Injected: 1"]],
    expected: "parser",
  },
  {
    title: "an obs-fold continuation line",
    rawHeaderBlock: "Authorization: Bearer abc\r\n def\r\n",
    expected: "parser",
  },
  {
    title: "a header name with a space",
    rawHeaderBlock: "Authorization : Bearer abc\r\n",
    expected: "parser",
  },
];

for (const adapter of ADAPTERS) {
  describe(`hostile input through ${adapter}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startAdapterApp(adapter, { issuer: server.origin, audience, jwksUri: server.jwksUri });
    });
    afterAll(async () => {
      await app?.close();
    });

    it("answers the authority's good token with 200 (the control)", async () => {
      const res = await rawRequest(app.url, "/events", bearer(kit.good()));
      expect(res.status, res.body).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ events: [], subject: "task-service" });
    });

    it.each(cases)("$group: answers $title with its RFC 6750 response, never 200 or 5xx", async (c) => {
      const res = await rawRequest(app.url, "/events", bearer(c.token));
      expect(res.status).not.toBe(200);
      expect(res.status).toBeLessThan(500);
      const expected = expectedFor(c);
      if (expected === "parser") expectParserRefusal(res, c.token.length);
      else expectAnswer(res, expected, expected === "ERR_INSUFFICIENT_SCOPE" ? REQUIRED_SCOPE : undefined);
      if (res.status !== 0) expect(res.body).not.toContain(c.token.slice(0, 40));
    });

    it.each(HTTP_CASES)("answers $title with a 4xx, never 200 or 5xx", async (c) => {
      const res = await rawRequest(app.url, c.path ?? "/events", c.headers ?? [], {
        ...(c.rawHeaderBlock ? { rawHeaderBlock: c.rawHeaderBlock } : {}),
      });
      expect(res.status).not.toBe(200);
      expect(res.status).toBeLessThan(500);
      if (c.expected === "parser") expectParserRefusal(res, headBytesOf(c.headers ?? [], c.rawHeaderBlock));
      else expectAnswer(res, c.expected);
    });

    it("keeps serving after all of it", async () => {
      expect((await rawRequest(app.url, "/health")).status).toBe(200);
      expect((await rawRequest(app.url, "/events", bearer(kit.good()))).status).toBe(200);
    });
  });
}

describe("a hanging authorization server through every adapter", () => {
  for (const adapter of ADAPTERS) {
    it(`answers 503 with Retry-After through ${adapter} within the JWKS timeout`, async () => {
      const hanging = await startFaultServer();
      hanging.set("/jwks.json", { kind: "hang" });
      const app = await startAdapterApp(adapter, {
        issuer: server.origin,
        audience,
        jwksUri: hanging.jwksUri,
        jwks: { timeoutMs: 200 },
      });
      try {
        const started = performance.now();
        const res = await rawRequest(app.url, "/events", bearer(kit.good()));
        expect(performance.now() - started).toBeLessThan(200 + 2_000);
        expect(res.status, res.body).toBe(503);
        expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(JSON.parse(res.body)).toEqual({
          error: "temporarily_unavailable",
          error_description: ERROR_CODES.ERR_JWKS_UNAVAILABLE.description,
        });
        expectSafeHead(res);
      } finally {
        await app.close();
        await hanging.close();
      }
    });
  }
});

describe("a JWKS that redirects to another origin through every adapter", () => {
  for (const adapter of ADAPTERS) {
    it(`answers 503 with Retry-After through ${adapter} and never asks the other origin`, async () => {
      const redirecting = await startFaultServer();
      const elsewhere = await startFaultServer();
      elsewhere.jwks = () => kit.jwks();
      redirecting.set("/jwks.json", { kind: "redirect", location: elsewhere.jwksUri });
      const app = await startAdapterApp(adapter, {
        issuer: server.origin,
        audience,
        jwksUri: redirecting.jwksUri,
      });
      try {
        const res = await rawRequest(app.url, "/events", bearer(kit.good()));
        expect(res.status, res.body).toBe(503);
        expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
        expect(JSON.parse(res.body)).toEqual({
          error: "temporarily_unavailable",
          error_description: ERROR_CODES.ERR_JWKS_UNAVAILABLE.description,
        });
        expect(elsewhere.hits("/jwks.json")).toBe(0);
        expectSafeHead(res);
      } finally {
        await app.close();
        await redirecting.close();
        await elsewhere.close();
      }
    });
  }
});

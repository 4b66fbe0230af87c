import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type Verifier } from "../src/index.js";
import { failure } from "./support/failure.js";

const ISSUER = "https://issuer.example.com/";
const AUDIENCE = "https://calendar.example.com";
const TOKEN = "opaque-token-value-that-must-never-leak";

type Script = (req: IncomingMessage, res: ServerResponse) => void;

/** An introspection endpoint on 127.0.0.1 that answers each path by a script of its own. */
const scripts = new Map<string, Script>();
let server: Server;
let base: string;
const pending = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    pending.add(res);
    res.on("close", () => pending.delete(res));
    req.resume();
    req.on("end", () => scripts.get(req.url ?? "")?.(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of pending) res.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function verifierFor(path: string, script: Script, timeoutMs = 2_000): Verifier {
  scripts.set(path, script);
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: "https://issuer.example.com/jwks.json",
    introspection: {
      endpoint: `${base}${path}`,
      clientId: "calendar",
      clientSecret: "secret",
      timeoutMs,
      maxResponseBytes: 4_096,
      failureBackoffMs: 0,
      cache: false,
    },
  });
}

const send =
  (status: number, body: string | Buffer, headers: Record<string, string> = {}): Script =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

const future = () => Math.floor(Date.now() / 1000) + 300;

describe("hostile introspection answers", () => {
  it.each<[string, Script, string]>([
    ["a body that is not JSON", send(200, "<html>oops</html>"), "ERR_INTROSPECTION_RESPONSE"],
    ["truncated JSON", send(200, '{"active": tr'), "ERR_INTROSPECTION_RESPONSE"],
    ["a JSON array", send(200, "[true]"), "ERR_INTROSPECTION_RESPONSE"],
    ['`active: "true"` (a string)', send(200, '{"active":"true"}'), "ERR_INTROSPECTION_RESPONSE"],
    ["no `active` at all", send(200, `{"exp":${future()}}`), "ERR_INTROSPECTION_RESPONSE"],
    ["`active: 1`", send(200, '{"active":1}'), "ERR_INTROSPECTION_RESPONSE"],
    ["an empty body", send(200, ""), "ERR_INTROSPECTION_RESPONSE"],
    ["invalid UTF-8", send(200, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), "ERR_INTROSPECTION_RESPONSE"],
    [
      "an HTML content type",
      send(200, '{"active":true}', { "content-type": "text/html" }),
      "ERR_INTROSPECTION_CONTENT_TYPE",
    ],
    [
      "a huge declared body",
      send(200, `{"active":false,"pad":"${"x".repeat(100_000)}"}`),
      "ERR_INTROSPECTION_TOO_LARGE",
    ],
    [
      "a huge streamed body (no Content-Length)",
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"active":false,"pad":"');
        for (let i = 0; i < 50; i++) res.write("x".repeat(1_000));
        res.end('"}');
      },
      "ERR_INTROSPECTION_TOO_LARGE",
    ],
    [
      "a redirect",
      send(302, "", { location: "https://evil.example.com/introspect" }),
      "ERR_INTROSPECTION_REDIRECT",
    ],
    ["a 307 redirect", send(307, "", { location: "/elsewhere" }), "ERR_INTROSPECTION_REDIRECT"],
    [
      "a 500",
      send(500, "Internal Server Error", { "content-type": "text/plain" }),
      "ERR_INTROSPECTION_STATUS",
    ],
    ["a 400 error body", send(400, '{"error":"invalid_request"}'), "ERR_INTROSPECTION_STATUS"],
    [
      "a 401 with a challenge",
      send(401, '{"error":"invalid_client"}', { "www-authenticate": 'Basic realm="as"' }),
      "ERR_INTROSPECTION_CLIENT_AUTH",
    ],
    ["a 401 invalid_client body", send(401, '{"error":"invalid_client"}'), "ERR_INTROSPECTION_CLIENT_AUTH"],
    ["a 204", send(204, ""), "ERR_INTROSPECTION_STATUS"],
  ])("answers %s with 503 and a typed cause, never a crash", async (title, script, code) => {
    const path = `/${encodeURIComponent(title)}`;
    const error = await failure(verifierFor(path, script).verify(TOKEN));
    expect([error.status, error.error, error.code]).toEqual([
      503,
      "temporarily_unavailable",
      "ERR_INTROSPECTION_UNAVAILABLE",
    ]);
    expect(error.headers["Retry-After"]).toMatch(/^[1-9]\d*$/);
    expect((error.cause as { code?: string }).code).toBe(code);
    expect(JSON.stringify([error, String(error.cause), error.cause])).not.toContain(TOKEN);
  });

  it("gives up on an endpoint that never answers after timeoutMs: 503, no hang", async () => {
    const error = await failure(verifierFor("/silent", () => {}, 300).verify(TOKEN));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_TIMEOUT");
  });

  it("gives up on an answer that trickles in slower than timeoutMs", async () => {
    const script: Script = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"active":');
    };
    const error = await failure(verifierFor("/trickle", script, 300).verify(TOKEN));
    expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_TIMEOUT");
  });

  it("answers an unreachable endpoint with 503", async () => {
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      introspection: { endpoint: "http://127.0.0.1:1/introspect", clientId: "c", clientSecret: "s" },
    });
    const error = await failure(verifier.verify(TOKEN));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_NETWORK");
  });

  it("sends the token form-encoded with client_secret_basic and token_type_hint, accepting JSON", async () => {
    let seen: { authorization?: string; accept?: string; body?: string } = {};
    scripts.set("/inspect", (req, res) => {
      seen = { authorization: req.headers.authorization, accept: req.headers.accept };
      send(200, '{"active":false}')(req, res);
    });
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      introspection: { endpoint: `${base}/inspect`, clientId: "cal endar", clientSecret: "s:e+cret" },
    });
    expect((await failure(verifier.verify(TOKEN))).code).toBe("ERR_TOKEN_INACTIVE");
    // RFC 6749 §2.3.1: id and secret form-url-encoded before Basic.
    expect(Buffer.from(seen.authorization?.replace("Basic ", "") ?? "", "base64").toString()).toBe(
      "cal+endar:s%3Ae%2Bcret",
    );
    expect(seen.accept).toBe("application/json");
  });
});

describe("introspection options", () => {
  const base = { issuer: ISSUER, audience: AUDIENCE };
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no clientId", { clientSecret: "s" }, /introspection\.clientId/],
    ["no secret and no key", { clientId: "c" }, /introspection\.clientSecret/],
    [
      "an unknown key",
      { clientId: "c", clientSecret: "s", timeout: 5 },
      /introspection has no option `timeout`; did you mean `timeoutMs`\?/,
    ],
    [
      "an http endpoint off loopback",
      { clientId: "c", clientSecret: "s", endpoint: "http://as.example.com/i" },
      /https/,
    ],
    [
      "an unknown auth method",
      { clientId: "c", clientSecret: "s", clientAuthMethod: "tls_client_auth" },
      /clientAuthMethod/,
    ],
    ["private_key_jwt without a key", { clientId: "c", clientAuthMethod: "private_key_jwt" }, /privateKey/],
    ["a negative maxAgeSec", { clientId: "c", clientSecret: "s", cache: { maxAgeSec: -1 } }, /maxAgeSec/],
    [
      "an unknown cache key",
      { clientId: "c", clientSecret: "s", cache: { ttl: 5 } },
      /introspection\.cache has no option `ttl`/,
    ],
    ['tokens: "jwt"', { clientId: "c", clientSecret: "s", tokens: "jwt" }, /introspection\.tokens/],
  ])("refuses %s at construction with a TypeError", (_title, introspection, message) => {
    expect(() => createVerifier({ ...base, introspection: introspection as never })).toThrow(TypeError);
    expect(() => createVerifier({ ...base, introspection: introspection as never })).toThrow(message);
  });

  it("needs the answering issuer named when the verifier has several", () => {
    const introspection = { clientId: "c", clientSecret: "s" };
    expect(() =>
      createVerifier({ issuer: [ISSUER, "https://b.example.com/"], audience: AUDIENCE, introspection }),
    ).toThrow(/introspection\.issuer/);
  });
});

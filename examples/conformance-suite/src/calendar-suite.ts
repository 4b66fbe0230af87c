import { once } from "node:events";
import { Agent, get } from "node:http";
import { createServer, type Socket } from "node:net";
import { join } from "node:path";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS } from "./dpop-algs.js";
import { describeDpop } from "./dpop-suite.js";
import { expectBearerFailure, expectJsonFailure } from "./expect-failure.js";
import { bearer, type CallOptions, call, type Method } from "./http.js";
import { describeMutualTls } from "./mutual-tls-suite.js";
import { describeOpaqueTokens } from "./opaque-tokens.js";
import { pnpmCommand, type RunningExample, runToExit, type StartCommand, spawnExample } from "./process.js";
import { CREDENTIAL_CASES } from "./token-cases.js";

const AUDIENCE = "https://calendar.scopegate.test";
const OTHER_AUDIENCE = "https://calendar-alias.scopegate.test";

/** Every protected route of the contract, with the scopes that satisfy it. */
const PROTECTED: readonly { method: Method; path: string; scope: string[]; body?: unknown }[] = [
  { method: "get", path: "/me", scope: [] },
  { method: "get", path: "/events", scope: ["event.read"] },
  { method: "post", path: "/events", scope: ["event.create"], body: { title: "Standup" } },
  { method: "delete", path: "/events/does-not-matter", scope: ["event.create", "event.delete"] },
  { method: "get", path: "/reports", scope: ["report.read"] },
];

/** A port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** True when nothing accepts connections on 127.0.0.1:`port`. */
export async function refusesConnections(port: number): Promise<boolean> {
  const { connect } = await import("node:net");
  return new Promise((resolve) => {
    const socket: Socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

/**
 * The calendar contract (shared/conformance.md) as a vitest suite, run against an example started
 * as a child process with its real start command: environment configuration, the `listening on`
 * line, every route's success and failure over HTTP, a JWKS outage (503), bad configuration (exit 2)
 * and SIGTERM (exit 0 within 2 s). Call it at the top level of a test file.
 *
 * @example runConformanceSuite({ cwd: fileURLToPath(new URL("..", import.meta.url)) });
 */
export function runConformanceSuite(
  target: StartCommand,
  name = "the calendar service",
  /** `mutualTls: false` leaves out the "Mutual TLS" section, for an example that does not serve TLS_* yet. */
  sections: { mutualTls?: boolean } = {},
): void {
  describe(`${name} (calendar contract)`, () => {
    let authority: TestAuthority;
    let service: RunningExample;
    const env = (): Record<string, string> => ({
      ISSUER: authority.issuer,
      AUDIENCE: `${AUDIENCE}, ${OTHER_AUDIENCE}`,
      PORT: "0",
    });
    const request = (path: string, options?: CallOptions) => call(service.url, path, options);
    /** Every 401 and 403 challenge points at the service's RFC 9728 metadata. */
    const expectFailure = (
      res: Parameters<typeof expectBearerFailure>[0],
      code: Parameters<typeof expectBearerFailure>[1],
      options: Parameters<typeof expectBearerFailure>[2] = {},
    ) =>
      expectBearerFailure(res, code, {
        resourceMetadata: `${service.url}/.well-known/oauth-protected-resource`,
        // DPOP=allowed by default: every challenge offers DPoP too.
        dpopAlgs: DPOP_ALGS,
        ...options,
      });
    const token = (scope: string[] | string, extra: Parameters<TestAuthority["mint"]>[0] = {}) =>
      authority.mint({ scope, ...extra });

    beforeAll(async () => {
      authority = await createTestAuthority({ audience: AUDIENCE });
      await authority.listen();
      service = await spawnExample(target, env()).listening;
    });

    afterAll(async () => {
      await service?.stop();
      await authority?.close();
    });

    describe("start-up", () => {
      it("prints `listening on http://127.0.0.1:PORT` with the real port when PORT=0", () => {
        expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(new URL(service.url).port).not.toBe("0");
        expect(service.stdout()).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\n/);
      });

      it("finds the keys through the issuer's metadata when JWKS_URI is not set", async () => {
        expect((await request("/me", bearer(await token([])))).status).toBe(200);
      });

      it("uses JWKS_URI when it is set", async () => {
        const other = await spawnExample(target, { ...env(), JWKS_URI: authority.jwksUri }).listening;
        try {
          const res = await call(other.url, "/me", bearer(await token([])));
          expect(res.status).toBe(200);
        } finally {
          await other.stop();
        }
      });
    });

    describe("GET /.well-known/oauth-protected-resource (RFC 9728)", () => {
      it("answers the metadata without credentials: resource = PUBLIC_URL, the issuer, the five scopes, header", async () => {
        const res = await request("/.well-known/oauth-protected-resource");
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        expect(res.headers["access-control-allow-origin"]).toBe("*");
        expect(res.body).toMatchObject({
          resource: service.url,
          authorization_servers: [authority.issuer],
          bearer_methods_supported: ["header"],
        });
        // Plain HTTP here: no client certificate can reach the service.
        expect(res.body).not.toHaveProperty("tls_client_certificate_bound_access_tokens");
        expect([...res.body.scopes_supported].sort()).toEqual([
          "admin",
          "event.create",
          "event.delete",
          "event.read",
          "report.read",
        ]);
      });

      it("points the bare 401 challenge at it", async () => {
        expectFailure(await request("/events"), "ERR_NO_CREDENTIALS");
      });

      it("publishes RESOURCE and points challenges at PUBLIC_URL when they are set", async () => {
        const publicUrl = "https://calendar.scopegate.test";
        const other = await spawnExample(target, {
          ...env(),
          PUBLIC_URL: publicUrl,
          RESOURCE: "https://calendar.scopegate.test/api",
        }).listening;
        try {
          const res = await call(other.url, "/.well-known/oauth-protected-resource");
          expect(res.body.resource).toBe("https://calendar.scopegate.test/api");
          expectBearerFailure(await call(other.url, "/me"), "ERR_NO_CREDENTIALS", {
            resourceMetadata: `${publicUrl}/.well-known/oauth-protected-resource`,
            dpopAlgs: DPOP_ALGS,
          });
        } finally {
          await other.stop();
        }
      });
    });

    describe("GET /health", () => {
      it("answers 200 {ok:true} without credentials", async () => {
        const res = await request("/health");
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        expect(res.body).toEqual({ ok: true });
      });

      it("answers 200 even with a bad token: it needs nothing", async () => {
        const res = await request("/health", bearer(await authority.tokens.expired()));
        expect(res.status).toBe(200);
      });
    });

    describe("GET /health/auth", () => {
      it("answers 200 with the issuer's keys fresh, their age and count, and no error", async () => {
        const res = await request("/health/auth");
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        expect(res.body).toMatchObject({
          ok: true,
          issuers: [{ issuer: authority.issuer, jwksUri: authority.jwksUri, keys: "fresh", lastError: null }],
        });
        const [issuer] = (res.body as { issuers: { ageSec: number; keyCount: number }[] }).issuers;
        expect(issuer?.ageSec).toBeGreaterThanOrEqual(0);
        expect(issuer?.keyCount).toBeGreaterThanOrEqual(1);
      });
    });

    describe("GET /me", () => {
      it("answers the token's subject, client_id, scopes and claims", async () => {
        const res = await request(
          "/me",
          bearer(await token(["event.read", "report.read"], { subject: "task-service", clientId: "tasks" })),
        );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          subject: "task-service",
          clientId: "tasks",
          scopes: ["event.read", "report.read"],
          claims: { iss: authority.issuer, sub: "task-service", client_id: "tasks", aud: AUDIENCE },
        });
        expect(Object.keys(res.body).sort()).toEqual(["claims", "clientId", "scopes", "subject"]);
      });

      it("answers azp as clientId when the token has no client_id", async () => {
        const res = await request(
          "/me",
          bearer(await token([], { omit: ["client_id"], claims: { azp: "azp-client" } })),
        );
        expect(res.status).toBe(200);
        expect(res.body.clientId).toBe("azp-client");
      });

      it("answers clientId null when the token has neither client_id nor azp", async () => {
        const res = await request("/me", bearer(await token([], { omit: ["client_id", "azp"] })));
        expect(res.status).toBe(200);
        expect(res.body.clientId).toBeNull();
        expect(res.body.scopes).toEqual([]);
      });

      it("accepts every audience of the comma-separated AUDIENCE", async () => {
        const res = await request("/me", bearer(await token([], { audience: OTHER_AUDIENCE })));
        expect(res.status).toBe(200);
      });
    });

    describe("events", () => {
      it("GET /events answers 200 {events: [...]} with event.read", async () => {
        const res = await request("/events", bearer(await token(["event.read"])));
        expect(res.status).toBe(200);
        expect(Array.isArray(res.body.events)).toBe(true);
      });

      it("POST /events creates an event (201, the body plus an id), DELETE removes it (204)", async () => {
        const created = await request("/events", {
          method: "post",
          ...bearer(await token(["event.create"])),
          body: { title: "Planning", startsAt: "2030-01-01T09:00:00Z" },
        });
        expect(created.status).toBe(201);
        expect(created.headers["content-type"]).toMatch(/^application\/json/);
        expect(created.body).toMatchObject({ title: "Planning", startsAt: "2030-01-01T09:00:00Z" });
        const id: unknown = created.body.id;
        expect(typeof id).toBe("string");

        const listed = await request("/events", bearer(await token(["event.read"])));
        expect(listed.body.events).toContainEqual(created.body);

        const deleted = await request(`/events/${encodeURIComponent(String(id))}`, {
          method: "delete",
          ...bearer(await token(["event.create", "event.delete"])),
        });
        expect(deleted.status).toBe(204);
        expect(deleted.text).toBe("");

        const after = await request("/events", bearer(await token(["event.read"])));
        expect(after.body.events).not.toContainEqual(created.body);
      });

      it("GET /events without event.read answers 403 insufficient_scope", async () => {
        const res = await request("/events", bearer(await token(["event.create", "report.read"])));
        expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.read" });
      });

      it("POST /events without event.create answers 403 insufficient_scope", async () => {
        const res = await request("/events", {
          method: "post",
          ...bearer(await token(["event.read", "event.delete"])),
          body: { title: "x" },
        });
        expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create" });
      });

      for (const scope of [["event.create"], ["event.delete"], ["event.read", "admin"]]) {
        it(`DELETE /events/:id with only ${scope.join(" ")} answers 403 insufficient_scope (needs both)`, async () => {
          const res = await request("/events/any", { method: "delete", ...bearer(await token(scope)) });
          expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create event.delete" });
        });
      }

      it("POST /events with a body that is not JSON answers 400 with a JSON error", async () => {
        const res = await request("/events", {
          method: "post",
          ...bearer(await token(["event.create"])),
          contentType: "application/json",
          body: '{"title": "unterminated',
        });
        expectJsonFailure(res, 400, "invalid_request");
      });

      it("POST /events with JSON that is not an object answers 400 with a JSON error", async () => {
        const res = await request("/events", {
          method: "post",
          ...bearer(await token(["event.create"])),
          body: ["not", "an", "object"],
        });
        expectJsonFailure(res, 400, "invalid_request");
      });

      it("rejects a token both in the header and in a form body with 400 invalid_request", async () => {
        const access = await token(["event.create"]);
        const res = await request("/events", {
          method: "post",
          ...bearer(access),
          contentType: "application/x-www-form-urlencoded",
          body: `access_token=${access}`,
        });
        expectFailure(res, "ERR_MULTIPLE_CREDENTIALS");
      });
    });

    describe("GET /reports", () => {
      for (const scope of ["report.read", "admin"]) {
        it(`answers 200 {reports: []} with ${scope}`, async () => {
          const res = await request("/reports", bearer(await token([scope])));
          expect(res.status).toBe(200);
          expect(res.body).toEqual({ reports: [] });
        });
      }

      it("answers 403 insufficient_scope with neither report.read nor admin", async () => {
        const res = await request("/reports", bearer(await token(["event.read", "event.create"])));
        expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "report.read admin" });
      });
    });

    for (const route of PROTECTED) {
      describe(`${route.method.toUpperCase()} ${route.path} with bad credentials`, () => {
        for (const testCase of CREDENTIAL_CASES) {
          it(testCase.title, async () => {
            const credentials = await testCase.credentials(authority, route.scope);
            const res = await request(route.path, { method: route.method, body: route.body, ...credentials });
            expectFailure(res, testCase.code);
          });
        }
      });
    }

    describe("unknown routes", () => {
      it("answers 404 with a JSON error without credentials", async () => {
        expectJsonFailure(await request("/no-such-route"), 404, "not_found");
      });

      it("answers 404 with a JSON error with a valid token", async () => {
        const res = await request("/no-such-route", bearer(await token(["admin"])));
        expectJsonFailure(res, 404, "not_found");
      });

      it("answers 404 with a JSON error for a method the route does not have", async () => {
        const res = await request("/health", { method: "put", body: { ok: false } });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expectJsonFailure(res, res.status, res.status === 404 ? "not_found" : JSON.parse(res.text).error);
      });
    });

    describe("when the keys cannot be had", () => {
      let outage: TestAuthority;
      beforeAll(async () => {
        outage = await createTestAuthority({ audience: AUDIENCE });
        await outage.listen();
        outage.simulate("down");
      });
      afterAll(async () => {
        await outage?.close();
      });

      for (const title of ["discovery", "JWKS_URI"]) {
        it(`answers 503 with Retry-After and a JSON body when ${title} is down and nothing is cached`, async () => {
          const jwks: Record<string, string> = title === "JWKS_URI" ? { JWKS_URI: outage.jwksUri } : {};
          const down = await spawnExample(target, {
            ISSUER: outage.issuer,
            AUDIENCE,
            PORT: "0",
            ...jwks,
          }).listening;
          try {
            const res = await call(down.url, "/events", bearer(await outage.mint({ scope: "event.read" })));
            expectFailure(res, "ERR_JWKS_UNAVAILABLE");
            expect((await call(down.url, "/health")).status).toBe(200);
            const health = await call(down.url, "/health/auth");
            expect(health.status).toBe(503);
            expect(health.headers["content-type"]).toMatch(/^application\/json/);
            expect(health.body).toMatchObject({
              ok: false,
              issuers: [{ issuer: outage.issuer, keys: "missing", ageSec: null, ok: false }],
            });
            const [issuer] = (health.body as { issuers: { lastError: { code: string } | null }[] }).issuers;
            expect(issuer?.lastError?.code).toMatch(/^ERR_/);
          } finally {
            await down.stop();
          }
        });
      }
    });

    describeOpaqueTokens(target, AUDIENCE);

    describe("configuration errors", () => {
      const cases: [string, (base: Record<string, string>) => Record<string, string>][] = [
        ["ISSUER is missing", ({ ISSUER: _, ...rest }) => rest],
        ["ISSUER is empty", (base) => ({ ...base, ISSUER: "" })],
        ["ISSUER is not a URL", (base) => ({ ...base, ISSUER: "not a url" })],
        [
          "ISSUER is plain http on a public host",
          (base) => ({ ...base, ISSUER: "http://auth.example.com/" }),
        ],
        ["AUDIENCE is missing", ({ AUDIENCE: _, ...rest }) => rest],
        ["AUDIENCE has an empty entry", (base) => ({ ...base, AUDIENCE: `${AUDIENCE},,${OTHER_AUDIENCE}` })],
        ["JWKS_URI is not a URL", (base) => ({ ...base, JWKS_URI: "jwks.json" })],
        ["PORT is not a number", (base) => ({ ...base, PORT: "eighty" })],
        ["PORT is out of range", (base) => ({ ...base, PORT: "65536" })],
        ["PORT is negative", (base) => ({ ...base, PORT: "-1" })],
        [
          "INTROSPECTION_ENDPOINT is set without the client id and secret",
          (base) => ({ ...base, INTROSPECTION_ENDPOINT: "https://auth.example.com/introspect" }),
        ],
        ["OFFLOAD_SIGNATURES is not true or false", (base) => ({ ...base, OFFLOAD_SIGNATURES: "yes" })],
        [
          "INTROSPECTION_ENDPOINT is not a URL",
          (base) => ({
            ...base,
            INTROSPECTION_ENDPOINT: "introspect",
            INTROSPECTION_CLIENT_ID: "calendar",
            INTROSPECTION_CLIENT_SECRET: "secret",
          }),
        ],
      ];
      for (const [title, change] of cases) {
        it(`exits with code 2 and one line on stderr, listening nowhere, when ${title}`, async () => {
          const port = await freePort();
          const run = await runToExit(target, change({ ...env(), PORT: String(port) }));
          expect(run.code).toBe(2);
          const lines = run.stderr.trim().split("\n");
          expect(lines).toHaveLength(1);
          expect(lines[0]).not.toBe("");
          expect(run.stdout).not.toMatch(/listening/);
          if (!title.startsWith("PORT")) expect(await refusesConnections(port)).toBe(true);
        });
      }
    });

    // This repository's addition to the contract: scopegate's `offloadSignatures`.
    describe("OFFLOAD_SIGNATURES=true (signatures on the thread pool)", () => {
      it("gives the same answers: 200 for a valid token, first and repeated; 401 for a bad signature", async () => {
        const offloaded = await spawnExample(target, { ...env(), OFFLOAD_SIGNATURES: "true" }).listening;
        try {
          const valid = bearer(await token("event.read"));
          for (let use = 0; use < 3; use++)
            expect((await call(offloaded.url, "/events", valid)).status).toBe(200);
          for (const bad of [authority.tokens.tampered, authority.tokens.foreignKey]) {
            const res = await call(offloaded.url, "/events", bearer(await bad({ scope: "event.read" })));
            expectFailure(res, "ERR_TOKEN_SIGNATURE", {
              resourceMetadata: `${offloaded.url}/.well-known/oauth-protected-resource`,
            });
          }
        } finally {
          await offloaded.stop();
        }
      });
    });

    describeDpop(target, () => authority, env);
    if (sections.mutualTls !== false) describeMutualTls(target, () => authority, env);

    describe("SIGTERM", () => {
      it("exits with code 0 within 2 s, closing idle keep-alive connections", async () => {
        const running = await spawnExample(target, env()).listening;
        const agent = new Agent({ keepAlive: true });
        try {
          await new Promise<void>((resolve, reject) => {
            get(`${running.url}/health`, { agent }, (res) => {
              res.resume();
              res.once("end", resolve);
            }).once("error", reject);
          });
          running.child.kill("SIGTERM");
          const deadline = new Promise<"timeout">((resolve) =>
            setTimeout(() => resolve("timeout"), 2000).unref(),
          );
          const outcome = await Promise.race([running.exited, deadline]);
          expect(outcome).toEqual({ code: 0, signal: null });
        } finally {
          agent.destroy();
          await running.stop();
        }
      });

      it("started as `pnpm --dir <example> start`, exits with code 0 within 2 s when pnpm gets SIGTERM", async () => {
        const repoRoot = join(target.cwd, "..", "..");
        const command = [...pnpmCommand(repoRoot), "--dir", target.cwd, "start"];
        const running = await spawnExample({ cwd: target.cwd, command }, env()).listening;
        try {
          expect((await call(running.url, "/health")).status).toBe(200);
          running.child.kill("SIGTERM");
          const deadline = new Promise<"timeout">((resolve) =>
            setTimeout(() => resolve("timeout"), 2000).unref(),
          );
          expect(await Promise.race([running.exited, deadline])).toEqual({ code: 0, signal: null });
          await expect(call(running.url, "/health")).rejects.toThrow();
        } finally {
          await running.stop();
        }
      });
    });
  });
}

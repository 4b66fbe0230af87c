import type { VerifiedToken } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { AdminController, CalendarController, OpenController } from "./support/controllers.js";
import { expectFailure } from "./support/expect.js";
import { bearer, call } from "./support/http.js";

const AUDIENCE = "https://calendar.scopegate.test";

describe.each(PLATFORMS)("ScopegateGuard on the %s platform", (platform) => {
  let authority: TestAuthority;
  let outage: TestAuthority;
  let api: RunningApp;
  let down: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
    outage = await createTestAuthority({ audience: AUDIENCE });
    await outage.listen();
    outage.simulate("down");
    const controllers = [CalendarController, AdminController, OpenController];
    api = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
      controllers,
    });
    down = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...outage.verifierOptions(), global: true })],
      controllers,
    });
  });

  afterAll(async () => {
    await api?.close();
    await down?.close();
    await authority?.close();
    await outage?.close();
  });

  describe("the shared behaviour table", () => {
    it("answers 401 with a bare challenge when no credentials come", async () => {
      expectFailure(await call(api.url, "/events"), "ERR_NO_CREDENTIALS");
    });

    it("answers 401 with a bare challenge to the Basic scheme", async () => {
      const res = await call(api.url, "/events", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
      expectFailure(res, "ERR_NO_CREDENTIALS");
    });

    it("rejects a malformed Authorization header with 400 invalid_request", async () => {
      const res = await call(api.url, "/events", { headers: { authorization: "Bearer a b c" } });
      expectFailure(res, "ERR_MALFORMED_AUTHORIZATION");
    });

    it("rejects an empty bearer token with 400 invalid_request", async () => {
      expectFailure(
        await call(api.url, "/events", { headers: { authorization: "Bearer " } }),
        "ERR_EMPTY_TOKEN",
      );
    });

    it("rejects two Authorization headers with 400 invalid_request", async () => {
      const token = await authority.mint({ scope: "event.read" });
      const res = await call(api.url, "/events", {
        headers: [
          ["authorization", `Bearer ${token}`],
          ["authorization", `Bearer ${token}`],
        ],
      });
      expectFailure(res, "ERR_MULTIPLE_CREDENTIALS");
    });

    it("rejects a token both in the header and in the query with 400 invalid_request", async () => {
      const token = await authority.mint({ scope: "event.read" });
      const res = await call(api.url, `/events?access_token=${token}`, { headers: bearer(token) });
      expectFailure(res, "ERR_MULTIPLE_CREDENTIALS");
    });

    it("rejects an expired token with 401 invalid_token", async () => {
      const token = await authority.tokens.expired({ scope: "event.read" });
      expectFailure(await call(api.url, "/events", { headers: bearer(token) }), "ERR_TOKEN_EXPIRED");
    });

    it("rejects a token for another audience with 401 invalid_token", async () => {
      const token = await authority.tokens.wrongAudience({ scope: "event.read" });
      expectFailure(await call(api.url, "/events", { headers: bearer(token) }), "ERR_TOKEN_AUDIENCE");
    });

    it("rejects a token from another issuer with 401 invalid_token", async () => {
      const token = await authority.tokens.wrongIssuer({ scope: "event.read" });
      expectFailure(await call(api.url, "/events", { headers: bearer(token) }), "ERR_TOKEN_ISSUER");
    });

    it("rejects a token with a bad signature with 401 invalid_token", async () => {
      const token = await authority.tokens.tampered({ scope: "event.read" });
      expectFailure(await call(api.url, "/events", { headers: bearer(token) }), "ERR_TOKEN_SIGNATURE");
    });

    it("rejects a token signed under an unknown kid with 401 invalid_token", async () => {
      const token = await authority.tokens.unknownKid({ scope: "event.read" });
      expectFailure(await call(api.url, "/events", { headers: bearer(token) }), "ERR_TOKEN_KEY_NOT_FOUND");
    });

    it("rejects an unsigned (alg none) token with 401 invalid_token", async () => {
      const token = await authority.tokens.algNone({ scope: "event.read" });
      const res = await call(api.url, "/events", { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect((res.json as { error: string }).error).toBe("invalid_token");
    });

    it("refuses a token lacking one of all-of scopes with 403 insufficient_scope naming them", async () => {
      const token = await authority.mint({ scope: "event.create" });
      const res = await call(api.url, "/events/42", { method: "DELETE", headers: bearer(token) });
      expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create event.delete" });
    });

    it("refuses a token with none of any-of scopes with 403 insufficient_scope naming them", async () => {
      const token = await authority.mint({ scope: "event.read" });
      const res = await call(api.url, "/reports", { headers: bearer(token) });
      expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "report.read admin" });
    });

    it("answers 503 with Retry-After when the keys cannot be obtained", async () => {
      const token = await outage.mint({ scope: "event.read" });
      const res = await call(down.url, "/events", { headers: bearer(token) });
      expectFailure(res, "ERR_JWKS_UNAVAILABLE");
      expect(res.text).not.toMatch(/\bat \S+ \(/); // no stack trace
    });

    it("lets a token with the scope through (200)", async () => {
      const token = await authority.mint({ scope: "event.read" });
      const res = await call(api.url, "/events", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ events: [] });
    });

    it("lets a token with every all-of scope through (204)", async () => {
      const token = await authority.mint({ scope: "event.create event.delete" });
      const res = await call(api.url, "/events/42", { method: "DELETE", headers: bearer(token) });
      expect(res.status).toBe(204);
    });

    it("lets a token with one of the any-of scopes through (200)", async () => {
      const token = await authority.mint({ scope: "admin" });
      expect((await call(api.url, "/reports", { headers: bearer(token) })).status).toBe(200);
    });

    it("injects the verified token with @Auth()", async () => {
      const token = await authority.mint({
        scope: "event.read report.read",
        subject: "svc-42",
        clientId: "task-service",
      });
      const res = await call(api.url, "/me", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        subject: "svc-42",
        clientId: "task-service",
        scopes: ["event.read", "report.read"],
      });
    });

    it("lets a request to a @Public() route through without a token", async () => {
      const res = await call(api.url, "/health");
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ok: true });
    });

    it("does not authenticate on a @Public() route, even with a bad token", async () => {
      const res = await call(api.url, "/health", { headers: { authorization: "Bearer not-a-jwt" } });
      expect(res.status).toBe(200);
    });
  });

  describe("class and method metadata", () => {
    it("applies the controller's scopes to a method without its own", async () => {
      const reader = await authority.mint({ scope: "event.read" });
      const admin = await authority.mint({ scope: "admin" });
      expectFailure(
        await call(api.url, "/admin/stats", { headers: bearer(reader) }),
        "ERR_INSUFFICIENT_SCOPE",
        {
          scope: "admin",
        },
      );
      expect((await call(api.url, "/admin/stats", { headers: bearer(admin) })).status).toBe(200);
    });

    it("lets a @Public() method override the controller's scopes", async () => {
      expect((await call(api.url, "/admin/ping")).status).toBe(200);
    });

    it("lets a method's scopes replace the controller's", async () => {
      const auditor = await authority.mint({ scope: "audit.read" });
      const admin = await authority.mint({ scope: "admin" });
      expect((await call(api.url, "/admin/audit", { headers: bearer(auditor) })).status).toBe(200);
      expectFailure(
        await call(api.url, "/admin/audit", { headers: bearer(admin) }),
        "ERR_INSUFFICIENT_SCOPE",
        {
          scope: "audit.read",
        },
      );
    });

    it("protects a method with scopes inside a @Public() controller", async () => {
      expect((await call(api.url, "/open/info")).status).toBe(200);
      expectFailure(await call(api.url, "/open/secret"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ scope: "secret.read", subject: "svc-7" });
      const res = await call(api.url, "/open/secret", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ subject: "svc-7" } satisfies Partial<Record<keyof VerifiedToken, string>>);
    });
  });
});

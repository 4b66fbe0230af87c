import { type ExecutionContext, Injectable } from "@nestjs/common";
import { APP_GUARD } from "@nestjs/core";
import type { VerifiedToken } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpRequest, ScopegateGuard, ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import {
  AdminController,
  CalendarController,
  OpenController,
  PlainController,
} from "./support/controllers.js";
import { expectFailure } from "./support/expect.js";
import { bearer, call } from "./support/http.js";

const AUDIENCE = "https://calendar.scopegate.test";

/** A subclass that reads the token from a gateway's `X-Service-Token` header (its protected hook). */
@Injectable()
class GatewayGuard extends ScopegateGuard {
  protected override getRequest(context: ExecutionContext): HttpRequest {
    const request = super.getRequest(context);
    const headers = request.headers as Record<string, string | undefined>;
    const forwarded = headers["x-service-token"];
    if (forwarded !== undefined) headers.authorization = `Bearer ${forwarded}`;
    return request;
  }
}

describe.each(PLATFORMS)("ScopegateGuard on the %s platform", (platform) => {
  let authority: TestAuthority;
  let api: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
    const controllers = [CalendarController, AdminController, OpenController];
    api = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
      controllers,
    });
  });

  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });

  describe("on the calendar routes (the credential cases are in behaviour-table.test.ts)", () => {
    it("answers 401 with a bare challenge when no credentials come", async () => {
      expectFailure(await call(api.url, "/events"), "ERR_NO_CREDENTIALS");
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

  describe("a subclass with its own getRequest hook, installed as APP_GUARD", () => {
    let gateway: RunningApp;
    beforeAll(async () => {
      gateway = await startApp(platform, {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
        controllers: [PlainController],
        providers: [{ provide: APP_GUARD, useClass: GatewayGuard }],
      });
    });
    afterAll(async () => {
      await gateway?.close();
    });

    it("authenticates with what the hook returns and keeps the route rules", async () => {
      const reader = await authority.mint({ scope: "event.read", subject: "svc-gw" });
      const res = await call(gateway.url, "/plain/any", { headers: { "x-service-token": reader } });
      expect(res.json).toEqual({ subject: "svc-gw" });
      expect(
        (await call(gateway.url, "/plain/scoped", { headers: { "x-service-token": reader } })).status,
      ).toBe(200);
      expectFailure(await call(gateway.url, "/plain/scoped"), "ERR_NO_CREDENTIALS");
      expect((await call(gateway.url, "/plain/open")).status).toBe(200);
    });
  });
});

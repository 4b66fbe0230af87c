import { Controller, Get, Req } from "@nestjs/common";
import type { VerifiedToken } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Auth, Public, ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { bearer, call } from "./support/http.js";

@Controller()
class ProbeController {
  @Get("public")
  @Public()
  open(@Auth() auth: VerifiedToken | undefined) {
    return { auth: auth ?? null };
  }

  @Get("claims")
  claims(@Auth() auth: VerifiedToken) {
    return { issuer: auth.issuer, jti: typeof auth.claims.jti, expires: auth.expiresAt instanceof Date };
  }

  /** `request.auth` as a handler sees it, and whether it is an own property of the request. */
  @Get("request-auth")
  requestAuth(@Auth() auth: VerifiedToken, @Req() request: { auth?: VerifiedToken }) {
    return { same: request.auth === auth, own: Object.hasOwn(request, "auth") };
  }

  /** A handler may still assign `request.auth`: the value it assigned is what it reads back. */
  @Get("request-auth-assigned")
  assigned(@Req() request: { auth?: unknown }) {
    request.auth = "assigned";
    return { auth: request.auth };
  }
}

describe.each(PLATFORMS)("@Auth() on the %s platform", (platform) => {
  let authority: TestAuthority;
  let guarded: RunningApp;
  let unguarded: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
    guarded = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
      controllers: [ProbeController],
    });
    unguarded = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions() })],
      controllers: [ProbeController],
    });
  });
  afterAll(async () => {
    await guarded?.close();
    await unguarded?.close();
    await authority?.close();
  });

  it("injects the VerifiedToken the guard produced", async () => {
    const res = await call(guarded.url, "/claims", { headers: bearer(await authority.mint()) });
    expect(res.json).toEqual({ issuer: authority.issuer, jti: "string", expires: true });
  });

  it("leaves the token as request.auth: through Express's request prototype (no property per request), as a property on Fastify's requests", async () => {
    const res = await call(guarded.url, "/request-auth", { headers: bearer(await authority.mint()) });
    expect(res.json).toEqual({ same: true, own: platform !== "express" });
    const again = await call(guarded.url, "/request-auth-assigned", {
      headers: bearer(await authority.mint()),
    });
    expect(again.json).toEqual({ auth: "assigned" });
  });

  it("injects undefined on a @Public() route, which is not authenticated", async () => {
    const res = await call(guarded.url, "/public", { headers: bearer(await authority.mint()) });
    expect(res.json).toEqual({ auth: null });
  });

  it("fails with 500 on a route the guard did not run on, rather than run without a token", async () => {
    const res = await call(unguarded.url, "/claims", { headers: bearer(await authority.mint()) });
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/\bat \S+ \(/);
  });
});

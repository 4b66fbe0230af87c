import { Controller, Get, UseGuards } from "@nestjs/common";
import { createVerifier, type VerifiedToken } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Auth, Public, ScopegateGuard, ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { expectFailure } from "./support/expect.js";
import { PARTNER_AUDIENCE, PARTNER_VERIFIER, PartnerGuard } from "./support/guards.js";
import { bearer, call } from "./support/http.js";

const AUDIENCE = "https://calendar.scopegate.test";

/** Public for the global guard; partner tokens through the route's own guard. */
@Controller("partners")
class PartnerRoutesController {
  @Get("feed")
  @Public()
  @UseGuards(PartnerGuard)
  feed(@Auth() auth: VerifiedToken) {
    return { clientId: auth.clientId ?? null };
  }

  @Get("status")
  @Public()
  status(@Auth() auth: VerifiedToken | undefined) {
    return { auth: auth ?? null };
  }
}

/** The same, for a whole controller. */
@Controller("partner-api")
@Public()
@UseGuards(PartnerGuard)
class PartnerApiController {
  @Get("orders")
  orders(@Auth() auth: VerifiedToken) {
    return { clientId: auth.clientId ?? null };
  }
}

/** The module's own guard on a controller: `@Public()` turns it off, on the method or the class. */
@Controller("guarded")
@UseGuards(ScopegateGuard)
class GuardedController {
  @Get("open")
  @Public()
  open() {
    return { open: true };
  }

  @Get("closed")
  closed() {
    return { closed: true };
  }
}

describe.each(PLATFORMS)("@Public() on the %s platform", (platform) => {
  let authority: TestAuthority;
  let api: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
    api = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
      controllers: [PartnerRoutesController, PartnerApiController, GuardedController],
      providers: [
        {
          provide: PARTNER_VERIFIER,
          useFactory: () => createVerifier(authority.verifierOptions({ audience: PARTNER_AUDIENCE })),
        },
      ],
    });
  });
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });

  describe("on a route that names a guard subclass with @UseGuards", () => {
    it("still runs that guard: no token gets 401", async () => {
      expectFailure(await call(api.url, "/partners/feed"), "ERR_NO_CREDENTIALS");
    });

    it("refuses a token for the API alone with 401 invalid_token", async () => {
      const token = await authority.mint({ clientId: "calendar-ui" });
      expectFailure(await call(api.url, "/partners/feed", { headers: bearer(token) }), "ERR_TOKEN_AUDIENCE");
    });

    it("lets a partner token through without the global guard's audience (200), and @Auth() gives it", async () => {
      const token = await authority.mint({ clientId: "partner-a", audience: PARTNER_AUDIENCE });
      const res = await call(api.url, "/partners/feed", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "partner-a" });
    });

    it("leaves a @Public() route without its own guard open (200, @Auth() gives undefined)", async () => {
      const res = await call(api.url, "/partners/status");
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ auth: null });
    });
  });

  describe("on a controller that names a guard subclass with @UseGuards", () => {
    it("still runs that guard on every route: no token gets 401, a partner token 200", async () => {
      expectFailure(await call(api.url, "/partner-api/orders"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ clientId: "partner-b", audience: PARTNER_AUDIENCE });
      const res = await call(api.url, "/partner-api/orders", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "partner-b" });
    });
  });

  describe("with the module's ScopegateGuard on the controller as well as global", () => {
    it("turns both off on a @Public() route (200 without a token, a bad token not looked at)", async () => {
      expect((await call(api.url, "/guarded/open")).status).toBe(200);
      const bad = await call(api.url, "/guarded/open", { headers: { authorization: "Bearer not-a-jwt" } });
      expect(bad.status).toBe(200);
    });

    it("keeps the other routes protected (401 without a token)", async () => {
      expectFailure(await call(api.url, "/guarded/closed"), "ERR_NO_CREDENTIALS");
    });
  });
});

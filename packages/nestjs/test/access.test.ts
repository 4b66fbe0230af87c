import { Controller, Get, UseGuards } from "@nestjs/common";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OptionalAuth,
  Public,
  RequireAnyScope,
  RequireScopes,
  type RouteAccess,
  SCOPEGATE_ACCESS_METADATA,
  ScopegateGuard,
  ScopegateModule,
} from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { expectFailure } from "./support/expect.js";
import { bearer, call } from "./support/http.js";

const accessOf = (target: object): RouteAccess | undefined =>
  (Reflect as unknown as { getMetadata(key: string, target: object): RouteAccess | undefined }).getMetadata(
    SCOPEGATE_ACCESS_METADATA,
    target,
  );

@Controller("stacked")
@UseGuards(ScopegateGuard)
class StackedController {
  @Get()
  @RequireScopes("event.read")
  @RequireAnyScope("team.a", "team.b")
  get() {
    return { ok: true };
  }
}

describe("access decorators", () => {
  it("record all-of and any-of requirements in source order when stacked", () => {
    const handler = StackedController.prototype.get;
    expect(accessOf(handler)).toEqual({
      public: false,
      optional: false,
      requirements: [{ allOf: ["event.read"] }, { anyOf: ["team.a", "team.b"] }],
    });
  });

  it("record @Public() on a controller", () => {
    @Public()
    class Open {}
    expect(accessOf(Open)).toEqual({ public: true, optional: false, requirements: [] });
  });

  it("refuse @Public() and a scope requirement on the same method at declaration time", () => {
    expect(() => {
      class Confused {
        @Public()
        @RequireScopes("a")
        get() {}
      }
      return Confused;
    }).toThrow(/Confused\.get has @Public\(\) and another access decorator/);
    expect(() => {
      @RequireAnyScope("a")
      @Public()
      class Confused {}
      return Confused;
    }).toThrow(TypeError);
  });

  it("record @OptionalAuth(), and refuse it beside a scope requirement or @Public()", () => {
    class Optional {
      @OptionalAuth()
      get() {}
    }
    expect(accessOf(Optional.prototype.get)).toEqual({ public: false, optional: true, requirements: [] });
    expect(() => {
      @OptionalAuth()
      @RequireScopes("a")
      class Confused {}
      return Confused;
    }).toThrow(/Confused has @OptionalAuth\(\) and another access decorator/);
    expect(() => {
      @RequireScopes("a")
      @OptionalAuth()
      class Confused {}
      return Confused;
    }).toThrow(/Confused has both @OptionalAuth\(\) and a scope requirement/);
    expect(() => {
      @Public()
      @OptionalAuth()
      class Confused {}
      return Confused;
    }).toThrow(TypeError);
  });

  it("refuse an empty scope list or an invalid scope at declaration time", () => {
    expect(() => RequireScopes()).toThrow(TypeError);
    expect(() => RequireAnyScope("event read")).toThrow(/not a valid scope/);
    expect(() => RequireScopes('event"read')).toThrow(/not a valid scope/);
  });
});

describe.each(PLATFORMS)("stacked requirements on the %s platform", (platform) => {
  let authority: TestAuthority;
  let api: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
    api = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
      controllers: [StackedController],
    });
  });
  afterAll(async () => {
    await api?.close();
    await authority?.close();
  });

  it("need every requirement: a token meeting only the first gets 403 naming the second", async () => {
    const token = await authority.mint({ scope: "event.read" });
    expectFailure(await call(api.url, "/stacked", { headers: bearer(token) }), "ERR_INSUFFICIENT_SCOPE", {
      scope: "team.a team.b",
    });
  });

  it("need every requirement: a token meeting only the second gets 403 naming the first", async () => {
    const token = await authority.mint({ scope: "team.b" });
    expectFailure(await call(api.url, "/stacked", { headers: bearer(token) }), "ERR_INSUFFICIENT_SCOPE", {
      scope: "event.read",
    });
  });

  it("let a token meeting both through", async () => {
    const token = await authority.mint({ scope: "team.b event.read" });
    expect((await call(api.url, "/stacked", { headers: bearer(token) })).status).toBe(200);
  });
});

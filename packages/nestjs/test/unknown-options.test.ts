import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ScopegateModule, type ScopegateModuleOptions } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { CalendarController } from "./support/controllers.js";
import { bearer, call } from "./support/http.js";

// Issue 12, item 0: `forRoot(cfg)` with `cfg = { issuer, audience, gaurd: "global" }` (from a variable,
// so TypeScript does not catch it) booted, and a route with @RequireScopes answered 200 without a token.

describe("ScopegateModule refuses unknown options", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
  });
  afterAll(async () => {
    await authority?.close();
  });

  it("forRoot throws at declaration for `gaurd`, suggesting `guard`", () => {
    const config = { ...authority.verifierOptions(), gaurd: "global" };
    expect(() => ScopegateModule.forRoot(config as ScopegateModuleOptions)).toThrow(
      "scopegate: ScopegateModule.forRoot() has no option `gaurd`; did you mean `guard`?",
    );
  });

  it.each([
    [{ clockTolerance: 5 }, "clockTolerance", "clockToleranceSec"],
    [{ credentialRequired: false }, "credentialRequired", "credentialsRequired"],
    [{ exceptionFilters: false }, "exceptionFilters", "exceptionFilter"],
    [{ jwks: { timeout: 1 } }, "timeout", "timeoutMs"],
  ])("forRoot refuses %o", (extra, key, suggestion) => {
    const config = { ...authority.verifierOptions(), ...extra };
    expect(() => ScopegateModule.forRoot(config as ScopegateModuleOptions)).toThrow(
      new RegExp(`no option \`${key}\`; did you mean \`${suggestion}\`\\?`),
    );
  });

  it("forRoot refuses handleErrors, which the Nest adapter does not use", () => {
    const config = { ...authority.verifierOptions(), handleErrors: "always" };
    expect(() => ScopegateModule.forRoot(config as ScopegateModuleOptions)).toThrow(
      /no option `handleErrors`/,
    );
  });

  it("forRootAsync refuses an unknown key of its own at declaration", () => {
    expect(() =>
      ScopegateModule.forRootAsync({ useFactory: () => authority.verifierOptions(), injects: [] } as never),
    ).toThrow(/ScopegateModule.forRootAsync\(\) has no option `injects`; did you mean `inject`\?/);
  });

  describe.each(PLATFORMS)("on the %s platform", (platform) => {
    const apps: RunningApp[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    it("forRootAsync fails start-up when the factory's result has an unknown key", async () => {
      const fromConfig = { ...authority.verifierOptions(), credentialRequired: false };
      await expect(
        startApp(platform, {
          imports: [ScopegateModule.forRootAsync({ useFactory: async () => fromConfig, guard: "global" })],
          controllers: [CalendarController],
        }).then((app) => apps.push(app)),
      ).rejects.toThrow(/no option `credentialRequired`; did you mean `credentialsRequired`\?/);
    });

    it("with the option spelled right, the scoped route needs a token (the control)", async () => {
      const app = await startApp(platform, {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
        controllers: [CalendarController],
      });
      apps.push(app);
      expect((await call(app.url, "/events")).status).toBe(401);
      const token = await authority.mint({ scope: "event.read" });
      expect((await call(app.url, "/events", { headers: bearer(token) })).status).toBe(200);
    });
  });
});

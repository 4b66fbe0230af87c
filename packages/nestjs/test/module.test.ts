import { Controller, Get, UseGuards } from "@nestjs/common";
import { ConfigModule, ConfigService } from "@nestjs/config";
import { createVerifier, type Verifier } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SCOPEGATE_OPTIONS, SCOPEGATE_VERIFIER, ScopegateGuard, ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { CalendarController, PlainController } from "./support/controllers.js";
import { expectFailure } from "./support/expect.js";
import { bearer, call } from "./support/http.js";

/** A controller guarded per controller, to run alongside the global guard. */
@Controller("twice")
@UseGuards(ScopegateGuard)
class TwiceController {
  @Get()
  get() {
    return { ok: true };
  }
}

describe.each(PLATFORMS)("ScopegateModule on the %s platform", (platform) => {
  let authority: TestAuthority;
  const apps: RunningApp[] = [];
  const start = async (...args: Parameters<typeof startApp> extends [unknown, ...infer R] ? R : never) => {
    const app = await startApp(platform, ...args);
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await authority?.close();
  });

  it("forRootAsync takes its options from ConfigService", async () => {
    const { issuer, audience, jwksUri } = authority.verifierOptions();
    const app = await start({
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ auth: { issuer, audience, jwksUri } })],
        }),
        ScopegateModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            issuer: config.getOrThrow<string>("auth.issuer"),
            audience: config.getOrThrow<string>("auth.audience"),
            jwksUri: config.getOrThrow<string>("auth.jwksUri"),
          }),
          global: true,
        }),
      ],
      controllers: [CalendarController],
    });
    expectFailure(await call(app.url, "/events"), "ERR_NO_CREDENTIALS");
    const token = await authority.mint({ scope: "event.read" });
    expect((await call(app.url, "/events", { headers: bearer(token) })).status).toBe(200);
  });

  it("forRootAsync awaits an async factory", async () => {
    const app = await start({
      imports: [
        ScopegateModule.forRootAsync({
          useFactory: async () => authority.verifierOptions(),
          global: true,
        }),
      ],
      controllers: [CalendarController],
    });
    const token = await authority.mint({ scope: "event.read" });
    expect((await call(app.url, "/events", { headers: bearer(token) })).status).toBe(200);
  });

  it("lets tests replace the verifier with overrideProvider(SCOPEGATE_VERIFIER)", async () => {
    // These options would fail at start-up (http: issuer off loopback): the override means they are never used.
    const module = ScopegateModule.forRoot({ issuer: "http://issuer.invalid", audience: "x", global: true });
    const other = await createTestAuthority({ audience: "https://other.scopegate.test" });
    try {
      const app = await start({ imports: [module], controllers: [CalendarController] }, (builder) =>
        builder.overrideProvider(SCOPEGATE_VERIFIER).useValue(createVerifier(other.verifierOptions())),
      );
      const token = await other.mint({ scope: "event.read" });
      expect((await call(app.url, "/events", { headers: bearer(token) })).status).toBe(200);
      const foreign = await authority.mint({ scope: "event.read" });
      expectFailure(await call(app.url, "/events", { headers: bearer(foreign) }), "ERR_TOKEN_ISSUER");
    } finally {
      await other.close();
    }
  });

  it("exports the options under SCOPEGATE_OPTIONS, without the module's own settings", async () => {
    const app = await start({
      imports: [
        ScopegateModule.forRoot({ ...authority.verifierOptions(), credentialsRequired: false, global: true }),
      ],
    });
    const options = app.app.get(SCOPEGATE_OPTIONS);
    expect(options).toMatchObject({ issuer: authority.issuer, credentialsRequired: false });
    expect(options).not.toHaveProperty("global");
    expect(app.app.get<Verifier>(SCOPEGATE_VERIFIER).options.issuers).toEqual([authority.issuer]);
  });

  it("fails at start-up with the verifier's TypeError for invalid options", async () => {
    await expect(
      start({
        imports: [ScopegateModule.forRoot({ issuer: authority.issuer, audience: [], global: true })],
        controllers: [CalendarController],
      }),
    ).rejects.toThrow(/invalid option `audience`/);
  });

  it("fails at start-up with a TypeError for a credentialsRequired that is not a boolean, as the other adapters do", async () => {
    const fromEnvironment = { ...authority.verifierOptions(), credentialsRequired: "false" as never };
    await expect(
      start({
        imports: [ScopegateModule.forRootAsync({ useFactory: () => fromEnvironment, global: true })],
        controllers: [CalendarController],
      }),
    ).rejects.toThrow(/invalid option `credentialsRequired`: expected true or false/);
  });

  it("lets tests replace the guard: overrideGuard for @UseGuards, overrideProvider for the global one", async () => {
    const allow = { canActivate: () => true };
    const routeLevel = await start(
      {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
        controllers: [TwiceController],
      },
      (builder) => builder.overrideGuard(ScopegateGuard).useValue(allow),
    );
    expect((await call(routeLevel.url, "/twice")).status).toBe(200);
    const global = await start(
      {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
        controllers: [PlainController],
      },
      (builder) => builder.overrideProvider(ScopegateGuard).useValue(allow),
    );
    expect((await call(global.url, "/plain/scoped")).status).toBe(200);
  });

  describe('guard: "global"', () => {
    it("requires a token on every route that is not @Public()", async () => {
      const app = await start({
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
        controllers: [PlainController],
      });
      expectFailure(await call(app.url, "/plain/any"), "ERR_NO_CREDENTIALS");
      expect((await call(app.url, "/plain/open")).status).toBe(200);
      const reader = await authority.mint({ scope: "event.read", subject: "svc-1" });
      const other = await authority.mint({ scope: "report.read" });
      expect((await call(app.url, "/plain/any", { headers: bearer(reader) })).json).toEqual({
        subject: "svc-1",
      });
      expect((await call(app.url, "/plain/scoped", { headers: bearer(reader) })).status).toBe(200);
      expectFailure(
        await call(app.url, "/plain/scoped", { headers: bearer(other) }),
        "ERR_INSUFFICIENT_SCOPE",
        {
          scope: "event.read",
        },
      );
    });

    it("authenticates a request once when the route also has @UseGuards(ScopegateGuard)", async () => {
      const real = createVerifier(authority.verifierOptions());
      // The guard authenticates through authenticateNow (a cached token without a promise).
      const authenticateNow = vi.fn(real.authenticateNow);
      const app = await start(
        {
          imports: [
            ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global", global: true }),
          ],
          controllers: [TwiceController],
        },
        (builder) => builder.overrideProvider(SCOPEGATE_VERIFIER).useValue({ ...real, authenticateNow }),
      );
      const token = await authority.mint();
      expect((await call(app.url, "/twice", { headers: bearer(token) })).status).toBe(200);
      expect(authenticateNow).toHaveBeenCalledTimes(1);
    });

    it("with credentialsRequired: false, lets requests without credentials through unless scopes are required", async () => {
      const app = await start({
        imports: [
          ScopegateModule.forRoot({
            ...authority.verifierOptions(),
            guard: "global",
            credentialsRequired: false,
          }),
        ],
        controllers: [PlainController],
      });
      const anonymous = await call(app.url, "/plain/any");
      expect(anonymous.status).toBe(200);
      expect(anonymous.json).toEqual({ subject: null });
      expectFailure(await call(app.url, "/plain/scoped"), "ERR_NO_CREDENTIALS");
      const expired = await authority.tokens.expired();
      expectFailure(await call(app.url, "/plain/any", { headers: bearer(expired) }), "ERR_TOKEN_EXPIRED");
      expectFailure(
        await call(app.url, "/plain/any", { headers: { authorization: "Bearer a b" } }),
        "ERR_MALFORMED_AUTHORIZATION",
      );
    });
  });

  it("with exceptionFilter: false, leaves scopegate errors to the application (Nest's default filter keeps the status, drops the challenge)", async () => {
    const app = await start({
      imports: [
        ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true, exceptionFilter: false }),
      ],
      controllers: [CalendarController],
    });
    const res = await call(app.url, "/events");
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ statusCode: 401, message: "Authentication is required" });
    expect(res.headers["www-authenticate"]).toBeUndefined();
  });
});

describe("ScopegateModule options", () => {
  it('rejects a guard mode other than "global" or "manual"', () => {
    expect(() =>
      ScopegateModule.forRoot({ issuer: "https://issuer.test", audience: "a", guard: "always" as "global" }),
    ).toThrow(/invalid option `guard`/);
  });

  it("rejects forRootAsync without a factory", () => {
    expect(() =>
      ScopegateModule.forRootAsync({} as Parameters<typeof ScopegateModule.forRootAsync>[0]),
    ).toThrow(/useFactory/);
  });

  it("registers the guard globally only when asked, and the filter unless opted out", () => {
    const options = { issuer: "https://issuer.test", audience: "a" };
    const provided = (m: ReturnType<typeof ScopegateModule.forRoot>) =>
      (m.providers ?? []).map((p) => (typeof p === "function" ? p.name : String(p.provide)));
    expect(provided(ScopegateModule.forRoot(options))).not.toContain("APP_GUARD");
    expect(provided(ScopegateModule.forRoot({ ...options, guard: "global" }))).toContain("APP_GUARD");
    expect(provided(ScopegateModule.forRoot(options))).toContain("APP_FILTER");
    expect(provided(ScopegateModule.forRoot({ ...options, exceptionFilter: false }))).not.toContain(
      "APP_FILTER",
    );
    expect(ScopegateModule.forRoot(options).global).toBe(false);
    expect(ScopegateModule.forRoot({ ...options, global: true }).global).toBe(true);
  });
});

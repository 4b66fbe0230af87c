import { createRequire } from "node:module";
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  UseFilters,
  UseGuards,
} from "@nestjs/common";
import { APP_FILTER } from "@nestjs/core";
import { BearerError, InvalidTokenError, toErrorResponse } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FilterResponse,
  RequireScopes,
  ScopegateExceptionFilter,
  ScopegateGuard,
  ScopegateModule,
} from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { CalendarController } from "./support/controllers.js";
import { expectFailure } from "./support/expect.js";
import { bearer, call } from "./support/http.js";

/** An application's own filter for scopegate errors: its own body shape, the RFC 6750 headers kept. */
@Catch(BearerError)
class ProblemJsonFilter implements ExceptionFilter {
  catch(error: BearerError, host: ArgumentsHost) {
    const { status, headers } = toErrorResponse(error);
    const response = host.switchToHttp().getResponse();
    const problem = { type: `urn:scopegate:${error.code}`, title: error.description, status };
    // Express and Fastify both have `status`/`code`-style helpers; use the common subset.
    if (typeof response.code === "function") {
      response
        .code(status)
        .headers({ ...headers, "Content-Type": "application/problem+json" })
        .send(problem);
    } else {
      response
        .status(status)
        .set({ ...headers, "Content-Type": "application/problem+json" })
        .send(problem);
    }
  }
}

@Controller("custom")
@UseGuards(ScopegateGuard)
@UseFilters(ProblemJsonFilter)
class CustomController {
  @Get()
  @RequireScopes("event.read")
  get() {
    return { ok: true };
  }
}

/** The other installed copy of core (the CJS build, while these tests import the ESM one). */
const otherCore = createRequire(import.meta.url)("@scopegate/core") as typeof import("@scopegate/core");

@Controller("thrown")
class ThrowingController {
  @Get("other-copy")
  otherCopy() {
    throw new otherCore.InvalidTokenError("ERR_TOKEN_EXPIRED");
  }

  @Get("bug")
  bug() {
    throw new Error("internal detail that must not leak");
  }

  @Get("http")
  http() {
    throw new HttpException("I'm a teapot", 418);
  }
}

/** Adds a field to every scopegate error body. */
class TracedFilter extends ScopegateExceptionFilter {
  protected override toResponse(error: BearerError): FilterResponse {
    const response = super.toResponse(error);
    return { ...response, body: { ...(response.body as object), trace: "t-1" } };
  }
}

/** A catch-all built on the scopegate filter: scopegate errors as usual, everything else as {error, error_description}. */
@Catch()
class EverythingFilter extends ScopegateExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (exception instanceof HttpException) {
      this.send(host, {
        status: exception.getStatus(),
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: { error: "http_error", error_description: "Not what we expected" },
      });
      return undefined;
    }
    return super.catch(exception, host);
  }
}

describe.each(PLATFORMS)("ScopegateExceptionFilter on the %s platform", (platform) => {
  let authority: TestAuthority;
  let api: RunningApp;
  let traced: RunningApp;
  let everything: RunningApp;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
    api = await startApp(platform, {
      imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
      controllers: [CustomController, ThrowingController, CalendarController],
    });
    traced = await startApp(platform, {
      imports: [
        ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true, exceptionFilter: false }),
      ],
      controllers: [CalendarController],
      providers: [{ provide: APP_FILTER, useClass: TracedFilter }],
    });
    everything = await startApp(platform, {
      imports: [
        ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true, exceptionFilter: false }),
      ],
      controllers: [CalendarController, ThrowingController],
      providers: [{ provide: APP_FILTER, useClass: EverythingFilter }],
    });
  });
  afterAll(async () => {
    await Promise.all([api?.close(), traced?.close(), everything?.close()]);
    await authority?.close();
  });

  it("lets the application's own filter catch scopegate errors before the module's", async () => {
    const res = await call(api.url, "/custom");
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
    expect(res.json).toEqual({
      type: "urn:scopegate:ERR_NO_CREDENTIALS",
      title: "Authentication is required",
      status: 401,
    });
    const reader = await authority.mint({ scope: "report.read" });
    const denied = await call(api.url, "/custom", { headers: bearer(reader) });
    expect(denied.status).toBe(403);
    expect(denied.headers["www-authenticate"]).toContain('scope="event.read"');
  });

  it("renders scopegate errors thrown by another installed copy of @scopegate/core", async () => {
    expect(new otherCore.InvalidTokenError("ERR_TOKEN_EXPIRED")).not.toBeInstanceOf(InvalidTokenError);
    expectFailure(await call(api.url, "/thrown/other-copy"), "ERR_TOKEN_EXPIRED");
  });

  it("leaves other exceptions to Nest", async () => {
    const res = await call(api.url, "/thrown/http");
    expect(res.status).toBe(418);
    expect(res.json).toEqual({ statusCode: 418, message: "I'm a teapot" });
  });

  it("can be subclassed to change the body (toResponse) while keeping status and headers", async () => {
    const res = await call(traced.url, "/events", { headers: { authorization: "Bearer a b" } });
    expect(res.status).toBe(400);
    expect(res.headers["www-authenticate"]).toContain('error="invalid_request"');
    expect(res.json).toEqual({
      error: "invalid_request",
      error_description: "The Authorization header is malformed",
      trace: "t-1",
    });
  });

  it("can be the base of a catch-all filter that renders the application's own errors too", async () => {
    expectFailure(await call(everything.url, "/events"), "ERR_NO_CREDENTIALS");
    const teapot = await call(everything.url, "/thrown/http");
    expect(teapot.status).toBe(418);
    expect(teapot.json).toEqual({ error: "http_error", error_description: "Not what we expected" });
    const missing = await call(everything.url, "/no/such/route");
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toMatch(/^application\/json/);
    expect(missing.json).toEqual({ error: "http_error", error_description: "Not what we expected" });
  });

  it("lets a catch-all filter added with useGlobalFilters see scopegate errors before the module's filter", async () => {
    @Catch()
    class SeeEverything implements ExceptionFilter {
      catch(exception: unknown, host: ArgumentsHost) {
        const response = host.switchToHttp().getResponse();
        const body = { seen: exception instanceof BearerError ? exception.code : "other" };
        if (typeof response.code === "function") response.code(599).send(body);
        else response.status(599).json(body);
      }
    }
    const app = await startApp(
      platform,
      {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), global: true })],
        controllers: [CalendarController],
      },
      undefined,
      (nest) => nest.useGlobalFilters(new SeeEverything()),
    );
    try {
      const res = await call(app.url, "/events");
      expect(res.status).toBe(599);
      expect(res.json).toEqual({ seen: "ERR_NO_CREDENTIALS" });
    } finally {
      await app.close();
    }
  });

  it("answers any other error handed to it with a fixed 500 JSON body", async () => {
    const res = await call(everything.url, "/thrown/bug");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.json).toEqual({ error_description: "Internal server error" });
  });
});

import type { BearerError } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectBearerFailure } from "@scopegate-examples/conformance-suite";
import Koa3 from "koa";
import Koa2 from "koa2";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearerAuth,
  bearerErrorHandler,
  createVerifier,
  type HandleErrors,
  type Verifier,
} from "../src/index.js";
import { listen } from "./support.js";

const FRAMEWORKS: [string, () => Koa3][] = [
  ["Koa 3", () => new Koa3()],
  ["Koa 2", () => new Koa2() as unknown as Koa3],
];

describe.each(FRAMEWORKS)("failures on %s", (_name, createApp) => {
  let authority: TestAuthority;
  let verifier: Verifier;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://api.scopegate.test" });
    await authority.listen();
    verifier = createVerifier(authority.verifierOptions());
  });

  afterAll(async () => {
    await authority?.close();
  });

  /** An app with the given outer middlewares, then bearerAuth(), then `{ ok: true }`. */
  async function serve(handleErrors: HandleErrors | undefined, ...outer: Koa3.Middleware[]) {
    const app = createApp();
    const errors: unknown[] = [];
    app.on("error", (error) => errors.push(error));
    for (const middleware of outer) app.use(middleware);
    app.use(handleErrors ? bearerAuth(verifier, { handleErrors }) : bearerAuth(verifier));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    return { ...(await listen(app.callback())), errors };
  }

  it("throws a BearerError with status, headers and expose to the app's error middleware", async () => {
    const seen: BearerError[] = [];
    const app = await serve(undefined, async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        const bearer = error as BearerError;
        seen.push(bearer);
        ctx.status = bearer.status;
        ctx.set(bearer.headers);
        ctx.body = { mine: bearer.body() };
      }
    });
    try {
      const res = await request(app.url).get("/").set("Authorization", "Bearer not a token");
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        mine: { error: "invalid_request", error_description: "The Authorization header is malformed" },
      });
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="api", error="invalid_request"/);
      expect(seen[0]).toMatchObject({ status: 400, expose: true, code: "ERR_MALFORMED_AUTHORIZATION" });
    } finally {
      await app.close();
    }
  });

  it("answers the RFC 6750 response when the error middleware rethrows, and emits the error on the app", async () => {
    let called = 0;
    const app = await serve(undefined, async (_ctx, next) => {
      try {
        await next();
      } catch (error) {
        called++;
        throw error;
      }
    });
    try {
      expectBearerFailure(await request(app.url).get("/"), "ERR_NO_CREDENTIALS");
      expect(called).toBe(1);
      expect(app.errors).toHaveLength(1);
      expect(app.errors[0]).toMatchObject({ code: "ERR_NO_CREDENTIALS" });
    } finally {
      await app.close();
    }
  });

  it("answers at once with handleErrors: 'always', without the error middleware seeing it", async () => {
    let called = 0;
    const app = await serve("always", async (_ctx, next) => {
      try {
        await next();
      } catch (error) {
        called++;
        throw error;
      }
    });
    try {
      expectBearerFailure(await request(app.url).get("/"), "ERR_NO_CREDENTIALS");
      expect(called).toBe(0);
      expect(app.errors).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it("leaves the answer to Koa with handleErrors: 'never' (plain text, with the error's status and challenge)", async () => {
    const app = await serve("never");
    try {
      const res = await request(app.url).get("/");
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
      expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    } finally {
      await app.close();
    }
  });

  it("bearerErrorHandler() answers scopegate errors and rethrows every other error", async () => {
    const app = createApp();
    app.silent = true;
    app.use(bearerErrorHandler());
    app.use(async (ctx, next) => {
      if (ctx.path === "/boom") throw new Error("boom");
      await next();
    });
    app.use(bearerAuth(verifier, { handleErrors: "never" }));
    const running = await listen(app.callback());
    try {
      expectBearerFailure(await request(running.url).get("/"), "ERR_NO_CREDENTIALS");
      const boom = await request(running.url).get("/boom");
      expect(boom.status).toBe(500);
      expect(boom.text).toBe("Internal Server Error");
    } finally {
      await running.close();
    }
  });

  it("leaves errors thrown after it (not scopegate's) to Koa", async () => {
    const app = createApp();
    app.silent = true;
    app.use(bearerAuth(verifier));
    app.use(() => {
      throw Object.assign(new Error("teapot"), { status: 418, expose: true });
    });
    const running = await listen(app.callback());
    try {
      const res = await request(running.url)
        .get("/")
        .set("Authorization", `Bearer ${await authority.mint()}`);
      expect(res.status).toBe(418);
      expect(res.text).toBe("teapot");
    } finally {
      await running.close();
    }
  });

  it("answers 503 with Retry-After when no key can be had", async () => {
    const outage = await createTestAuthority({ audience: "https://api.scopegate.test" });
    await outage.listen();
    outage.simulate("down");
    const app = createApp();
    app.use(bearerAuth(outage.verifierOptions()));
    const running = await listen(app.callback());
    try {
      const res = await request(running.url)
        .get("/")
        .set("Authorization", `Bearer ${await outage.mint()}`);
      expectBearerFailure(res, "ERR_JWKS_UNAVAILABLE");
    } finally {
      await running.close();
      await outage.close();
    }
  });
});

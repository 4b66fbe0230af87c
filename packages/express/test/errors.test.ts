import type { BearerError } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectBearerFailure } from "@scopegate-examples/conformance-suite";
import express5, { type ErrorRequestHandler } from "express";
import express4 from "express4";
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

type Factory = () => express5.Express;
const FRAMEWORKS: [string, Factory][] = [
  ["Express 5", () => express5()],
  ["Express 4", () => express4() as unknown as express5.Express],
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

  /** An app with one protected route, `GET /`, and the given error handlers after it. */
  async function serve(handleErrors: HandleErrors | undefined, ...handlers: ErrorRequestHandler[]) {
    const app = createApp();
    const auth = handleErrors ? bearerAuth(verifier, { handleErrors }) : bearerAuth(verifier);
    app.get("/", auth, (_req, res) => {
      res.json({ ok: true });
    });
    for (const handler of handlers) app.use(handler);
    return listen(app);
  }

  it("hands the app's error handler a BearerError that carries status, headers and body", async () => {
    const seen: BearerError[] = [];
    const app = await serve(undefined, (error, _req, res, _next) => {
      seen.push(error);
      res.status(error.status).set(error.headers).json({ mine: error.body() });
    });
    try {
      const res = await request(app.url).get("/").set("Authorization", "Bearer not a token");
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        mine: { error: "invalid_request", error_description: "The Authorization header is malformed" },
      });
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="api", error="invalid_request"/);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        status: 400,
        statusCode: 400,
        expose: true,
        code: "ERR_MALFORMED_AUTHORIZATION",
      });
    } finally {
      await app.close();
    }
  });

  it("answers the RFC 6750 response when the app's error handler passes the error on", async () => {
    let called = 0;
    const app = await serve(undefined, (error, _req, _res, next) => {
      called++;
      next(error);
    });
    try {
      expectBearerFailure(await request(app.url).get("/"), "ERR_NO_CREDENTIALS");
      expectBearerFailure(await request(app.url).get("/"), "ERR_NO_CREDENTIALS");
      expect(called).toBe(2);
    } finally {
      await app.close();
    }
  });

  it("answers at once with handleErrors: 'always', without calling the app's error handler", async () => {
    let called = 0;
    const app = await serve("always", (error, _req, _res, next) => {
      called++;
      next(error);
    });
    try {
      expectBearerFailure(await request(app.url).get("/"), "ERR_NO_CREDENTIALS");
      expect(called).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("leaves the answer to Express with handleErrors: 'never' (its HTML page, with the error's status and challenge)", async () => {
    const app = await serve("never");
    try {
      const res = await request(app.url).get("/");
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
    } finally {
      await app.close();
    }
  });

  it("bearerErrorHandler() answers scopegate errors and passes every other error on", async () => {
    const app = createApp();
    app.get("/", bearerAuth(verifier), (_req, res) => {
      res.json({ ok: true });
    });
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.use(bearerErrorHandler());
    app.use(((_error, _req, res, _next) => {
      res.status(500).json({ error: "server_error" });
    }) satisfies ErrorRequestHandler);
    const running = await listen(app);
    try {
      expectBearerFailure(await request(running.url).get("/"), "ERR_NO_CREDENTIALS");
      const boom = await request(running.url).get("/boom");
      expect(boom.status).toBe(500);
      expect(boom.body).toEqual({ error: "server_error" });
    } finally {
      await running.close();
    }
  });

  it("lets the parent app's error handler see failures from a mounted sub-app, and falls back when it has none", async () => {
    for (const withHandler of [true, false]) {
      const parent = createApp();
      const child = createApp();
      child.get("/", bearerAuth(verifier), (_req, res) => {
        res.json({ ok: true });
      });
      parent.use("/child", child);
      if (withHandler) {
        parent.use(((error, _req, res, _next) => {
          res.status(418).json({ parent: error.code });
        }) satisfies ErrorRequestHandler);
      }
      const running = await listen(parent);
      try {
        const res = await request(running.url).get("/child");
        if (withHandler) expect(res.body).toEqual({ parent: "ERR_NO_CREDENTIALS" });
        else expectBearerFailure(res, "ERR_NO_CREDENTIALS");
      } finally {
        await running.close();
      }
    }
  });

  it("adds its fallback handler to an app once, however many failures and middlewares", async () => {
    const app = createApp();
    app.get("/a", bearerAuth(verifier), (_req, res) => res.end());
    app.get("/b", bearerAuth(verifier), (_req, res) => res.end());
    const running = await listen(app);
    const router =
      (app as unknown as { _router?: { stack: unknown[] }; router?: { stack: unknown[] } })._router ??
      (app as unknown as { router: { stack: unknown[] } }).router;
    try {
      await request(running.url).get("/a");
      const size = router.stack.length;
      await request(running.url).get("/a");
      await request(running.url).get("/b");
      expect(router.stack.length).toBe(size);
    } finally {
      await running.close();
    }
  });

  it("answers 503 with Retry-After through the fallback when no key can be had", async () => {
    const outage = await createTestAuthority({ audience: "https://api.scopegate.test" });
    await outage.listen();
    outage.simulate("down");
    const app = createApp();
    app.get("/", bearerAuth(outage.verifierOptions()), (_req, res) => res.end());
    const running = await listen(app);
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

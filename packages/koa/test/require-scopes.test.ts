import Router from "@koa/router";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectBearerFailure } from "@scopegate-examples/conformance-suite";
import Koa from "koa";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearerAuth,
  createVerifier,
  requireScope,
  requireScopes,
  ScopegateConfigurationError,
} from "../src/index.js";
import { listen } from "./support.js";

function serve(router: Router, outer?: Koa.Middleware) {
  const app = new Koa();
  app.silent = true;
  if (outer) app.use(outer);
  app.use(router.routes());
  return listen(app.callback());
}

describe("scope middlewares", () => {
  let authority: TestAuthority;

  beforeAll(async () => {
    authority = await createTestAuthority({
      audience: ["https://a.scopegate.test", "https://b.scopegate.test"],
    });
    await authority.listen();
  });

  afterAll(async () => {
    await authority?.close();
  });

  it("fails closed with a 500 configuration error when no bearerAuth() ran and no verifier was given", async () => {
    const seen: unknown[] = [];
    const router = new Router();
    router.get("/", requireScope("event.read"), (ctx) => {
      ctx.body = { leaked: true };
    });
    const running = await serve(router, async (_ctx, next) => {
      try {
        await next();
      } catch (error) {
        seen.push(error);
        throw error;
      }
    });
    try {
      const res = await request(running.url)
        .get("/")
        .set("Authorization", `Bearer ${await authority.mint()}`);
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/leaked|bearerAuth/);
      expect(seen[0]).toBeInstanceOf(ScopegateConfigurationError);
      expect((seen[0] as Error).message).toMatch(/requireScope\(\).*bearerAuth\(\).*\{ verifier \}/);
    } finally {
      await running.close();
    }
  });

  it("asks an anonymous request (credentialsRequired: false) for credentials: 401 bare challenge", async () => {
    const verifier = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    const router = new Router();
    router.get(
      "/",
      bearerAuth(verifier, { credentialsRequired: false }),
      requireScope("event.read"),
      (ctx) => {
        ctx.body = { ok: true };
      },
    );
    const running = await serve(router);
    try {
      expectBearerFailure(await request(running.url).get("/"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ scope: "event.read", audience: "https://a.scopegate.test" });
      expect((await request(running.url).get("/").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("re-checks the token with its own verifier when it differs from bearerAuth()'s", async () => {
    const forA = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    const forB = createVerifier(authority.verifierOptions({ audience: "https://b.scopegate.test" }));
    const router = new Router();
    router.get("/", bearerAuth(forA), requireScope("admin", { verifier: forB }), (ctx) => {
      ctx.body = { ok: true };
    });
    const running = await serve(router);
    try {
      const onlyA = await authority.mint({ scope: "admin", audience: "https://a.scopegate.test" });
      const res = await request(running.url).get("/").set("Authorization", `Bearer ${onlyA}`);
      expectBearerFailure(res, "ERR_TOKEN_AUDIENCE");
    } finally {
      await running.close();
    }
  });

  it("verifies a token once per request however many scopegate middlewares run", async () => {
    let verifications = 0;
    const verifier = createVerifier(
      authority.verifierOptions({
        audience: "https://a.scopegate.test",
        validators: [
          () => {
            verifications++;
          },
        ],
      }),
    );
    const auth = bearerAuth(verifier);
    const router = new Router();
    router.use(auth);
    router.get(
      "/",
      auth,
      requireScope("event.read"),
      requireScopes(["event.read", "admin"], { match: "any" }),
      (ctx) => {
        ctx.body = { subject: ctx.state.auth?.subject };
      },
    );
    const running = await serve(router);
    try {
      const token = await authority.mint({
        scope: "event.read",
        subject: "svc",
        audience: "https://a.scopegate.test",
      });
      const res = await request(running.url).get("/").set("Authorization", `Bearer ${token}`);
      expect(res.body).toEqual({ subject: "svc" });
      expect(verifications).toBe(1);
    } finally {
      await running.close();
    }
  });

  it("uses the verifier's realm in every challenge, 403 included", async () => {
    const verifier = createVerifier(
      authority.verifierOptions({ audience: "https://a.scopegate.test", realm: "calendar" }),
    );
    const router = new Router();
    router.get("/", bearerAuth(verifier), requireScopes(["event.create", "event.delete"]), (ctx) => {
      ctx.body = {};
    });
    const running = await serve(router);
    try {
      expectBearerFailure(await request(running.url).get("/"), "ERR_NO_CREDENTIALS", { realm: "calendar" });
      const token = await authority.mint({ scope: "event.create", audience: "https://a.scopegate.test" });
      expectBearerFailure(
        await request(running.url).get("/").set("Authorization", `Bearer ${token}`),
        "ERR_INSUFFICIENT_SCOPE",
        { realm: "calendar", scope: "event.create event.delete" },
      );
    } finally {
      await running.close();
    }
  });

  it("leaves ctx.state.auth undefined for an anonymous request", async () => {
    const verifier = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    const router = new Router();
    router.get("/", bearerAuth(verifier, { credentialsRequired: false }), (ctx) => {
      ctx.body = { hasAuth: "auth" in ctx.state, auth: ctx.state.auth ?? null };
    });
    const running = await serve(router);
    try {
      expect((await request(running.url).get("/")).body).toEqual({ hasAuth: false, auth: null });
    } finally {
      await running.close();
    }
  });
});

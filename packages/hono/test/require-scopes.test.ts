import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { bearer, call, expectBearerFailure } from "@scopegate-examples/conformance-suite";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthEnv,
  bearerAuth,
  createVerifier,
  requireScope,
  requireScopes,
  ScopegateConfigurationError,
} from "../src/index.js";
import { listen } from "./support.js";

const A = "https://a.scopegate.test";
const B = "https://b.scopegate.test";

describe("scope middlewares", () => {
  let authority: TestAuthority;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: [A, B] });
    await authority.listen();
  });

  afterAll(async () => {
    await authority?.close();
  });

  const verifierFor = (audience: string, extra = {}) =>
    createVerifier(authority.verifierOptions({ audience, ...extra }));

  it("fails closed with a 500 configuration error when no bearerAuth() ran and no verifier was given", async () => {
    const seen: unknown[] = [];
    const app = new Hono();
    app.onError((error, c) => {
      seen.push(error);
      return c.json({ error: "server_error" }, 500);
    });
    app.get("/", requireScope("event.read"), (c) => c.json({ leaked: true }));
    const running = await listen(app);
    try {
      const res = await call(running.url, "/", bearer(await authority.mint({ audience: A })));
      expect(res.status).toBe(500);
      expect(seen[0]).toBeInstanceOf(ScopegateConfigurationError);
      expect((seen[0] as Error).message).toMatch(/requireScope\(\).*bearerAuth\(\).*\{ verifier \}/);
    } finally {
      await running.close();
    }
  });

  it("asks an anonymous request (credentialsRequired: false) for credentials: 401 bare challenge", async () => {
    const app = new Hono<AuthEnv>();
    app.get(
      "/",
      bearerAuth(verifierFor(A), { credentialsRequired: false }),
      requireScope("event.read"),
      (c) => c.json({ ok: true }),
    );
    app.get("/maybe", bearerAuth(verifierFor(A), { credentialsRequired: false }), (c) =>
      c.json({ auth: c.get("auth") ?? null }),
    );
    const running = await listen(app);
    try {
      expectBearerFailure(await call(running.url, "/"), "ERR_NO_CREDENTIALS");
      expect((await call(running.url, "/maybe")).body).toEqual({ auth: null });
      const token = await authority.mint({ scope: "event.read", audience: A });
      expect((await call(running.url, "/", bearer(token))).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("re-checks the token with its own verifier when it differs from bearerAuth()'s", async () => {
    const app = new Hono();
    app.get("/", bearerAuth(verifierFor(A)), requireScope("admin", { verifier: verifierFor(B) }), (c) =>
      c.json({ ok: true }),
    );
    const running = await listen(app);
    try {
      const onlyA = await authority.mint({ scope: "admin", audience: A });
      expectBearerFailure(await call(running.url, "/", bearer(onlyA)), "ERR_TOKEN_AUDIENCE");
    } finally {
      await running.close();
    }
  });

  it("verifies a token once per request however many scopegate middlewares run", async () => {
    let verifications = 0;
    const verifier = verifierFor(A, {
      validators: [
        () => {
          verifications++;
        },
      ],
    });
    const auth = bearerAuth(verifier);
    const app = new Hono<AuthEnv>();
    app.use(auth);
    app.get(
      "/",
      auth,
      requireScope("event.read"),
      requireScopes(["event.read", "admin"], { match: "any" }),
      (c) => c.json({ subject: c.var.auth?.subject }),
    );
    const running = await listen(app);
    try {
      const token = await authority.mint({ scope: "event.read", subject: "svc", audience: A });
      expect((await call(running.url, "/", bearer(token))).body).toEqual({ subject: "svc" });
      expect(verifications).toBe(1);
    } finally {
      await running.close();
    }
  });

  it("uses the verifier's realm in every challenge, 403 included", async () => {
    const app = new Hono();
    app.get(
      "/",
      bearerAuth(verifierFor(A, { realm: "calendar" })),
      requireScopes(["event.create", "event.delete"]),
      (c) => c.body(null, 204),
    );
    const running = await listen(app);
    try {
      expectBearerFailure(await call(running.url, "/"), "ERR_NO_CREDENTIALS", { realm: "calendar" });
      const token = await authority.mint({ scope: "event.create", audience: A });
      expectBearerFailure(await call(running.url, "/", bearer(token)), "ERR_INSUFFICIENT_SCOPE", {
        realm: "calendar",
        scope: "event.create event.delete",
      });
    } finally {
      await running.close();
    }
  });

  it("protects only the paths it is mounted on with app.use(path, …)", async () => {
    const app = new Hono<AuthEnv>();
    app.use("/api/*", bearerAuth(verifierFor(A)));
    app.get("/health", (c) => c.json({ ok: true, auth: c.var.auth ?? null }));
    app.get("/api/me", (c) => c.json({ subject: c.var.auth?.subject }));
    const running = await listen(app);
    try {
      expect((await call(running.url, "/health")).body).toEqual({ ok: true, auth: null });
      expectBearerFailure(await call(running.url, "/api/me"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ audience: A, subject: "svc" });
      expect((await call(running.url, "/api/me", bearer(token))).body).toEqual({ subject: "svc" });
    } finally {
      await running.close();
    }
  });
});

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { bearer, call, expectBearerFailure } from "@scopegate-examples/conformance-suite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  requireScope,
  requireScopes,
  ScopegateConfigurationError,
  scopegate,
} from "../src/index.js";
import { FRAMEWORKS, listen } from "./support.js";

const A = "https://a.scopegate.test";
const B = "https://b.scopegate.test";

describe.each(FRAMEWORKS)("scope hooks and encapsulation on %s", (_name, create) => {
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

  it("fails closed with a 500 configuration error when no plugin ran and no verifier was given", async () => {
    const app = create();
    const seen: unknown[] = [];
    app.setErrorHandler((error, _request, reply) => {
      seen.push(error);
      reply.code(500).send({ error: "server_error" });
    });
    app.get("/", { preHandler: requireScope("event.read") }, async () => ({ leaked: true }));
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

  it("protects only the routes in its encapsulated context", async () => {
    const app = create();
    app.get("/health", async () => ({ ok: true }));
    app.register(async (api) => {
      await api.register(scopegate, { verifier: verifierFor(A) });
      api.get("/me", async (request) => ({ subject: request.auth?.subject }));
    });
    app.register(async (other) => {
      other.get("/open", async (request) => ({ auth: request.auth ?? null }));
    });
    const running = await listen(app);
    try {
      expect((await call(running.url, "/health")).status).toBe(200);
      expect((await call(running.url, "/open")).body).toEqual({ auth: null });
      expectBearerFailure(await call(running.url, "/me"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ audience: A, subject: "svc" });
      expect((await call(running.url, "/me", bearer(token))).body).toEqual({ subject: "svc" });
    } finally {
      await running.close();
    }
  });

  it("checks config.scopes in onRequest, before the body is parsed: 403 for a body that is not JSON", async () => {
    const app = create();
    app.register(scopegate, { verifier: verifierFor(A) });
    app.post("/events", { config: { scopes: ["event.create"] } }, async (request) => request.body);
    const running = await listen(app);
    try {
      const reader = await authority.mint({ audience: A, scope: "event.read" });
      const res = await call(running.url, "/events", {
        ...bearer(reader),
        method: "post",
        body: "{not json",
        contentType: "application/json",
      });
      expectBearerFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create" });
      const writer = await authority.mint({ audience: A, scope: "event.create" });
      const ok = await call(running.url, "/events", {
        ...bearer(writer),
        method: "post",
        body: { title: "x" },
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ title: "x" });
    } finally {
      await running.close();
    }
  });

  it("reads { anyOf } in config.scopes, also on a route declared before the plugin loaded (not awaited)", async () => {
    const app = create();
    app.register(scopegate, { verifier: verifierFor(A) });
    app.get("/reports", { config: { scopes: { anyOf: ["report.read", "admin"] } } }, async () => ({
      ok: true,
    }));
    const running = await listen(app);
    try {
      const admin = await authority.mint({ audience: A, scope: "admin" });
      expect((await call(running.url, "/reports", bearer(admin))).status).toBe(200);
      const other = await authority.mint({ audience: A, scope: "event.read" });
      expectBearerFailure(await call(running.url, "/reports", bearer(other)), "ERR_INSUFFICIENT_SCOPE", {
        scope: "report.read admin",
      });
    } finally {
      await running.close();
    }
  });

  it("asks an anonymous request (credentialsRequired: false) for credentials: 401 bare challenge", async () => {
    const app = create();
    app.register(scopegate, { verifier: verifierFor(A), credentialsRequired: false });
    app.get("/", { config: { scopes: ["event.read"] } }, async () => ({ ok: true }));
    app.get("/maybe", async (request) => ({ auth: request.auth }));
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

  it("re-checks the token with its own verifier when it differs from the plugin's", async () => {
    const app = create();
    app.register(scopegate, { verifier: verifierFor(A) });
    app.get("/", { preHandler: requireScope("admin", { verifier: verifierFor(B) }) }, async () => ({
      ok: true,
    }));
    const running = await listen(app);
    try {
      const onlyA = await authority.mint({ scope: "admin", audience: A });
      expectBearerFailure(await call(running.url, "/", bearer(onlyA)), "ERR_TOKEN_AUDIENCE");
    } finally {
      await running.close();
    }
  });

  it("verifies a token once per request however many scopegate hooks run", async () => {
    let verifications = 0;
    const verifier = verifierFor(A, {
      validators: [
        () => {
          verifications++;
        },
      ],
    });
    const app = create();
    app.register(scopegate, { verifier });
    app.register(async (api) => {
      await api.register(scopegate, { verifier });
      api.get(
        "/",
        {
          config: { scopes: ["event.read"] },
          onRequest: requireScope("event.read"),
          preHandler: [requireScopes(["event.read", "admin"], { match: "any" })],
        },
        async (request) => ({ subject: request.auth?.subject }),
      );
    });
    const running = await listen(app);
    try {
      const token = await authority.mint({ scope: "event.read", subject: "svc", audience: A });
      const res = await call(running.url, "/", bearer(token));
      expect(res.body).toEqual({ subject: "svc" });
      expect(verifications).toBe(1);
    } finally {
      await running.close();
    }
  });

  it("uses the verifier's realm in every challenge, 403 included", async () => {
    const app = create();
    app.register(scopegate, { verifier: verifierFor(A, { realm: "calendar" }) });
    app.get("/", { config: { scopes: ["event.create", "event.delete"] } }, async () => ({}));
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
});

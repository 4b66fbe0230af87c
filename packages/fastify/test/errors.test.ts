import type { BearerError } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { call, expectBearerFailure } from "@scopegate-examples/conformance-suite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  type HandleErrors,
  isBearerError,
  type ScopegatePluginOptions,
  scopegate,
  sendBearerError,
  type Verifier,
} from "../src/index.js";
import { type App, FRAMEWORKS, listen } from "./support.js";

const AUDIENCE = "https://api.scopegate.test";

/** `GET /` over HTTP, with `Authorization: <authorization>` when given. */
const callRoot = (url: string, authorization?: string) =>
  call(url, "/", authorization === undefined ? {} : { authorization });

describe.each(FRAMEWORKS)("failures on %s", (_name, create) => {
  let authority: TestAuthority;
  let verifier: Verifier;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
    verifier = createVerifier(authority.verifierOptions());
  });

  afterAll(async () => {
    await authority?.close();
  });

  /** `GET /` behind the plugin (and `config.scopes` when given), with `setUp` run on the app first. */
  async function serve(
    options: Partial<ScopegatePluginOptions & { handleErrors: HandleErrors }> = {},
    setUp: (app: App) => void = () => {},
    scopes?: string[],
  ) {
    const app = create();
    setUp(app);
    app.register(scopegate, { verifier, ...options });
    app.get("/", { config: scopes ? { scopes } : {} }, async () => ({ ok: true }));
    return listen(app);
  }

  it("hands the app's error handler an error that carries statusCode, headers and body", async () => {
    const seen: BearerError[] = [];
    const running = await serve({}, (app) =>
      app.setErrorHandler((error, _request, reply) => {
        seen.push(error as unknown as BearerError);
        const failure = error as unknown as BearerError;
        return reply.code(failure.statusCode).headers(failure.headers).send({ mine: failure.body() });
      }),
    );
    try {
      const res = await fetch(`${running.url}/`, { headers: { authorization: "Bearer not a token" } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        mine: { error: "invalid_request", error_description: "The Authorization header is malformed" },
      });
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="api", error="invalid_request"/);
      expect(seen).toHaveLength(1);
      expect(isBearerError(seen[0])).toBe(true);
      expect(seen[0]).toMatchObject({ statusCode: 400, expose: true, code: "ERR_MALFORMED_AUTHORIZATION" });
    } finally {
      await running.close();
    }
  });

  it("answers RFC 6750 JSON instead of Fastify's default error body when the app has no error handler", async () => {
    const running = await serve();
    try {
      expectBearerFailure(await callRoot(running.url), "ERR_NO_CREDENTIALS");
      const bad = await callRoot(running.url, "Bearer not a token");
      expectBearerFailure(bad, "ERR_MALFORMED_AUTHORIZATION");
    } finally {
      await running.close();
    }
  });

  it("answers 403 insufficient_scope for config.scopes through the app's handler or the fallback", async () => {
    const token = await authority.mint({ scope: "event.read" });
    const seen: string[] = [];
    const own = await serve(
      {},
      (app) =>
        app.setErrorHandler((error, _request, reply) => {
          seen.push((error as { code?: string }).code ?? "");
          if (isBearerError(error)) return sendBearerError(reply, error);
          return reply.code(500).send({ error: "server_error" });
        }),
      ["event.create"],
    );
    const fallback = await serve({}, () => {}, ["event.create"]);
    try {
      for (const running of [own, fallback]) {
        expectBearerFailure(await callRoot(running.url, `Bearer ${token}`), "ERR_INSUFFICIENT_SCOPE", {
          scope: "event.create",
        });
      }
      expect(seen).toEqual(["ERR_INSUFFICIENT_SCOPE"]);
    } finally {
      await own.close();
      await fallback.close();
    }
  });

  it("lets a route's own errorHandler see the failure", async () => {
    const app = create();
    // Awaited, as for any plugin with an onRoute hook: it sees the routes declared after it.
    await app.register(scopegate, { verifier });
    app.get(
      "/",
      {
        errorHandler: (error, _request, reply) => {
          reply.code(418).send({ route: (error as { code?: string }).code });
        },
      },
      async () => ({ ok: true }),
    );
    const running = await listen(app);
    try {
      const res = await fetch(`${running.url}/`);
      expect(res.status).toBe(418);
      expect(await res.json()).toEqual({ route: "ERR_NO_CREDENTIALS" });
    } finally {
      await running.close();
    }
  });

  it("lets an encapsulated context's error handler see failures of its routes, and falls back elsewhere", async () => {
    const app = create();
    app.register(scopegate, { verifier });
    app.register(async (child) => {
      child.setErrorHandler((error, _request, reply) => {
        reply.code(418).send({ child: (error as { code?: string }).code });
      });
      child.get("/child", async () => ({ ok: true }));
    });
    app.get("/", async () => ({ ok: true }));
    const running = await listen(app);
    try {
      const child = await fetch(`${running.url}/child`);
      expect(child.status).toBe(418);
      expect(await child.json()).toEqual({ child: "ERR_NO_CREDENTIALS" });
      expectBearerFailure(await callRoot(running.url), "ERR_NO_CREDENTIALS");
    } finally {
      await running.close();
    }
  });

  it('answers at once with handleErrors: "always", whatever the error handler', async () => {
    let called = 0;
    const running = await serve({ handleErrors: "always" }, (app) =>
      app.setErrorHandler((_error, _request, reply) => {
        called++;
        reply.code(500).send({});
      }),
    );
    try {
      expectBearerFailure(await callRoot(running.url), "ERR_NO_CREDENTIALS");
      expect(called).toBe(0);
    } finally {
      await running.close();
    }
  });

  it('leaves the answer to Fastify\'s default handler with handleErrors: "never": status and challenge kept', async () => {
    const running = await serve({ handleErrors: "never" });
    try {
      const res = await fetch(`${running.url}/`, { headers: { authorization: "Bearer not a token" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="api", error="invalid_request"/);
      expect(await res.json()).toMatchObject({ statusCode: 400, code: "ERR_MALFORMED_AUTHORIZATION" });
    } finally {
      await running.close();
    }
  });

  it("keeps status and challenge when the app's error handler passes the error on to Fastify's", async () => {
    const running = await serve({}, (app) =>
      app.setErrorHandler((error, _request, reply) => {
        reply.send(error);
      }),
    );
    try {
      const res = await fetch(`${running.url}/`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    } finally {
      await running.close();
    }
  });

  it("answers 503 with Retry-After through the fallback when no key can be had", async () => {
    const outage = await createTestAuthority({ audience: AUDIENCE });
    await outage.listen();
    outage.simulate("down");
    const app = create();
    app.register(scopegate, outage.verifierOptions());
    app.get("/", async () => ({ ok: true }));
    const running = await listen(app);
    try {
      expectBearerFailure(
        await callRoot(running.url, `Bearer ${await outage.mint()}`),
        "ERR_JWKS_UNAVAILABLE",
      );
    } finally {
      await running.close();
      await outage.close();
    }
  });
});

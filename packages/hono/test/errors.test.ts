import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { bearer, call, expectBearerFailure } from "@scopegate-examples/conformance-suite";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthEnv,
  bearerAuth,
  createVerifier,
  type HandleErrors,
  isBearerError,
  requireScope,
  type Verifier,
} from "../src/index.js";
import { listen } from "./support.js";

describe("failures", () => {
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

  /** `GET /` behind `bearerAuth()` and `requireScope("event.read")`, with `setUp` run on the app. */
  function serve(handleErrors?: HandleErrors, setUp: (app: Hono<AuthEnv>) => void = () => {}) {
    const app = new Hono<AuthEnv>();
    setUp(app);
    const auth = handleErrors ? bearerAuth(verifier, { handleErrors }) : bearerAuth(verifier);
    app.get("/", auth, requireScope("event.read"), (c) => c.json({ ok: true }));
    return listen(app);
  }

  it("throws an HTTPException to app.onError whose response is the RFC 6750 answer and whose cause is the BearerError", async () => {
    const seen: unknown[] = [];
    const running = await serve(undefined, (app) =>
      app.onError((error, c) => {
        seen.push(error);
        if (error instanceof HTTPException) return error.getResponse();
        return c.json({ error: "server_error" }, 500);
      }),
    );
    try {
      expectBearerFailure(
        await call(running.url, "/", { authorization: "Bearer not a token" }),
        "ERR_MALFORMED_AUTHORIZATION",
      );
      const reader = await authority.mint({ scope: "event.create" });
      expectBearerFailure(await call(running.url, "/", bearer(reader)), "ERR_INSUFFICIENT_SCOPE", {
        scope: "event.read",
      });
      expect(seen).toHaveLength(2);
      const first = seen[0] as HTTPException;
      expect(first).toBeInstanceOf(HTTPException);
      expect(first.status).toBe(400);
      expect(isBearerError(first.cause)).toBe(true);
      expect(first.cause).toMatchObject({ code: "ERR_MALFORMED_AUTHORIZATION", status: 400 });
    } finally {
      await running.close();
    }
  });

  it("answers RFC 6750 JSON through Hono's default error handler when the app has no onError", async () => {
    const running = await serve();
    try {
      expectBearerFailure(await call(running.url, "/"), "ERR_NO_CREDENTIALS");
      const expired = await authority.tokens.expired({ scope: "event.read" });
      expectBearerFailure(await call(running.url, "/", bearer(expired)), "ERR_TOKEN_EXPIRED");
    } finally {
      await running.close();
    }
  });

  it('answers at once with handleErrors: "always": app.onError never sees the failure', async () => {
    let called = 0;
    const running = await serve("always", (app) =>
      app.onError((_error, c) => {
        called++;
        return c.json({}, 500);
      }),
    );
    try {
      expectBearerFailure(await call(running.url, "/"), "ERR_NO_CREDENTIALS");
      expect(called).toBe(0);
    } finally {
      await running.close();
    }
  });

  it('throws the BearerError itself with handleErrors: "never", for an onError that renders it', async () => {
    const running = await serve("never", (app) =>
      app.onError((error, c) => {
        if (!isBearerError(error)) return c.json({ error: "server_error" }, 500);
        return c.json({ mine: error.code }, { status: error.status as 401, headers: error.headers });
      }),
    );
    try {
      const res = await call(running.url, "/");
      expect(res.status).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="api"');
      expect(res.body).toEqual({ mine: "ERR_NO_CREDENTIALS" });
    } finally {
      await running.close();
    }
  });

  it("answers 503 with Retry-After when no key can be had", async () => {
    const outage = await createTestAuthority({ audience: "https://api.scopegate.test" });
    await outage.listen();
    outage.simulate("down");
    const app = new Hono();
    app.get("/", bearerAuth(outage.verifierOptions()), (c) => c.json({ ok: true }));
    const running = await listen(app);
    try {
      expectBearerFailure(await call(running.url, "/", bearer(await outage.mint())), "ERR_JWKS_UNAVAILABLE");
    } finally {
      await running.close();
      await outage.close();
    }
  });

  it("answers a plain web Request through app.fetch, as on Bun, Deno and Workers", async () => {
    const app = new Hono();
    app.get("/", bearerAuth(verifier), requireScope("event.read"), (c) => c.json({ ok: true }));
    const token = await authority.mint({ scope: "event.read" });
    const ok = await app.request("http://calendar.test/", { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const both = await app.request(`http://calendar.test/?access_token=${token}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(both.status).toBe(400);
    expect(both.headers.get("www-authenticate")).toMatch(/error="invalid_request"/);
    expect(await both.json()).toMatchObject({ error: "invalid_request" });
  });
});

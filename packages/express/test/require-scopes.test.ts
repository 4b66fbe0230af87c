import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { expectBearerFailure } from "@scopegate-examples/conformance-suite";
import express from "express";
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
    const app = express();
    const seen: unknown[] = [];
    app.get("/", requireScope("event.read"), (_req, res) => res.json({ leaked: true }));
    app.use(((error, _req, res, _next) => {
      seen.push(error);
      res.status(error.status).json({ error: "server_error" });
    }) satisfies express.ErrorRequestHandler);
    const running = await listen(app);
    try {
      const res = await request(running.url)
        .get("/")
        .set("Authorization", `Bearer ${await authority.mint()}`);
      expect(res.status).toBe(500);
      expect(seen[0]).toBeInstanceOf(ScopegateConfigurationError);
      expect((seen[0] as Error).message).toMatch(/requireScope\(\).*bearerAuth\(\).*\{ verifier \}/);
    } finally {
      await running.close();
    }
  });

  it("asks an anonymous request (credentialsRequired: false) for credentials: 401 bare challenge", async () => {
    const app = express();
    const verifier = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    app.get(
      "/",
      bearerAuth(verifier, { credentialsRequired: false }),
      requireScope("event.read"),
      (_req, res) => res.json({ ok: true }),
    );
    const running = await listen(app);
    try {
      expectBearerFailure(await request(running.url).get("/"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ scope: "event.read", audience: "https://a.scopegate.test" });
      expect((await request(running.url).get("/").set("Authorization", `Bearer ${token}`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it("re-checks the token with its own verifier when it differs from bearerAuth()'s", async () => {
    const app = express();
    const forA = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    const forB = createVerifier(authority.verifierOptions({ audience: "https://b.scopegate.test" }));
    app.get("/", bearerAuth(forA), requireScope("admin", { verifier: forB }), (_req, res) =>
      res.json({ ok: true }),
    );
    const running = await listen(app);
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
    const app = express();
    const auth = bearerAuth(verifier);
    app.use(auth);
    app.get(
      "/",
      auth,
      requireScope("event.read"),
      requireScopes(["event.read", "admin"], { match: "any" }),
      (req, res) => res.json({ subject: req.auth?.subject }),
    );
    const running = await listen(app);
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
    const app = express();
    app.get("/", bearerAuth(verifier), requireScopes(["event.create", "event.delete"]), (_req, res) =>
      res.end(),
    );
    const running = await listen(app);
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

  it("leaves req.auth undefined for an anonymous request", async () => {
    const verifier = createVerifier(authority.verifierOptions({ audience: "https://a.scopegate.test" }));
    const app = express();
    app.get("/", bearerAuth(verifier, { credentialsRequired: false }), (req, res) =>
      res.json({ own: Object.hasOwn(req, "auth"), auth: req.auth ?? null }),
    );
    const running = await listen(app);
    try {
      expect((await request(running.url).get("/")).body).toEqual({ own: false, auth: null });
    } finally {
      await running.close();
    }
  });
});

import { createTestAuthority, type TestAuthority, type TestVerifierOptions } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBearerFailure } from "./expect-failure.js";
import { bearer, call } from "./http.js";
import { describeOpaqueBehaviour } from "./opaque-behaviour.js";
import { CREDENTIAL_CASES } from "./token-cases.js";

/** An adapter's test app, listening on 127.0.0.1. */
export interface RunningApp {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  close(): Promise<void>;
}

export interface BehaviourTableOptions {
  /**
   * Starts the adapter's test app, configured with these verifier options, on 127.0.0.1 (port 0).
   * It must serve, with the adapter's own middleware:
   *
   * | route | protection | answer |
   * |---|---|---|
   * | `GET /me` | authentication only | 200 `{ subject, clientId, scopes }` from the verified token |
   * | `GET /optional` | authentication with `credentialsRequired: false` | 200 `{ subject }` (`null` when anonymous) |
   * | `GET /all` | scopes `event.create` **and** `event.delete` | 200 `{ ok: true }` |
   * | `GET /any` | scope `report.read` **or** `admin` | 200 `{ ok: true }` |
   * | `GET /scoped` | `requireScope("event.read")` with no authentication before it (the scope check authenticates) | 200 `{ subject }` |
   */
  start(verifierOptions: TestVerifierOptions): Promise<RunningApp>;
}

const AUDIENCE = "https://calendar.scopegate.test";

/**
 * The behaviour every scopegate adapter shares, run over HTTP through the adapter's own stack:
 * every credential failure (400/401 with the exact challenge), missing scopes (all-of and any-of,
 * 403 with `scope="…"`), a JWKS outage with nothing cached (503 with `Retry-After`), optional
 * authentication, scope checks that authenticate by themselves, and the happy path.
 */
export function runBehaviourTable(name: string, options: BehaviourTableOptions): void {
  describe(name, () => {
    let authority: TestAuthority;
    let outage: TestAuthority;
    let app: RunningApp;
    let down: RunningApp;

    beforeAll(async () => {
      authority = await createTestAuthority({ audience: AUDIENCE });
      await authority.listen();
      outage = await createTestAuthority({ audience: AUDIENCE });
      await outage.listen();
      outage.simulate("down");
      app = await options.start(authority.verifierOptions());
      down = await options.start(outage.verifierOptions());
    });

    afterAll(async () => {
      await app?.close();
      await down?.close();
      await authority?.close();
      await outage?.close();
    });

    describe("on a route that needs authentication only", () => {
      for (const testCase of CREDENTIAL_CASES) {
        it(testCase.title, async () => {
          const credentials = await testCase.credentials(authority, []);
          expectBearerFailure(await call(app.url, "/me", credentials), testCase.code);
        });
      }

      it("attaches the verified token on the happy path", async () => {
        const token = await authority.mint({ scope: "event.read report.read", subject: "task-service" });
        const res = await call(app.url, "/me", bearer(token));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          subject: "task-service",
          clientId: expect.any(String),
          scopes: ["event.read", "report.read"],
        });
      });

      it("answers 503 with Retry-After when the keys cannot be had and none are cached", async () => {
        const res = await call(down.url, "/me", bearer(await outage.mint()));
        expectBearerFailure(res, "ERR_JWKS_UNAVAILABLE");
      });
    });

    describe("on routes that need scopes", () => {
      it("rejects a token without every required scope with 403 insufficient_scope (all of)", async () => {
        const token = await authority.tokens.missingScope("event.delete", {
          scope: ["event.create", "event.delete"],
        });
        const res = await call(app.url, "/all", bearer(token));
        expectBearerFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create event.delete" });
      });

      it("rejects a token with none of the accepted scopes with 403 insufficient_scope (any of)", async () => {
        const token = await authority.mint({ scope: "event.read event.create" });
        const res = await call(app.url, "/any", bearer(token));
        expectBearerFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "report.read admin" });
      });

      it("lets a token with every required scope through (all of)", async () => {
        const token = await authority.mint({ scope: "event.delete event.create" });
        const res = await call(app.url, "/all", bearer(token));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true });
      });

      it("lets a token with either accepted scope through (any of)", async () => {
        for (const scope of ["report.read", "admin"]) {
          const res = await call(app.url, "/any", bearer(await authority.mint({ scope })));
          expect(res.status).toBe(200);
        }
      });

      it("checks credentials before scopes: an expired token gets 401, not 403", async () => {
        const token = await authority.tokens.expired({ scope: "event.read" });
        expectBearerFailure(await call(app.url, "/all", bearer(token)), "ERR_TOKEN_EXPIRED");
      });
    });

    describe("with optional authentication (credentialsRequired: false)", () => {
      it("lets a request without credentials through as anonymous", async () => {
        const res = await call(app.url, "/optional");
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ subject: null });
      });

      it("still rejects an invalid token with 401 invalid_token", async () => {
        const res = await call(app.url, "/optional", bearer(await authority.tokens.expired()));
        expectBearerFailure(res, "ERR_TOKEN_EXPIRED");
      });

      it("still rejects a malformed header with 400 invalid_request", async () => {
        const res = await call(app.url, "/optional", { authorization: "Bearer not a token" });
        expectBearerFailure(res, "ERR_MALFORMED_AUTHORIZATION");
      });

      it("attaches a valid token", async () => {
        const res = await call(app.url, "/optional", bearer(await authority.mint({ subject: "svc" })));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ subject: "svc" });
      });
    });

    describe("with a scope check and no authentication before it", () => {
      it("authenticates by itself: no credentials get 401 with a bare challenge", async () => {
        expectBearerFailure(await call(app.url, "/scoped"), "ERR_NO_CREDENTIALS");
      });

      it("authenticates by itself: a bad signature gets 401 invalid_token", async () => {
        const token = await authority.tokens.foreignKey({ scope: "event.read" });
        expectBearerFailure(await call(app.url, "/scoped", bearer(token)), "ERR_TOKEN_SIGNATURE");
      });

      it("authenticates by itself: a missing scope gets 403 insufficient_scope", async () => {
        const token = await authority.mint({ scope: "event.create" });
        const res = await call(app.url, "/scoped", bearer(token));
        expectBearerFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.read" });
      });

      it("authenticates by itself and attaches the token", async () => {
        const token = await authority.mint({ scope: "event.read", subject: "svc" });
        const res = await call(app.url, "/scoped", bearer(token));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ subject: "svc" });
      });
    });

    describeOpaqueBehaviour(options, AUDIENCE);
  });
}

import { createTestAuthority, type TestAuthority, type TestVerifierOptions } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BehaviourTableOptions, RunningApp } from "./behaviour-table.js";
import { expectBearerFailure } from "./expect-failure.js";
import { bearer, call } from "./http.js";

/**
 * The behaviour table's opaque-token rows: the adapter's app started with the verifier's
 * `introspection` option against a test authority over HTTP. The adapter itself changes nothing.
 */
export function describeOpaqueBehaviour(options: BehaviourTableOptions, audience: string): void {
  describe("with opaque tokens (introspection)", () => {
    let authority: TestAuthority;
    let app: RunningApp;

    beforeAll(async () => {
      authority = await createTestAuthority({ audience });
      await authority.listen();
      const verifierOptions = {
        ...authority.verifierOptions(),
        introspection: { ...authority.introspectionOptions(), failureBackoffMs: 0 },
      };
      app = await options.start(verifierOptions as TestVerifierOptions);
    });
    afterAll(async () => {
      await app?.close();
      await authority?.close();
    });

    it("attaches the introspected token on the happy path, and JWTs still pass", async () => {
      const opaque = authority.mintOpaque({ scope: "event.read report.read", subject: "batch" });
      const res = await call(app.url, "/me", bearer(opaque));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        subject: "batch",
        clientId: expect.any(String),
        scopes: ["event.read", "report.read"],
      });
      expect((await call(app.url, "/me", bearer(await authority.mint()))).status).toBe(200);
    });

    it("answers an inactive opaque token with 401 invalid_token", async () => {
      expectBearerFailure(
        await call(app.url, "/me", bearer("never-issued-opaque-token")),
        "ERR_TOKEN_INACTIVE",
      );
    });

    it("answers an opaque token without the route's scopes with 403 insufficient_scope", async () => {
      const res = await call(app.url, "/all", bearer(authority.mintOpaque({ scope: "event.create" })));
      expectBearerFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.create event.delete" });
    });

    it("answers 503 with Retry-After when the introspection endpoint is down", async () => {
      authority.simulate("down", { endpoints: "introspection" });
      try {
        const res = await call(app.url, "/me", bearer(authority.mintOpaque()));
        expectBearerFailure(res, "ERR_INTROSPECTION_UNAVAILABLE");
      } finally {
        authority.simulate("ok");
      }
    });
  });
}

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS } from "./dpop-algs.js";
import { expectBearerFailure } from "./expect-failure.js";
import { bearer, call } from "./http.js";
import { type RunningExample, type StartCommand, spawnExample } from "./process.js";

/**
 * The contract's "Opaque tokens (RFC 7662)" section: the example started with `INTROSPECTION_*`
 * pointing at a test authority's introspection endpoint over HTTP.
 */
export function describeOpaqueTokens(target: StartCommand, audience: string): void {
  describe("opaque tokens (INTROSPECTION_*)", () => {
    let authority: TestAuthority;
    let service: RunningExample;
    const request = (path: string, token: string) => call(service.url, path, bearer(token));
    /** Every 401 and 403 challenge points at the service's RFC 9728 metadata. */
    const expectFailure = (
      res: Parameters<typeof expectBearerFailure>[0],
      code: Parameters<typeof expectBearerFailure>[1],
      options: Parameters<typeof expectBearerFailure>[2] = {},
    ): void =>
      expectBearerFailure(res, code, {
        resourceMetadata: `${service.url}/.well-known/oauth-protected-resource`,
        dpopAlgs: DPOP_ALGS,
        ...options,
      });

    beforeAll(async () => {
      authority = await createTestAuthority({ audience });
      await authority.listen();
      const { endpoint, clientId, clientSecret } = authority.introspectionOptions();
      service = await spawnExample(target, {
        ISSUER: authority.issuer,
        AUDIENCE: audience,
        PORT: "0",
        INTROSPECTION_ENDPOINT: endpoint,
        INTROSPECTION_CLIENT_ID: clientId,
        INTROSPECTION_CLIENT_SECRET: clientSecret as string,
      }).listening;
    });
    afterAll(async () => {
      await service?.stop();
      await authority?.close();
    });

    it("accepts an active opaque token with the route's scope, and JWTs as before", async () => {
      const opaque = authority.mintOpaque({ scope: "event.read", clientId: "task-service" });
      expect((await request("/events", opaque)).status).toBe(200);
      const me = await request("/me", opaque);
      expect(me.body).toMatchObject({ clientId: "task-service", scopes: ["event.read"] });
      expect((await request("/events", await authority.mint({ scope: "event.read" }))).status).toBe(200);
    });

    it("answers 401 invalid_token for an inactive, wrong-audience or expired answer", async () => {
      expectFailure(await request("/events", "not-a-token-the-authority-issued"), "ERR_TOKEN_INACTIVE");
      const elsewhere = authority.mintOpaque({ scope: "event.read", audience: "https://other.example.com" });
      expectFailure(await request("/events", elsewhere), "ERR_TOKEN_AUDIENCE");
      const expired = authority.mintOpaque({
        scope: "event.read",
        expiresInSec: -60,
        answer: { active: true },
      });
      expectFailure(await request("/events", expired), "ERR_TOKEN_EXPIRED");
    });

    it("answers 403 insufficient_scope for an opaque token without the route's scope", async () => {
      const res = await request("/events", authority.mintOpaque({ scope: "report.read" }));
      expectFailure(res, "ERR_INSUFFICIENT_SCOPE", { scope: "event.read" });
    });

    it("answers 503 with Retry-After when the endpoint is down, while a cached active answer holds", async () => {
      const cached = authority.mintOpaque({ scope: "event.read" });
      expect((await request("/events", cached)).status).toBe(200);
      authority.simulate("down", { endpoints: "introspection" });
      try {
        expectFailure(
          await request("/events", authority.mintOpaque({ scope: "event.read" })),
          "ERR_INTROSPECTION_UNAVAILABLE",
        );
        expect((await request("/events", cached)).status).toBe(200);
      } finally {
        authority.simulate("ok");
      }
    });
  });
}

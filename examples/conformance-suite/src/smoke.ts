import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBearerFailure } from "./expect-failure.js";
import { bearer, call } from "./http.js";

const AUDIENCE = "https://calendar.scopegate.test";

/** A calendar service started for the smoke run; `stop` ends it. */
export interface StartedService {
  url: string;
  stop(): Promise<void>;
}

/**
 * A short run of the calendar contract, for a service on another runtime (Bun, Deno, workerd):
 * one request per answer — 200, 201, 204, 400, 401, 403, and 503 from a second instance whose
 * authorization server is down. `start` gets the calendar's environment (ISSUER, AUDIENCE).
 */
export function runCalendarSmoke(
  name: string,
  start: (env: Record<string, string>) => Promise<StartedService>,
) {
  describe(`${name} (calendar smoke run)`, () => {
    let authority: TestAuthority;
    let outage: TestAuthority;
    let service: StartedService;
    let down: StartedService;
    const token = (scope: string[]) => authority.mint({ scope });

    beforeAll(async () => {
      authority = await createTestAuthority({ audience: AUDIENCE });
      await authority.listen();
      outage = await createTestAuthority({ audience: AUDIENCE });
      await outage.listen();
      outage.simulate("down");
      service = await start({ ISSUER: authority.issuer, AUDIENCE: AUDIENCE, JWKS_URI: authority.jwksUri });
      down = await start({ ISSUER: outage.issuer, AUDIENCE: AUDIENCE, JWKS_URI: outage.jwksUri });
    });

    afterAll(async () => {
      await service?.stop();
      await down?.stop();
      await authority?.close();
      await outage?.close();
    });

    it("answers 200 on /health and on GET /events with event.read", async () => {
      expect((await call(service.url, "/health")).body).toEqual({ ok: true });
      const res = await call(service.url, "/events", bearer(await token(["event.read"])));
      expect(res.status).toBe(200);
      expect(Array.isArray(res.body.events)).toBe(true);
    });

    it("creates an event (201) and deletes it (204)", async () => {
      const writer = bearer(await token(["event.create", "event.delete"]));
      const created = await call(service.url, "/events", {
        ...writer,
        method: "post",
        body: { title: "Standup" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ title: "Standup", id: expect.any(String) });
      const deleted = await call(service.url, `/events/${created.body.id}`, { ...writer, method: "delete" });
      expect(deleted.status).toBe(204);
    });

    it("answers 400 invalid_request for a malformed Authorization header and two tokens", async () => {
      expectBearerFailure(
        await call(service.url, "/events", { authorization: "Bearer not a token" }),
        "ERR_MALFORMED_AUTHORIZATION",
      );
      const reader = await token(["event.read"]);
      expectBearerFailure(
        await call(service.url, "/events", { ...bearer(reader), query: { access_token: reader } }),
        "ERR_MULTIPLE_CREDENTIALS",
      );
    });

    it("answers 401 without credentials and for an expired token", async () => {
      expectBearerFailure(await call(service.url, "/events"), "ERR_NO_CREDENTIALS");
      const expired = await authority.tokens.expired({ scope: "event.read" });
      expectBearerFailure(await call(service.url, "/events", bearer(expired)), "ERR_TOKEN_EXPIRED");
    });

    it("answers 403 insufficient_scope without the route's scope", async () => {
      expectBearerFailure(
        await call(service.url, "/reports", bearer(await token(["event.read"]))),
        "ERR_INSUFFICIENT_SCOPE",
        {
          scope: "report.read admin",
        },
      );
    });

    it("answers 503 with Retry-After when the authorization server is down and no key is cached", async () => {
      const res = await call(down.url, "/events", bearer(await outage.mint({ scope: "event.read" })));
      expectBearerFailure(res, "ERR_JWKS_UNAVAILABLE");
    });
  });
}

import { Controller, Get, UseGuards } from "@nestjs/common";
import { createVerifier, type VerifiedToken } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Auth, OptionalAuth, ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { expectFailure } from "./support/expect.js";
import {
  AlwaysAuthenticatedGuard,
  BillingClientGuard,
  ConnectionGuard,
  CredentialsRequiredGuard,
  PARTNER_AUDIENCE,
  PARTNER_VERIFIER,
  PartnerGuard,
} from "./support/guards.js";
import { bearer, call } from "./support/http.js";

const AUDIENCE = "https://calendar.scopegate.test";

const who = (auth: VerifiedToken | undefined) => ({ clientId: auth?.clientId ?? null });

@Controller("reuse")
class ReuseController {
  @Get("partner")
  @UseGuards(PartnerGuard)
  partner(@Auth() auth: VerifiedToken) {
    return who(auth);
  }

  @Get("billing")
  @UseGuards(BillingClientGuard)
  billing(@Auth() auth: VerifiedToken) {
    return who(auth);
  }

  @Get("always")
  @OptionalAuth()
  @UseGuards(AlwaysAuthenticatedGuard)
  always(@Auth() auth: VerifiedToken) {
    return who(auth);
  }

  @Get("plain")
  plain(@Auth() auth: VerifiedToken | undefined) {
    return who(auth);
  }
}

@Controller("strict")
class StrictController {
  @Get("credentials")
  @UseGuards(CredentialsRequiredGuard)
  credentials(@Auth() auth: VerifiedToken) {
    return who(auth);
  }
}

@Controller("connection")
@UseGuards(ConnectionGuard)
class ConnectionController {
  @Get("operation")
  operation() {
    return { ok: true };
  }
}

describe.each(PLATFORMS)("a result left by an earlier guard, on the %s platform", (platform) => {
  let authority: TestAuthority;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
  });
  afterAll(async () => {
    await authority?.close();
  });

  describe("after the global guard", () => {
    let api: RunningApp;
    beforeAll(async () => {
      api = await startApp(platform, {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), guard: "global" })],
        controllers: [ReuseController],
        providers: [
          {
            provide: PARTNER_VERIFIER,
            useFactory: () => createVerifier(authority.verifierOptions({ audience: PARTNER_AUDIENCE })),
          },
        ],
      });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("is not reused by a subclass with another verifier: a token for the API alone gets 401 from it", async () => {
      const token = await authority.mint({ clientId: "calendar-ui" });
      const res = await call(api.url, "/reuse/partner", { headers: bearer(token) });
      expectFailure(res, "ERR_TOKEN_AUDIENCE");
    });

    it("lets a token both verifiers accept through the subclass with another verifier (200)", async () => {
      const token = await authority.mint({ clientId: "partner-a", audience: [AUDIENCE, PARTNER_AUDIENCE] });
      const res = await call(api.url, "/reuse/partner", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "partner-a" });
    });

    it("is not reused by a subclass with another authenticate: its own check refuses another client with 401", async () => {
      const token = await authority.mint({ clientId: "calendar-ui" });
      const res = await call(api.url, "/reuse/billing", { headers: bearer(token) });
      expectFailure(res, "ERR_TOKEN_CLIENT");
    });

    it("lets the client the subclass's authenticate accepts through (200)", async () => {
      const token = await authority.mint({ clientId: "billing" });
      const res = await call(api.url, "/reuse/billing", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "billing" });
    });

    it("does not let the anonymous result of an @OptionalAuth() route satisfy a guard with the same source that needs a token (401)", async () => {
      expectFailure(await call(api.url, "/reuse/always"), "ERR_NO_CREDENTIALS");
      const token = await authority.mint({ clientId: "calendar-ui" });
      const res = await call(api.url, "/reuse/always", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "calendar-ui" });
    });

    it("still authenticates a plain route once, through the global guard (200, then 401 without a token)", async () => {
      const token = await authority.mint({ clientId: "calendar-ui" });
      expect((await call(api.url, "/reuse/plain", { headers: bearer(token) })).json).toEqual({
        clientId: "calendar-ui",
      });
      expectFailure(await call(api.url, "/reuse/plain"), "ERR_NO_CREDENTIALS");
    });
  });

  describe("after a global guard with credentialsRequired: false", () => {
    let api: RunningApp;
    beforeAll(async () => {
      api = await startApp(platform, {
        imports: [
          ScopegateModule.forRoot({
            ...authority.verifierOptions(),
            guard: "global",
            credentialsRequired: false,
          }),
        ],
        controllers: [StrictController],
      });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("refuses a request without credentials on a guard that requires them (401)", async () => {
      expectFailure(await call(api.url, "/strict/credentials"), "ERR_NO_CREDENTIALS");
    });

    it("lets a valid token through the guard that requires credentials (200)", async () => {
      const token = await authority.mint({ clientId: "calendar-ui" });
      const res = await call(api.url, "/strict/credentials", { headers: bearer(token) });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ clientId: "calendar-ui" });
    });
  });

  describe("on a connection whose operations share one request (WebSocket, GraphQL subscription)", () => {
    let api: RunningApp;
    let now = Date.now();
    beforeAll(async () => {
      now = Date.now();
      api = await startApp(platform, {
        imports: [ScopegateModule.forRoot({ ...authority.verifierOptions(), clock: () => now })],
        controllers: [ConnectionController],
      });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("reuses the connection's result while its token is current (200 with no token on the second operation)", async () => {
      const token = await authority.mint({ expiresInSec: 120 });
      const first = { "x-connection": `${platform}-current`, ...bearer(token) };
      expect((await call(api.url, "/connection/operation", { headers: first })).status).toBe(200);
      const later = { "x-connection": `${platform}-current` };
      expect((await call(api.url, "/connection/operation", { headers: later })).status).toBe(200);
    });

    it("refuses an operation once the connection's token has expired (401 invalid_token)", async () => {
      const token = await authority.mint({ expiresInSec: 120 });
      const id = `${platform}-expiring`;
      const first = await call(api.url, "/connection/operation", {
        headers: { "x-connection": id, ...bearer(token) },
      });
      expect(first.status).toBe(200);
      now += 10 * 60_000;
      try {
        const later = await call(api.url, "/connection/operation", { headers: { "x-connection": id } });
        expectFailure(later, "ERR_TOKEN_EXPIRED");
      } finally {
        now -= 10 * 60_000;
      }
    });
  });
});

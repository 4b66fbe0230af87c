import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ScopegateModule } from "../src/index.js";
import { PLATFORMS, type RunningApp, startApp } from "./support/app.js";
import { AdminController, CalendarController } from "./support/controllers.js";
import { call } from "./support/http.js";

const RESOURCE = "https://calendar.scopegate.test";
const METADATA_URL = "https://calendar.scopegate.test/.well-known/oauth-protected-resource";

describe.each(PLATFORMS)("the resourceMetadata option on the %s platform", (platform) => {
  let authority: TestAuthority;
  const apps: RunningApp[] = [];
  const start = async (
    resourceMetadata: Parameters<typeof ScopegateModule.forRoot>[0]["resourceMetadata"],
  ) => {
    const { audience: _audience, ...options } = authority.verifierOptions();
    const app = await startApp(platform, {
      imports: [
        ScopegateModule.forRoot({ ...options, resource: RESOURCE, guard: "global", resourceMetadata }),
      ],
      controllers: [CalendarController, AdminController],
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: RESOURCE });
    await authority.listen();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  afterAll(async () => {
    await authority?.close();
  });

  it("serves the document without a token, with the scopes the routes' decorators name", async () => {
    const { url } = await start(true);
    const res = await call(url, "/.well-known/oauth-protected-resource");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("public, max-age=3600");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    const document = res.json as Record<string, unknown>;
    expect(document).toMatchObject({
      resource: RESOURCE,
      authorization_servers: [authority.issuer],
      bearer_methods_supported: ["header"],
    });
    expect([...(document.scopes_supported as string[])].sort()).toEqual(
      ["admin", "audit.read", "event.create", "event.delete", "event.read", "report.read"].sort(),
    );
  });

  it("answers a preflight with 204, takes configured scopes and path, and challenges point at the document", async () => {
    const { url } = await start({
      scopesSupported: ["event.read"],
      path: "/.well-known/oauth-protected-resource",
    });
    const preflight = await call(url, "/.well-known/oauth-protected-resource", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-methods"]).toBe("GET, HEAD, OPTIONS");
    const res = await call(url, "/.well-known/oauth-protected-resource");
    expect((res.json as Record<string, unknown>).scopes_supported).toEqual(["event.read"]);
    const none = await call(url, "/events");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe(`Bearer realm="api", resource_metadata="${METADATA_URL}"`);
  });

  it("does not serve the document unless asked", async () => {
    const { url } = await start(undefined);
    expect((await call(url, "/.well-known/oauth-protected-resource")).status).not.toBe(200);
  });
});

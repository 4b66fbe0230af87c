import { inspect } from "node:util";
import {
  CALENDAR_API,
  demoOptions,
  startAuthorizationServer,
} from "@scopegate-examples/authorization-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenSource } from "../src/token-source.js";

// The task service's token source against the demo authorization server, over real HTTP.

let server: Awaited<ReturnType<typeof startAuthorizationServer>>;
beforeAll(async () => {
  server = await startAuthorizationServer(demoOptions({}));
});
afterAll(async () => {
  await server?.close();
});

const taskService = (overrides: Partial<Parameters<typeof createTokenSource>[0]> = {}) =>
  createTokenSource({
    issuer: server.issuer,
    clientId: "task-service",
    clientSecret: "task-service-demo-secret",
    scope: ["event.read", "event.create"],
    resource: CALENDAR_API,
    ...overrides,
  });

describe("createTokenSource", () => {
  it("gets a token with client_secret_basic, found through the issuer's metadata", async () => {
    const { token, fromCache } = await taskService().getToken();
    expect(fromCache).toBe(false);
    expect(token.scopes).toEqual(["event.read", "event.create"]);
    expect(token.expiresAt.getTime() - token.obtainedAt.getTime()).toBe(300_000);
    expect(token.reveal().split(".")).toHaveLength(3);
  });

  it("reuses the token until 30 s before it expires, then gets a new one", async () => {
    let now = Date.now();
    const source = taskService({ clock: () => now });
    const first = await source.getToken();
    now += 269_000;
    const cached = await source.getToken();
    expect(cached.fromCache).toBe(true);
    expect(cached.token).toBe(first.token);
    now += 2_000; // 29 s left
    const renewed = await source.getToken();
    expect(renewed.fromCache).toBe(false);
    expect(renewed.token).not.toBe(first.token);
  });

  it("refreshes short-lived tokens at half their lifetime", async () => {
    let now = Date.now();
    const source = taskService({
      clientId: "short-lived",
      clientSecret: "short-lived-demo-secret",
      scope: ["event.read"],
      clock: () => now,
    });
    const first = await source.getToken();
    now += 400;
    expect((await source.getToken()).token).toBe(first.token);
    now += 200;
    expect((await source.getToken()).token).not.toBe(first.token);
  });

  it("shares one token request between concurrent callers", async () => {
    const source = taskService();
    const results = await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
  });

  it("asks again after invalidate()", async () => {
    const source = taskService();
    const first = await source.getToken();
    source.invalidate();
    const second = await source.getToken();
    expect(second.fromCache).toBe(false);
    expect(second.token).not.toBe(first.token);
  });

  it("never prints the token value", async () => {
    const { token } = await taskService().getToken();
    const value = token.reveal();
    for (const printed of [
      String(token),
      `${token}`,
      JSON.stringify(token),
      inspect(token),
      inspect({ token }),
    ]) {
      expect(printed).not.toContain(value);
      expect(printed).not.toContain(value.split(".")[1]);
    }
    expect(token.authorization()).toBe(`Bearer ${value}`);
  });

  it("rejects with the authorization server's error for a wrong secret", async () => {
    // oauth4webapi surfaces the 401's `WWW-Authenticate: Basic …, error="invalid_client"` challenge.
    await expect(taskService({ clientSecret: "wrong" }).getToken()).rejects.toMatchObject({
      status: 401,
      cause: [{ scheme: "basic", parameters: { error: "invalid_client" } }],
    });
  });
});

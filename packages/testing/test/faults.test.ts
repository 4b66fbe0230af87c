import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestAuthority, type TestAuthority, type TestFetch } from "../src/index.js";

let authority: TestAuthority;
let httpUrls: { jwks: string; discovery: string };
let memoryUrls: { jwks: string; discovery: string };

beforeAll(async () => {
  authority = await createTestAuthority();
  memoryUrls = {
    jwks: authority.jwksUri,
    discovery: "https://scopegate-test-authority.invalid/.well-known/oauth-authorization-server",
  };
  const server = await authority.listen();
  httpUrls = { jwks: server.jwksUri, discovery: `${server.url}/.well-known/openid-configuration` };
});
afterEach(() => authority.simulate("ok"));
afterAll(() => authority.close());

/** The same assertions run over real HTTP and through the in-memory fetch. */
const transports: [string, () => { fetch: TestFetch; urls: typeof httpUrls }][] = [
  ["over HTTP", () => ({ fetch: (input, init) => fetch(input, init), urls: httpUrls })],
  ["in memory", () => ({ fetch: authority.fetch, urls: memoryUrls })],
];

describe.each(transports)("simulate %s", (_name, use) => {
  it('"down": requests fail at the network level, then "ok" serves again', async () => {
    const { fetch, urls } = use();
    expect((await fetch(urls.jwks)).status).toBe(200);
    authority.simulate("down");
    expect(authority.simulated).toBe("down");
    const error = await fetch(urls.jwks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    await expect(fetch(urls.discovery)).rejects.toThrow("fetch failed");
    authority.simulate("ok");
    expect((await fetch(urls.jwks)).status).toBe(200);
  });

  it('"slow": a client timeout fires first; a short delay still answers normally', async () => {
    const { fetch, urls } = use();
    authority.simulate("slow", { delayMs: 60_000 });
    const error = await fetch(urls.jwks, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    authority.simulate("slow", { delayMs: 10 });
    const response = await fetch(urls.jwks);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(authority.jwks());
  });

  it('"garbage": an HTML page with status 200 by default', async () => {
    const { fetch, urls } = use();
    authority.simulate("garbage");
    for (const url of [urls.jwks, urls.discovery]) {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toMatch(/^<!DOCTYPE html>/);
    }
  });

  it('"garbage": truncated JSON', async () => {
    const { fetch, urls } = use();
    authority.simulate("garbage", { garbage: "truncated" });
    const response = await fetch(urls.jwks);
    expect(response.headers.get("content-type")).toBe("application/json");
    const text = await response.text();
    expect(JSON.stringify(authority.jwks()).startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('"garbage": JSON without keys, an empty key set, and metadata without jwks_uri', async () => {
    const { fetch, urls } = use();
    authority.simulate("garbage", { garbage: "no-keys" });
    expect(await (await fetch(urls.jwks)).json()).not.toHaveProperty("keys");
    const metadata = await (await fetch(urls.discovery)).json();
    expect(metadata).toHaveProperty("issuer", authority.issuer);
    expect(metadata).not.toHaveProperty("jwks_uri");
    authority.simulate("garbage", { garbage: "empty-keys" });
    expect(await (await fetch(urls.jwks)).json()).toEqual({ keys: [] });
  });

  it('"garbage": a body of your own', async () => {
    const { fetch, urls } = use();
    authority.simulate("garbage", { body: '{"keys":"nope"}', contentType: "application/json" });
    expect(await (await fetch(urls.jwks)).text()).toBe('{"keys":"nope"}');
  });

  it('"error500": status 500 by default, or the status asked for', async () => {
    const { fetch, urls } = use();
    authority.simulate("error500");
    const response = await fetch(urls.jwks);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Internal Server Error");
    authority.simulate("error500", { status: 503 });
    expect((await fetch(urls.discovery)).status).toBe(503);
  });

  it("limits a fault to one endpoint", async () => {
    const { fetch, urls } = use();
    authority.simulate("down", { endpoints: "jwks" });
    await expect(fetch(urls.jwks)).rejects.toThrow("fetch failed");
    expect((await fetch(urls.discovery)).status).toBe(200);
    authority.simulate("error500", { endpoints: "discovery" });
    expect((await fetch(urls.jwks)).status).toBe(200);
    expect((await fetch(urls.discovery)).status).toBe(500);
  });

  it("goes back to ok after `times` faulted requests", async () => {
    const { fetch, urls } = use();
    authority.simulate("error500", { times: 2 });
    expect((await fetch(urls.jwks)).status).toBe(500);
    expect((await fetch(urls.jwks)).status).toBe(500);
    expect(authority.simulated).toBe("ok");
    expect((await fetch(urls.jwks)).status).toBe(200);
  });
});

describe("simulate", () => {
  it('"down" also cuts keep-alive connections opened before it', async () => {
    const first = await fetch(httpUrls.jwks, { headers: { connection: "keep-alive" } });
    await first.arrayBuffer();
    authority.simulate("down");
    await expect(fetch(httpUrls.jwks)).rejects.toThrow("fetch failed");
  });

  it('"down" over HTTP counts connections for `times`', async () => {
    authority.simulate("down", { times: 1 });
    await expect(fetch(httpUrls.jwks)).rejects.toThrow("fetch failed");
    expect((await fetch(httpUrls.jwks)).status).toBe(200);
  });

  it("the in-memory fetch rejects like a refused connection when down", async () => {
    authority.simulate("down");
    const error = (await authority.fetch(memoryUrls.jwks).catch((e: unknown) => e)) as Error & {
      cause: { code: string };
    };
    expect(error.cause.code).toBe("ECONNREFUSED");
  });

  it("the in-memory fetch rejects unknown hosts and answers 404 to unknown paths", async () => {
    const unknown = (await authority
      .fetch("https://elsewhere.invalid/jwks.json")
      .catch((e: unknown) => e)) as Error & {
      cause: { code: string };
    };
    expect(unknown).toBeInstanceOf(TypeError);
    expect(unknown.cause.code).toBe("ENOTFOUND");
    expect((await authority.fetch("https://scopegate-test-authority.invalid/other")).status).toBe(404);
  });

  it("the in-memory fetch honours an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(authority.fetch(memoryUrls.jwks, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it.each([
    ["mode", "broken", {}],
    ["delayMs", "slow", { delayMs: -1 }],
    ["status", "error500", { status: 200 }],
    ["garbage", "garbage", { garbage: "xml" }],
    ["endpoints", "down", { endpoints: "token" }],
    ["times", "down", { times: 0 }],
  ])("rejects an invalid %s with a TypeError and keeps the current mode", (name, mode, options) => {
    authority.simulate("error500");
    expect(() => authority.simulate(mode as never, options as never)).toThrow(new RegExp(`\`${name}\``));
    expect(authority.simulated).toBe("error500");
  });
});

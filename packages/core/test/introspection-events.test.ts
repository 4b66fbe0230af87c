import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  type IntrospectionEvent,
  type IntrospectionOptions,
  type ScopegateEvent,
} from "../src/index.js";
import { failure } from "./support/failure.js";

const AUDIENCE = "https://calendar.example.com";

describe("introspection events in the verifier's onEvent, against the test authority over HTTP", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority({ audience: AUDIENCE });
    await authority.listen();
  });
  afterAll(() => authority.close());

  function observed(introspection: Partial<IntrospectionOptions> = {}) {
    const events: ScopegateEvent[] = [];
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      introspection: { ...authority.introspectionOptions(), failureBackoffMs: 0, ...introspection },
      onEvent: (event) => events.push(event),
    });
    const ofType = <T extends ScopegateEvent["type"]>(type: T) =>
      events.filter((e): e is Extract<ScopegateEvent, { type: T }> => e.type === type);
    return { verifier, events, ofType };
  }

  it("reports a request's outcome with endpoint, issuer, active and duration, then cache hits without a request", async () => {
    const { verifier, events } = observed();
    const opaque = authority.mintOpaque({ scope: "event.read" });
    const before = authority.requests.introspection;
    for (let i = 0; i < 3; i++) await verifier.verify(opaque);
    expect(authority.requests.introspection - before).toBe(1);
    const introspection = events.filter((e) => e.type.startsWith("introspection_"));
    expect(introspection.map((e) => e.type)).toEqual([
      "introspection_succeeded",
      "introspection_cache_hit",
      "introspection_cache_hit",
    ]);
    expect(introspection[0]).toEqual({
      type: "introspection_succeeded",
      endpoint: authority.introspectionEndpoint,
      issuer: authority.issuer,
      active: true,
      durationMs: expect.any(Number),
    });
    expect(introspection[1]).toEqual({
      type: "introspection_cache_hit",
      issuer: authority.issuer,
      active: true,
    });
    expect(events.filter((e) => e.type === "token_verified")).toHaveLength(3);
  });

  it("reports an inactive answer as such, and its cache hit as inactive", async () => {
    const { verifier, ofType } = observed();
    const opaque = authority.mintOpaque();
    authority.revoke(opaque);
    for (let i = 0; i < 2; i++)
      expect((await failure(verifier.verify(opaque))).code).toBe("ERR_TOKEN_INACTIVE");
    expect(ofType("introspection_succeeded").map((e) => e.active)).toEqual([false]);
    expect(ofType("introspection_cache_hit").map((e) => e.active)).toEqual([false]);
    expect(ofType("token_refused").map((e) => e.code)).toEqual(["ERR_TOKEN_INACTIVE", "ERR_TOKEN_INACTIVE"]);
  });

  it("reports a failed request with its code and status, beside the 503 refusal", async () => {
    const { verifier, ofType } = observed({ clientSecret: "wrong" });
    const error = await failure(verifier.verify(authority.mintOpaque()));
    expect(error.status).toBe(503);
    const [failed, ...more] = ofType("introspection_failed");
    expect(more).toEqual([]);
    expect(failed).toEqual({
      type: "introspection_failed",
      endpoint: authority.introspectionEndpoint,
      issuer: authority.issuer,
      code: "ERR_INTROSPECTION_CLIENT_AUTH",
      status: 401,
      durationMs: expect.any(Number),
    });
    expect(ofType("introspection_cache_hit")).toEqual([]);
    expect(ofType("token_refused").map((e) => e.status)).toEqual([503]);
  });

  it("reports one request for concurrent verifications of one token, the others as cache hits", async () => {
    const { verifier, ofType } = observed();
    const opaque = authority.mintOpaque();
    await Promise.all([verifier.verify(opaque), verifier.verify(opaque), verifier.verify(opaque)]);
    expect(ofType("introspection_succeeded")).toHaveLength(1);
    expect(ofType("introspection_cache_hit")).toHaveLength(2);
  });

  it("never puts the token or its hash in an event", async () => {
    const { verifier, events } = observed();
    const opaque = authority.mintOpaque({ scope: "event.read" });
    await verifier.verify(opaque);
    await verifier.verify(opaque);
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(opaque)));
    const seen = JSON.stringify(events);
    for (const secret of [opaque, digest.toString("base64url"), digest.toString("hex")]) {
      expect(seen).not.toContain(secret);
    }
  });

  it("still feeds the deprecated introspection.onEvent its request outcomes only, with the issuer", async () => {
    const legacy: IntrospectionEvent[] = [];
    const { verifier, ofType } = observed({ onEvent: (event) => legacy.push(event) });
    const opaque = authority.mintOpaque();
    await verifier.verify(opaque);
    await verifier.verify(opaque);
    expect(legacy.map((e) => [e.type, e.issuer])).toEqual([["introspection_succeeded", authority.issuer]]);
    expect(ofType("introspection_succeeded")).toHaveLength(1);
    expect(ofType("introspection_cache_hit")).toHaveLength(1);
  });

  it("keeps verifying when a listener throws", async () => {
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      introspection: authority.introspectionOptions(),
      onEvent: () => {
        throw new Error("listener failure");
      },
    });
    const opaque = authority.mintOpaque({ scope: "event.read" });
    expect((await verifier.verify(opaque)).scopes).toEqual(["event.read"]);
    expect((await verifier.verify(opaque)).scopes).toEqual(["event.read"]);
  });
});

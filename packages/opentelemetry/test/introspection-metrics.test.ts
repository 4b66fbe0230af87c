import { SpanStatusCode } from "@opentelemetry/api";
import type { HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { createVerifier, type IntrospectionOptions } from "@scopegate/core";
import { createDpopKey, createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTelemetry } from "../src/index.js";
import { inMemorySdk, points } from "./support.js";

const AUDIENCE = "https://calendar.example.com";

let authority: TestAuthority;
beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
  await authority.listen(); // the introspection endpoint is a real one on 127.0.0.1
});
afterAll(() => authority.close());

let sdk: ReturnType<typeof inMemorySdk>;
afterEach(() => sdk?.shutdown());

function instrumented(introspection: Partial<IntrospectionOptions> = {}) {
  sdk = inMemorySdk();
  const telemetry = createTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
  const verifier = createVerifier({
    ...authority.verifierOptions(),
    introspection: { ...authority.introspectionOptions(), failureBackoffMs: 0, ...introspection },
    onEvent: telemetry.onEvent,
  });
  return verifier;
}

const host = () => new URL(authority.introspectionEndpoint).hostname;

describe("introspection", () => {
  it("records a scopegate.introspection span per request, with endpoint, host, issuer and active", async () => {
    const verifier = instrumented();
    const opaque = authority.mintOpaque();
    await verifier.verify(opaque);
    await verifier.verify(opaque); // from the cache: no request, no span
    const spans = sdk.spans.getFinishedSpans().filter((span) => span.name === "scopegate.introspection");
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes).toEqual({
      "scopegate.outcome": "success",
      "scopegate.issuer": authority.issuer,
      "url.full": authority.introspectionEndpoint,
      "server.address": host(),
      "scopegate.introspection.active": true,
    });
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(opaque);
  });

  it("marks a failed introspection's span as an error with its code and the endpoint's status", async () => {
    const verifier = instrumented({ clientSecret: "wrong" });
    await verifier.verify(authority.mintOpaque()).catch(() => {});
    const [span] = sdk.spans.getFinishedSpans().filter((s) => s.name === "scopegate.introspection");
    expect(span?.attributes).toMatchObject({
      "scopegate.outcome": "failure",
      "error.type": "ERR_INTROSPECTION_CLIENT_AUTH",
      "http.response.status_code": 401,
    });
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "ERR_INTROSPECTION_CLIENT_AUTH" });
  });

  it("counts requests by outcome and active, their duration in seconds, and cache hits", async () => {
    const verifier = instrumented();
    const active = authority.mintOpaque();
    const revoked = authority.mintOpaque();
    authority.revoke(revoked);
    for (let i = 0; i < 3; i++) await verifier.verify(active);
    await verifier.verify(revoked).catch(() => {});
    const metrics = await sdk.collectMetrics();
    const base = {
      "scopegate.issuer": authority.issuer,
      "server.address": host(),
      "scopegate.outcome": "success",
    };
    expect(points(metrics.get("scopegate.introspection.requests"))).toEqual([
      { attributes: { ...base, "scopegate.introspection.active": true }, value: 1 },
      { attributes: { ...base, "scopegate.introspection.active": false }, value: 1 },
    ]);
    expect(points(metrics.get("scopegate.introspection.cache_hits"))).toEqual([
      {
        attributes: { "scopegate.issuer": authority.issuer, "scopegate.introspection.active": true },
        value: 2,
      },
    ]);
    const duration = metrics.get("scopegate.introspection.duration") as HistogramMetricData;
    expect(duration.descriptor.unit).toBe("s");
    const [first] = duration.dataPoints;
    expect(first?.value.count).toBe(1);
    expect(first?.value.sum).toBeGreaterThan(0);
    expect(first?.value.sum).toBeLessThan(5); // seconds, not milliseconds
  });

  it("counts a failed request with its code as error.type", async () => {
    const verifier = instrumented({ clientSecret: "wrong" });
    await verifier.verify(authority.mintOpaque()).catch(() => {});
    const requests = points((await sdk.collectMetrics()).get("scopegate.introspection.requests"));
    expect(requests).toEqual([
      {
        attributes: {
          "scopegate.issuer": authority.issuer,
          "server.address": host(),
          "scopegate.outcome": "failure",
          "error.type": "ERR_INTROSPECTION_CLIENT_AUTH",
        },
        value: 1,
      },
    ]);
  });
});

describe("replays", () => {
  it("counts a replayed DPoP proof by binding and issuer", async () => {
    sdk = inMemorySdk();
    const telemetry = createTelemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    });
    const origin = "https://api.example.com";
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      dpop: { publicUrl: origin },
      onEvent: telemetry.onEvent,
    });
    const key = await createDpopKey();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: `${origin}/events`, accessToken: token });
    const request = {
      method: "GET",
      url: "/events",
      headers: { authorization: `DPoP ${token}`, dpop: proof },
    };
    await verifier.authenticate(request);
    await verifier.authenticate(request).catch(() => {});
    expect(points((await sdk.collectMetrics()).get("scopegate.replays"))).toEqual([
      { attributes: { "scopegate.binding": "dpop", "scopegate.issuer": authority.issuer }, value: 1 },
    ]);
  });
});

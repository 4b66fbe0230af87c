import { readFileSync } from "node:fs";
import {
  createNoopMeter,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { createVerifier, type VerifierOptions } from "@scopegate/core";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTelemetry, type TelemetryOptions } from "../src/index.js";
import { VERSION } from "../src/version.js";
import { inMemorySdk, points } from "./support.js";

const AUDIENCE = "https://calendar.example.com";

let authority: TestAuthority;
beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
  await authority.listen(); // real HTTP on 127.0.0.1: the JWKS fetch is a real one
});
afterAll(() => authority.close());

let sdk: ReturnType<typeof inMemorySdk>;
afterEach(async () => {
  authority.simulate("ok");
  await sdk?.shutdown();
});

function instrumented(options: TelemetryOptions = {}, verifierOptions: Partial<VerifierOptions> = {}) {
  sdk = inMemorySdk();
  const telemetry = createTelemetry({
    tracerProvider: sdk.tracerProvider,
    meterProvider: sdk.meterProvider,
    ...options,
  });
  const verifier = createVerifier({
    ...authority.verifierOptions(),
    onEvent: telemetry.onEvent,
    ...verifierOptions,
  });
  return { verifier, sdk };
}

/** The API's own proxy provider, counting the spans its tracers start (no-op ones included). */
class CountingProxyTracerProvider extends ProxyTracerProvider {
  spansStarted = 0;
  override getTracer(name: string, version?: string): Tracer {
    const tracer = super.getTracer(name, version);
    const startSpan = tracer.startSpan.bind(tracer);
    tracer.startSpan = (...args) => {
      this.spansStarted += 1;
      return startSpan(...args);
    };
    return tracer;
  }
}

const spansNamed = (name: string) => sdk.spans.getFinishedSpans().filter((span) => span.name === name);

describe("spans", () => {
  it("records scopegate.verify for a verified token, with issuer, client, scopes, binding and cache hit", async () => {
    const { verifier } = instrumented();
    await verifier.verify(await authority.mint({ scope: "event.read", clientId: "task-service" }));
    const [span] = spansNamed("scopegate.verify");
    expect(span?.kind).toBe(SpanKind.INTERNAL);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes).toEqual({
      "scopegate.outcome": "verified",
      "scopegate.issuer": authority.issuer,
      "scopegate.client_id": "task-service",
      "scopegate.scopes": ["event.read"],
      "scopegate.binding": "bearer",
      "scopegate.token_cache.hit": false,
    });
    expect(span?.instrumentationScope).toEqual({ name: "@scopegate/opentelemetry", version: VERSION });
  });

  it("records scopegate.jwks.fetch with the URI, host, reason and key count, and a real duration", async () => {
    const { verifier } = instrumented();
    await verifier.verify(await authority.mint());
    const [fetch] = spansNamed("scopegate.jwks.fetch");
    expect(fetch?.attributes).toEqual({
      "scopegate.outcome": "success",
      "url.full": authority.jwksUri,
      "server.address": "127.0.0.1",
      "scopegate.jwks.fetch.reason": "initial",
      "scopegate.jwks.key_count": 1,
    });
    const [seconds = 0, nanos = 0] = fetch?.duration ?? [];
    expect(seconds * 1e9 + nanos).toBeGreaterThan(0);
  });

  it("records a refusal with error.type and the status, leaves the span status unset, and never the token", async () => {
    const { verifier } = instrumented();
    const expired = await authority.tokens.expired();
    await verifier.verify(expired).catch(() => {});
    const [span] = spansNamed("scopegate.verify");
    expect(span?.attributes).toEqual({
      "scopegate.outcome": "refused",
      "error.type": "ERR_TOKEN_EXPIRED",
      "scopegate.oauth.error": "invalid_token",
      "scopegate.response.status_code": 401,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    const exported = JSON.stringify(sdk.spans.getFinishedSpans().map((s) => s.attributes));
    for (const part of expired.split(".")) expect(exported).not.toContain(part);
  });

  it("marks the fetch and the verification as errors when the keys cannot be had (503)", async () => {
    const { verifier } = instrumented();
    authority.simulate("error500");
    await verifier.verify(await authority.mint()).catch(() => {});
    const [fetch] = spansNamed("scopegate.jwks.fetch");
    expect(fetch?.status).toEqual({ code: SpanStatusCode.ERROR, message: "ERR_FETCH_STATUS" });
    expect(fetch?.attributes).toMatchObject({
      "error.type": "ERR_FETCH_STATUS",
      "http.response.status_code": 500,
    });
    const [verify] = spansNamed("scopegate.verify");
    expect(verify?.status).toEqual({ code: SpanStatusCode.ERROR, message: "ERR_JWKS_UNAVAILABLE" });
    expect(verify?.attributes["scopegate.response.status_code"]).toBe(503);
  });

  it("records a discovery span when the JWKS URI is discovered from the issuer's metadata", async () => {
    const { verifier } = instrumented({}, { jwksUri: undefined });
    await verifier.verify(await authority.mint());
    const [discovery] = spansNamed("scopegate.discovery");
    expect(discovery?.attributes).toMatchObject({
      "scopegate.outcome": "success",
      "scopegate.issuer": authority.issuer,
    });
  });

  it("leaves the client id and scopes off spans with spanClientAttributes: false", async () => {
    const { verifier } = instrumented({ spanClientAttributes: false });
    await verifier.verify(await authority.mint({ scope: "event.read" }));
    const [span] = spansNamed("scopegate.verify");
    expect(Object.keys(span?.attributes ?? {})).not.toContain("scopegate.client_id");
    expect(Object.keys(span?.attributes ?? {})).not.toContain("scopegate.scopes");
  });

  it("records no span with traces: false", async () => {
    const { verifier } = instrumented({ traces: false });
    await verifier.verify(await authority.mint());
    expect(sdk.spans.getFinishedSpans()).toEqual([]);
  });
});

describe("metrics", () => {
  it("counts verifications by issuer, binding and cache hit, without client ids by default", async () => {
    const { verifier, sdk } = instrumented();
    const jwt = await authority.mint({ clientId: "task-service" });
    for (let i = 0; i < 3; i++) await verifier.verify(jwt);
    const metrics = await sdk.collectMetrics();
    expect(points(metrics.get("scopegate.verifications"))).toEqual([
      {
        attributes: {
          "scopegate.issuer": authority.issuer,
          "scopegate.binding": "bearer",
          "scopegate.token_cache.hit": false,
        },
        value: 2,
      },
      {
        attributes: {
          "scopegate.issuer": authority.issuer,
          "scopegate.binding": "bearer",
          "scopegate.token_cache.hit": true,
        },
        value: 1,
      },
    ]);
  });

  it("counts refusals by code, OAuth error and status, scope refusals included", async () => {
    const { verifier, sdk } = instrumented();
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
    const token = await verifier.verify(await authority.mint({ scope: "event.read" }));
    expect(() => verifier.requireScopes(token, { allOf: ["admin"] })).toThrow();
    const refusals = points((await sdk.collectMetrics()).get("scopegate.refusals"));
    expect(refusals).toEqual([
      {
        attributes: {
          "error.type": "ERR_TOKEN_EXPIRED",
          "scopegate.response.status_code": 401,
          "scopegate.oauth.error": "invalid_token",
        },
        value: 2,
      },
      {
        attributes: {
          "error.type": "ERR_INSUFFICIENT_SCOPE",
          "scopegate.response.status_code": 403,
          "scopegate.oauth.error": "insufficient_scope",
          "scopegate.issuer": authority.issuer,
        },
        value: 1,
      },
    ]);
  });

  it("labels client ids only when configured: listed ones by name, every other one as other", async () => {
    const { verifier, sdk } = instrumented({ metricAttributes: { clientId: ["task-service"] } });
    await verifier.verify(await authority.mint({ clientId: "task-service" }));
    await verifier.verify(await authority.mint({ clientId: "random-1" }));
    await verifier.verify(await authority.mint({ clientId: "random-2" }));
    const labels = points((await sdk.collectMetrics()).get("scopegate.verifications")).map((p) => [
      p.attributes["scopegate.client_id"],
      p.value,
    ]);
    expect(labels).toEqual([
      ["task-service", 1],
      ["other", 2],
    ]);
  });

  it("records verification and fetch durations in seconds, in buckets fit for microseconds to seconds", async () => {
    const { verifier, sdk } = instrumented();
    await verifier.verify(await authority.mint());
    const metrics = await sdk.collectMetrics();
    const verification = metrics.get("scopegate.verification.duration");
    expect(verification?.descriptor.unit).toBe("s");
    const [point] = (verification?.dataPoints ?? []) as {
      value: { count: number; buckets: { boundaries: number[] } };
    }[];
    expect(point?.value.count).toBe(1);
    expect(point?.value.buckets.boundaries[0]).toBe(0.000_005);
    const fetch = metrics.get("scopegate.jwks.fetch.duration");
    expect(fetch?.descriptor.unit).toBe("s");
    expect(points(metrics.get("scopegate.jwks.fetches"))).toEqual([
      {
        attributes: {
          "scopegate.outcome": "success",
          "scopegate.jwks.fetch.reason": "initial",
          "server.address": "127.0.0.1",
        },
        value: 1,
      },
    ]);
  });

  it("puts the JWKS URI on JWKS metrics only with metricAttributes.jwksUri", async () => {
    const { verifier, sdk } = instrumented({ metricAttributes: { jwksUri: true } });
    await verifier.verify(await authority.mint());
    const [fetches] = points((await sdk.collectMetrics()).get("scopegate.jwks.fetches"));
    expect(fetches?.attributes["url.full"]).toBe(authority.jwksUri);
  });

  it("counts failed fetches, refresh failures and stale keys served during an outage", async () => {
    let now = Date.now();
    const { verifier, sdk } = instrumented({}, { clock: () => now });
    await verifier.warm();
    authority.simulate("error500");
    now += 11 * 60_000;
    const jwt = await authority.mint({ expiresInSec: 3600 });
    await verifier.verify(jwt);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the background refresh fails
    await verifier.verify(jwt);
    const metrics = await sdk.collectMetrics();
    expect(points(metrics.get("scopegate.jwks.refresh_failures"))).toEqual([
      { attributes: { "error.type": "ERR_FETCH_STATUS", "server.address": "127.0.0.1" }, value: 1 },
    ]);
    expect(points(metrics.get("scopegate.jwks.stale_served"))).toEqual([
      { attributes: { "server.address": "127.0.0.1" }, value: 1 },
    ]);
    const failures = points(metrics.get("scopegate.jwks.fetches")).filter(
      (p) => p.attributes["scopegate.outcome"] === "failure",
    );
    expect(failures).toEqual([
      {
        attributes: {
          "scopegate.outcome": "failure",
          "scopegate.jwks.fetch.reason": "refresh",
          "error.type": "ERR_FETCH_STATUS",
          "server.address": "127.0.0.1",
        },
        value: 1,
      },
    ]);
  });
});

describe("createTelemetry", () => {
  it("works through the global API with no SDK registered: every call is a no-op", async () => {
    const telemetry = createTelemetry();
    const verifier = createVerifier({ ...authority.verifierOptions(), onEvent: telemetry.onEvent });
    await expect(verifier.verify(await authority.mint())).resolves.toBeDefined();
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
  });

  it("starts no span, not even a no-op one, while the API's proxy has no SDK behind it", async () => {
    const proxy = new CountingProxyTracerProvider();
    const telemetry = createTelemetry({ tracerProvider: proxy, metrics: false });
    const verifier = createVerifier({ ...authority.verifierOptions(), onEvent: telemetry.onEvent });
    await verifier.verify(await authority.mint());
    await verifier.verify(await authority.tokens.expired()).catch(() => {});
    expect(proxy.spansStarted).toBe(0);
  });

  it("records spans from the moment an SDK is registered behind the proxy, after createTelemetry()", async () => {
    sdk = inMemorySdk();
    const telemetry = createTelemetry({ metrics: false }); // the global proxy, no SDK yet
    const verifier = createVerifier({ ...authority.verifierOptions(), onEvent: telemetry.onEvent });
    const token = await authority.mint();
    await verifier.verify(token);
    expect(sdk.spans.getFinishedSpans()).toHaveLength(0);
    expect(trace.setGlobalTracerProvider(sdk.tracerProvider)).toBe(true);
    try {
      await verifier.verify(token);
      expect(spansNamed("scopegate.verify")).toHaveLength(1);
    } finally {
      trace.disable();
    }
  });

  it("says it is not listening while nothing can be recorded, so the verifier builds no events", () => {
    const proxy = new ProxyTracerProvider();
    const noop = { getMeter: () => createNoopMeter() };
    const telemetry = createTelemetry({ tracerProvider: proxy, meterProvider: noop });
    expect(telemetry.onEvent.listening?.()).toBe(false);
    sdk = inMemorySdk();
    proxy.setDelegate(sdk.tracerProvider);
    expect(telemetry.onEvent.listening?.()).toBe(true);
    const withMeter = createTelemetry({
      tracerProvider: new ProxyTracerProvider(),
      meterProvider: sdk.meterProvider,
    });
    expect(withMeter.onEvent.listening?.()).toBe(true);
  });

  it("creates no instrument and records nothing on the API's no-op meter", async () => {
    const noop = createNoopMeter();
    const created = [
      vi.spyOn(noop, "createCounter"),
      vi.spyOn(noop, "createHistogram"),
      vi.spyOn(noop, "createUpDownCounter"),
    ];
    try {
      const telemetry = createTelemetry({ meterProvider: { getMeter: () => noop }, traces: false });
      const verifier = createVerifier({ ...authority.verifierOptions(), onEvent: telemetry.onEvent });
      await verifier.verify(await authority.mint());
      for (const spy of created) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of created) spy.mockRestore();
    }
  });

  it("refuses unknown and ill-typed options with a TypeError naming them", () => {
    expect(() => createTelemetry({ tracer: {} } as TelemetryOptions)).toThrow(/`tracer`/);
    expect(() => createTelemetry({ metricAttributes: { clientIds: true } } as TelemetryOptions)).toThrow(
      /`metricAttributes.clientIds`/,
    );
    expect(() => createTelemetry({ metricAttributes: { clientId: "all" as unknown as true } })).toThrow(
      TypeError,
    );
    expect(() => createTelemetry({ traces: "yes" as unknown as boolean })).toThrow(/`traces`/);
    expect(() => createTelemetry({ meterProvider: {} as never })).toThrow(/`meterProvider`/);
  });

  it("reports the version of package.json as the instrumentation scope's", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(manifest.version);
  });
});

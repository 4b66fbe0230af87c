import type { MeterProvider, TracerProvider } from "@opentelemetry/api";

/** Which unbounded values may become metric attributes. Spans carry them regardless. */
export interface MetricAttributeOptions {
  /**
   * The calling client's id as `scopegate.client_id` on `scopegate.verifications` and
   * `scopegate.refusals`: `false` (never), an array (those client ids; any other is counted as
   * `"other"`), or `true` (every client id: only when the set of clients is small and known).
   * Default: `false`.
   */
  clientId?: boolean | readonly string[];
  /** The JWKS URI as `url.full` on the JWKS metrics. Default: `false` (`server.address` only). */
  jwksUri?: boolean;
}

export interface TelemetryOptions {
  /** Where spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Where metrics go. Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Record spans (`scopegate.verify`, `scopegate.jwks.fetch`, `scopegate.discovery`). Default: `true`. */
  traces?: boolean;
  /** Record metrics. Default: `true`. */
  metrics?: boolean;
  /** Put the client id and the scopes of verified tokens on `scopegate.verify` spans. Default: `true`. */
  spanClientAttributes?: boolean;
  /** Unbounded values allowed as metric attributes. Default: none. */
  metricAttributes?: MetricAttributeOptions;
}

export interface ResolvedTelemetryOptions {
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  traces: boolean;
  metrics: boolean;
  spanClientAttributes: boolean;
  clientIds: true | ReadonlySet<string> | null;
  jwksUri: boolean;
}

const KNOWN = [
  "tracerProvider",
  "meterProvider",
  "traces",
  "metrics",
  "spanClientAttributes",
  "metricAttributes",
];
const KNOWN_METRIC_ATTRIBUTES = ["clientId", "jwksUri"];

const fail = (option: string, fix: string): never => {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
};

function checkKeys(where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(`${where}${key}`, `unknown option; expected one of ${known.join(", ")}.`);
  }
}

function checkBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(option, "expected true or false.");
  return value as boolean;
}

function checkProvider<P>(option: string, value: P | undefined, method: string): P | undefined {
  if (value === undefined) return undefined;
  const candidate = value as Record<string, unknown> | null;
  if (typeof candidate !== "object" || candidate === null || typeof candidate[method] !== "function") {
    fail(option, `expected an OpenTelemetry provider with a ${method}() method.`);
  }
  return value;
}

function checkClientIds(value: unknown): true | ReadonlySet<string> | null {
  if (value === undefined || value === false) return null;
  if (value === true) return true;
  if (Array.isArray(value) && value.every((id) => typeof id === "string" && id.length > 0)) {
    return new Set(value as string[]);
  }
  return fail("metricAttributes.clientId", "expected false, true, or an array of client ids.");
}

/** Checks the options and applies defaults. Throws a `TypeError` naming the option. */
export function resolveTelemetryOptions(options: TelemetryOptions = {}): ResolvedTelemetryOptions {
  if (typeof options !== "object" || options === null) fail("options", "pass an options object.");
  checkKeys("", options, KNOWN);
  const metricAttributes = options.metricAttributes ?? {};
  if (typeof metricAttributes !== "object" || metricAttributes === null) {
    fail("metricAttributes", "expected an object: { clientId?, jwksUri? }.");
  }
  checkKeys("metricAttributes.", metricAttributes, KNOWN_METRIC_ATTRIBUTES);
  return {
    tracerProvider: checkProvider("tracerProvider", options.tracerProvider, "getTracer"),
    meterProvider: checkProvider("meterProvider", options.meterProvider, "getMeter"),
    traces: checkBoolean("traces", options.traces, true),
    metrics: checkBoolean("metrics", options.metrics, true),
    spanClientAttributes: checkBoolean("spanClientAttributes", options.spanClientAttributes, true),
    clientIds: checkClientIds(metricAttributes.clientId),
    jwksUri: checkBoolean("metricAttributes.jwksUri", metricAttributes.jwksUri, false),
  };
}

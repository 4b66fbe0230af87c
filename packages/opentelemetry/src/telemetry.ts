import { metrics, trace } from "@opentelemetry/api";
import type { ScopegateEvent, ScopegateEventListener } from "@scopegate/core";
import { createInstruments } from "./metrics.js";
import { recordDiscovery, recordFetch, recordRefused, recordVerified } from "./spans.js";
import { resolveTelemetryOptions, type TelemetryOptions } from "./telemetry-options.js";
import { VERSION } from "./version.js";

/** The instrumentation scope every span and metric is recorded under. */
export const INSTRUMENTATION_NAME = "@scopegate/opentelemetry";

export interface Telemetry {
  /**
   * The listener to give scopegate: `createVerifier({ …, onEvent: telemetry.onEvent })`, the same
   * in every adapter's options, or `jwksCache.subscribe(telemetry.onEvent)` for a shared cache.
   */
  readonly onEvent: ScopegateEventListener;
}

/**
 * Turns scopegate's events into OpenTelemetry spans and metrics, through `@opentelemetry/api` only:
 * with no SDK registered every call is a no-op. Options are checked now (a `TypeError` names a bad one).
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const resolved = resolveTelemetryOptions(options);
  const tracer = resolved.traces
    ? (resolved.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_NAME, VERSION)
    : undefined;
  const instruments = resolved.metrics
    ? createInstruments(
        (resolved.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_NAME, VERSION),
        resolved,
      )
    : undefined;
  const withClient = resolved.spanClientAttributes;

  function traceEvent(event: ScopegateEvent): void {
    if (tracer === undefined) return;
    switch (event.type) {
      case "token_verified":
        recordVerified(tracer, event, withClient);
        break;
      case "token_refused":
        // Scope refusals (no duration) happen after a verification that has its span already.
        if (event.durationMs !== undefined) recordRefused(tracer, event, event.durationMs);
        break;
      case "fetch_succeeded":
      case "fetch_failed":
        recordFetch(tracer, event);
        break;
      case "discovery_succeeded":
      case "discovery_failed":
        recordDiscovery(tracer, event);
        break;
    }
  }

  return {
    onEvent(event) {
      traceEvent(event);
      instruments?.record(event);
    },
  };
}

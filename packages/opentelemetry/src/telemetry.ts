import { metrics, type Tracer, trace } from "@opentelemetry/api";
import type { ScopegateEvent, ScopegateEventListener } from "@scopegate/core";
import { createInstruments } from "./metrics.js";
import { createTracerSource, recordingMeter } from "./providers.js";
import { recordDiscovery, recordFetch, recordIntrospection, recordRefused, recordVerified } from "./spans.js";
import { resolveTelemetryOptions, type TelemetryOptions } from "./telemetry-options.js";
import { VERSION } from "./version.js";

/** The instrumentation scope every span and metric is recorded under. */
export const INSTRUMENTATION_NAME = "@scopegate/opentelemetry";

export interface Telemetry {
  /**
   * The listener to give scopegate: `createVerifier({ …, onEvent: telemetry.onEvent })`, the same
   * in every adapter's options, or `jwksCache.subscribe(telemetry.onEvent)` for a shared cache. Its
   * `listening()` is `false` while no SDK is registered, so the verifier does not even build events.
   */
  readonly onEvent: ScopegateEventListener;
}

/**
 * Turns scopegate's events into OpenTelemetry spans and metrics, through `@opentelemetry/api` only:
 * with no SDK registered nothing is built or recorded (no span is started, no instrument is created).
 * Options are checked now (a `TypeError` names a bad one).
 */
export function createTelemetry(options: TelemetryOptions = {}): Telemetry {
  const resolved = resolveTelemetryOptions(options);
  const tracerOf = resolved.traces
    ? createTracerSource(resolved.tracerProvider ?? trace.getTracerProvider(), INSTRUMENTATION_NAME, VERSION)
    : () => undefined;
  const meter = resolved.metrics
    ? recordingMeter(resolved.meterProvider ?? metrics.getMeterProvider(), INSTRUMENTATION_NAME, VERSION)
    : undefined;
  const instruments = meter && createInstruments(meter, resolved);
  const withClient = resolved.spanClientAttributes;

  function traceEvent(tracer: Tracer, event: ScopegateEvent): void {
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
      case "introspection_succeeded":
      case "introspection_failed":
        recordIntrospection(tracer, event);
        break;
    }
  }

  const onEvent: ScopegateEventListener = Object.assign(
    (event: ScopegateEvent): void => {
      const tracer = tracerOf();
      if (tracer !== undefined) traceEvent(tracer, event);
      instruments?.record(event);
    },
    // Without an SDK nothing is recorded: the verifier then skips building and timing its events.
    { listening: (): boolean => instruments !== undefined || tracerOf() !== undefined },
  );
  return { onEvent };
}

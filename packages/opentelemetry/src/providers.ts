import {
  createNoopMeter,
  type Meter,
  type MeterProvider,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";

/**
 * The API's proxy tracer provider (what `trace.getTracerProvider()` returns, also from another copy
 * of the API): it has a real tracer only once an SDK is registered behind it.
 */
interface DelegatingTracerProvider extends TracerProvider {
  getDelegateTracer(name: string, version?: string): Tracer | undefined;
}

function isDelegating(provider: TracerProvider): provider is DelegatingTracerProvider {
  return typeof (provider as Partial<DelegatingTracerProvider>).getDelegateTracer === "function";
}

/**
 * Where each event finds its tracer: `undefined` while `provider` is the API's proxy with no SDK
 * behind it, so no span, not even a no-op one, is started; the SDK's tracer from the moment one is
 * registered (kept from then on, as the API's own proxy tracer does). Any other provider's tracer
 * is taken once.
 */
export function createTracerSource(
  provider: TracerProvider,
  name: string,
  version: string,
): () => Tracer | undefined {
  if (!isDelegating(provider)) {
    const tracer = provider.getTracer(name, version);
    return () => tracer;
  }
  let tracer: Tracer | undefined;
  return () => {
    tracer ??= provider.getDelegateTracer(name, version);
    return tracer;
  };
}

/**
 * The meter to record with, or `undefined` when it is the API's no-op: the meter of the global
 * provider while no SDK is registered, which stays a no-op even after one is (the metrics API has no
 * proxy), so nothing is ever recorded on it.
 */
export function recordingMeter(provider: MeterProvider, name: string, version: string): Meter | undefined {
  const meter = provider.getMeter(name, version);
  return meter === createNoopMeter() ? undefined : meter;
}

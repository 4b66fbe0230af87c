import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  type MetricData,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

/** A tracer provider and a meter provider that keep everything in memory, for assertions. */
export function inMemorySdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });

  /** Every metric collected so far, by name. */
  async function collectMetrics(): Promise<Map<string, MetricData>> {
    metricExporter.reset();
    await reader.forceFlush();
    const byName = new Map<string, MetricData>();
    for (const resource of metricExporter.getMetrics())
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }

  return {
    spans,
    tracerProvider,
    meterProvider,
    collectMetrics,
    async shutdown() {
      await Promise.all([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

/** The data points of a metric, as `{ attributes, value }`. */
export function points(
  metric: MetricData | undefined,
): { attributes: Record<string, unknown>; value: unknown }[] {
  return ((metric?.dataPoints ?? []) as DataPoint<unknown>[]).map(({ attributes, value }) => ({
    attributes,
    value,
  }));
}

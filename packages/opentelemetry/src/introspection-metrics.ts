import type { Attributes, Meter } from "@opentelemetry/api";
import type {
  IntrospectionCacheHitEvent,
  IntrospectionFailedEvent,
  IntrospectionSucceededEvent,
} from "@scopegate/core";
import {
  ATTR_ERROR_TYPE,
  ATTR_INTROSPECTION_ACTIVE,
  ATTR_ISSUER,
  ATTR_OUTCOME,
  ATTR_SERVER_ADDRESS,
  METRIC_INTROSPECTION_CACHE_HITS,
  METRIC_INTROSPECTION_DURATION,
  METRIC_INTROSPECTIONS,
} from "./attributes.js";
import { hostOf } from "./spans.js";

/** An introspection takes milliseconds to `timeoutMs` (5 s by default), as a JWKS fetch does. */
const INTROSPECTION_BUCKETS_SEC = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type IntrospectionMetricEvent =
  | IntrospectionSucceededEvent
  | IntrospectionFailedEvent
  | IntrospectionCacheHitEvent;

/**
 * The introspection instruments: requests by outcome (and `active`), their duration, and the answers
 * served without a request. Labels: the issuer and the endpoint's host (configuration), the outcome,
 * `active`, the failure code: a small, fixed set.
 */
export function createIntrospectionInstruments(meter: Meter): (event: IntrospectionMetricEvent) => void {
  const requests = meter.createCounter(METRIC_INTROSPECTIONS, {
    description: "Token introspection requests (RFC 7662), by outcome.",
    unit: "{request}",
  });
  const duration = meter.createHistogram(METRIC_INTROSPECTION_DURATION, {
    description: "Duration of token introspection requests.",
    unit: "s",
    advice: { explicitBucketBoundaries: INTROSPECTION_BUCKETS_SEC },
  });
  const cacheHits = meter.createCounter(METRIC_INTROSPECTION_CACHE_HITS, {
    description: "Tokens answered from the introspection cache, or by a request already under way.",
    unit: "{hit}",
  });

  return (event) => {
    if (event.type === "introspection_cache_hit") {
      cacheHits.add(1, { [ATTR_ISSUER]: event.issuer, [ATTR_INTROSPECTION_ACTIVE]: event.active });
      return;
    }
    const attributes: Attributes = { [ATTR_ISSUER]: event.issuer };
    const host = event.endpoint === undefined ? undefined : hostOf(event.endpoint);
    if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
    if (event.type === "introspection_succeeded") {
      attributes[ATTR_OUTCOME] = "success";
      attributes[ATTR_INTROSPECTION_ACTIVE] = event.active;
    } else {
      attributes[ATTR_OUTCOME] = "failure";
      attributes[ATTR_ERROR_TYPE] = event.code;
    }
    requests.add(1, attributes);
    duration.record(event.durationMs / 1000, attributes);
  };
}

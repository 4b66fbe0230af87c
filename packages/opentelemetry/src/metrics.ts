import type { Attributes, Counter, Meter } from "@opentelemetry/api";
import type { ScopegateEvent, TokenRefusedEvent, TokenVerifiedEvent } from "@scopegate/core";
import {
  ATTR_BINDING,
  ATTR_CLIENT_ID,
  ATTR_ERROR_TYPE,
  ATTR_FETCH_REASON,
  ATTR_ISSUER,
  ATTR_OAUTH_ERROR,
  ATTR_OUTCOME,
  ATTR_SERVER_ADDRESS,
  ATTR_STATUS_CODE,
  ATTR_TOKEN_CACHE_HIT,
  ATTR_UNKNOWN_KID_ACTION,
  ATTR_URL_FULL,
  METRIC_DISCOVERIES,
  METRIC_JWKS_FETCH_DURATION,
  METRIC_JWKS_FETCHES,
  METRIC_REFRESH_FAILURES,
  METRIC_REFUSALS,
  METRIC_REPLAYS,
  METRIC_STALE_SERVED,
  METRIC_UNKNOWN_KID,
  METRIC_VERIFICATION_DURATION,
  METRIC_VERIFICATIONS,
} from "./attributes.js";
import { createIntrospectionInstruments } from "./introspection-metrics.js";
import { hostOf } from "./spans.js";
import type { ResolvedTelemetryOptions } from "./telemetry-options.js";

/** Verification takes microseconds (token cache) to a few seconds (a cold JWKS fetch). */
const VERIFY_BUCKETS_SEC = [
  0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** A JWKS fetch takes milliseconds to `timeoutMs` (5 s by default). */
const FETCH_BUCKETS_SEC = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface Instruments {
  record(event: ScopegateEvent): void;
}

/** Creates scopegate's instruments on `meter`; `record` turns an event into measurements. */
export function createInstruments(meter: Meter, options: ResolvedTelemetryOptions): Instruments {
  const verifications = meter.createCounter(METRIC_VERIFICATIONS, {
    description: "Access tokens that passed verification.",
    unit: "{verification}",
  });
  const refusals = meter.createCounter(METRIC_REFUSALS, {
    description: "Requests refused (400, 401, 403, 503), by error code.",
    unit: "{refusal}",
  });
  const verifyDuration = meter.createHistogram(METRIC_VERIFICATION_DURATION, {
    description: "Time spent verifying an access token, verified or refused.",
    unit: "s",
    advice: { explicitBucketBoundaries: VERIFY_BUCKETS_SEC },
  });
  const fetches = meter.createCounter(METRIC_JWKS_FETCHES, {
    description: "JWKS fetches, by outcome and reason.",
    unit: "{fetch}",
  });
  const fetchDuration = meter.createHistogram(METRIC_JWKS_FETCH_DURATION, {
    description: "Duration of JWKS fetches.",
    unit: "s",
    advice: { explicitBucketBoundaries: FETCH_BUCKETS_SEC },
  });
  const staleServed = counter(meter, METRIC_STALE_SERVED, "Stale keys served because a refresh failed.");
  const refreshFailures = counter(meter, METRIC_REFRESH_FAILURES, "Failed fetches while keys were cached.");
  const unknownKid = counter(meter, METRIC_UNKNOWN_KID, "Tokens naming a key id the cached JWKS lacks.");
  const discoveries = meter.createCounter(METRIC_DISCOVERIES, {
    description: "Authorization server metadata fetches, by outcome.",
    unit: "{fetch}",
  });
  const replays = counter(meter, METRIC_REPLAYS, "Replayed proofs of possession (e.g. DPoP `jti`).");
  const introspection = createIntrospectionInstruments(meter);

  const clientLabel = (clientId: string | undefined): string | undefined => {
    const allowed = options.clientIds;
    if (allowed === null || clientId === undefined) return undefined;
    return allowed === true || allowed.has(clientId) ? clientId : "other";
  };
  const jwksAttributes = (jwksUri: string, attributes: Attributes): Attributes => {
    const host = hostOf(jwksUri);
    if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
    if (options.jwksUri) attributes[ATTR_URL_FULL] = jwksUri;
    return attributes;
  };

  function verified(event: TokenVerifiedEvent): void {
    const attributes: Attributes = {
      [ATTR_ISSUER]: event.issuer,
      [ATTR_BINDING]: event.binding,
      [ATTR_TOKEN_CACHE_HIT]: event.cached,
    };
    const client = clientLabel(event.clientId);
    if (client !== undefined) attributes[ATTR_CLIENT_ID] = client;
    verifications.add(1, attributes);
    verifyDuration.record(event.durationMs / 1000, {
      [ATTR_OUTCOME]: "verified",
      [ATTR_TOKEN_CACHE_HIT]: event.cached,
    });
  }

  function refused(event: TokenRefusedEvent): void {
    const attributes: Attributes = { [ATTR_ERROR_TYPE]: event.code, [ATTR_STATUS_CODE]: event.status };
    if (event.error !== undefined) attributes[ATTR_OAUTH_ERROR] = event.error;
    if (event.issuer !== undefined) attributes[ATTR_ISSUER] = event.issuer;
    const client = clientLabel(event.clientId);
    if (client !== undefined) attributes[ATTR_CLIENT_ID] = client;
    refusals.add(1, attributes);
    if (event.durationMs !== undefined) {
      verifyDuration.record(event.durationMs / 1000, {
        [ATTR_OUTCOME]: "refused",
        [ATTR_ERROR_TYPE]: event.code,
      });
    }
  }

  return {
    record(event) {
      switch (event.type) {
        case "token_verified":
          return verified(event);
        case "token_refused":
          return refused(event);
        case "fetch_succeeded":
        case "fetch_failed": {
          const failed = event.type === "fetch_failed";
          const attributes = jwksAttributes(event.jwksUri, {
            [ATTR_OUTCOME]: failed ? "failure" : "success",
            [ATTR_FETCH_REASON]: event.reason,
          });
          if (failed) attributes[ATTR_ERROR_TYPE] = event.error.code;
          fetches.add(1, attributes);
          fetchDuration.record(event.durationMs / 1000, attributes);
          return;
        }
        case "stale_served":
          return staleServed.add(1, jwksAttributes(event.jwksUri, {}));
        case "refresh_failed":
          return refreshFailures.add(
            1,
            jwksAttributes(event.jwksUri, { [ATTR_ERROR_TYPE]: event.error.code }),
          );
        case "unknown_kid":
          return unknownKid.add(
            1,
            jwksAttributes(event.jwksUri, { [ATTR_UNKNOWN_KID_ACTION]: event.action }),
          );
        case "discovery_succeeded":
        case "discovery_failed": {
          const failed = event.type === "discovery_failed";
          const attributes: Attributes = {
            [ATTR_OUTCOME]: failed ? "failure" : "success",
            [ATTR_ISSUER]: event.issuer,
          };
          if (failed) attributes[ATTR_ERROR_TYPE] = event.error.code;
          return discoveries.add(1, attributes);
        }
        case "replay_detected": {
          const attributes: Attributes = { [ATTR_BINDING]: event.binding };
          if (event.issuer !== undefined) attributes[ATTR_ISSUER] = event.issuer;
          return replays.add(1, attributes);
        }
        case "introspection_succeeded":
        case "introspection_failed":
        case "introspection_cache_hit":
          return introspection(event);
      }
    },
  };
}

function counter(meter: Meter, name: string, description: string): Counter {
  return meter.createCounter(name, { description, unit: "{event}" });
}

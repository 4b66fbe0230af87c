import { type Attributes, context, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import type {
  DiscoveryFailedEvent,
  DiscoverySucceededEvent,
  IntrospectionFailedEvent,
  IntrospectionSucceededEvent,
  JwksFetchFailedEvent,
  JwksFetchSucceededEvent,
  TokenRefusedEvent,
  TokenVerifiedEvent,
} from "@scopegate/core";
import {
  ATTR_BINDING,
  ATTR_CLIENT_ID,
  ATTR_ERROR_TYPE,
  ATTR_FETCH_REASON,
  ATTR_HTTP_STATUS_CODE,
  ATTR_INTROSPECTION_ACTIVE,
  ATTR_ISSUER,
  ATTR_KEY_COUNT,
  ATTR_OAUTH_ERROR,
  ATTR_OUTCOME,
  ATTR_SCOPES,
  ATTR_SERVER_ADDRESS,
  ATTR_STATUS_CODE,
  ATTR_TOKEN_CACHE_HIT,
  ATTR_URL_FULL,
  SPAN_DISCOVERY,
  SPAN_INTROSPECTION,
  SPAN_JWKS_FETCH,
  SPAN_VERIFY,
} from "./attributes.js";

/**
 * Records a span that has just ended: scopegate reports an operation when it is over, with its
 * duration, so the span starts `durationMs` before now, under the context active now (the request's).
 */
function recordEnded(
  tracer: Tracer,
  name: string,
  durationMs: number,
  describe: () => Attributes,
  failure?: string,
): void {
  const end = performance.now();
  const span = tracer.startSpan(name, { startTime: end - durationMs }, context.active());
  if (span.isRecording()) {
    span.setAttributes(describe());
    if (failure !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
  }
  span.end(end);
}

export function recordVerified(tracer: Tracer, event: TokenVerifiedEvent, withClient: boolean): void {
  recordEnded(tracer, SPAN_VERIFY, event.durationMs, () => {
    const attributes: Attributes = {
      [ATTR_OUTCOME]: "verified",
      [ATTR_ISSUER]: event.issuer,
      [ATTR_BINDING]: event.binding,
      [ATTR_TOKEN_CACHE_HIT]: event.cached,
    };
    if (withClient) {
      if (event.clientId !== undefined) attributes[ATTR_CLIENT_ID] = event.clientId;
      attributes[ATTR_SCOPES] = [...event.scopes];
    }
    return attributes;
  });
}

/** A refusal from `verify()`/`authenticate()`; scope refusals have no duration and no span. */
export function recordRefused(tracer: Tracer, event: TokenRefusedEvent, durationMs: number): void {
  // A refused token is an answer, not a failure of scopegate; keys that cannot be had (503) are.
  const failure = event.status >= 500 ? event.code : undefined;
  recordEnded(
    tracer,
    SPAN_VERIFY,
    durationMs,
    () => {
      const attributes: Attributes = {
        [ATTR_OUTCOME]: "refused",
        [ATTR_ERROR_TYPE]: event.code,
        [ATTR_STATUS_CODE]: event.status,
      };
      if (event.error !== undefined) attributes[ATTR_OAUTH_ERROR] = event.error;
      return attributes;
    },
    failure,
  );
}

export function recordFetch(tracer: Tracer, event: JwksFetchSucceededEvent | JwksFetchFailedEvent): void {
  const failed = event.type === "fetch_failed";
  recordEnded(
    tracer,
    SPAN_JWKS_FETCH,
    event.durationMs,
    () => {
      const attributes: Attributes = {
        [ATTR_OUTCOME]: failed ? "failure" : "success",
        [ATTR_URL_FULL]: event.jwksUri,
        [ATTR_FETCH_REASON]: event.reason,
      };
      const host = hostOf(event.jwksUri);
      if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
      if (event.type === "fetch_succeeded") attributes[ATTR_KEY_COUNT] = event.keyCount;
      else setFailure(attributes, event.error.code, event.error.status);
      return attributes;
    },
    failed ? event.error.code : undefined,
  );
}

export function recordDiscovery(tracer: Tracer, event: DiscoverySucceededEvent | DiscoveryFailedEvent): void {
  const failed = event.type === "discovery_failed";
  recordEnded(
    tracer,
    SPAN_DISCOVERY,
    event.durationMs,
    () => {
      const attributes: Attributes = {
        [ATTR_OUTCOME]: failed ? "failure" : "success",
        [ATTR_ISSUER]: event.issuer,
      };
      if (event.type === "discovery_succeeded") attributes[ATTR_URL_FULL] = event.metadataUrl;
      else setFailure(attributes, event.error.code, event.error.status);
      return attributes;
    },
    failed ? event.error.code : undefined,
  );
}

/** An introspection request (RFC 7662): never the token, never its hash. */
export function recordIntrospection(
  tracer: Tracer,
  event: IntrospectionSucceededEvent | IntrospectionFailedEvent,
): void {
  const failed = event.type === "introspection_failed";
  recordEnded(
    tracer,
    SPAN_INTROSPECTION,
    event.durationMs,
    () => {
      const attributes: Attributes = {
        [ATTR_OUTCOME]: failed ? "failure" : "success",
        [ATTR_ISSUER]: event.issuer,
      };
      if (event.endpoint !== undefined) {
        attributes[ATTR_URL_FULL] = event.endpoint;
        const host = hostOf(event.endpoint);
        if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
      }
      if (event.type === "introspection_succeeded") attributes[ATTR_INTROSPECTION_ACTIVE] = event.active;
      else setFailure(attributes, event.code, event.status);
      return attributes;
    },
    failed ? event.code : undefined,
  );
}

/** A failed fetch's code (`error.type`) and the HTTP status it got, if any. */
function setFailure(attributes: Attributes, code: string, status: number | undefined): void {
  attributes[ATTR_ERROR_TYPE] = code;
  if (status !== undefined) attributes[ATTR_HTTP_STATUS_CODE] = status;
}

/** The host of a URL (`server.address`), `undefined` if it does not parse. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

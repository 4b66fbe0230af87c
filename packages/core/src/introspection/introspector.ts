import type { Algorithm } from "../base/algorithms.js";
import { emitSafely } from "../base/option-checks.js";
import type { JwtClaims, JwtHeader, VerifiedToken } from "../base/types.js";
import type { ScopegateEventListener } from "../events/scopegate-event.js";
import { InvalidTokenError } from "../http/errors.js";
import { IntrospectionUnavailableError } from "../http/unavailable-errors.js";
import type { FetchLike } from "../keys/fetch-json.js";
import { createRefetchLimiter } from "../keys/refetch-limiter.js";
import type { ClaimCheckOptions } from "../token/claims.js";
import { createClientAuth } from "./client-auth.js";
import {
  checkIntrospectedClaims,
  INTROSPECTED_HEADER,
  readAnswer,
  toIntrospectedToken,
} from "./introspection-answer.js";
import { createIntrospectionCache, type IntrospectionAnswer } from "./introspection-cache.js";
import { IntrospectionFailure } from "./introspection-failure.js";
import type { IntrospectionEvent, ResolvedIntrospectionOptions } from "./introspection-options.js";
import { requestIntrospection } from "./introspection-request.js";
import { type AnswerKeyLookup, verifyJwtAnswer } from "./jwt-answer.js";
import { hashToken } from "./token-hash.js";

/** What the introspector takes from the verifier around it. */
export interface IntrospectorContext {
  fetch: FetchLike;
  clock: () => number;
  /** Algorithms a signed (RFC 9701) answer may use. */
  algorithms: readonly Algorithm[];
  /** The verifier's claim options: issuers, audiences, tolerance, clients, scope and client claims. */
  claims: ClaimCheckOptions;
  /** Largest token sent for introspection, in bytes. */
  maxTokenBytes: number;
  /** The `introspection_endpoint` of the issuer's metadata (when `endpoint` is not configured). */
  discoverEndpoint: (issuer: string) => Promise<string | undefined>;
  /** The issuer's signing key for a signed answer. */
  answerKey: AnswerKeyLookup;
  /** The verifier's event listeners (`undefined` when nobody listens: no event is built). */
  emit?: ScopegateEventListener | undefined;
  /** The verifier's own checks (custom validators), run on every use after the built-in ones. */
  validate?: (claims: Readonly<JwtClaims>, header: Readonly<JwtHeader>) => void | Promise<void>;
}

export interface Introspector {
  /** True when `token` is checked by introspection: it is not a compact JWT, or `tokens` is `"all"`. */
  handles(token: string): boolean;
  /**
   * Checks `token` with the authorization server (or a cached answer). Resolves the same
   * {@link VerifiedToken} a JWT gives; rejects with `InvalidTokenError` (401: inactive, or a claim
   * check failed) or `IntrospectionUnavailableError` (503: no usable answer could be had).
   */
  verify(token: string): Promise<VerifiedToken>;
  /** Discovers the endpoint now, if it is not configured. Rejects with `IntrospectionUnavailableError`. */
  warm(): Promise<void>;
}

/** A compact JWS: three segments. Anything else (opaque, a JWE) is not verified locally. */
export function looksLikeJwt(token: string): boolean {
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  return second > 0 && token.indexOf(".", second + 1) === -1;
}

/**
 * Creates the RFC 7662 introspection path of a verifier: answers cached by the token's SHA-256 for
 * `min(exp, maxAgeSec)` (inactive ones for `inactiveMaxAgeSec`), one request per token at a time,
 * a failure backoff, RFC 9701 signed answers verified with the issuer's keys, and every claim check
 * a JWT passes run against the answer on every use.
 */
export function createIntrospector(
  options: ResolvedIntrospectionOptions,
  context: IntrospectorContext,
): Introspector {
  const { clock } = context;
  const cache = createIntrospectionCache(options.cache, clock);
  const limiter = createRefetchLimiter({ cooldownMs: 0, failureBackoffMs: options.failureBackoffMs });
  const clientAuth = createClientAuth(options);
  const emit = reporter(options.onEvent, context.emit);

  const unavailable = (cause: IntrospectionFailure | undefined, waitMs: number) =>
    new IntrospectionUnavailableError({ cause, retryAfterSec: Math.max(1, waitMs / 1000) });

  async function endpoint(): Promise<string> {
    if (options.endpoint !== undefined) return options.endpoint;
    let found: string | undefined;
    try {
      found = await context.discoverEndpoint(options.issuer);
    } catch {
      found = undefined;
    }
    if (found === undefined) throw new IntrospectionFailure("ERR_INTROSPECTION_ENDPOINT");
    return found;
  }

  async function ask(token: string, url: string): Promise<IntrospectionAnswer> {
    const result = await requestIntrospection(token, {
      endpoint: url,
      issuer: options.issuer,
      clientId: options.clientId,
      clientAuth,
      jwtResponse: options.jwtResponse,
      algorithms: context.algorithms,
      fetch: context.fetch,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      clockSkewSec: Math.round((clock() - Date.now()) / 1000),
      clockToleranceSec: context.claims.clockToleranceSec,
    });
    if (result.jwt !== undefined) {
      await verifyJwtAnswer(result.jwt, {
        algorithms: context.algorithms,
        maxBytes: options.maxResponseBytes,
        endpoint: url,
        keyFor: context.answerKey,
      });
    }
    return readAnswer(result.body, token, options.issuer);
  }

  /** One introspection: refused during the backoff; every failure a 503 that starts one. */
  async function introspect(token: string): Promise<IntrospectionAnswer> {
    const started = clock();
    const waitMs = limiter.backoffRemainingMs(started);
    if (waitMs > 0) throw unavailable(undefined, waitMs);
    let url: string | undefined;
    try {
      url = await endpoint();
      const answer = await ask(token, url);
      limiter.recordSuccess();
      emit?.({
        type: "introspection_succeeded",
        endpoint: url,
        issuer: options.issuer,
        active: answer.active,
        durationMs: clock() - started,
      });
      return answer;
    } catch (error) {
      const failure =
        error instanceof IntrospectionFailure
          ? error
          : new IntrospectionFailure("ERR_INTROSPECTION_RESPONSE", { endpoint: url });
      limiter.recordFailure(clock());
      emit?.({
        type: "introspection_failed",
        endpoint: url,
        issuer: options.issuer,
        code: failure.code,
        status: failure.status,
        durationMs: clock() - started,
      });
      throw unavailable(failure, options.failureBackoffMs);
    }
  }

  async function verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== "string" || token.length === 0) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
    if (token.length > context.maxTokenBytes) throw new InvalidTokenError("ERR_TOKEN_TOO_LARGE");
    let asked = false;
    const record = await cache.lookup(await hashToken(token), () => {
      asked = true;
      return introspect(token);
    });
    if (!asked && context.emit !== undefined) {
      context.emit({ type: "introspection_cache_hit", issuer: options.issuer, active: record.active });
    }
    if (!record.active || record.claims === undefined) throw new InvalidTokenError("ERR_TOKEN_INACTIVE");
    checkIntrospectedClaims(record.claims, context.claims, clock() / 1000);
    if (context.validate !== undefined) await context.validate(record.claims, INTROSPECTED_HEADER);
    return toIntrospectedToken(token, record.claims, context.claims);
  }

  return {
    handles: (token) => options.tokens === "all" || !looksLikeJwt(token),
    verify,
    async warm() {
      try {
        await endpoint();
      } catch (error) {
        throw unavailable(
          error instanceof IntrospectionFailure ? error : undefined,
          options.failureBackoffMs,
        );
      }
    },
  };
}

/**
 * One function reporting an introspection's outcome to the deprecated `introspection.onEvent` and to
 * the verifier's listeners; `undefined` when there are neither, so no event is built.
 */
function reporter(
  legacy: ((event: IntrospectionEvent) => void) | undefined,
  emit: ScopegateEventListener | undefined,
): ((event: IntrospectionEvent) => void) | undefined {
  if (legacy === undefined) return emit;
  if (emit === undefined) return (event) => emitSafely(legacy, event);
  return (event) => {
    emitSafely(legacy, event);
    emit(event);
  };
}

import type { VerifiedToken } from "./base/types.js";
import { createEventHub } from "./events/event-hub.js";
import type { ScopegateEventListener, TokenBinding } from "./events/scopegate-event.js";
import { isBearerError } from "./http/errors.js";
import type { Discovery } from "./keys/discovery.js";
import type { JwksCache } from "./keys/jwks-cache.js";
import type { Verifier } from "./verifier.js";

/** A verifier's event plumbing; only built when it has listeners. */
export interface VerifierEvents {
  /** Delivers an event to the verifier's listeners, for the parts that report on their own (introspection, replay). */
  readonly emit: ScopegateEventListener;
  /** Results the token cache is serving; each is taken out when reported. */
  readonly fromCache: WeakSet<VerifiedToken>;
  /** The verifier, reporting its decisions. */
  observe(verifier: Verifier): Verifier;
}

/**
 * Subscribes `listeners` to the verifier's own parts (its JWKS cache when it made it, its discovery);
 * `undefined` when there are no listeners, so nothing is reported or wrapped.
 */
export function createVerifierEvents(
  listeners: readonly ScopegateEventListener[],
  ownJwksCache: JwksCache | undefined,
  discovery: Discovery,
): VerifierEvents | undefined {
  const hub = createEventHub();
  for (const listener of listeners) hub.subscribe(listener);
  const emit = hub.emit;
  if (emit === undefined) return undefined;
  ownJwksCache?.subscribe?.(emit);
  discovery.subscribe?.(emit);
  const fromCache = new WeakSet<VerifiedToken>();
  const listening = listeningProbe(listeners);
  return { emit, fromCache, observe: (verifier) => observeVerifier(verifier, emit, fromCache, listening) };
}

/**
 * Whether any listener records anything now: `undefined` (always) unless every listener says when
 * it does (`listener.listening`).
 */
function listeningProbe(listeners: readonly ScopegateEventListener[]): (() => boolean) | undefined {
  const probes: (() => boolean)[] = [];
  for (const listener of listeners) {
    if (typeof listener.listening !== "function") return undefined;
    probes.push(listener.listening);
  }
  if (probes.length === 1) return probes[0];
  return () => probes.some((probe) => probe());
}

/**
 * A verifier that reports `token_verified` and `token_refused` to `emit`. Only verifiers with a
 * listener are wrapped: without one, nothing here runs; while `listening` says no, nearly nothing. `fromCache` holds the results the token
 * cache has just served (any other was verified afresh, or introspected); each is taken out when
 * reported.
 */
export function observeVerifier(
  verifier: Verifier,
  emit: ScopegateEventListener,
  fromCache: WeakSet<VerifiedToken>,
  listening?: () => boolean,
): Verifier {
  const observe = (started: number, verifying: Promise<VerifiedToken>): Promise<VerifiedToken> =>
    verifying.then(
      (token) => {
        emit({
          type: "token_verified",
          issuer: token.issuer,
          clientId: token.clientId,
          scopes: token.scopes,
          binding: bindingOf(token),
          cached: fromCache.delete(token),
          durationMs: performance.now() - started,
        });
        return token;
      },
      (error: unknown) => {
        refused(emit, error, undefined, performance.now() - started);
        throw error;
      },
    );
  // While no listener records anything, a verification is not timed and builds no event.
  const quiet = (): boolean => listening !== undefined && !listening();
  return {
    ...verifier,
    verify: (token) =>
      quiet() ? verifier.verify(token) : observe(performance.now(), verifier.verify(token)),
    authenticate: (request) =>
      quiet() ? verifier.authenticate(request) : observe(performance.now(), verifier.authenticate(request)),
    // The token without a promise while nobody records (as `verifier.authenticateNow` gives it).
    authenticateNow: (request) =>
      quiet()
        ? verifier.authenticateNow
          ? verifier.authenticateNow(request)
          : verifier.authenticate(request)
        : observe(performance.now(), verifier.authenticate(request)),
    requireScopes(token, requirement) {
      try {
        verifier.requireScopes(token, requirement);
      } catch (error) {
        refused(emit, error, token, undefined);
        throw error;
      }
    },
  };
}

function refused(
  emit: ScopegateEventListener,
  error: unknown,
  token: VerifiedToken | undefined,
  durationMs: number | undefined,
): void {
  if (!isBearerError(error)) return; // requireScopes with a bad requirement: a programming error
  emit({
    type: "token_refused",
    code: error.code,
    status: error.status,
    error: error.error,
    issuer: token?.issuer,
    clientId: token?.clientId,
    durationMs,
  });
}

/** How the token was presented: its `cnf` binding, proved by the request, or none. */
function bindingOf(token: VerifiedToken): TokenBinding {
  return token.binding?.method ?? "bearer";
}

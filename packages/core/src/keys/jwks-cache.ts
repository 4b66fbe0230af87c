import { type CryptoKey, importJWK, type JWK } from "jose";
import { LRUCache } from "lru-cache";
import { type Algorithm, isSupportedAlgorithm } from "../base/algorithms.js";
import { emitSafely } from "../base/option-checks.js";
import { createEventHub } from "../events/event-hub.js";
import type { ScopegateEvent, ScopegateEventListener, UnknownKidEvent } from "../events/scopegate-event.js";
import { InvalidTokenError, isBearerError } from "../http/errors.js";
import { JwksUnavailableError } from "../http/unavailable-errors.js";
import { fetchJson, RemoteFetchError } from "./fetch-json.js";
import {
  type JwksCacheEvent,
  type JwksCacheOptions,
  type JwksFetchReason,
  type ResolvedJwksCacheOptions,
  resolveJwksCacheOptions,
} from "./jwks-cache-options.js";
import { parseJwks } from "./jwks-parse.js";
import { type JwksStatus, keysState } from "./jwks-status.js";
import type { JwksRecord, SharedJwksRecord } from "./jwks-store.js";
import { type KeySelector, type PublicJwk, selectKey } from "./key-selection.js";
import { createRefetchLimiter, type RefetchLimiter } from "./refetch-limiter.js";

export type { FetchLike } from "./fetch-json.js";
export type { JwksCacheEvent, JwksCacheOptions, JwksFetchReason } from "./jwks-cache-options.js";
export type { JwksStatus, KeysState } from "./jwks-status.js";

/** A key ready to verify signatures. */
export interface SigningKey {
  readonly jwk: Readonly<PublicJwk>;
  readonly kid: string | undefined;
  readonly alg: Algorithm;
  /** The key imported for `alg` (WebCrypto `CryptoKey`). */
  readonly key: CryptoKey;
}

export interface JwksCache {
  /**
   * Resolves the key a token needs from the JWKS at `jwksUri`. Throws `InvalidTokenError`
   * (`ERR_TOKEN_KEY_NOT_FOUND`) when no key matches, `JwksUnavailableError` when no keys can be had.
   * With usable keys cached it never waits on the network (except to look for an unknown `kid`).
   */
  getKey(jwksUri: string, selector: KeySelector): Promise<SigningKey>;
  /**
   * The key `getKey` would resolve right now without waiting for anything: only while the keys
   * cached for `jwksUri` are fresh (younger than `cacheMaxAgeMs`) and this key is already imported.
   * Otherwise `undefined`: call `getKey`, which fetches, refreshes, imports and reports errors.
   * Never fetches and never throws. Optional: a cache without it is asked through `getKey` only.
   */
  peekKey?(jwksUri: string, selector: KeySelector): SigningKey | undefined;
  /**
   * Fetches the JWKS now unless fresh keys are cached (start-up warm-up). Rejects with
   * `JwksUnavailableError` when the fetch fails.
   */
  warm(jwksUri: string): Promise<void>;
  /**
   * Adds a listener for this cache's events (`fetch_succeeded`, `fetch_failed`, `refresh_failed`,
   * `stale_served`, `unknown_kid`); returns the function that removes it. Optional.
   */
  subscribe?(listener: ScopegateEventListener): () => void;
  /**
   * What is cached for `jwksUri` right now (fresh, stale or missing, age, last fetch error), for
   * readiness checks. Never fetches and never throws. Optional.
   */
  status?(jwksUri: string): JwksStatus;
}

/** The event types the deprecated `onEvent` option has always received. */
const LEGACY_TYPES: ReadonlySet<ScopegateEvent["type"]> = new Set([
  "fetch_succeeded",
  "fetch_failed",
  "stale_served",
]);

/** Per-JWKS runtime state: the in-flight fetch, the limiter, and keys imported from the current set. */
interface JwksState {
  readonly uri: string;
  readonly limiter: RefetchLimiter;
  inFlight: Promise<void> | undefined;
  lastError: RemoteFetchError | undefined;
  /** When `lastError` happened (clock time, ms). */
  lastErrorAt: number;
  staleReported: boolean;
  /** The record `imported` belongs to; a different record from the store resets it. */
  record: JwksRecord | undefined;
  /** Keys already selected and imported, by alg and kid. */
  imported: Map<string, Map<string | undefined, ImportedKey>>;
}

/** A key being imported, and the result once the import settled (`null`: it failed to import). */
interface ImportedKey {
  readonly pending: Promise<SigningKey | null>;
  settled: SigningKey | null | undefined;
}

/**
 * Creates a JWKS cache: one in-flight fetch per JWKS, fresh for `cacheMaxAgeMs` then refreshed in
 * the background (stale-while-revalidate), unknown key ids refetched at most once per `cooldownMs`,
 * cached keys kept through outages up to `maxStaleMs` (stale-if-error), failed fetches retried no
 * sooner than `failureBackoffMs`. Share one cache between verifiers by passing it as `jwksCache`.
 */
export function createJwksCache(options: JwksCacheOptions = {}): JwksCache {
  const config: ResolvedJwksCacheOptions = resolveJwksCacheOptions(options);
  const { clock, store } = config;
  const states = new LRUCache<string, JwksState>({ max: config.maxJwksUris });
  const hub = createEventHub();
  const legacy = config.onEvent;
  if (legacy !== undefined) {
    hub.subscribe((event) => {
      if (LEGACY_TYPES.has(event.type)) emitSafely(legacy, event as JwksCacheEvent);
    });
  }
  const unknownKid = (state: JwksState, action: UnknownKidEvent["action"]): void =>
    hub.emit?.({ type: "unknown_kid", jwksUri: state.uri, action });

  function stateOf(uri: string): JwksState {
    let state = states.get(uri);
    if (state === undefined) {
      state = {
        uri,
        limiter: createRefetchLimiter(config),
        inFlight: undefined,
        lastError: undefined,
        lastErrorAt: 0,
        staleReported: false,
        record: undefined,
        imported: new Map(),
      };
      states.set(uri, state);
    }
    return state;
  }

  /** The cached record when it may still be used (younger than `maxStaleMs`). */
  function usable(state: JwksState, now: number): JwksRecord | undefined {
    const record = store.get(state.uri);
    return record !== undefined && now - record.fetchedAt < config.maxStaleMs ? record : undefined;
  }

  /** Starts (or joins) the fetch of `state`'s JWKS. The promise never rejects; outcomes land in state. */
  function load(state: JwksState, reason: JwksFetchReason): Promise<void> {
    if (state.inFlight !== undefined) return state.inFlight;
    if (state.limiter.backoffRemainingMs(clock()) > 0) return Promise.resolve();
    // The fetch is over for everyone before anyone hears about it: a request reacting to the event
    // must not join a finished fetch.
    const run = fetchAndStore(state, reason).then((events) => {
      if (state.inFlight === run) state.inFlight = undefined;
      const emit = hub.emit;
      if (emit !== undefined) for (const event of events) emit(event);
    });
    state.inFlight = run;
    return run;
  }

  /** Fetches, checks and stores the JWKS; records the outcome. Never rejects. */
  async function fetchAndStore(state: JwksState, reason: JwksFetchReason): Promise<ScopegateEvent[]> {
    const started = performance.now();
    try {
      const previous = store.get(state.uri);
      let skipped = 0;
      const fetchHere = async (): Promise<SharedJwksRecord> => {
        const { url, body } = await fetchJson(state.uri, {
          fetch: config.fetch,
          timeoutMs: config.timeoutMs,
          maxResponseBytes: config.maxResponseBytes,
          maxRedirects: config.maxRedirects,
          redirectOrigins: config.redirectOrigins,
          accept: "application/jwk-set+json, application/json",
        });
        const parsedHere = parseJwks(body, url, config.maxKeys);
        skipped = parsedHere.skipped;
        return { keys: parsedHere.keys, fetchedAt: clock() };
      };
      const fetched =
        store.sharedFetch === undefined
          ? await fetchHere()
          : await store.sharedFetch(state.uri, {
              after: Math.max(previous?.fetchedAt ?? -Infinity, clock() - config.cacheMaxAgeMs),
              reason,
              fetch: fetchHere,
            });
      // A key set from another instance is checked as a fetched one is; its time never lies ahead.
      const parsed = { keys: parseJwks({ keys: fetched.keys }, state.uri, config.maxKeys).keys, skipped };
      const fetchedAt = Number.isFinite(fetched.fetchedAt) ? Math.min(fetched.fetchedAt, clock()) : clock();
      store.set(state.uri, { keys: parsed.keys, fetchedAt });
      state.limiter.recordSuccess();
      state.lastError = undefined;
      state.staleReported = false;
      const before = keyIds(previous?.keys ?? []);
      const after = keyIds(parsed.keys);
      return [
        {
          type: "fetch_succeeded",
          jwksUri: state.uri,
          reason,
          keyCount: parsed.keys.length,
          skippedCount: parsed.skipped,
          addedKeyIds: [...after].filter((kid) => !before.has(kid)),
          removedKeyIds: [...before].filter((kid) => !after.has(kid)),
          durationMs: performance.now() - started,
        },
      ];
    } catch (cause) {
      const error =
        cause instanceof RemoteFetchError
          ? cause
          : new RemoteFetchError("ERR_FETCH_NETWORK", state.uri, { cause });
      const now = clock();
      state.limiter.recordFailure(now);
      state.lastError = error;
      state.lastErrorAt = now;
      state.staleReported = false;
      const servingCachedKeys = usable(state, now) !== undefined;
      const failed: ScopegateEvent = {
        type: "fetch_failed",
        jwksUri: state.uri,
        reason,
        error,
        servingCachedKeys,
        retryInMs: config.failureBackoffMs,
        durationMs: performance.now() - started,
      };
      const cached = store.get(state.uri);
      if (cached === undefined) return [failed];
      const ageMs = now - cached.fetchedAt;
      return [
        failed,
        { type: "refresh_failed", jwksUri: state.uri, reason, error, ageMs, servingCachedKeys },
      ];
    }
  }

  function unavailable(state: JwksState): JwksUnavailableError {
    const waitMs = state.limiter.backoffRemainingMs(clock());
    return new JwksUnavailableError({ cause: state.lastError, retryAfterSec: Math.max(1, waitMs / 1000) });
  }

  /** The key for `selector` in `record`, imported once per (key, alg); `undefined` when none matches. */
  function lookup(
    state: JwksState,
    record: JwksRecord,
    selector: KeySelector,
  ): Promise<SigningKey | null> | undefined {
    if (state.record !== record) {
      state.record = record;
      state.imported = new Map();
    }
    let byKid = state.imported.get(selector.alg);
    if (byKid === undefined) {
      byKid = new Map();
      state.imported.set(selector.alg, byKid);
    }
    let key = byKid.get(selector.kid);
    if (key === undefined) {
      const jwk = selectKey(record.keys, selector);
      if (jwk === undefined) return undefined; // unknown ids are never remembered: the map stays bounded
      const imported: ImportedKey = { pending: importKey(jwk, selector.alg), settled: undefined };
      void imported.pending.then((signingKey) => {
        imported.settled = signingKey;
      });
      byKid.set(selector.kid, imported);
      key = imported;
    }
    return key.pending;
  }

  async function resolve(state: JwksState, selector: KeySelector): Promise<SigningKey> {
    const now = clock();
    let record = usable(state, now);
    if (record === undefined) {
      // Nothing usable cached: this request has to wait for the (shared) fetch.
      await load(state, "initial");
      record = usable(state, clock());
      if (record === undefined) throw unavailable(state);
      // Just fetched: an id missing now is not refetched for.
      return found(await lookup(state, record, selector));
    }
    const ageMs = now - record.fetchedAt;
    // A negative age means the clock stepped backwards: treat the keys as due for a refresh.
    if (ageMs >= config.cacheMaxAgeMs || ageMs < 0) {
      if (state.inFlight === undefined) void load(state, "refresh");
      if (state.limiter.failing && !state.staleReported) {
        state.staleReported = true;
        hub.emit?.({ type: "stale_served", jwksUri: state.uri, ageMs });
      }
    }
    const hit = lookup(state, record, selector);
    if (hit !== undefined) return found(await hit);

    // Unknown key id: join a fetch under way, or refetch if the cooldown allows.
    if (state.inFlight !== undefined) {
      unknownKid(state, "join");
      await state.inFlight;
    } else if (state.limiter.tryUnknownKid(now)) {
      unknownKid(state, "refetch");
      await load(state, "unknown_kid");
    } else unknownKid(state, "cooldown");
    record = usable(state, clock());
    const retry = record === undefined ? undefined : lookup(state, record, selector);
    if (retry !== undefined) return found(await retry);
    // Keys we could not refresh cannot prove the key does not exist: that is an outage, not a bad token.
    if (record === undefined || state.limiter.failing) throw unavailable(state);
    throw new InvalidTokenError("ERR_TOKEN_KEY_NOT_FOUND");
  }

  return {
    async getKey(jwksUri, selector) {
      if (
        !isSupportedAlgorithm(selector?.alg) ||
        !(selector.kid === undefined || typeof selector.kid === "string")
      ) {
        throw new InvalidTokenError("ERR_TOKEN_KEY_NOT_FOUND");
      }
      try {
        return await resolve(stateOf(jwksUri), selector);
      } catch (error) {
        // A throwing custom store or clock is a server-side problem: 503, never a bare error.
        throw isBearerError(error) ? error : new JwksUnavailableError({ cause: error });
      }
    },
    peekKey(jwksUri, selector) {
      try {
        const state = states.get(jwksUri);
        const record = state?.record;
        if (record === undefined || store.get(jwksUri) !== record) return undefined;
        const ageMs = clock() - record.fetchedAt;
        // Due for a refresh (or a clock that stepped back): `getKey` starts it.
        if (!(ageMs >= 0 && ageMs < config.cacheMaxAgeMs && ageMs < config.maxStaleMs)) return undefined;
        return state!.imported.get(selector.alg)?.get(selector.kid)?.settled ?? undefined;
      } catch {
        return undefined; // a throwing custom store or clock: `getKey` reports it
      }
    },
    subscribe(listener) {
      return hub.subscribe(listener);
    },
    status(jwksUri) {
      try {
        const state = states.get(jwksUri);
        const record = store.get(jwksUri);
        const now = clock();
        return {
          state: keysState(record, now, config),
          ageMs: record === undefined ? undefined : now - record.fetchedAt,
          keyCount: record?.keys.length ?? 0,
          lastError: state?.lastError,
          lastErrorAt: state?.lastError === undefined ? undefined : state.lastErrorAt,
        };
      } catch {
        // A throwing custom store or clock: nothing usable can be vouched for.
        return {
          state: "missing",
          ageMs: undefined,
          keyCount: 0,
          lastError: undefined,
          lastErrorAt: undefined,
        };
      }
    },
    async warm(jwksUri) {
      try {
        const state = stateOf(jwksUri);
        const record = usable(state, clock());
        if (record !== undefined && clock() - record.fetchedAt < config.cacheMaxAgeMs) return;
        await load(state, "warm");
        if (state.limiter.failing) throw unavailable(state);
      } catch (error) {
        throw isBearerError(error) ? error : new JwksUnavailableError({ cause: error });
      }
    },
  };
}

/** `undefined` (no matching key) and `null` (a key that failed to import) are both "not found". */
function found(key: SigningKey | null | undefined): SigningKey {
  if (key === null || key === undefined) throw new InvalidTokenError("ERR_TOKEN_KEY_NOT_FOUND");
  return key;
}

function keyIds(keys: readonly Readonly<PublicJwk>[]): Set<string> {
  const ids = new Set<string>();
  for (const key of keys) if (key.kid !== undefined) ids.add(key.kid);
  return ids;
}

/** Imports only the key material, so `alg`/`use`/`key_ops` (already checked) cannot trip WebCrypto. */
async function importKey(jwk: Readonly<PublicJwk>, alg: Algorithm): Promise<SigningKey | null> {
  const material: JWK = { kty: jwk.kty };
  for (const name of ["crv", "n", "e", "x", "y"] as const)
    if (jwk[name] !== undefined) material[name] = jwk[name];
  try {
    const key = (await importJWK(material, alg)) as CryptoKey;
    return Object.freeze({ jwk, kid: jwk.kid, alg, key });
  } catch {
    return null; // malformed key material: no token can be verified with it
  }
}

import type { JwtClaims } from "../base/types.js";
import type { ResolvedIntrospectionCacheOptions } from "./introspection-options.js";
import {
  createMemoryIntrospectionStore,
  type IntrospectionRecord,
  type IntrospectionStore,
} from "./introspection-store.js";

/** An answer as the cache takes it: active with its claims, or inactive. */
export type IntrospectionAnswer = { active: true; claims: JwtClaims } | { active: false };

export interface IntrospectionCache {
  /**
   * The usable record for `key`, or `load()`'s answer, stored for as long as it may be reused. One
   * `load` per key at a time: concurrent lookups of one token share it. Rejects with what `load`
   * rejects with (failures are never stored).
   */
  lookup(key: string, load: () => Promise<IntrospectionAnswer>): Promise<IntrospectionRecord>;
}

/**
 * Creates the answer cache: active answers are reused until the token's `exp` or `maxAgeSec`,
 * whichever comes first; inactive ones for `inactiveMaxAgeSec`. With `options` `null`, nothing is
 * stored but concurrent lookups are still shared. A store that fails is treated as empty.
 */
export function createIntrospectionCache(
  options: ResolvedIntrospectionCacheOptions | null,
  clock: () => number,
): IntrospectionCache {
  const store: IntrospectionStore | null =
    options === null
      ? null
      : (options.store ?? createMemoryIntrospectionStore({ maxEntries: options.maxEntries }));
  const inFlight = new Map<string, Promise<IntrospectionRecord>>();

  async function stored(key: string): Promise<IntrospectionRecord | undefined> {
    if (store === null) return undefined;
    let record: IntrospectionRecord | undefined;
    try {
      record = await store.get(key);
    } catch {
      return undefined;
    }
    if (record === undefined || !(clock() < record.expiresAtMs)) return undefined;
    return record;
  }

  function recordOf(answer: IntrospectionAnswer, now: number): IntrospectionRecord {
    if (!answer.active) {
      return Object.freeze({ active: false, expiresAtMs: now + (options?.inactiveMaxAgeSec ?? 0) * 1000 });
    }
    const limit = now + (options?.maxAgeSec ?? 0) * 1000;
    const exp = answer.claims.exp;
    const expiresAtMs = typeof exp === "number" && Number.isFinite(exp) ? Math.min(exp * 1000, limit) : limit;
    return Object.freeze({ active: true, claims: deepFreeze(answer.claims), expiresAtMs });
  }

  async function remember(key: string, record: IntrospectionRecord, now: number): Promise<void> {
    const ttlMs = record.expiresAtMs - now;
    if (store === null || ttlMs <= 0) return;
    try {
      await store.set(key, record, ttlMs);
    } catch {
      // A store that cannot keep the answer only costs the next request an introspection.
    }
  }

  async function loadAndRemember(
    key: string,
    load: () => Promise<IntrospectionAnswer>,
  ): Promise<IntrospectionRecord> {
    const answer = await load();
    const now = clock();
    const record = recordOf(answer, now);
    await remember(key, record, now);
    return record;
  }

  return {
    async lookup(key, load) {
      const cached = await stored(key);
      if (cached !== undefined) return cached;
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const run = loadAndRemember(key, load).finally(() => {
        if (inFlight.get(key) === run) inFlight.delete(key);
      });
      inFlight.set(key, run);
      return run;
    },
  };
}

/** Freezes parsed JSON all the way down, so no caller can change what the next request sees. */
function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === "object" && member !== null && !Object.isFrozen(member)) deepFreeze(member);
  }
  return Object.freeze(value);
}

export interface RefetchLimiterOptions {
  /** Least time between two refetches caused by unknown key ids. */
  cooldownMs: number;
  /** Least time between a failed fetch and the next attempt, whatever causes it. */
  failureBackoffMs: number;
}

/**
 * Decides, for one JWKS, when a fetch may start. Two independent limits:
 * - unknown `kid`: at most one refetch per `cooldownMs`, measured from the last refetch an unknown
 *   `kid` caused (not from the last attempt, so a flood of unknown ids never extends it; scheduled
 *   refreshes do not count, so a key first used right after one is fetched on its first request);
 * - failures: after a failed fetch, nothing starts for `failureBackoffMs` (no hammering an
 *   authorization server that is down; the first request after the backoff tries again).
 */
export interface RefetchLimiter {
  /** Milliseconds before any fetch may start (0 when one may start now). */
  backoffRemainingMs(now: number): number;
  /** True when an unknown `kid` may cause a refetch now; the cooldown then starts at `now`. */
  tryUnknownKid(now: number): boolean;
  recordFailure(now: number): void;
  recordSuccess(): void;
  /** True from a failed fetch until the next successful one. */
  readonly failing: boolean;
}

export function createRefetchLimiter(options: RefetchLimiterOptions): RefetchLimiter {
  let lastUnknownKidRefetch = Number.NEGATIVE_INFINITY;
  let failedAt: number | undefined;
  // A clock that stepped backwards (NTP step, VM resume) ends the backoff rather than stretching it.
  const backoffRemainingMs = (now: number): number =>
    failedAt === undefined || now < failedAt ? 0 : Math.max(0, failedAt + options.failureBackoffMs - now);
  return {
    backoffRemainingMs,
    tryUnknownKid(now) {
      if (backoffRemainingMs(now) > 0) return false;
      if (now - lastUnknownKidRefetch < options.cooldownMs && now >= lastUnknownKidRefetch) return false;
      lastUnknownKidRefetch = now;
      return true;
    },
    recordFailure(now) {
      failedAt = now;
    },
    recordSuccess() {
      failedAt = undefined;
    },
    get failing() {
      return failedAt !== undefined;
    },
  };
}

import type { ScopegateEventListener } from "../events/scopegate-event.js";
import { isAcceptableFetchUrl } from "../keys/fetch-url.js";
import type { ScopeClaim } from "../token/scopes.js";

/**
 * Checks of single option values for `createVerifier()`: each returns the value (normalised) or
 * throws a `TypeError` that names the option and the fix.
 */

export const fail = (option: string, fix: string): never => {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
};

export function nonEmptyStrings(option: string, value: unknown, what: string): string[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : null;
  if (!list || list.length === 0)
    return fail(option, `give ${what} as a non-empty string or a non-empty array of strings.`);
  for (const item of list) {
    if (typeof item !== "string" || item.length === 0 || item.trim() !== item) {
      fail(
        option,
        `every entry must be a non-empty string without surrounding spaces; got ${JSON.stringify(item)}.`,
      );
    }
  }
  return list as string[];
}

/** Deepest scope claim path accepted: no token nests deeper (token-format's MAX_JSON_DEPTH). */
const MAX_SCOPE_CLAIM_PATH = 32;

/** `scopeClaims`: claim names, and paths (non-empty arrays of member names) to nested claims. */
export function scopeClaimList(value: unknown): ScopeClaim[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : null;
  if (!list || list.length === 0) {
    return fail("scopeClaims", 'give claim names or paths, e.g. ["scope", ["realm_access", "roles"]].');
  }
  return list.map((entry) => {
    if (!Array.isArray(entry)) return nonEmptyStrings("scopeClaims", [entry], "claim names")[0]!;
    if (entry.length === 0 || entry.length > MAX_SCOPE_CLAIM_PATH) {
      fail(
        "scopeClaims",
        `a path needs 1 to ${MAX_SCOPE_CLAIM_PATH} member names, e.g. ["realm_access", "roles"].`,
      );
    }
    return Object.freeze(nonEmptyStrings("scopeClaims", entry, "member names"));
  });
}

export function nonNegative(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return fail(option, `expected a finite number >= 0; got ${String(value)}.`);
  }
  return value;
}

/** A `true`/`false` option; anything else (`"true"`, `1`, `null`) is refused rather than guessed. */
export function optionalBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    return fail(option, `expected true or false; got ${JSON.stringify(value) ?? String(value)}.`);
  }
  return value;
}

/** Parses and checks a URL option: absolute, `https:` (or loopback `http:`), no credentials, no fragment. */
export function checkFetchUrl(option: string, value: unknown): string {
  if (!(typeof value === "string" || value instanceof URL)) return fail(option, "expected a URL string.");
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return fail(option, `${JSON.stringify(String(value))} is not an absolute URL.`);
  }
  if (!isAcceptableFetchUrl(url)) fail(option, "it must use https: (http: is allowed only on loopback).");
  if (url.username || url.password || url.hash)
    fail(option, "the URL must not carry credentials or a fragment.");
  return url.href;
}

export function checkListeners(value: unknown): readonly ScopegateEventListener[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? [...(value as unknown[])] : [value];
  if (list.some((listener) => typeof listener !== "function"))
    fail("onEvent", "expected a function (event) => void, or an array of them.");
  return list as ScopegateEventListener[];
}

import type { JwtClaims } from "../base/types.js";
import { DEFAULT_REALM, InsufficientScopeError } from "../http/errors.js";

/**
 * Where scopes are read from: a top-level claim's name (`"scope"`), or the path of member names to a
 * nested one (`["realm_access", "roles"]`, `["resource_access", "my-client", "roles"]`).
 */
export type ScopeClaim = string | readonly string[];

/** Default claims scopes are read from. */
export const DEFAULT_SCOPE_CLAIMS: readonly ScopeClaim[] = ["scope", "scp"];

/**
 * The value at `claim` in `claims`: `undefined` when a member on the way is absent (own members
 * only: nothing inherited is read), `null` when one on the way is present but not a JSON object
 * (the claim is then malformed).
 */
export function scopeClaimValue(claims: Readonly<JwtClaims>, claim: ScopeClaim): unknown {
  if (typeof claim === "string") return Object.hasOwn(claims, claim) ? claims[claim] : undefined;
  let value: unknown = claims;
  for (const name of claim) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
    if (!Object.hasOwn(value, name)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token
/** Scope tokens separated by single spaces: every piece of `split(" ")` is a scope token. */
const SCOPE_LIST = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/**
 * Adds each scope of a well-formed space-delimited list to `scopes`, once. `indexOf` and `slice`
 * rather than `split(" ")`, which costs twice as much on the strings `JSON.parse` makes.
 */
function addScopeList(list: string, scopes: string[]): void {
  let start = 0;
  for (;;) {
    const end = list.indexOf(" ", start);
    const scope = end === -1 ? list.slice(start) : list.slice(start, end);
    if (!scopes.includes(scope)) scopes.push(scope);
    if (end === -1) return;
    start = end + 1;
  }
}

/**
 * Reads the scopes a token grants from the listed claims: space-delimited strings (`scope`, and `scp`
 * as Okta or Entra send it) or arrays of strings (`scp`, Auth0 `permissions`, Entra `roles`).
 * Values that are neither, and entries that are not valid scope tokens, grant nothing.
 */
export function readScopes(
  claims: Readonly<JwtClaims>,
  claimNames: readonly ScopeClaim[] = DEFAULT_SCOPE_CLAIMS,
): string[] {
  const scopes: string[] = [];
  for (const claim of claimNames) {
    const value = scopeClaimValue(claims, claim);
    if (value === undefined) continue;
    if (typeof value === "string" && SCOPE_LIST.test(value)) {
      // The common case, checked in one scan: only duplicates are left to drop.
      addScopeList(value, scopes);
      continue;
    }
    const list = typeof value === "string" ? value.split(" ") : Array.isArray(value) ? value : undefined;
    if (list === undefined) continue;
    for (const scope of list) {
      if (typeof scope === "string" && SCOPE_TOKEN.test(scope) && !scopes.includes(scope)) scopes.push(scope);
    }
  }
  return scopes;
}

/** Frozen scope lists by the string they were read from: a client's tokens all carry the same one. */
const frozenLists = new Map<string, readonly string[]>();
const FROZEN_LISTS_LIMIT = 256;
/** Longer scope strings are read afresh every time rather than kept. */
const FROZEN_LIST_MAX_LENGTH = 2048;
/** The list used last, compared before the lookup (which hashes the string). */
let lastList: { value: string; list: readonly string[] } = { value: "", list: Object.freeze([]) };

/**
 * {@link readScopes}, frozen. When exactly one of the claims is present and it is a string, the
 * frozen list is shared by every token that carries the same string (at most 256 kept, emptied when
 * full; the last one used is compared first): splitting the same string once per token was most of
 * what reading scopes cost.
 */
export function readFrozenScopes(
  claims: Readonly<JwtClaims>,
  claimNames: readonly ScopeClaim[],
): readonly string[] {
  let present = 0;
  let value: unknown;
  for (const claim of claimNames) {
    const found = scopeClaimValue(claims, claim);
    if (found !== undefined) {
      present++;
      value = found;
    }
  }
  if (present !== 1 || typeof value !== "string" || value.length > FROZEN_LIST_MAX_LENGTH) {
    return Object.freeze(readScopes(claims, claimNames));
  }
  if (value === lastList.value) return lastList.list;
  let list = frozenLists.get(value);
  if (list === undefined) {
    list = Object.freeze(readScopes(claims, claimNames));
    if (frozenLists.size >= FROZEN_LISTS_LIMIT) frozenLists.clear();
    frozenLists.set(value, list);
  }
  lastList = { value, list };
  return list;
}

/** A scope requirement: every listed scope, or at least one of them. */
export type ScopeRequirement = { allOf: readonly string[] } | { anyOf: readonly string[] };

export interface RequireScopesOptions {
  /** Realm for the 403 challenge. Default: `"api"`. */
  realm?: string;
  /** RFC 9728 metadata URL for the challenge's `resource_metadata`. Default: none. */
  resourceMetadata?: string | undefined;
}

/** Checks a requirement's shape at set-up time; throws a `TypeError` that names the problem. */
export function checkScopeRequirement(requirement: ScopeRequirement): void {
  const list =
    "allOf" in requirement ? requirement.allOf : "anyOf" in requirement ? requirement.anyOf : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      "scopegate: a scope requirement needs { allOf: [...] } or { anyOf: [...] } with at least one scope.",
    );
  }
  for (const scope of list) {
    if (typeof scope !== "string" || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(
        `scopegate: ${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3: no spaces, quotes or backslashes).`,
      );
    }
  }
}

/** True when `granted` satisfies the requirement. Exact, case-sensitive matches only. */
export function hasScopes(granted: readonly string[], requirement: ScopeRequirement): boolean {
  if ("allOf" in requirement) return requirement.allOf.every((s) => granted.includes(s));
  return requirement.anyOf.some((s) => granted.includes(s));
}

/**
 * Throws `InsufficientScopeError` (403, `scope="…"` in the challenge) unless the token grants the
 * required scopes.
 */
export function requireScopes(
  token: { readonly scopes: readonly string[] },
  requirement: ScopeRequirement,
  options: RequireScopesOptions = {},
): void {
  if (hasScopes(token.scopes, requirement)) return;
  const all = "allOf" in requirement;
  throw new InsufficientScopeError({
    requiredScopes: all ? requirement.allOf : requirement.anyOf,
    match: all ? "all" : "any",
    realm: options.realm ?? DEFAULT_REALM,
    resourceMetadata: options.resourceMetadata,
  });
}

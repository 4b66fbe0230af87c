import { resolveScopeOptions } from "@scopegate/core";
import type { FastifyRequest } from "fastify";
import type { ScopegateHook } from "./context.js";
import { OWN_ERROR_HANDLER } from "./errors.js";
import { scopeHook } from "./require-scopes.js";

/**
 * A route's `config.scopes`: a list of scopes the token must all grant, or `{ anyOf }` (at least one)
 * or `{ allOf }` (every one).
 */
export type RouteScopes =
  | readonly string[]
  | { readonly allOf: readonly string[] }
  | { readonly anyOf: readonly string[] };

/** The parts of Fastify's `onRoute` options this plugin reads and extends. */
export interface RouteOptionsLike {
  url?: string;
  method?: string | string[];
  config?: unknown;
  errorHandler?: unknown;
}

function describe(route: RouteOptionsLike): string {
  return `config.scopes of ${String(route.method)} ${String(route.url)}`;
}

/** Turns `config.scopes` into the scope hook; a bad value throws a `TypeError` when the route is added. */
function hookFor(route: RouteOptionsLike, scopes: unknown): ScopegateHook {
  const where = describe(route);
  try {
    return resolve(where, scopes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw new TypeError(`scopegate: invalid ${where}: ${error.message.replace(/^scopegate: /, "")}`);
  }
}

function resolve(where: string, scopes: unknown): ScopegateHook {
  if (Array.isArray(scopes)) return scopeHook(where, resolveScopeOptions(scopes));
  if (typeof scopes === "object" && scopes !== null) {
    const keys = Object.keys(scopes);
    const key = keys[0];
    if (keys.length === 1 && (key === "anyOf" || key === "allOf")) {
      const list = (scopes as Record<string, unknown>)[key];
      if (Array.isArray(list)) {
        return scopeHook(where, resolveScopeOptions(list, { match: key === "anyOf" ? "any" : "all" }));
      }
    }
  }
  throw new TypeError("expected an array of scopes, { anyOf: [...] } or { allOf: [...] }.");
}

/** Scope hooks made from `config.scopes` values, by value (Fastify copies a route's config, not its members). */
const hooks = new WeakMap<object, ScopegateHook>();

function hookOf(route: RouteOptionsLike, scopes: unknown): ScopegateHook {
  if (typeof scopes !== "object" || scopes === null) return hookFor(route, scopes);
  let hook = hooks.get(scopes);
  if (hook === undefined) {
    hook = hookFor(route, scopes);
    hooks.set(scopes, hook);
  }
  return hook;
}

/**
 * The plugin's `onRoute` hook: checks `config.scopes` when the route is added (a bad value fails the
 * app's start with a `TypeError`) and notes a route-level `errorHandler`.
 */
export function applyRouteConfig(route: RouteOptionsLike): void {
  const config = route.config as { scopes?: unknown } | undefined;
  if (route.errorHandler !== undefined) route.config = { ...config, [OWN_ERROR_HANDLER]: true };
  const scopes = config?.scopes;
  if (scopes !== undefined) hookOf(route, scopes);
}

/**
 * The scope hook for the request's route `config.scopes`, run by the plugin's `onRequest` hook right
 * after authentication; `undefined` when the route has none. A route added before the plugin loaded
 * (its `onRoute` hook did not see it) is checked all the same: a bad value fails the request with a
 * `TypeError` (500), never opens the route.
 */
export function routeScopeHook(request: FastifyRequest): ScopegateHook | undefined {
  const scopes = (request.routeOptions?.config as { scopes?: unknown } | undefined)?.scopes;
  if (scopes === undefined) return undefined;
  const route = { method: request.method, url: request.routeOptions?.url };
  return hookOf(route, scopes);
}

import { checkScopeRequirement, type ScopeRequirement } from "@scopegate/core";

/** Metadata key under which the decorators below record a route's access rule. */
export const SCOPEGATE_ACCESS_METADATA = "scopegate:access";

/**
 * A route's (or controller's) access rule, as the decorators record it. A method's rule replaces its
 * controller's rule as a whole: a `@Public()` method in a controller with `@RequireScopes(...)` is
 * public, and a method with `@RequireScopes(...)` in a `@Public()` controller needs a token.
 */
export interface RouteAccess {
  /** No authentication at all. */
  readonly public: boolean;
  /** Authenticate when credentials come; without any, let the request through with no token. */
  readonly optional: boolean;
  /** Every requirement must hold (stacked decorators add requirements). Empty: any valid token. */
  readonly requirements: readonly ScopeRequirement[];
}

/** A decorator for a controller class or one of its handlers. */
export type Decorator = ClassDecorator & MethodDecorator;

const reflect = Reflect as unknown as {
  getOwnMetadata(key: string, target: object): unknown;
  defineMetadata(key: string, value: unknown, target: object): void;
};

function describe(target: object, key: string | symbol | undefined): string {
  const owner = typeof target === "function" ? target.name : target.constructor.name;
  return key === undefined ? owner : `${owner}.${String(key)}`;
}

function recordAccess(update: (current: RouteAccess | undefined, where: string) => RouteAccess): Decorator {
  return ((target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder: object = descriptor ? (descriptor.value as object) : target;
    const current = reflect.getOwnMetadata(SCOPEGATE_ACCESS_METADATA, holder) as RouteAccess | undefined;
    reflect.defineMetadata(SCOPEGATE_ACCESS_METADATA, update(current, describe(target, key)), holder);
    return descriptor;
  }) as Decorator;
}

function requirement(requirement: ScopeRequirement): Decorator {
  checkScopeRequirement(requirement);
  return recordAccess((current, where) => {
    if (current?.public || current?.optional) {
      const other = current.public ? "@Public()" : "@OptionalAuth()";
      throw new TypeError(`scopegate: ${where} has both ${other} and a scope requirement; keep one.`);
    }
    return Object.freeze({
      public: false,
      optional: false,
      requirements: Object.freeze([requirement, ...(current?.requirements ?? [])]),
    });
  });
}

/**
 * Requires a valid token that grants **every** listed scope (403 `insufficient_scope` otherwise).
 * On a controller it applies to each route without its own access decorator. Stacked decorators
 * all apply: `@RequireScopes("a") @RequireAnyScope("b", "c")` means a and (b or c).
 * Throws a `TypeError` at declaration time for an empty list or an invalid scope.
 */
export function RequireScopes(...scopes: string[]): Decorator {
  return requirement({ allOf: scopes });
}

/** Requires a valid token that grants **at least one** of the listed scopes (403 `insufficient_scope` otherwise). */
export function RequireAnyScope(...scopes: string[]): Decorator {
  return requirement({ anyOf: scopes });
}

function exclusive(name: string, access: RouteAccess): Decorator {
  return recordAccess((current, where) => {
    if (current) {
      throw new TypeError(`scopegate: ${where} has ${name} and another access decorator; keep one.`);
    }
    return access;
  });
}

/** Lets requests through without authentication, even when the guard is global. */
export function Public(): Decorator {
  return exclusive(
    "@Public()",
    Object.freeze({ public: true, optional: false, requirements: Object.freeze([]) }),
  );
}

/**
 * Authenticates the request when it carries credentials, and lets it through with no token when it
 * carries none (`@Auth()` gives `undefined`). A bad token is still refused. The route-level form of
 * the module's `credentialsRequired: false`.
 */
export function OptionalAuth(): Decorator {
  return exclusive(
    "@OptionalAuth()",
    Object.freeze({ public: false, optional: true, requirements: Object.freeze([]) }),
  );
}

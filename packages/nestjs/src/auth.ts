import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import { createAuthAccessor, type VerifiedToken } from "@scopegate/core";
import type { AuthSource } from "./auth-source.js";

/**
 * Where the guard records its outcome (registered in the global symbol registry: the same place for
 * every copy of this package). On an Express request, a `WeakMap` keyed by the request, shown as
 * `request.auth` by an accessor on Express's request prototype: a property added to an Express
 * request costs microseconds (docs/benchmarks.md, "Express"). On any other request (Fastify's), a
 * property under the symbol and `request.auth`.
 */
const AUTH_STATE = Symbol.for("scopegate.nestjs.auth");

/** A guard's outcome on a request: the token (none: anonymous or public) and what produced it. */
export interface AuthState {
  readonly token: VerifiedToken | undefined;
  /** The guard configuration that authenticated; `null` when nothing was authenticated (a `@Public()` route). */
  readonly source: AuthSource | null;
}

type Carrier = { [AUTH_STATE]?: AuthState; auth?: VerifiedToken | undefined };

/** The outcomes kept off Express requests, in a global slot: one map for every copy of this package. */
const STATES = Symbol.for("scopegate.nestjs.auth-states");
const registry = globalThis as { [STATES]?: WeakMap<object, AuthState> };
registry[STATES] ??= new WeakMap();
const states: WeakMap<object, AuthState> = registry[STATES];
const showAuth = createAuthAccessor((request) => states.get(request)?.token);

/** The guard's outcome for this request, or `undefined` when the guard has not run on it. */
export function authStateOf(request: object): AuthState | undefined {
  return states.get(request) ?? (request as Carrier)[AUTH_STATE];
}

/** Records the guard's outcome: the token (or none, on a public route) as `request.auth`, like the other adapters. */
export function recordAuth(
  request: object,
  token: VerifiedToken | undefined,
  source: AuthSource | null,
): void {
  const state: AuthState = { token, source };
  if (showAuth(request)) {
    states.set(request, state);
  } else {
    // Plain assignments: `Object.defineProperty` on every request cost more than the rest of the guard.
    (request as Carrier)[AUTH_STATE] = state;
    (request as Carrier).auth = token;
  }
}

/**
 * Reads the verified token of the current request. `undefined` on a `@Public()` route, or when
 * `credentialsRequired: false` let a request without credentials through. Throws (500) if the guard
 * did not run on this route, so a route that forgot `@UseGuards(ScopegateGuard)` fails loudly.
 */
export function authOf(request: object): VerifiedToken | undefined {
  const state = authStateOf(request);
  if (!state) {
    throw new Error(
      'scopegate: @Auth() found no authentication result: apply ScopegateGuard to this route (@UseGuards(ScopegateGuard), or ScopegateModule.forRoot({ guard: "global" })).',
    );
  }
  return state.token;
}

/** Parameter decorator: injects the request's `VerifiedToken` (HTTP routes). See {@link authOf}. */
export const Auth: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): VerifiedToken | undefined =>
    authOf(context.switchToHttp().getRequest<object>()),
) as () => ParameterDecorator;

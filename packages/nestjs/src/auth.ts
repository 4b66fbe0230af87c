import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { VerifiedToken } from "@scopegate/core";
import type { AuthSource } from "./auth-source.js";

/** Where the guard records its outcome on the request (a registered symbol: safe across package copies). */
const AUTH_STATE = Symbol.for("scopegate.nestjs.auth");

/** A guard's outcome on a request: the token (none: anonymous or public) and what produced it. */
export interface AuthState {
  readonly token: VerifiedToken | undefined;
  /** The guard configuration that authenticated; `null` when nothing was authenticated (a `@Public()` route). */
  readonly source: AuthSource | null;
}

type Carrier = { [AUTH_STATE]?: AuthState; auth?: VerifiedToken | undefined };

/** The guard's outcome for this request, or `undefined` when the guard has not run on it. */
export function authStateOf(request: object): AuthState | undefined {
  return (request as Carrier)[AUTH_STATE];
}

/** Records the guard's outcome: the token (or none, on a public route) as `request.auth`, like the other adapters. */
export function recordAuth(
  request: object,
  token: VerifiedToken | undefined,
  source: AuthSource | null,
): void {
  // Plain assignments: `Object.defineProperty` on every request cost more than the rest of the guard.
  (request as Carrier)[AUTH_STATE] = { token, source };
  (request as Carrier).auth = token;
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

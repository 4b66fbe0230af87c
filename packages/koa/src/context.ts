import type { HandleErrors, VerifiedToken, Verifier } from "@scopegate/core";
import type { ParameterizedContext } from "koa";

/** What `bearerAuth()` leaves on a context for the scope middlewares after it. */
export interface AuthContext {
  verifier: Verifier;
  /** `undefined` for an anonymous request (`credentialsRequired: false`, no credentials). */
  token: VerifiedToken | undefined;
  handleErrors: HandleErrors;
}

const CONTEXT = Symbol.for("scopegate.koa.context");

type WithContext = { [CONTEXT]?: AuthContext };

export function getContext(ctx: ParameterizedContext): AuthContext | undefined {
  return (ctx as WithContext)[CONTEXT];
}

/**
 * Records the outcome on the context and sets `ctx.state.auth` (left absent for anonymous requests),
 * and the response headers core asks for (a fresh `DPoP-Nonce`).
 */
export function setContext(ctx: ParameterizedContext, context: AuthContext): void {
  // A plain assignment: `Object.defineProperty` on every request cost more than the rest of the adapter.
  (ctx as WithContext)[CONTEXT] = context;
  if (context.token) {
    ctx.state.auth = context.token;
    const headers = context.token.responseHeaders;
    if (headers !== undefined) ctx.set(headers);
  } else delete ctx.state.auth;
}

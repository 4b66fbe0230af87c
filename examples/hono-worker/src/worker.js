// @ts-check
// The calendar service as a Cloudflare Worker: the calendar-hono app, with the verifier built from
// the Worker's environment (ISSUER, AUDIENCE, JWKS_URI as vars) once per isolate. scopegate runs on
// the Workers runtime as it is: WebCrypto through jose, the runtime's fetch; no `nodejs_compat` needed.
import { createVerifier } from "@scopegate/hono";
import { createApp } from "@scopegate-examples/calendar-hono/app";

/**
 * @typedef {object} Env
 * @property {string} ISSUER expected `iss`, and the base for discovery
 * @property {string} AUDIENCE expected `aud` (comma-separated for several)
 * @property {string} [JWKS_URI] where the keys are; discovered from ISSUER when absent
 */

/** @type {ReturnType<typeof createApp> | undefined} */
let app;

/** @param {Env} env */
function appFor(env) {
  if (app) return app;
  const audience = String(env.AUDIENCE ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter(Boolean);
  const verifier = createVerifier({
    issuer: env.ISSUER,
    audience,
    ...(env.JWKS_URI ? { jwksUri: env.JWKS_URI } : {}),
  });
  app = createApp({ verifier });
  return app;
}

export default {
  /**
   * @param {Request} request
   * @param {Env} env
   * @param {unknown} ctx
   */
  fetch(request, env, ctx) {
    return appFor(env).fetch(request, env, /** @type {never} */ (ctx));
  },
};

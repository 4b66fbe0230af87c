// @ts-check
import { isBearerError } from "@scopegate/express";

/**
 * @typedef {object} AuditRecord One authorization decision.
 * @property {"allowed" | "refused"} outcome
 * @property {number} status the response status
 * @property {string} method
 * @property {string | null} route the matched route pattern (`/events/:id`), never the raw URL
 * @property {string | null} clientId the verified token's client, `null` when there is none
 * @property {string | null} subject
 * @property {readonly string[]} scopes the verified token's scopes
 * @property {string | null} code scopegate's error code of a refusal (`ERR_TOKEN_EXPIRED`, …)
 */

/**
 * Express middleware writing one `info` line per authorization decision to `logger` (pino): who
 * (client id, subject, scopes of a *verified* token only), what (method, route pattern), and the
 * outcome (status, scopegate's error code). Mount it first; mount `auditRefusals()` among your error
 * handlers before scopegate's. Requests that scopegate never looked at (`/health`) are not logged.
 * Nothing from the request's headers or a token that failed verification is ever written.
 *
 * @param {import("pino").Logger} logger
 * @returns {import("express").RequestHandler}
 */
export function auditLog(logger) {
  const audit = logger.child({ audit: "authorization" });
  return (req, res, next) => {
    res.once("finish", () => {
      const record = auditRecord(req, res);
      if (record !== undefined) audit.info(record, "authorization decision");
    });
    next();
  };
}

/**
 * Remembers the code of a scopegate refusal for the audit line, then hands the error on.
 * @returns {import("express").ErrorRequestHandler}
 */
export function auditRefusals() {
  return (error, _req, res, next) => {
    if (isBearerError(error)) res.locals.scopegateRefusal = error.code;
    next(error);
  };
}

/**
 * The decision a finished request carries, or `undefined` when no scopegate check ran on it.
 * @param {import("express").Request} req
 * @param {import("express").Response} res
 * @returns {AuditRecord | undefined}
 */
export function auditRecord(req, res) {
  const token = req.auth;
  /** @type {string | undefined} */
  const code = res.locals.scopegateRefusal;
  if (token === undefined && code === undefined) return undefined;
  const route = req.route ? `${req.baseUrl}${req.route.path}` : null;
  return {
    outcome: code === undefined && res.statusCode < 400 ? "allowed" : "refused",
    status: res.statusCode,
    method: req.method,
    route,
    clientId: token?.clientId ?? null,
    subject: token?.subject ?? null,
    scopes: token?.scopes ?? [],
    code: code ?? null,
  };
}

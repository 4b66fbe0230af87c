// @ts-check

/**
 * `GET /health/auth` (../../../shared/conformance.md): the verifier's readiness report, answered 200
 * when every issuer has usable keys (fresh or stale) and 503 when one has none. Made for a
 * Kubernetes readiness probe; `GET /health` stays a liveness answer that never looks at keys.
 *
 * @param {Pick<import("@scopegate/core").Verifier, "readiness">} verifier
 * @returns {Promise<{ status: 200 | 503, body: import("@scopegate/core").AuthReadiness }>}
 */
export async function authHealth(verifier) {
  const body = await verifier.readiness();
  return { status: body.ok ? 200 : 503, body };
}

// Replays DPoP (RFC 9449) requests on whatever runtime imports it, in order, through one verifier
// made with `dpop: { publicUrl, algorithms }` (so a proof sent twice is a replay). Plain JavaScript, no Node APIs.
import { codeOf, replayOptions } from "./replay-core.mjs";

/**
 * @param {{ createVerifier: Function }} core the `@scopegate/core` module under test
 * @param {{ issuer: string, audience: string, jwksUri: string, jwks: unknown, nowMs: number, scope: string, dpop: { publicUrl: string, algorithms: readonly string[], cases: { method: string, url: string, headers: Record<string, string> }[] } }} fixture
 * @returns {Promise<string[]>} per request, `"ok"` or `"<status> <error> <code>"` (`threw <name>` for anything else)
 */
export async function replayDpopCases(core, fixture) {
  const verifier = core.createVerifier(
    replayOptions(fixture, {
      dpop: { publicUrl: fixture.dpop.publicUrl, algorithms: fixture.dpop.algorithms },
    }),
  );
  const results = [];
  for (const { method, url, headers } of fixture.dpop.cases) {
    try {
      const verified = await verifier.authenticate({ method, url, headers });
      verifier.requireScopes(verified, { allOf: [fixture.scope] });
      results.push(verified.binding?.method === "dpop" ? "ok" : "ok without a DPoP binding");
    } catch (error) {
      const status = error?.status;
      results.push(typeof status === "number" ? `${status} ${error.error} ${codeOf(error)}` : codeOf(error));
    }
  }
  return results;
}

// Replays core test cases on whatever runtime imports it: the same verifier options on every
// runtime, keys from memory, a fixed clock. Plain JavaScript, no Node APIs.

/**
 * The verifier options every replay uses: the fixture's issuer, audience and keys (served from
 * memory) and its fixed clock, plus `extra` (e.g. `dpop`).
 * @param {{ issuer: string, audience: string, jwksUri: string, jwks: unknown, nowMs: number }} fixture
 * @param {Record<string, unknown>} [extra]
 */
export function replayOptions(fixture, extra = {}) {
  const fetch = async () =>
    new Response(JSON.stringify(fixture.jwks), { headers: { "content-type": "application/json" } });
  return {
    issuer: fixture.issuer,
    audience: fixture.audience,
    jwksUri: fixture.jwksUri,
    fetch,
    clock: () => fixture.nowMs,
    ...extra,
  };
}

/** The error's `code`, or `threw <name>` for anything that is not a scopegate error. */
export function codeOf(error) {
  const code = typeof error === "object" && error !== null ? error.code : undefined;
  return typeof code === "string" ? code : `threw ${error?.name ?? typeof error}`;
}

/**
 * @param {{ createVerifier: Function }} core the `@scopegate/core` module under test
 * @param {{ issuer: string, audience: string, jwksUri: string, jwks: unknown, nowMs: number, scope: string, cases: { token: string }[] }} fixture
 * @param {Record<string, unknown>} [extra] more verifier options (e.g. `offloadSignatures`)
 * @returns {Promise<string[]>} per case, `"ok"` or the error's `code` (`threw <name>` for anything else)
 */
export async function replayCases(core, fixture, extra = {}) {
  const verifier = core.createVerifier(replayOptions(fixture, extra));
  const results = [];
  for (const { token } of fixture.cases) {
    try {
      const verified = await verifier.verify(token);
      verifier.requireScopes(verified, { allOf: [fixture.scope] });
      results.push("ok");
    } catch (error) {
      results.push(codeOf(error));
    }
  }
  return results;
}

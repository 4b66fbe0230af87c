// Replays core test cases on whatever runtime imports it: the same verifier options on every
// runtime, keys from memory, a fixed clock. Plain JavaScript, no Node APIs.

/**
 * @param {{ createVerifier: Function }} core the `@scopegate/core` module under test
 * @param {{ issuer: string, audience: string, jwksUri: string, jwks: unknown, nowMs: number, scope: string, cases: { token: string }[] }} fixture
 * @returns {Promise<string[]>} per case, `"ok"` or the error's `code` (`threw <name>` for anything else)
 */
export async function replayCases(core, fixture) {
  const fetch = async () =>
    new Response(JSON.stringify(fixture.jwks), { headers: { "content-type": "application/json" } });
  const verifier = core.createVerifier({
    issuer: fixture.issuer,
    audience: fixture.audience,
    jwksUri: fixture.jwksUri,
    fetch,
    clock: () => fixture.nowMs,
  });
  const results = [];
  for (const { token } of fixture.cases) {
    try {
      const verified = await verifier.verify(token);
      verifier.requireScopes(verified, { allOf: [fixture.scope] });
      results.push("ok");
    } catch (error) {
      const code = typeof error === "object" && error !== null ? error.code : undefined;
      results.push(typeof code === "string" ? code : `threw ${error?.name ?? typeof error}`);
    }
  }
  return results;
}

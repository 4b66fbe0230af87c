// Runs under node:test (no vitest), importing the built ESM entry by package name, as a user's
// test file would. The file must also let the process exit once the authority closes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createTestAuthority } from "@scopegate/testing";
import { createRemoteJWKSet, jwtVerify } from "jose";

let authority;
before(async () => {
  authority = await createTestAuthority({ audience: "https://api.example.com" });
});
after(() => authority.close());

test("mints a token that verifies against the JWKS served over HTTP", async () => {
  const server = await authority.listen();
  const token = await authority.mint({ scope: "event.create" });
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(server.jwksUri)), {
    issuer: server.url,
    audience: "https://api.example.com",
  });
  assert.equal(payload.scope, "event.create");
  // Leaves a keep-alive connection in fetch's pool: close() must not be held up by it.
  assert.equal((await fetch(server.jwksUri)).status, 200);
});

test("serves the JWKS from memory without a port", async () => {
  const response = await authority.fetch(authority.verifierOptions().jwksUri);
  assert.equal(response.status, 200);
  assert.deepEqual(
    (await response.json()).keys.map((k) => k.kid),
    [authority.kid],
  );
});

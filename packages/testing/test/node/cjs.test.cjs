// Runs under node:test, loading the built CommonJS entry with require(), as a CJS test file would.
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { createTestAuthority } = require("@scopegate/testing");

test("works from CommonJS: mint, memory fetch, listen, simulate, close", async () => {
  const authority = await createTestAuthority({ algorithm: "ES256" });
  try {
    const token = await authority.mint({ scope: "event.read" });
    assert.equal(token.split(".").length, 3);
    const server = await authority.listen();
    assert.equal((await fetch(server.jwksUri)).status, 200);
    authority.simulate("down");
    await assert.rejects(fetch(server.jwksUri), TypeError);
    authority.simulate("ok");
    assert.equal((await fetch(server.jwksUri)).status, 200);
    assert.equal(typeof authority[Symbol.asyncDispose], "function");
  } finally {
    await authority.close();
  }
});

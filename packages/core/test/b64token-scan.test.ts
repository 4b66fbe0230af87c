import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, isBearerError } from "../src/index.js";

/**
 * Extraction leaves an `Authorization` token's b64token scan (RFC 6750 §2.1) to the token step, which
 * makes it only where its answer matters: the answers must be what scanning first gave.
 */

const AUDIENCE = "https://calendar.example.com";

let authority: TestAuthority;

beforeAll(async () => {
  authority = await createTestAuthority({ audience: AUDIENCE });
  await authority.listen();
});
afterAll(async () => {
  await authority?.close();
});

/** `[status, code]` of what `promise` rejects with; the value when it resolves. */
async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return isBearerError(error) ? [error.status, error.code] : error;
  }
}

const header = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("the b64token scan of an Authorization token", () => {
  it("answers 400 ERR_MALFORMED_AUTHORIZATION for a JWT with a character outside b64token, and verify() 401", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    const [h, p, s] = (await authority.mint()).split(".") as [string, string, string];
    for (const token of [
      `${h}.${p}!.${s}`,
      `${h}.${p}.${s}"`,
      `${h}.${p.slice(0, 9)}\u00e9${p.slice(9)}.${s}`,
    ]) {
      expect(await outcome(verifier.authenticate(header(token)))).toEqual([
        400,
        "ERR_MALFORMED_AUTHORIZATION",
      ]);
      expect(await outcome(verifier.verify(token))).toEqual([401, "ERR_TOKEN_MALFORMED"]);
    }
  });

  it("answers 401 for a b64token that is not a JWT, and accepts a valid token, first and cached", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    for (const token of ["abc", "a.b.c.d", "abc~def+ghi/jkl==", "a.b", "-.-.-"]) {
      expect(await outcome(verifier.authenticate(header(token)))).toEqual([401, "ERR_TOKEN_MALFORMED"]);
    }
    const token = await authority.mint({ subject: "task-service" });
    for (let use = 0; use < 3; use++) {
      expect((await verifier.authenticate(header(token))).subject).toBe("task-service");
    }
  });

  it("is made before introspection: an opaque token outside b64token is refused without asking the server", async () => {
    const verifier = createVerifier(
      authority.verifierOptions({ introspection: { ...authority.introspectionOptions(), cache: false } }),
    );
    const asked = authority.server!.introspectionRequests;
    expect(await outcome(verifier.authenticate(header("opaque!token")))).toEqual([
      400,
      "ERR_MALFORMED_AUTHORIZATION",
    ]);
    expect(authority.server!.introspectionRequests).toBe(asked);
    const opaque = authority.mintOpaque({ scope: "event.read" });
    expect((await verifier.authenticate(header(opaque))).scopes).toEqual(["event.read"]);
    expect(authority.server!.introspectionRequests).toBe(asked + 1);
  });
});

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier } from "../src/index.js";
import { readTokenBinding } from "../src/token/confirmation.js";
import { failure } from "./support/failure.js";

const JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";

describe("readTokenBinding", () => {
  it("reads no binding from a token without cnf or with an empty one", () => {
    expect(readTokenBinding({})).toBeNull();
    expect(readTokenBinding({ cnf: {} })).toBeNull();
  });

  it("reads cnf.jkt as a DPoP binding and cnf.x5t#S256 as a certificate binding, frozen", () => {
    const dpop = readTokenBinding({ cnf: { jkt: JKT } });
    expect(dpop).toEqual({ method: "dpop", thumbprint: JKT });
    expect(Object.isFrozen(dpop)).toBe(true);
    expect(readTokenBinding({ cnf: { "x5t#S256": JKT } })).toEqual({ method: "mtls", thumbprint: JKT });
  });

  it.each([
    ["a string", "abc", "ERR_TOKEN_CLAIM_INVALID"],
    ["an array", [JKT], "ERR_TOKEN_CLAIM_INVALID"],
    ["null", null, "ERR_TOKEN_CLAIM_INVALID"],
    ["a jkt that is not base64url", { jkt: "a b" }, "ERR_TOKEN_CLAIM_INVALID"],
    ["a numeric jkt", { jkt: 7 }, "ERR_TOKEN_CLAIM_INVALID"],
    ["an overlong jkt", { jkt: "a".repeat(129) }, "ERR_TOKEN_CLAIM_INVALID"],
    ["a method scopegate cannot check (jwk)", { jwk: { kty: "EC" } }, "ERR_TOKEN_BINDING_UNSUPPORTED"],
    ["two methods at once", { jkt: JKT, "x5t#S256": JKT }, "ERR_TOKEN_BINDING_UNSUPPORTED"],
    ["an inherited name", { toString: JKT }, "ERR_TOKEN_BINDING_UNSUPPORTED"],
  ])("refuses a cnf that is %s", (_title, cnf, code) => {
    expect(() => readTokenBinding({ cnf: cnf as never })).toThrow(expect.objectContaining({ code }));
  });
});

describe("the binding step of a verifier", () => {
  let authority: TestAuthority;
  beforeAll(async () => {
    authority = await createTestAuthority();
  });
  afterAll(() => authority.close());

  it("says a plain bearer token is not bound", async () => {
    const verified = await createVerifier(authority.verifierOptions()).verify(await authority.mint());
    expect(verified.binding).toBeNull();
  });

  it("refuses a DPoP-bound token sent as Bearer with 401 invalid_token, on every request, cached or not", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    const jwt = await authority.mint({ claims: { cnf: { jkt: JKT } } });
    for (let i = 0; i < 4; i++) {
      const error = await failure(verifier.authenticate({ headers: { authorization: `Bearer ${jwt}` } }));
      expect(error.code).toBe("ERR_TOKEN_DPOP_BOUND");
      expect(error.status).toBe(401);
      expect(error.headers["WWW-Authenticate"]).toContain('error="invalid_token"');
    }
    expect((await failure(verifier.verify(jwt))).code).toBe("ERR_TOKEN_DPOP_BOUND");
  });

  it("refuses a token with a cnf it cannot read before caching it", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    const jwt = await authority.mint({ claims: { cnf: { jwk: { kty: "EC" } } } });
    for (let i = 0; i < 3; i++) {
      expect((await failure(verifier.verify(jwt))).code).toBe("ERR_TOKEN_BINDING_UNSUPPORTED");
    }
  });
});

import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type VerifierOptions } from "../src/index.js";

/**
 * Issue 12, item 7: scopes read from a nested claim path (`["realm_access", "roles"]`,
 * `["resource_access", "<client>", "roles"]`), beside plain claim names, checked at construction.
 */

let authority: TestAuthority;
beforeAll(async () => {
  authority = await createTestAuthority();
});
afterAll(() => authority.close());

const keycloakShaped = {
  scope: "profile event.read",
  realm_access: { roles: ["offline_access", "calendar-admin"] },
  resource_access: {
    "my-client": { roles: ["event.create", "event.delete"] },
    account: { roles: ["manage-account"] },
  },
};

const verifierWith = (scopeClaims: VerifierOptions["scopeClaims"]) =>
  createVerifier({ ...authority.verifierOptions(), scopeClaims });

describe("scopeClaims with nested paths", () => {
  it("reads realm roles from [realm_access, roles] after the scope claim", async () => {
    const verifier = verifierWith(["scope", ["realm_access", "roles"]]);
    const verified = await verifier.verify(await authority.mint({ claims: keycloakShaped }));
    expect(verified.scopes).toEqual(["profile", "event.read", "offline_access", "calendar-admin"]);
  });

  it("reads one client's roles from [resource_access, my-client, roles] and no other client's", async () => {
    const verifier = verifierWith([["resource_access", "my-client", "roles"]]);
    const verified = await verifier.verify(await authority.mint({ claims: keycloakShaped }));
    expect(verified.scopes).toEqual(["event.create", "event.delete"]);
  });

  it("reads a one-member path like the plain claim name", async () => {
    const verifier = verifierWith([["scope"]]);
    const verified = await verifier.verify(await authority.mint({ claims: keycloakShaped }));
    expect(verified.scopes).toEqual(["profile", "event.read"]);
  });

  it("grants nothing when a member on the path is absent", async () => {
    const verifier = verifierWith([["resource_access", "other-client", "roles"]]);
    const verified = await verifier.verify(await authority.mint({ claims: keycloakShaped }));
    expect(verified.scopes).toEqual([]);
  });

  it("refuses a token whose path holds a non-object on the way, or a non-string list, with 401 ERR_TOKEN_CLAIM_INVALID", async () => {
    const verifier = verifierWith(["scope", ["realm_access", "roles"]]);
    for (const realm_access of ["admin", ["roles"], { roles: [1, 2] }, { roles: { admin: true } }]) {
      const token = await authority.mint({ claims: { ...keycloakShaped, realm_access } });
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: "ERR_TOKEN_CLAIM_INVALID",
        status: 401,
      });
    }
  });

  it("does not read inherited members (a path through __proto__ or toString finds nothing)", async () => {
    const verifier = verifierWith([
      ["toString", "roles"],
      ["realm_access", "constructor"],
      ["realm_access", "__proto__"],
    ]);
    const verified = await verifier.verify(await authority.mint({ claims: keycloakShaped }));
    expect(verified.scopes).toEqual([]);
  });

  it("rejects malformed paths at construction with a TypeError naming scopeClaims", () => {
    for (const bad of [
      [[]],
      [["realm_access", ""]],
      [["realm_access", 1]],
      [[" realm_access", "roles"]],
      [new Array(40).fill("a")],
      [null],
    ]) {
      expect(() => verifierWith(bad as never)).toThrow(/scopeClaims/);
    }
  });
});

import { describe, expect, it } from "vitest";
import type { JwtClaims } from "../src/base/types.js";
import {
  checkScopeRequirement,
  hasScopes,
  InsufficientScopeError,
  readScopes,
  requireScopes,
} from "../src/index.js";
import { readFrozenScopes } from "../src/token/scopes.js";

describe("readScopes", () => {
  it("splits a space-delimited scope string and keeps token order without duplicates", () => {
    expect(readScopes({ scope: "event.read  event.create event.read" })).toEqual([
      "event.read",
      "event.create",
    ]);
  });

  it("reads scp as an array or a string, after scope", () => {
    expect(readScopes({ scope: "a", scp: ["b", "c"] })).toEqual(["a", "b", "c"]);
    expect(readScopes({ scp: "b c" })).toEqual(["b", "c"]);
  });

  it("reads configured extra claims such as Auth0 permissions or Entra roles", () => {
    expect(
      readScopes({ permissions: ["event.create"], roles: ["admin"] }, ["scope", "permissions", "roles"]),
    ).toEqual(["event.create", "admin"]);
    expect(readScopes({ permissions: ["event.create"] })).toEqual([]);
  });

  it("does not treat commas as separators", () => {
    expect(readScopes({ scope: "event.read,event.create" })).toEqual(["event.read,event.create"]);
  });

  it("grants nothing for values that are not scope strings", () => {
    expect(readScopes({ scope: { a: 1 } as unknown as string })).toEqual([]);
    expect(readScopes({ scp: [1, "ok", 'qu"ote'] as unknown as string[] })).toEqual(["ok"]);
  });

  it("ignores inherited properties", () => {
    const claims = Object.create({ scope: "admin" }) as Record<string, string>;
    expect(readScopes(claims)).toEqual([]);
  });
});

describe("hasScopes and requireScopes", () => {
  it("matches exactly: event.reader is not event.read", () => {
    expect(hasScopes(["event.reader"], { allOf: ["event.read"] })).toBe(false);
    expect(hasScopes(["Event.Read"], { allOf: ["event.read"] })).toBe(false);
  });

  it("needs every scope for allOf and one for anyOf", () => {
    expect(hasScopes(["a", "b"], { allOf: ["a", "b"] })).toBe(true);
    expect(hasScopes(["a"], { allOf: ["a", "b"] })).toBe(false);
    expect(hasScopes(["b"], { anyOf: ["a", "b"] })).toBe(true);
    expect(hasScopes([], { anyOf: ["a", "b"] })).toBe(false);
  });

  it("throws a 403 insufficient_scope error whose challenge lists the needed scopes", () => {
    let caught: unknown;
    try {
      requireScopes(
        { scopes: ["event.read"] },
        { allOf: ["event.create", "event.delete"] },
        { realm: "calendar" },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InsufficientScopeError);
    const error = caught as InsufficientScopeError;
    expect(error.status).toBe(403);
    expect(error.match).toBe("all");
    expect(error.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="calendar", error="insufficient_scope", error_description="The access token lacks a required scope", scope="event.create event.delete"',
    );
    expect(error.body()).toEqual({
      error: "insufficient_scope",
      error_description: "The access token lacks a required scope",
    });
  });

  it("passes silently when the scopes are there", () => {
    expect(() => requireScopes({ scopes: ["admin"] }, { anyOf: ["report.read", "admin"] })).not.toThrow();
  });
});

describe("checkScopeRequirement", () => {
  it("rejects empty or malformed requirements at set-up", () => {
    expect(() => checkScopeRequirement({ allOf: [] })).toThrow(TypeError);
    expect(() => checkScopeRequirement({ anyOf: ["has space"] })).toThrow(/not a valid scope/);
    expect(() => checkScopeRequirement({} as { allOf: string[] })).toThrow(TypeError);
    expect(() => checkScopeRequirement({ allOf: ["event.read"] })).not.toThrow();
  });
});

describe("readFrozenScopes (what a VerifiedToken carries)", () => {
  it("reads what readScopes reads, frozen", () => {
    const cases: [JwtClaims, string[]][] = [
      [{ scope: "a b a c" }, ["scope", "scp"]],
      [{ roles: ["x", "y", "x", 7] }, ["scope", "roles"]],
      [{ scope: "a", scp: "b c" }, ["scope", "scp"]],
      [{ permissions: ["p:1"], scope: "s" }, ["permissions"]],
      [{ scope: 'bad"quote ok' }, ["scope"]],
      [{}, ["scope", "scp"]],
      [{ scope: "" }, ["scope"]],
    ];
    for (const [claims, names] of cases) {
      const frozen = readFrozenScopes(claims, names);
      expect(frozen).toEqual(readScopes(claims, names));
      expect(Object.isFrozen(frozen)).toBe(true);
    }
  });

  it("shares one frozen list between tokens carrying the same scope string", () => {
    const first = readFrozenScopes({ scope: "event.read event.create" }, ["scope", "scp"]);
    readFrozenScopes({ scope: "other" }, ["scope", "scp"]);
    const again = readFrozenScopes({ scp: "event.read event.create" }, ["scope", "scp"]);
    expect(again).toBe(first);
    expect(again).toEqual(["event.read", "event.create"]);
  });

  it("never shares a list read from two claims or from an array", () => {
    const two = { scope: "a", scp: "b" };
    expect(readFrozenScopes(two, ["scope", "scp"])).toEqual(["a", "b"]);
    expect(readFrozenScopes(two, ["scope", "scp"])).not.toBe(readFrozenScopes(two, ["scope", "scp"]));
    expect(readFrozenScopes({ scope: "a" }, ["scope"])).toEqual(["a"]);
    const array = { scp: ["a", "b"] };
    expect(readFrozenScopes(array, ["scp"])).not.toBe(readFrozenScopes(array, ["scp"]));
  });

  it("stays correct past its bound (emptied when full)", () => {
    for (let i = 0; i < 600; i++) {
      expect(readFrozenScopes({ scope: `s${i} t${i}` }, ["scope"])).toEqual([`s${i}`, `t${i}`]);
    }
    expect(readFrozenScopes({ scope: "s1 t1" }, ["scope"])).toEqual(["s1", "t1"]);
  });
});

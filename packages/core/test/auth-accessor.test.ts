import { describe, expect, it } from "vitest";
import type { VerifiedToken } from "../src/base/types.js";
import { createAuthAccessor } from "../src/index.js";

const token = { subject: "task-service" } as VerifiedToken;

/** A request as Express makes it: an object whose prototype is the app's `request` (own `app`). */
function expressRequest(proto: object): { auth?: unknown } {
  return Object.create(proto) as { auth?: unknown };
}

describe("createAuthAccessor", () => {
  it("shows the token as request.auth through an Express-style prototype, with no own property", () => {
    const tokens = new WeakMap<object, VerifiedToken>();
    const show = createAuthAccessor((request) => tokens.get(request));
    const proto = { app: {} };
    const [first, second] = [expressRequest(proto), expressRequest(proto)];
    tokens.set(first, token);
    expect(show(first)).toBe(true);
    expect(show(second)).toBe(true);
    expect(first.auth).toBe(token);
    expect(second.auth).toBeUndefined();
    expect(Object.hasOwn(first, "auth")).toBe(false);
  });

  it("removes a value assigned before, and keeps one assigned after as an own property", () => {
    const show = createAuthAccessor(() => token);
    const request = expressRequest({ app: {} });
    request.auth = "before";
    expect(show(request)).toBe(true);
    expect(request.auth).toBe(token);
    request.auth = "after";
    expect(request.auth).toBe("after");
    expect(Object.hasOwn(request, "auth")).toBe(true);
  });

  it("answers false, touching nothing, without an Express prototype or where auth is someone else's", () => {
    const show = createAuthAccessor(() => token);
    const plain: { auth?: unknown } = {};
    expect(show(plain)).toBe(false);
    expect(show(Object.create(null))).toBe(false);
    const taken = { app: {}, auth: "theirs" };
    const request = expressRequest(taken);
    expect(show(request)).toBe(false);
    expect(request.auth).toBe("theirs");
    expect(plain.auth).toBeUndefined();
  });
});

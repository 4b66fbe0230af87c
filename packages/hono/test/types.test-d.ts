import { Hono, type MiddlewareHandler } from "hono";
import { describe, expectTypeOf, it } from "vitest";
import {
  type AuthEnv,
  type AuthVariables,
  bearerAuth,
  requireScope,
  requireScopes,
  type VerifiedToken,
  type Verifier,
} from "../src/index.js";

declare const verifier: Verifier;

describe("types", () => {
  it('types c.get("auth") and c.var.auth on an app typed with AuthEnv', () => {
    const app = new Hono<AuthEnv>();
    app.get("/me", bearerAuth(verifier), (c) => {
      expectTypeOf(c.get("auth")).toEqualTypeOf<VerifiedToken | undefined>();
      expectTypeOf(c.var.auth).toEqualTypeOf<VerifiedToken | undefined>();
      return c.json({ subject: c.get("auth")?.subject ?? null });
    });
  });

  it("types auth in a handler after the middleware on an untyped app, with path params inferred", () => {
    const app = new Hono();
    app.get("/events/:id", bearerAuth(verifier), requireScope("event.read"), (c) => {
      expectTypeOf(c.get("auth")).toEqualTypeOf<VerifiedToken | undefined>();
      expectTypeOf(c.req.param("id")).toEqualTypeOf<string>();
      return c.json({});
    });
  });

  it("merges into an app's own environment", () => {
    type Own = { Bindings: { ISSUER: string }; Variables: AuthVariables & { requestId: string } };
    const app = new Hono<Own>();
    app.use(bearerAuth<Own>(verifier));
    app.get("/", requireScopes<Own>(["a"]), (c) => {
      expectTypeOf(c.env.ISSUER).toEqualTypeOf<string>();
      expectTypeOf(c.get("requestId")).toEqualTypeOf<string>();
      expectTypeOf(c.get("auth")).toEqualTypeOf<VerifiedToken | undefined>();
      return c.text("ok");
    });
  });

  it("returns Hono middleware", () => {
    expectTypeOf(bearerAuth(verifier)).toExtend<MiddlewareHandler>();
    expectTypeOf(requireScopes(["a", "b"], { match: "any" })).toExtend<MiddlewareHandler<AuthEnv>>();
    expectTypeOf(bearerAuth(verifier).verifier).toEqualTypeOf<Verifier>();
  });

  it("requires issuer and audience and rejects options that do not exist", () => {
    // @ts-expect-error audience is required (pass null to skip the check explicitly)
    bearerAuth({ issuer: "https://issuer.example/" });
    bearerAuth({ issuer: "https://issuer.example/", audience: null, credentialsRequired: false });
    // @ts-expect-error `mode` is not an option
    requireScopes(["a"], { mode: "any" });
    // @ts-expect-error requireScope takes one scope
    requireScope(["a"]);
    // @ts-expect-error handleErrors only takes "fallback", "always" or "never"
    bearerAuth(verifier, { handleErrors: true });
  });
});

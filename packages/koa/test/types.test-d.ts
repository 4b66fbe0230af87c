import Router from "@koa/router";
import Koa, { type DefaultState, type Middleware, type ParameterizedContext } from "koa";
import { describe, expectTypeOf, it } from "vitest";
import {
  type BearerAuthMiddleware,
  bearerAuth,
  bearerErrorHandler,
  createVerifier,
  requireScope,
  requireScopes,
  type VerifiedToken,
  type Verifier,
} from "../src/index.js";

declare const verifier: Verifier;

describe("types", () => {
  it("types ctx.state.auth as VerifiedToken | undefined through Koa's DefaultState", () => {
    expectTypeOf<DefaultState["auth"]>().toEqualTypeOf<VerifiedToken | undefined>();
    expectTypeOf<ParameterizedContext["state"]["auth"]>().toEqualTypeOf<VerifiedToken | undefined>();
  });

  it("types ctx.state.auth in app middleware and in @koa/router handlers after bearerAuth()", () => {
    const app = new Koa();
    app.use(bearerAuth(verifier));
    app.use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<VerifiedToken | undefined>();
    });
    const router = new Router();
    router.get("/events/:id", bearerAuth(verifier), requireScope("event.read"), (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<VerifiedToken | undefined>();
      expectTypeOf(ctx.params).toEqualTypeOf<Record<string, string>>();
      if (ctx.state.auth) expectTypeOf(ctx.state.auth.scopes).toEqualTypeOf<readonly string[]>();
    });
    app.use(router.routes());
  });

  it("returns Koa middleware", () => {
    expectTypeOf(bearerAuth(verifier)).toEqualTypeOf<BearerAuthMiddleware>();
    expectTypeOf(bearerAuth(verifier)).toExtend<Middleware>();
    expectTypeOf(requireScopes(["a", "b"], { match: "any" })).toExtend<Middleware>();
    expectTypeOf(bearerErrorHandler()).toExtend<Middleware>();
    new Koa().use(bearerAuth({ issuer: "https://issuer.example/", audience: "https://api.example" }));
  });

  it("requires issuer and audience in the options form", () => {
    // @ts-expect-error audience is required (pass null to skip the check explicitly)
    bearerAuth({ issuer: "https://issuer.example/" });
    bearerAuth({ issuer: "https://issuer.example/", audience: null, credentialsRequired: false });
  });

  it("rejects options that do not exist", () => {
    // @ts-expect-error `mode` is not an option
    requireScopes(["a"], { mode: "any" });
    // @ts-expect-error match only takes "all" or "any"
    requireScopes(["a"], { match: "some" });
    // @ts-expect-error requireScope takes one scope
    requireScope(["a"]);
    // @ts-expect-error handleErrors only takes "fallback", "always" or "never"
    bearerAuth(verifier, { handleErrors: true });
    bearerAuth(createVerifier({ issuer: "https://issuer.example/", audience: "x" }), {
      handleErrors: "always",
    });
  });
});

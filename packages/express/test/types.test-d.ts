import express, { type Request, type RequestHandler } from "express";
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
  it("types req.auth as VerifiedToken | undefined on every Express request", () => {
    expectTypeOf<Request["auth"]>().toEqualTypeOf<VerifiedToken | undefined>();
  });

  it("types req.auth in a route handler after bearerAuth(), with route params still inferred", () => {
    const app = express();
    app.get("/events/:id", bearerAuth(verifier), requireScope("event.read"), (req, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<VerifiedToken | undefined>();
      expectTypeOf(req.params.id).toEqualTypeOf<string>();
      if (req.auth) expectTypeOf(req.auth.scopes).toEqualTypeOf<readonly string[]>();
      res.json({ subject: req.auth?.subject });
    });
  });

  it("returns Express middleware that app.use() and routers accept", () => {
    const app = express();
    const router = express.Router();
    expectTypeOf(bearerAuth(verifier)).toEqualTypeOf<BearerAuthMiddleware>();
    expectTypeOf(bearerAuth(verifier)).toExtend<RequestHandler>();
    expectTypeOf(requireScopes(["a", "b"], { match: "any" })).toExtend<RequestHandler>();
    app.use(bearerAuth({ issuer: "https://issuer.example/", audience: "https://api.example" }));
    router.delete("/:id", requireScopes(["event.create", "event.delete"]));
    app.use(bearerErrorHandler());
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

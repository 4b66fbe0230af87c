import Fastify, { type FastifyRequest, type onRequestHookHandler, type preHandlerHookHandler } from "fastify";
import { describe, expectTypeOf, it } from "vitest";
import {
  createVerifier,
  type RouteScopes,
  requireScope,
  requireScopes,
  scopegate,
  type VerifiedToken,
  type Verifier,
} from "../src/index.js";

declare const verifier: Verifier;

describe("types", () => {
  it("types request.auth as VerifiedToken | null on every Fastify request", () => {
    expectTypeOf<FastifyRequest["auth"]>().toEqualTypeOf<VerifiedToken | null>();
  });

  it("types config.scopes on route options", () => {
    const app = Fastify();
    app.get("/a", { config: { scopes: ["event.read"] } }, async () => ({}));
    app.get("/b", { config: { scopes: { anyOf: ["report.read", "admin"] } } }, async () => ({}));
    // @ts-expect-error scopes is a list or { anyOf } / { allOf }
    app.get("/c", { config: { scopes: "event.read" } }, async () => ({}));
    expectTypeOf<{ allOf: string[] }>().toExtend<RouteScopes>();
  });

  it("returns hooks usable as preHandler and onRequest, with route params still typed", () => {
    const app = Fastify();
    expectTypeOf(requireScope("a")).toExtend<preHandlerHookHandler>();
    expectTypeOf(requireScopes(["a", "b"], { match: "any" })).toExtend<onRequestHookHandler>();
    app.get<{ Params: { id: string } }>(
      "/events/:id",
      { preHandler: requireScope("event.read"), onRequest: [requireScopes(["a"])] },
      async (request) => {
        expectTypeOf(request.params.id).toEqualTypeOf<string>();
        expectTypeOf(request.auth).toEqualTypeOf<VerifiedToken | null>();
        return { subject: request.auth?.subject };
      },
    );
  });

  it("takes verifier options or a verifier, and requires issuer and audience", () => {
    const app = Fastify();
    app.register(scopegate, { issuer: "https://issuer.example/", audience: "https://api.example" });
    app.register(scopegate, { verifier, credentialsRequired: false, handleErrors: "always" });
    app.register(scopegate, {
      verifier: createVerifier({ issuer: "https://issuer.example/", audience: null }),
    });
    // @ts-expect-error audience is required (pass null to skip the check explicitly)
    app.register(scopegate, { issuer: "https://issuer.example/" });
  });

  it("rejects options that do not exist", () => {
    // @ts-expect-error `mode` is not an option
    requireScopes(["a"], { mode: "any" });
    // @ts-expect-error match only takes "all" or "any"
    requireScopes(["a"], { match: "some" });
    // @ts-expect-error requireScope takes one scope
    requireScope(["a"]);
  });
});

// Type-checked against Fastify 4's own types by tsconfig.fastify4.json ("fastify" mapped to fastify4).
import Fastify, { type FastifyRequest, type preHandlerHookHandler } from "fastify";
import { describe, expectTypeOf, it } from "vitest";
import { requireScope, scopegate, type VerifiedToken, type Verifier } from "../../src/index.js";

declare const verifier: Verifier;

describe("types on Fastify 4", () => {
  it("types request.auth and config.scopes, and accepts the plugin and the hooks", () => {
    expectTypeOf<FastifyRequest["auth"]>().toEqualTypeOf<VerifiedToken | null>();
    expectTypeOf(requireScope("a")).toExtend<preHandlerHookHandler>();
    const app = Fastify();
    app.register(scopegate, { verifier });
    app.get("/", { config: { scopes: ["event.read"] }, preHandler: requireScope("a") }, async (request) => ({
      subject: request.auth?.subject,
    }));
  });
});

import Router from "@koa/router";
import { runBehaviourTable, runDpopBehaviourTable } from "@scopegate-examples/conformance-suite";
import Koa3 from "koa";
import Koa2 from "koa2";
import {
  bearerAuth,
  createVerifier,
  requireScope,
  requireScopes,
  type VerifierOptions,
} from "../src/index.js";
import { listen } from "./support.js";

/** The behaviour table's routes on @koa/router; no error middleware of the app's own. */
function router(options: VerifierOptions): Router {
  const verifier = createVerifier(options);
  const auth = bearerAuth(verifier);
  const router = new Router();
  router.get("/me", auth, (ctx) => {
    const { auth } = ctx.state;
    ctx.body = { subject: auth?.subject, clientId: auth?.clientId, scopes: auth?.scopes };
  });
  router.get("/optional", bearerAuth(verifier, { credentialsRequired: false }), (ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject ?? null };
  });
  router.get("/all", auth, requireScopes(["event.create", "event.delete"]), (ctx) => {
    ctx.body = { ok: true };
  });
  router.get("/any", auth, requireScopes(["report.read", "admin"], { match: "any" }), (ctx) => {
    ctx.body = { ok: true };
  });
  router.get("/scoped", requireScope("event.read", { verifier }), (ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject };
  });
  return router;
}

/** Koa 3 and Koa 2, each silent (no stderr for the errors the tests provoke), with the routes. */
const VERSIONS = [
  [
    "Koa 3",
    (options: VerifierOptions) => {
      const app = new Koa3();
      app.silent = true;
      app.use(router(options).routes());
      return app.callback();
    },
  ],
  [
    "Koa 2",
    (options: VerifierOptions) => {
      const app = new Koa2();
      app.silent = true;
      app.use(router(options).routes() as unknown as Koa2.Middleware);
      return app.callback();
    },
  ],
] as const;

for (const [version, create] of VERSIONS) {
  for (const run of [runBehaviourTable, runDpopBehaviourTable]) {
    run(`@scopegate/koa on ${version}`, { start: async (options) => listen(create(options)) });
  }
}

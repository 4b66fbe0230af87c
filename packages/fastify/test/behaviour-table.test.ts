import { runBehaviourTable, runDpopBehaviourTable } from "@scopegate-examples/conformance-suite";
import {
  createVerifier,
  requireScope,
  requireScopes,
  scopegate,
  type VerifierOptions,
} from "../src/index.js";
import { type App, FRAMEWORKS, listen } from "./support.js";

/**
 * The behaviour table's routes, the same on Fastify 4 and 5, with no error handler of the app's own:
 * the plugin in an encapsulated context (scopes as `config.scopes` and as a `preHandler`), optional
 * authentication in another, and a scope hook on a route outside both.
 */
function routes(app: App, options: VerifierOptions): void {
  const verifier = createVerifier(options);
  app.register(async (api) => {
    await api.register(scopegate, { verifier });
    api.get("/me", async (request) => ({
      subject: request.auth?.subject,
      clientId: request.auth?.clientId,
      scopes: request.auth?.scopes,
    }));
    api.get("/all", { config: { scopes: ["event.create", "event.delete"] } }, async () => ({ ok: true }));
    api.get("/any", { preHandler: requireScopes(["report.read", "admin"], { match: "any" }) }, async () => ({
      ok: true,
    }));
  });
  app.register(async (open) => {
    await open.register(scopegate, { verifier, credentialsRequired: false });
    open.get("/optional", async (request) => ({ subject: request.auth?.subject ?? null }));
  });
  app.get("/scoped", { preHandler: requireScope("event.read", { verifier }) }, async (request) => ({
    subject: request.auth?.subject,
  }));
}

for (const [name, create] of FRAMEWORKS) {
  for (const run of [runBehaviourTable, runDpopBehaviourTable]) {
    run(`@scopegate/fastify on ${name}`, {
      async start(options) {
        const app = create();
        routes(app, options);
        return listen(app);
      },
    });
  }
}

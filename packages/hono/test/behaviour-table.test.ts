import { runBehaviourTable, runDpopBehaviourTable } from "@scopegate-examples/conformance-suite";
import { Hono } from "hono";
import { type AuthEnv, bearerAuth, createVerifier, requireScope, requireScopes } from "../src/index.js";
import { listen } from "./support.js";

for (const run of [runBehaviourTable, runDpopBehaviourTable]) {
  run("@scopegate/hono on @hono/node-server", {
    async start(options) {
      const verifier = createVerifier(options);
      const auth = bearerAuth(verifier);
      const app = new Hono<AuthEnv>();
      app.get("/me", auth, (c) => {
        const token = c.get("auth");
        return c.json({ subject: token?.subject, clientId: token?.clientId, scopes: token?.scopes });
      });
      app.get("/optional", bearerAuth(verifier, { credentialsRequired: false }), (c) =>
        c.json({ subject: c.var.auth?.subject ?? null }),
      );
      app.get("/all", auth, requireScopes(["event.create", "event.delete"]), (c) => c.json({ ok: true }));
      app.get("/any", auth, requireScopes(["report.read", "admin"], { match: "any" }), (c) =>
        c.json({ ok: true }),
      );
      app.get("/scoped", requireScope("event.read", { verifier }), (c) =>
        c.json({ subject: c.var.auth?.subject }),
      );
      return listen(app);
    },
  });
}

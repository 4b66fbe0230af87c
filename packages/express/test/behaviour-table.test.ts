import { runBehaviourTable, runDpopBehaviourTable } from "@scopegate-examples/conformance-suite";
import express5 from "express";
import express4 from "express4";
import {
  bearerAuth,
  createVerifier,
  requireScope,
  requireScopes,
  type VerifierOptions,
} from "../src/index.js";
import { listen } from "./support.js";

type Handler = (...args: never[]) => unknown;
interface AppLike {
  get(path: string, ...handlers: Handler[]): unknown;
}

/** The behaviour table's routes, the same on Express 4 and 5; no error handler of the app's own. */
function routes(app: AppLike, options: VerifierOptions): void {
  const verifier = createVerifier(options);
  const auth = bearerAuth(verifier);
  type Res = { json(body: unknown): void };
  type Req = Parameters<typeof auth>[0];
  app.get("/me", auth, (req: Req, res: Res) => {
    res.json({ subject: req.auth?.subject, clientId: req.auth?.clientId, scopes: req.auth?.scopes });
  });
  app.get("/optional", bearerAuth(verifier, { credentialsRequired: false }), (req: Req, res: Res) => {
    res.json({ subject: req.auth?.subject ?? null });
  });
  app.get("/all", auth, requireScopes(["event.create", "event.delete"]), (_req: Req, res: Res) => {
    res.json({ ok: true });
  });
  app.get("/any", auth, requireScopes(["report.read", "admin"], { match: "any" }), (_req: Req, res: Res) => {
    res.json({ ok: true });
  });
  app.get("/scoped", requireScope("event.read", { verifier }), (req: Req, res: Res) => {
    res.json({ subject: req.auth?.subject });
  });
}

const VERSIONS = [
  ["Express 5", () => express5()],
  ["Express 4", () => express4()],
] as const;

for (const [version, create] of VERSIONS) {
  for (const run of [runBehaviourTable, runDpopBehaviourTable]) {
    run(`@scopegate/express on ${version}`, {
      async start(options) {
        const app = create();
        routes(app as unknown as AppLike, options);
        return listen(app as never);
      },
    });
  }
}

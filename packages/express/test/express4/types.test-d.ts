// Checked by `tsc -p tsconfig.express4.json`, where "express" resolves to @types/express 4: the same
// code a user on Express 4 writes, with req.auth typed.
import express, { type Request } from "express";
import {
  bearerAuth,
  bearerErrorHandler,
  requireScope,
  requireScopes,
  type VerifiedToken,
  type Verifier,
} from "../../src/index.js";

declare const verifier: Verifier;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const authIsTyped: Equal<Request["auth"], VerifiedToken | undefined> = true;

const app = express();
app.use(bearerAuth(verifier));
app.get(
  "/events/:id",
  requireScope("event.read"),
  requireScopes(["a", "b"], { match: "any" }),
  (req, res) => {
    const auth: VerifiedToken | undefined = req.auth;
    const id: string = req.params.id;
    res.json({ subject: auth?.subject, id, authIsTyped });
  },
);
app.use(bearerErrorHandler());

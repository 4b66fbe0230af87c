import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import express, { type Request } from "express";
import express4 from "express4";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerAuth, createVerifier, requireScope } from "../src/index.js";
import { listen } from "./support.js";

/** What a handler sees of `req.auth`, and whether the adapter left a property on the request. */
function seen(req: Request) {
  return { subject: req.auth?.subject ?? null, own: Object.keys(req).filter((key) => key === "auth") };
}

describe("req.auth", () => {
  let authority: TestAuthority;

  beforeAll(async () => {
    authority = await createTestAuthority({ audience: "https://calendar.scopegate.test" });
    await authority.listen();
  });

  afterAll(async () => {
    await authority?.close();
  });

  for (const [name, create] of [
    ["Express 5", () => express()],
    ["Express 4", () => express4() as unknown as express.Express],
  ] as const) {
    it(`is the token on ${name}, without a property added to the request`, async () => {
      const app = create();
      const auth = bearerAuth(createVerifier(authority.verifierOptions()));
      app.get("/", auth, requireScope("event.read"), (req, res) => {
        res.json(seen(req));
      });
      const running = await listen(app);
      try {
        const token = await authority.mint({ subject: "task-service", scope: "event.read" });
        const res = await request(running.url).get("/").set("Authorization", `Bearer ${token}`);
        expect(res.body).toEqual({ subject: "task-service", own: [] });
      } finally {
        await running.close();
      }
    });
  }

  it("is each request's own token when requests overlap, in two apps and in a mounted sub-app", async () => {
    const verifier = createVerifier(authority.verifierOptions());
    const outer = express();
    const inner = express();
    inner.get("/me", bearerAuth(verifier), (req, res) => {
      // Answer later than the next request arrives, so that their lifetimes overlap.
      setTimeout(() => res.json(seen(req)), 20);
    });
    outer.use("/v1", inner);
    outer.get("/me", bearerAuth(verifier), (req, res) => {
      setTimeout(() => res.json(seen(req)), 20);
    });
    const other = express();
    other.get("/me", (req, res) => res.json(seen(req)));
    const [running, plain] = await Promise.all([listen(outer), listen(other)]);
    try {
      const subjects = ["a", "b", "c", "d"];
      const answers = await Promise.all(
        subjects.map(async (subject, i) => {
          const token = await authority.mint({ subject });
          const path = i % 2 === 0 ? "/me" : "/v1/me";
          return (await request(running.url).get(path).set("Authorization", `Bearer ${token}`)).body;
        }),
      );
      expect(answers).toEqual(subjects.map((subject) => ({ subject, own: [] })));
      // An app without scopegate sees no auth.
      expect((await request(plain.url).get("/me")).body).toEqual({ subject: null, own: [] });
    } finally {
      await Promise.all([running.close(), plain.close()]);
    }
  });

  it("is the verified token even when app code assigned req.auth before bearerAuth() ran", async () => {
    const app = express();
    app.use((req, _res, next) => {
      (req as { auth?: unknown }).auth = { subject: "forged" };
      next();
    });
    app.get("/", bearerAuth(createVerifier(authority.verifierOptions())), (req, res) => {
      res.json({ subject: req.auth?.subject ?? null });
    });
    const running = await listen(app);
    try {
      const token = await authority.mint({ subject: "task-service" });
      const res = await request(running.url).get("/").set("Authorization", `Bearer ${token}`);
      expect(res.body).toEqual({ subject: "task-service" });
    } finally {
      await running.close();
    }
  });

  it("keeps a value the handler assigns to req.auth after authentication", async () => {
    const app = express();
    app.get("/", bearerAuth(createVerifier(authority.verifierOptions())), (req, res) => {
      const verified = req.auth;
      (req as { auth?: unknown }).auth = { ...verified, subject: "rewritten" };
      res.json({ subject: req.auth?.subject ?? null });
    });
    const running = await listen(app);
    try {
      const token = await authority.mint({ subject: "task-service" });
      const res = await request(running.url).get("/").set("Authorization", `Bearer ${token}`);
      expect(res.body).toEqual({ subject: "rewritten" });
    } finally {
      await running.close();
    }
  });

  it("is an own property on a request that is not an Express request (a bare Node server)", async () => {
    const auth = bearerAuth(createVerifier(authority.verifierOptions()));
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      auth(req as Request, res as never, () => {
        const token = (req as Request).auth;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ subject: token?.subject ?? null, own: Object.hasOwn(req, "auth") }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const token = await authority.mint({ subject: "task-service" });
      const res = await request(`http://127.0.0.1:${port}`).get("/").set("Authorization", `Bearer ${token}`);
      expect(res.body).toEqual({ subject: "task-service", own: true });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { bearerAuth, bearerErrorHandler, requireScope, requireScopes } from "@scopegate/express";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import express from "express";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditLog, auditRefusals } from "../src/audit-log.js";

let authority: TestAuthority;
let server: Server;
let origin: string;
let lines: string[] = [];

beforeAll(async () => {
  authority = await createTestAuthority({ audience: "https://calendar.example.com" });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const logger = pino({ base: null }, sink);

  // The recipe, as docs/observability.md shows it.
  const app = express();
  app.use(auditLog(logger));
  const auth = bearerAuth(authority.verifierOptions());
  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  app.get("/events", auth, requireScope("event.read"), (_req, res) => {
    res.json({ events: [] });
  });
  app.delete("/events/:id", auth, requireScopes(["event.create", "event.delete"]), (_req, res) => {
    res.status(204).end();
  });
  app.use(auditRefusals(), bearerErrorHandler());

  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await authority.close();
});
beforeEach(() => {
  lines = [];
});

async function call(method: string, path: string, token?: string): Promise<number> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(`${origin}${path}`, { method, headers });
  await res.arrayBuffer();
  return res.status;
}

/** The audit lines written so far, parsed (the line for a response is written once it is sent). */
async function audited(count: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 100 && lines.length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return lines.map((line) => JSON.parse(line));
}

describe("audit log with pino", () => {
  it("writes one line for an allowed call: client id, scopes, route pattern, outcome", async () => {
    const token = await authority.mint({ scope: "event.create event.delete", clientId: "task-service" });
    expect(await call("DELETE", "/events/42", token)).toBe(204);
    const [line, ...rest] = await audited(1);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      audit: "authorization",
      msg: "authorization decision",
      outcome: "allowed",
      status: 204,
      method: "DELETE",
      route: "/events/:id",
      clientId: "task-service",
      scopes: ["event.create", "event.delete"],
      code: null,
    });
  });

  it("writes a refused line with the code and the verified client for a missing scope (403)", async () => {
    const token = await authority.mint({ scope: "event.read", clientId: "reporting" });
    expect(await call("DELETE", "/events/42", token)).toBe(403);
    expect(await audited(1)).toMatchObject([
      {
        outcome: "refused",
        status: 403,
        clientId: "reporting",
        scopes: ["event.read"],
        code: "ERR_INSUFFICIENT_SCOPE",
      },
    ]);
  });

  it("writes a refused line without any client or scope for a token that fails (401), and never the token", async () => {
    const expired = await authority.tokens.expired();
    const forged = await authority.tokens.foreignKey();
    expect(await call("GET", "/events", expired)).toBe(401);
    expect(await call("GET", "/events", forged)).toBe(401);
    expect(await call("GET", "/events")).toBe(401);
    const written = await audited(3);
    expect(written.map((line) => [line.outcome, line.code, line.clientId, line.scopes])).toEqual([
      ["refused", "ERR_TOKEN_EXPIRED", null, []],
      ["refused", "ERR_TOKEN_SIGNATURE", null, []],
      ["refused", "ERR_NO_CREDENTIALS", null, []],
    ]);
    const text = lines.join("\n");
    for (const token of [expired, forged])
      for (const part of token.split(".")) expect(text).not.toContain(part);
    expect(text.toLowerCase()).not.toContain('authorization":');
    expect(text).not.toContain("Bearer");
  });

  it("writes nothing for routes without an authorization decision", async () => {
    expect(await call("GET", "/health")).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines).toEqual([]);
  });
});

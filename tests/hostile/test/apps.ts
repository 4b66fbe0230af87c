import "reflect-metadata";
import { once } from "node:events";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import Router from "@koa/router";
import { Controller, Get, UseGuards } from "@nestjs/common";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { Test } from "@nestjs/testing";
import type { VerifiedToken, VerifierOptions } from "@scopegate/core";
import * as scopegateExpress from "@scopegate/express";
import * as scopegateFastify from "@scopegate/fastify";
import * as scopegateHono from "@scopegate/hono";
import * as scopegateKoa from "@scopegate/koa";
import { Auth, RequireScopes, ScopegateGuard, ScopegateModule } from "@scopegate/nestjs";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import Koa from "koa";

/**
 * The same two routes on every adapter, as a user would write them, with no error handler of the
 * app's own (the adapters' defaults answer):
 * - `GET /events` needs scope `event.read`, answers `{ events: [], subject }`;
 * - `GET /health` needs nothing, answers `{ ok: true }`.
 */
export const ADAPTERS = ["express", "koa", "fastify", "hono", "nestjs-express", "nestjs-fastify"] as const;
export type AdapterName = (typeof ADAPTERS)[number];
export const REQUIRED_SCOPE = "event.read";

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

async function listen(listener: RequestListener): Promise<RunningApp> {
  const server = createServer(listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function expressApp(options: VerifierOptions): RequestListener {
  const app = express();
  const auth = scopegateExpress.bearerAuth(options);
  app.get("/events", auth, scopegateExpress.requireScope(REQUIRED_SCOPE), (req, res) => {
    res.json({ events: [], subject: req.auth?.subject ?? null });
  });
  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

function koaApp(options: VerifierOptions): RequestListener {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const auth = scopegateKoa.bearerAuth(options);
  router.get("/events", auth, scopegateKoa.requireScope(REQUIRED_SCOPE), (ctx) => {
    ctx.body = { events: [], subject: ctx.state.auth?.subject ?? null };
  });
  router.get("/health", (ctx) => {
    ctx.body = { ok: true };
  });
  app.use(router.routes());
  return app.callback();
}

async function fastifyApp(options: VerifierOptions): Promise<RunningApp> {
  const app = Fastify();
  app.get("/health", async () => ({ ok: true }));
  app.register(async (api) => {
    await api.register(scopegateFastify.scopegate, options);
    api.get("/events", { config: { scopes: [REQUIRED_SCOPE] } }, async (request) => ({
      events: [],
      subject: request.auth?.subject ?? null,
    }));
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function honoApp(options: VerifierOptions): Promise<RunningApp> {
  const app = new Hono<scopegateHono.AuthEnv>();
  const auth = scopegateHono.bearerAuth(options);
  app.get("/events", auth, scopegateHono.requireScope(REQUIRED_SCOPE), (c) =>
    c.json({ events: [], subject: c.var.auth?.subject ?? null }),
  );
  app.get("/health", (c) => c.json({ ok: true }));
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            const http = server as import("node:http").Server;
            http.close((error) => (error ? fail(error) : done()));
            http.closeAllConnections();
          }),
      });
    });
  });
}

@Controller()
class HostileController {
  @Get("events")
  @UseGuards(ScopegateGuard)
  @RequireScopes(REQUIRED_SCOPE)
  events(@Auth() auth: VerifiedToken) {
    return { events: [], subject: auth.subject ?? null };
  }

  @Get("health")
  health() {
    return { ok: true };
  }
}

async function nestApp(platform: "express" | "fastify", options: VerifierOptions): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [ScopegateModule.forRoot({ ...options, global: true })],
    controllers: [HostileController],
  }).compile();
  const app =
    platform === "fastify"
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function startAdapterApp(name: AdapterName, options: VerifierOptions): Promise<RunningApp> {
  switch (name) {
    case "express":
      return listen(expressApp(options));
    case "koa":
      return listen(koaApp(options));
    case "fastify":
      return fastifyApp(options);
    case "hono":
      return honoApp(options);
    case "nestjs-express":
      return nestApp("express", options);
    case "nestjs-fastify":
      return nestApp("fastify", options);
  }
}

import "reflect-metadata";
import { once } from "node:events";
import type { RequestListener } from "node:http";
import { createServer, type ServerOptions } from "node:https";
import type { AddressInfo } from "node:net";
import Router from "@koa/router";
import { Controller, Get, type NestApplicationOptions, UseGuards } from "@nestjs/common";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { Test } from "@nestjs/testing";
import type { VerifiedToken, VerifierOptions } from "@scopegate/core";
import * as scopegateExpress from "@scopegate/express";
import * as scopegateFastify from "@scopegate/fastify";
import * as scopegateKoa from "@scopegate/koa";
import { Auth, ScopegateGuard, ScopegateModule } from "@scopegate/nestjs";
import express from "express";
import Fastify from "fastify";
import Koa from "koa";

/**
 * `GET /me` on every adapter, served over HTTPS on 127.0.0.1 with the TLS options given (a server
 * certificate, and a CA whose client certificates the TLS layer authorises), answering how the
 * token was bound: `{ binding }`.
 */
export const TLS_ADAPTERS = ["express", "koa", "fastify", "nestjs-express", "nestjs-fastify"] as const;
export type TlsAdapterName = (typeof TLS_ADAPTERS)[number];

export interface RunningTlsApp {
  /** `https://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

const bindingOf = (token: VerifiedToken | undefined) => ({ binding: token?.binding ?? null });

async function listen(listener: RequestListener, tls: ServerOptions): Promise<RunningTlsApp> {
  const server = createServer(tls, listener);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function expressApp(options: VerifierOptions): RequestListener {
  const app = express();
  app.get("/me", scopegateExpress.bearerAuth(options), (req, res) => {
    res.json(bindingOf(req.auth));
  });
  return app;
}

function koaApp(options: VerifierOptions): RequestListener {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get("/me", scopegateKoa.bearerAuth(options), (ctx) => {
    ctx.body = bindingOf(ctx.state.auth);
  });
  app.use(router.routes());
  return app.callback();
}

async function fastifyApp(options: VerifierOptions, tls: ServerOptions): Promise<RunningTlsApp> {
  const app = Fastify({ https: tls });
  await app.register(scopegateFastify.scopegate, options);
  app.get("/me", async (request) => bindingOf(request.auth ?? undefined));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, close: () => app.close() };
}

@Controller()
class MeController {
  @Get("me")
  @UseGuards(ScopegateGuard)
  me(@Auth() auth: VerifiedToken) {
    return bindingOf(auth);
  }
}

/**
 * Nest's own copy of Node's HTTPS options: the same object, but its `SNICallback` callback still takes
 * `err: Error` where Node's takes `Error | null`, so Node's type needs telling.
 */
type NestHttpsOptions = NonNullable<NestApplicationOptions["httpsOptions"]>;

async function nestApp(
  platform: "express" | "fastify",
  options: VerifierOptions,
  tls: ServerOptions,
): Promise<RunningTlsApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [ScopegateModule.forRoot({ ...options, global: true })],
    controllers: [MeController],
  }).compile();
  const app =
    platform === "fastify"
      ? moduleRef.createNestApplication(new FastifyAdapter({ https: tls }), { logger: false })
      : moduleRef.createNestApplication({ httpsOptions: tls as NestHttpsOptions, logger: false });
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}`, close: () => app.close() };
}

export function startTlsApp(
  name: TlsAdapterName,
  options: VerifierOptions,
  tls: ServerOptions,
): Promise<RunningTlsApp> {
  switch (name) {
    case "express":
      return listen(expressApp(options), tls);
    case "koa":
      return listen(koaApp(options), tls);
    case "fastify":
      return fastifyApp(options, tls);
    case "nestjs-express":
      return nestApp("express", options, tls);
    case "nestjs-fastify":
      return nestApp("fastify", options, tls);
  }
}

// The benchmark's applications: `GET /events` answering a small JSON body, bare or behind a guard, on
// each framework. `http-server.mjs` listens with one; `pipeline.mjs` drives several in one process
// without a socket. Each builder resolves `{ listener, listen }`: the Node request listener
// (`(req, res) => void`: the framework's whole request handling) and a function that listens on
// 127.0.0.1 (port 0) and resolves the server.
//   framework: node (no framework: Node's request listener; pipeline phase only) | express | koa |
//              fastify | hono | nest-express | nest-fastify
//   guard: bare | noop | scopegate | scopegate-dpop (Express) | express-oauth2-jwt-bearer (Express)
//   noop: the framework's own cost of the hooks or middlewares scopegate adds, doing nothing
//   (Express, Koa, Hono: two pass-through middlewares; Fastify: an onRequest and a preHandler hook;
//   Nest: a global guard that lets everything through; Node: one pass-through function).
import "reflect-metadata";
import { createServer } from "node:http";

const body = { events: [{ id: "evt_1", title: "Standup" }] };

/** The verifier options every guarded app uses (pipeline-child.mjs's core-alone variant too). */
export const verifierOptionsOf = (config) => ({
  issuer: config.issuer,
  audience: config.audience,
  jwksUri: config.jwksUri,
  algorithms: [config.alg],
  // The event-loop phase's "signatures on the thread pool" server.
  ...(config.offloadSignatures ? { offloadSignatures: true } : {}),
});

/** `{ listener, listen }` for a plain Node request listener. */
function fromListener(listener) {
  return {
    listener,
    listen: () =>
      new Promise((resolve) => {
        const server = createServer(listener);
        server.listen(0, "127.0.0.1", () => resolve(server));
      }),
  };
}

/**
 * For the event-loop phase (after the measured route, so that it does not change its routing):
 * `GET /health`, a cheap unguarded route whose latency is probed, and `GET /loop`, this process's
 * event-loop delay since the last `GET /loop` (milliseconds: p50, p99, max), then reset.
 */
async function addEventLoopRoutes(app) {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  app.get("/health", (_req, res) => res.json({ ok: true }));
  app.get("/loop", (_req, res) => {
    const ms = (ns) => ns / 1e6;
    res.json({ p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) });
    delay.reset();
  });
}

async function expressApp(guard, config) {
  const { default: express } = await import("express");
  const app = express();
  app.disable("x-powered-by");
  const handler = (_req, res) => res.json(body);
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    const pass = (_req, _res, next) => next();
    app.get("/events", pass, pass, handler);
  } else if (guard === "scopegate" || guard === "scopegate-dpop") {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_EXPRESS ?? "@scopegate/express");
    const dpop = guard === "scopegate-dpop" ? { dpop: { publicUrl: config.dpopPublicUrl } } : {};
    const authenticate = bearerAuth({ ...verifierOptionsOf(config), ...dpop });
    await authenticate.verifier.warm?.();
    app.get("/events", authenticate, requireScope("event.read"), handler);
  } else if (guard === "express-oauth2-jwt-bearer") {
    const { auth, requiredScopes } = await import("express-oauth2-jwt-bearer");
    const { issuer, audience, jwksUri, alg } = config;
    app.get(
      "/events",
      auth({ issuer, audience, jwksUri, tokenSigningAlg: alg }),
      requiredScopes("event.read"),
      handler,
    );
  } else {
    throw new Error(`express: no guard ${guard}`);
  }
  if (process.env.BENCH_EVENT_LOOP) await addEventLoopRoutes(app);
  return fromListener(app);
}

async function koaApp(guard, config) {
  const { default: Koa } = await import("koa");
  const { default: Router } = await import("@koa/router");
  const app = new Koa();
  const router = new Router();
  const handler = (ctx) => {
    ctx.body = body;
  };
  if (guard === "bare") {
    router.get("/events", handler);
  } else if (guard === "noop") {
    const pass = (_ctx, next) => next();
    router.get("/events", pass, pass, handler);
  } else {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_KOA ?? "@scopegate/koa");
    const authenticate = bearerAuth(verifierOptionsOf(config));
    await authenticate.verifier.warm?.();
    router.get("/events", authenticate, requireScope("event.read"), handler);
  }
  app.use(router.routes());
  return fromListener(app.callback());
}

/** Fastify: its own `listen`. */
async function fastifyApp(guard, config) {
  const { default: Fastify } = await import("fastify");
  const app = Fastify();
  const handler = async () => body;
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    app.addHook("onRequest", (_request, _reply, done) => done());
    app.addHook("preHandler", (_request, _reply, done) => done());
    app.get("/events", handler);
  } else {
    const { scopegate, createVerifier } = await import(process.env.SCOPEGATE_FASTIFY ?? "@scopegate/fastify");
    const verifier = createVerifier(verifierOptionsOf(config));
    await verifier.warm?.();
    await app.register(scopegate, { verifier });
    app.get("/events", { config: { scopes: ["event.read"] } }, handler);
  }
  await app.ready();
  return fromFastify(app);
}

function fromFastify(app) {
  return {
    listener: app.routing,
    listen: async () => {
      await app.listen({ port: 0, host: "127.0.0.1" });
      return app.server;
    },
  };
}

async function honoApp(guard, config) {
  const { Hono } = await import("hono");
  const { getRequestListener } = await import("@hono/node-server");
  const app = new Hono();
  const handler = (c) => c.json(body);
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    const pass = (_c, next) => next();
    app.get("/events", pass, pass, handler);
  } else {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_HONO ?? "@scopegate/hono");
    const authenticate = bearerAuth(verifierOptionsOf(config));
    await authenticate.verifier.warm?.();
    app.get("/events", authenticate, requireScope("event.read"), handler);
  }
  return fromListener(getRequestListener(app.fetch));
}

/** Nest without a TypeScript build: decorators applied as the functions they are. */
async function nestApp(platform, guard, config) {
  const { Controller, Get, Module } = await import("@nestjs/common");
  const { NestFactory, APP_GUARD } = await import("@nestjs/core");
  class EventsController {
    list() {
      return body;
    }
  }
  const decorators = [Get("events")];
  const imports = [];
  const providers = [];
  if (guard === "scopegate") {
    const { RequireScopes, ScopegateModule } = await import("@scopegate/nestjs");
    decorators.push(RequireScopes("event.read"));
    imports.push(ScopegateModule.forRoot({ ...verifierOptionsOf(config), guard: "global" }));
  } else if (guard === "noop") {
    providers.push({ provide: APP_GUARD, useValue: { canActivate: () => true } });
  }
  const descriptor = Object.getOwnPropertyDescriptor(EventsController.prototype, "list");
  Reflect.decorate(decorators, EventsController.prototype, "list", descriptor);
  Reflect.decorate([Controller()], EventsController);
  class AppModule {}
  Reflect.decorate([Module({ imports, providers, controllers: [EventsController] })], AppModule);

  const adapter =
    platform === "fastify"
      ? new (await import("@nestjs/platform-fastify")).FastifyAdapter()
      : new (await import("@nestjs/platform-express")).ExpressAdapter();
  const app = await NestFactory.create(AppModule, adapter, { logger: false });
  await app.init();
  const instance = app.getHttpAdapter().getInstance();
  if (platform === "fastify") {
    await instance.ready();
    return {
      ...fromFastify(instance),
      listen: async () => {
        await app.listen(0, "127.0.0.1");
        return app.getHttpServer();
      },
    };
  }
  return {
    ...fromListener(instance),
    listen: async () => {
      await app.listen(0, "127.0.0.1");
      return app.getHttpServer();
    },
  };
}

/**
 * No framework: Node's own request listener answering the same JSON, the floor under every
 * framework's figures (pipeline phase only). Its guard is what an adapter does with core: extract,
 * verify, check the route's scope, answer a failure with its status and headers.
 */
async function nodeApp(guard, config) {
  const json = JSON.stringify(body);
  const send = (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(json);
  };
  if (guard === "bare") return fromListener((_req, res) => send(res));
  if (guard === "noop") {
    const pass = (req, res, next) => next(req, res);
    return fromListener((req, res) => pass(req, res, (_req, response) => send(response)));
  }
  const { authenticateThen, createVerifier } = await import(process.env.SCOPEGATE_CORE ?? "@scopegate/core");
  const verifier = createVerifier(verifierOptionsOf(config));
  const refuse = (res, error) => {
    res.writeHead(error?.status ?? 500, error?.headers ?? {});
    res.end();
  };
  return fromListener((req, res) =>
    authenticateThen(
      verifier,
      req,
      true,
      (token) => {
        try {
          verifier.requireScopes(token, { allOf: ["event.read"] });
        } catch (error) {
          refuse(res, error);
          return;
        }
        send(res);
      },
      (error) => refuse(res, error),
    ),
  );
}

export const FRAMEWORKS = ["node", "express", "koa", "fastify", "hono", "nest-express", "nest-fastify"];

/** Builds `framework`'s app with `guard` in front of `GET /events`; `config`: issuer, audience, jwksUri, alg (and dpopPublicUrl). */
export function createApp(framework, guard, config) {
  switch (framework) {
    case "node":
      return nodeApp(guard, config);
    case "express":
      return expressApp(guard, config);
    case "koa":
      return koaApp(guard, config);
    case "fastify":
      return fastifyApp(guard, config);
    case "hono":
      return honoApp(guard, config);
    case "nest-express":
      return nestApp("express", guard, config);
    case "nest-fastify":
      return nestApp("fastify", guard, config);
    default:
      throw new Error(`no framework ${framework}`);
  }
}

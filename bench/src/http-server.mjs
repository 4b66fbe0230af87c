// One HTTP server in a process of its own, so autocannon (in another process) does not share its core.
// Usage: node http-server.mjs <framework> <guard> <config json>
//   framework: express | koa | fastify | hono | nest-express | nest-fastify
//   guard:     bare | scopegate | scopegate-dpop (Express: DPoP allowed, proofs checked against config.dpopPublicUrl) | express-oauth2-jwt-bearer | noop (Express, Koa, Hono: two pass-through middlewares;
//              Fastify: an onRequest and a preHandler hook that do nothing; Nest: a global guard that lets everything through)
// Prints { port } as one JSON line once listening; exits on SIGTERM.
import "reflect-metadata";

const [framework, guard, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const verifierOptions = {
  issuer: config.issuer,
  audience: config.audience,
  jwksUri: config.jwksUri,
  algorithms: [config.alg],
};
const body = { events: [{ id: "evt_1", title: "Standup" }] };

async function expressApp() {
  const { default: express } = await import("express");
  const app = express();
  app.disable("x-powered-by");
  const handler = (_req, res) => res.json(body);
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    // Express's own cost of two middlewares in front of the route, doing nothing.
    const pass = (_req, _res, next) => next();
    app.get("/events", pass, pass, handler);
  } else if (guard === "scopegate" || guard === "scopegate-dpop") {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_EXPRESS ?? "@scopegate/express");
    const dpop = guard === "scopegate-dpop" ? { dpop: { publicUrl: config.dpopPublicUrl } } : {};
    const authenticate = bearerAuth({ ...verifierOptions, ...dpop });
    await authenticate.verifier.warm?.();
    app.get("/events", authenticate, requireScope("event.read"), handler);
  } else {
    const { auth, requiredScopes } = await import("express-oauth2-jwt-bearer");
    app.get(
      "/events",
      auth({
        issuer: config.issuer,
        audience: config.audience,
        jwksUri: config.jwksUri,
        tokenSigningAlg: config.alg,
      }),
      requiredScopes("event.read"),
      handler,
    );
  }
  if (process.env.BENCH_EVENT_LOOP) await addEventLoopRoutes(app);
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
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

async function koaApp() {
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
    // Koa's own cost of two middlewares in front of the route, doing nothing.
    const pass = (_ctx, next) => next();
    router.get("/events", pass, pass, handler);
  } else {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_KOA ?? "@scopegate/koa");
    const authenticate = bearerAuth(verifierOptions);
    await authenticate.verifier.warm?.();
    router.get("/events", authenticate, requireScope("event.read"), handler);
  }
  app.use(router.routes());
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function fastifyApp() {
  const { default: Fastify } = await import("fastify");
  const app = Fastify();
  const handler = async () => body;
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    // Fastify's own cost of the hooks the plugin adds (onRequest for authentication, preHandler), doing nothing.
    app.addHook("onRequest", (_request, _reply, done) => done());
    app.addHook("preHandler", (_request, _reply, done) => done());
    app.get("/events", handler);
  } else {
    const { scopegate, createVerifier } = await import(process.env.SCOPEGATE_FASTIFY ?? "@scopegate/fastify");
    const verifier = createVerifier(verifierOptions);
    await verifier.warm?.();
    await app.register(scopegate, { verifier });
    app.get("/events", { config: { scopes: ["event.read"] } }, handler);
  }
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app.server;
}

async function honoApp() {
  const { Hono } = await import("hono");
  const { serve } = await import("@hono/node-server");
  const app = new Hono();
  const handler = (c) => c.json(body);
  if (guard === "bare") {
    app.get("/events", handler);
  } else if (guard === "noop") {
    // Hono's own cost of two middlewares in front of the route, doing nothing.
    const pass = (_c, next) => next();
    app.get("/events", pass, pass, handler);
  } else {
    const { bearerAuth, requireScope } = await import(process.env.SCOPEGATE_HONO ?? "@scopegate/hono");
    const authenticate = bearerAuth(verifierOptions);
    await authenticate.verifier.warm?.();
    app.get("/events", authenticate, requireScope("event.read"), handler);
  }
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server));
  });
}

/** Nest without a TypeScript build: decorators applied as the functions they are. */
async function nestApp(platform) {
  const { Controller, Get, Module } = await import("@nestjs/common");
  const { NestFactory } = await import("@nestjs/core");
  class EventsController {
    list() {
      return body;
    }
  }
  const decorators = [Get("events")];
  const imports = [];
  if (guard === "scopegate") {
    const { RequireScopes, ScopegateModule } = await import("@scopegate/nestjs");
    decorators.push(RequireScopes("event.read"));
    imports.push(ScopegateModule.forRoot({ ...verifierOptions, guard: "global" }));
  }
  const providers = [];
  if (guard === "noop") {
    // Nest's own cost of a global guard: one that lets every request through.
    const { APP_GUARD } = await import("@nestjs/core");
    providers.push({ provide: APP_GUARD, useValue: { canActivate: () => true } });
  }
  const descriptor = Object.getOwnPropertyDescriptor(EventsController.prototype, "list");
  Reflect.decorate(decorators, EventsController.prototype, "list", descriptor);
  Reflect.decorate([Controller()], EventsController);
  class AppModule {}
  Reflect.decorate([Module({ imports, providers, controllers: [EventsController] })], AppModule);

  let app;
  if (platform === "fastify") {
    const { FastifyAdapter } = await import("@nestjs/platform-fastify");
    app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: false });
  } else {
    const { ExpressAdapter } = await import("@nestjs/platform-express");
    app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
  }
  await app.listen(0, "127.0.0.1");
  return app.getHttpServer();
}

const apps = { express: expressApp, koa: koaApp, fastify: fastifyApp, hono: honoApp };
const server = apps[framework]
  ? await apps[framework]()
  : await nestApp(framework === "nest-fastify" ? "fastify" : "express");

process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
process.on("SIGTERM", () => process.exit(0));

// What it costs to leave a verified token on an Express request, by where it is left: the adapter's
// two properties (its context under a symbol, and `req.auth`), one property (`req.auth`, the context in
// a WeakMap), a WeakMap only, or `res.locals`. Each "request" is a fresh `IncomingMessage` given the
// app's request prototype and the properties Express itself adds, as `app.handle` does, so V8 sees
// the object shapes a real Express server makes.
// Usage: node src/express-properties.mjs [rounds]
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import express from "express";

const app = express();
const socket = new Socket();
const token = Object.freeze({ subject: "task-service", scopes: Object.freeze(["event.read"]) });
const context = Object.freeze({ verifier: {}, token, handleErrors: "fallback" });
const CONTEXT = Symbol.for("scopegate.express.context");
const contexts = new WeakMap();
// The accessor @scopegate/express defines on the app's request prototype (other variants' own
// `auth` shadows it).
Object.defineProperty(app.request, "auth", {
  configurable: true,
  get() {
    return contexts.get(this)?.token;
  },
  set(value) {
    Object.defineProperty(this, "auth", { value, writable: true, configurable: true, enumerable: true });
  },
});

/** A request and response as Express hands them to middleware. */
function expressRequest() {
  const req = new IncomingMessage(socket);
  const res = new ServerResponse(req);
  req.res = res;
  res.req = req;
  Object.setPrototypeOf(req, app.request);
  Object.setPrototypeOf(res, app.response);
  res.locals = Object.create(null);
  req.next = undefined;
  req.baseUrl = "";
  req.originalUrl = "/events";
  req.params = {};
  return { req, res };
}

const VARIANTS = {
  "nothing (Express alone)": () => undefined,
  "two properties: symbol context + req.auth (@scopegate/express before)": (req) => {
    req[CONTEXT] = context;
    req.auth = token;
  },
  "one property: req.auth, context in a WeakMap": (req) => {
    contexts.set(req, context);
    req.auth = token;
  },
  "WeakMap only (no req.auth)": (req) => {
    contexts.set(req, context);
  },
  "req.auth an accessor on app.request, context in a WeakMap (@scopegate/express now)": (req) => {
    contexts.set(req, context);
    if (Object.hasOwn(req, "auth")) delete req.auth;
  },
  "res.locals.auth, context in a WeakMap": (req, res) => {
    contexts.set(req, context);
    res.locals.auth = token;
  },
};

const PER_ROUND = 20_000;
const rounds = Number(process.argv[2] ?? 15);
const times = new Map(Object.keys(VARIANTS).map((name) => [name, []]));
let sink = 0;
for (let round = 0; round < rounds + 2; round++) {
  for (const [name, leave] of Object.entries(VARIANTS)) {
    const pairs = Array.from({ length: PER_ROUND }, expressRequest);
    const started = performance.now();
    for (const { req, res } of pairs) {
      leave(req, res);
      sink += req.auth === token ? 1 : 0;
    }
    const ns = ((performance.now() - started) * 1e6) / PER_ROUND;
    if (round >= 2) times.get(name).push(ns); // two warm-up rounds
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const base = median(times.get("nothing (Express alone)"));
console.log(`| where the token is left | ns per request (median of ${rounds} rounds) | over Express alone |`);
console.log("| --- | ---: | ---: |");
for (const [name, list] of times) {
  const m = median(list);
  console.log(`| ${name} | ${m.toFixed(0)} | ${(m - base).toFixed(0)} |`);
}
if (sink < 0) console.log(sink);

// One framework's apps in one process, each request handed to the app's Node request listener
// without a socket, so that what a guard adds to the framework's own request handling is measured
// without the kernel's and the load generator's share (and their noise). Usage:
//   node pipeline-child.mjs <framework> <fixtures.json> <config json> <settings json> <variant,...>
//   variants: bare, noop, repeated (scopegate, one token again and again), distinct (scopegate, a
//   token never sent before with each request), core (no framework: `verifier.authenticateNow` on a
//   new token, one after another in a tight loop, as the micro benchmark does: the reference a
//   distinct token's cost in the framework is compared with, measured in the same process and rounds)
// Prints one JSON line: { framework, runs: { [variant]: [µs of CPU per request, one per round] } }.
//
// As Node's HTTP server would, every request starts from the event loop (see `request`) and gets an
// `Authorization` header string made from bytes for it alone; the distinct tokens are kept as bytes
// (one `Buffer`), not as ~96,000 strings (~90 MB) on the heap for every major GC to mark.

import { readFileSync } from "node:fs";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { Writable } from "node:stream";
import { createApp, verifierOptionsOf } from "./apps.mjs";
import { spelling } from "./fixtures.mjs";
import { shuffle } from "./shuffle.mjs";

const [framework, fixturesPath, configJson, settingsJson, variantList] = process.argv.slice(2);
const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
const config = JSON.parse(configJson);
const { requests, rounds, warmupRequests } = JSON.parse(settingsJson);
/**
 * `Bearer <token>` for `count` tokens (`tokenAt(i)`), kept as bytes; `.header(i)` reads the i-th into
 * a new flat string, as Node's HTTP parser makes one for each request.
 */
function authorizationHeaders(count, tokenAt) {
  const offsets = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) offsets[i + 1] = offsets[i] + "Bearer ".length + tokenAt(i).length;
  const bytes = Buffer.allocUnsafeSlow(offsets[count]);
  for (let i = 0; i < count; i++) bytes.latin1Write(`Bearer ${tokenAt(i)}`, offsets[i]);
  return { count, header: (i) => bytes.latin1Slice(offsets[i], offsets[i + 1]) };
}

// Distinct tokens as `spellings` orders them (consecutive tokens have different claims).
const bases = fixtures.bases[config.alg];
const distinctHeaders = authorizationHeaders(bases.length * 16, (i) =>
  spelling(bases[i % bases.length], Math.floor(i / bases.length)),
);
const repeatedHeaders = authorizationHeaders(1, () => fixtures.repeated[config.alg]);

/** Each distinct token in turn, to one verifier (each variant has its own): none sees a token twice. */
function distinctHeader() {
  let sent = 0;
  return () => distinctHeaders.header(sent++ % distinctHeaders.count);
}
const repeatedHeader = () => repeatedHeaders.header(0);
const headerOf = {
  bare: repeatedHeader,
  noop: repeatedHeader,
  repeated: repeatedHeader,
  distinct: distinctHeader(),
  core: distinctHeader(),
};

/** Core alone, no framework: `run` calls `verify` on a new token per iteration, without yielding. */
async function coreVariant() {
  const { createVerifier } = await import(process.env.SCOPEGATE_CORE ?? "@scopegate/core");
  const verifier = createVerifier(verifierOptionsOf(config));
  await verifier.warm();
  await verifier.authenticate({ headers: { authorization: repeatedHeader() } }); // the key's first check
  const verify = (authorization) => verifier.authenticateNow({ headers: { authorization } });
  return { name: "core", verify, header: headerOf.core };
}

const VARIANTS = [];
for (const name of variantList.split(",")) {
  if (name === "core") {
    VARIANTS.push(await coreVariant());
    continue;
  }
  const guard = name === "repeated" || name === "distinct" ? "scopegate" : name;
  VARIANTS.push({ name, app: await createApp(framework, guard, config), header: headerOf[name] });
}

const socket = new Socket(); // the requests' socket, never connected
/**
 * The responses' socket: it takes their bytes and drops them, so that a response finishes (emits
 * `finish`) as on a server, which then detaches it from the socket. On the never-connected socket no
 * response ever finished, and Koa (`on-finished`) kept each one alive through minor GCs: 3–7 MB
 * copied per scavenge, 15 ms pauses, its no-op route at ~40 µs instead of ~20.
 */
const sink = new Writable({
  write(_chunk, _encoding, done) {
    done();
  },
});

/** One `GET /events` through `listener`, as Node's HTTP server would hand it over; resolves its status. */
function request(listener, authorization) {
  const req = new IncomingMessage(socket);
  req.method = "GET";
  req.url = "/events";
  req.httpVersion = "1.1";
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = { host: "127.0.0.1", authorization, accept: "*/*" };
  req.rawHeaders = ["Host", "127.0.0.1", "Authorization", authorization, "Accept", "*/*"];
  req.complete = true;
  req.push(null);
  const res = new ServerResponse(req);
  res.assignSocket(sink);
  res.on("finish", () => res.detachSocket(sink));
  return new Promise((resolve) => {
    const end = res.end;
    res.end = function endAndResolve(...args) {
      const result = end.apply(this, args);
      // The next request starts from the event loop, as on a server. Resolved at once, every request
      // of a round would run inside one chain of microtasks: the `process.nextTick` and
      // `setImmediate` callbacks the frameworks leave behind would wait for the round's end and keep
      // each request's objects alive meanwhile (Koa: a heap that grows through the round, 12 ms
      // scavenges, the no-op route at 34 µs instead of 18).
      setImmediate(resolve, res.statusCode);
      return result;
    };
    listener(req, res);
  });
}

/**
 * Runs `count` requests of `variant` one after another, each from the event loop (see `request`;
 * core: `count` verifications in one loop); resolves µs of process CPU per request.
 */
async function run(variant, count) {
  const start = process.cpuUsage();
  if (variant.verify !== undefined) {
    for (let i = 0; i < count; i++) {
      if (variant.verify(variant.header()).scopes.length === 0) throw new Error("core: no scopes");
    }
  } else {
    for (let i = 0; i < count; i++) {
      const status = await request(variant.app.listener, variant.header());
      if (status !== 200) throw new Error(`${framework} ${variant.name}: answered ${status}`);
    }
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

for (const variant of VARIANTS) await run(variant, warmupRequests);
const runs = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
for (let round = 0; round < rounds; round++) {
  for (const variant of shuffle(VARIANTS)) runs[variant.name].push(await run(variant, requests));
}
process.stdout.write(`${JSON.stringify({ framework, runs })}\n`);
process.exit(0);

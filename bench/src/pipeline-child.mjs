// One framework's apps in one process, each request handed to the app's Node request listener
// without a socket, so that what a guard adds to the framework's own request handling is measured
// without the kernel's and the load generator's share (and their noise). Usage:
//   node pipeline-child.mjs <framework> <fixtures.json> <config json> <settings json> <variant,...>
//   variants: bare, noop, repeated (scopegate, one token again and again), distinct (scopegate, a
//   token never sent before with each request)
// Prints one JSON line: { framework, runs: { [variant]: [µs of CPU per request, one per round] } }.

import { readFileSync } from "node:fs";
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { createApp } from "./apps.mjs";
import { spellings } from "./fixtures.mjs";
import { shuffle } from "./shuffle.mjs";

const [framework, fixturesPath, configJson, settingsJson, variantList] = process.argv.slice(2);
const fixtures = JSON.parse(readFileSync(fixturesPath, "utf8"));
const config = JSON.parse(configJson);
const { requests, rounds, warmupRequests } = JSON.parse(settingsJson);
const distinctTokens = spellings(fixtures.bases[config.alg]);
const repeatedToken = fixtures.repeated[config.alg];

let sent = 0; // distinct tokens: never one sent twice in this process
const tokenOf = {
  bare: () => repeatedToken,
  noop: () => repeatedToken,
  repeated: () => repeatedToken,
  distinct: () => distinctTokens[sent++ % distinctTokens.length],
};
const VARIANTS = [];
for (const name of variantList.split(",")) {
  const guard = name === "repeated" || name === "distinct" ? "scopegate" : name;
  VARIANTS.push({ name, app: await createApp(framework, guard, config), token: tokenOf[name] });
}

const socket = new Socket(); // never connected: responses stay in memory

/** One `GET /events` through `listener`, as Node's HTTP server would hand it over; resolves its status. */
function request(listener, token) {
  const authorization = `Bearer ${token}`;
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

/** Runs `count` requests of `variant` one after another; resolves µs of process CPU per request. */
async function run(variant, count) {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const status = await request(variant.app.listener, variant.token());
    if (status !== 200) throw new Error(`${framework} ${variant.name}: answered ${status}`);
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

#!/usr/bin/env node
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
/**
 * scopegate soak: drives an Express app protected by @scopegate/express with a mix of valid, invalid,
 * expired and foreign tokens for a fixed time, while the authorization server's JWKS endpoint flaps
 * (up, refusing connections, answering 500, hanging). Everything runs on 127.0.0.1.
 *
 * Reports requests, wrong answers (must be 0), answers by token kind and status, latency, JWKS
 * fetches, and heap at the start and the end (must be flat). Exits 1 on any wrong answer or on heap
 * growth beyond the bound; 2 on a setup problem.
 *
 *   pnpm soak                                   # 60 s, 32 concurrent clients, flap every 3 s
 *   pnpm soak -- --duration-sec=600 --concurrency=64 --flap-ms=1000
 *
 * Needs the built packages (`pnpm build`). Not part of the test run.
 */
import { once } from "node:events";
import { Agent, createServer, request } from "node:http";
import { parseArgs } from "node:util";

// ------------------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    "duration-sec": { type: "string", default: "60" },
    concurrency: { type: "string", default: "32" },
    "flap-ms": { type: "string", default: "3000" },
    "max-heap-growth-mb": { type: "string", default: "32" },
    json: { type: "boolean", default: false },
  },
  allowPositionals: true,
  // `pnpm soak -- --duration-sec=5` passes the `--` through: drop it.
  args: process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === "--")),
});
const DURATION_MS = Number(args["duration-sec"]) * 1000;
const CONCURRENCY = Number(args.concurrency);
const FLAP_MS = Number(args["flap-ms"]);
const MAX_HEAP_GROWTH = Number(args["max-heap-growth-mb"]) * 1024 * 1024;
for (const [name, value] of [
  ["--duration-sec", DURATION_MS],
  ["--concurrency", CONCURRENCY],
  ["--flap-ms", FLAP_MS],
  ["--max-heap-growth-mb", MAX_HEAP_GROWTH],
]) {
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`soak: ${name} must be a positive number`);
    process.exit(2);
  }
}
if (typeof globalThis.gc !== "function") {
  console.error("soak: run with node --expose-gc (the package script does)");
  process.exit(2);
}

let express;
let scopegate;
try {
  express = (await import("express")).default;
  scopegate = await import("@scopegate/express");
} catch (error) {
  console.error(`soak: cannot load @scopegate/express (run \`pnpm build\` first): ${error.message}`);
  process.exit(2);
}

// ------------------------------------------------------------------------------------------------
// Keys and tokens (forged by hand with node:crypto)

const b64u = (value) => Buffer.from(value).toString("base64url");
const AUDIENCE = "https://calendar.soak.test";
const SCOPE = "event.read";

function keyPair(kid) {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    pem: publicKey.export({ format: "pem", type: "spki" }),
    jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" },
  };
}
const authority = keyPair("soak-1");
const attacker = keyPair("soak-1"); // same kid: a foreign key under a known id

function jwt(header, claims, key = authority.privateKey) {
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  return `${input}.${b64u(sign("sha256", Buffer.from(input), key))}`;
}

function mintPool(issuer) {
  const now = Math.floor(Date.now() / 1000);
  const claims = (extra = {}) => ({
    iss: issuer,
    aud: AUDIENCE,
    sub: "task-service",
    client_id: "task-service",
    scope: `${SCOPE} event.create`,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...extra,
  });
  const header = { alg: "RS256", kid: authority.kid, typ: "at+jwt" };
  const valid = jwt(header, claims());
  const [h, p, s] = valid.split(".");
  const hs256Input = `${b64u(JSON.stringify({ alg: "HS256", kid: authority.kid }))}.${p}`;
  const hs256 = `${hs256Input}.${b64u(createHmac("sha256", authority.pem).update(hs256Input).digest())}`;
  return {
    valid: () => valid,
    insufficientScope: () => jwt(header, claims({ scope: "event.create" })),
    expired: () => jwt(header, claims({ iat: now - 900, exp: now - 600 })),
    foreignKey: () => jwt(header, claims(), attacker.privateKey),
    tampered: () => `${h}.${b64u(JSON.stringify(claims({ scope: "admin" })))}.${s}`,
    strippedSignature: () => `${h}.${p}.`,
    algNone: () => `${b64u(JSON.stringify({ alg: "none", typ: "at+jwt" }))}.${p}.AAAA`,
    hmacWithPublicKey: () => hs256,
    wrongIssuer: () => jwt(header, claims({ iss: "https://attacker.example/" }), attacker.privateKey),
    unknownKid: () => jwt({ ...header, kid: randomUUID() }, claims()),
    garbage: () => b64u(randomBytes(48)),
    none: () => undefined,
  };
}

/** What each kind of request may be answered with. Anything else is a wrong answer. */
const ALLOWED = {
  valid: [200],
  insufficientScope: [403],
  expired: [401],
  foreignKey: [401],
  tampered: [401],
  strippedSignature: [401],
  algNone: [401],
  hmacWithPublicKey: [401],
  wrongIssuer: [401],
  // While the JWKS is unreachable an unknown kid cannot be told from a newly rotated one: 503.
  unknownKid: [401, 503],
  garbage: [400, 401],
  none: [401],
};
const KINDS = Object.keys(ALLOWED);
/** Half the traffic is valid, the rest spread over the hostile kinds. */
const pickKind = () =>
  Math.random() < 0.5 ? "valid" : KINDS[1 + Math.floor(Math.random() * (KINDS.length - 1))];

// ------------------------------------------------------------------------------------------------
// The flapping authorization server

const PHASES = ["up", "refuse", "up", "error500", "up", "hang"];

async function startAuthorizationServer() {
  let mode = "up";
  let fetches = 0;
  const hanging = new Set();
  const sockets = new Set();
  const server = createServer((req, res) => {
    if (req.url !== "/jwks.json") return void res.writeHead(404).end();
    fetches++;
    if (mode === "error500") return void res.writeHead(500, { "content-type": "application/json" }).end("{}");
    if (mode === "hang") return void hanging.add(res);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [authority.jwk] }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  let listening = true;
  const stopListening = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  const listen = async () => {
    if (listening) return;
    server.listen(port, "127.0.0.1");
    await once(server, "listening");
    listening = true;
  };
  return {
    origin: `http://127.0.0.1:${port}`,
    get fetches() {
      return fetches;
    },
    get mode() {
      return mode;
    },
    async setMode(next) {
      for (const res of hanging) res.destroy();
      hanging.clear();
      if (next === "refuse") await stopListening();
      else await listen();
      mode = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      await stopListening();
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The protected app

async function startApp(issuer) {
  const app = express();
  const auth = scopegate.bearerAuth({
    issuer,
    audience: AUDIENCE,
    jwksUri: `${issuer}/jwks.json`,
    // Short ages so that refreshes, backoffs and cooldowns all happen many times during the run.
    jwks: { cacheMaxAgeMs: 2_000, timeoutMs: 300, failureBackoffMs: 500, cooldownMs: 1_000 },
    // Every insufficient-scope request carries a freshly minted (valid) token, so the verified-token
    // cache fills up; a small bound makes it saturate in the first seconds and the heap then stay flat.
    tokenCache: { maxEntries: 1_000 },
  });
  app.get("/events", auth, scopegate.requireScope(SCOPE), (req, res) => {
    res.json({ events: [], subject: req.auth?.subject ?? null });
  });
  await auth.verifier.warm();
  const server = createServer(app);
  server.keepAliveTimeout = 5_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}`, server };
}

// ------------------------------------------------------------------------------------------------
// Load

function call(url, agent, token) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request(
      `${url}/events`,
      { agent, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            challenge: res.headers["www-authenticate"],
            body: Buffer.concat(chunks).toString("utf8"),
            ms: performance.now() - started,
          }),
        );
        res.on("error", (error) =>
          resolve({ status: 0, error: error.code, ms: performance.now() - started }),
        );
      },
    );
    req.on("error", (error) => resolve({ status: 0, error: error.code, ms: performance.now() - started }));
    req.end();
  });
}

/** Checks more than the status: the RFC 6750 challenge and a JSON body without the token. */
function judge(kind, token, res) {
  if (!ALLOWED[kind].includes(res.status)) return `status ${res.status}${res.error ? ` (${res.error})` : ""}`;
  if (res.status === 401 || res.status === 403) {
    if (!/^Bearer realm="[^"]*"/.test(res.challenge ?? "")) return "missing or malformed WWW-Authenticate";
  }
  if (res.status !== 200) {
    let body;
    try {
      body = JSON.parse(res.body);
    } catch {
      return "non-JSON error body";
    }
    if (typeof body.error_description !== "string") return "error body without error_description";
    if (token && token.length > 20 && res.body.includes(token.slice(0, 20)))
      return "token echoed in the body";
  }
  return undefined;
}

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage();
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Latencies in 0.1 ms buckets up to 10 s: constant memory, so the harness itself cannot look like a leak. */
function createHistogram() {
  const buckets = new Uint32Array(100_001);
  let count = 0;
  let max = 0;
  return {
    add(ms) {
      buckets[Math.min(100_000, Math.round(ms * 10))]++;
      count++;
      if (ms > max) max = ms;
    },
    percentile(p) {
      const target = Math.ceil(count * p);
      let seen = 0;
      for (let i = 0; i < buckets.length; i++) {
        seen += buckets[i];
        if (seen >= target && seen > 0) return i / 10;
      }
      return 0;
    },
    get max() {
      return max;
    },
  };
}

async function main() {
  const as = await startAuthorizationServer();
  const app = await startApp(as.origin);
  let pool = mintPool(as.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  const counts = Object.fromEntries(KINDS.map((k) => [k, {}]));
  const wrong = [];
  let wrongCount = 0;
  const latencies = createHistogram();
  const heapTimeline = [];
  let requests = 0;
  let flaps = 0;
  const phaseLog = {};

  // Warm the process (JIT, caches) before taking the starting heap.
  for (let i = 0; i < 500; i++) await call(app.url, agent, pool.valid());
  const start = heapAfterGc();
  const startedAt = Date.now();
  const deadline = startedAt + DURATION_MS;
  heapTimeline.push([0, start.heapUsed]);
  const sampler = setInterval(
    () => heapTimeline.push([Math.round((Date.now() - startedAt) / 1000), heapAfterGc().heapUsed]),
    Math.max(5_000, DURATION_MS / 10),
  );

  let phase = 0;
  const flapper = setInterval(() => {
    phase = (phase + 1) % PHASES.length;
    flaps++;
    void as.setMode(PHASES[phase]);
  }, FLAP_MS);
  const reminter = setInterval(() => {
    pool = mintPool(as.origin);
  }, 30_000);

  async function worker() {
    while (Date.now() < deadline) {
      const kind = pickKind();
      const token = pool[kind]();
      const mode = as.mode;
      const res = await call(app.url, agent, token);
      requests++;
      phaseLog[mode] = (phaseLog[mode] ?? 0) + 1;
      counts[kind][res.status] = (counts[kind][res.status] ?? 0) + 1;
      latencies.add(res.ms);
      const problem = judge(kind, token, res);
      if (problem !== undefined) {
        wrongCount++;
        if (wrong.length < 20) wrong.push({ kind, problem, jwks: mode });
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  clearInterval(flapper);
  clearInterval(reminter);
  clearInterval(sampler);
  const elapsedMs = Date.now() - startedAt;
  await as.setMode("up");

  agent.destroy();
  const end = heapAfterGc();
  heapTimeline.push([Math.round(elapsedMs / 1000), end.heapUsed]);
  await new Promise((resolve) => {
    app.server.close(resolve);
    app.server.closeAllConnections();
  });
  await as.close();

  const growth = end.heapUsed - start.heapUsed;
  // Steady state: from the first sample after a third of the run (caches full, code warm) to the end.
  const third = heapTimeline.find(([sec]) => sec * 1000 >= elapsedMs / 3) ?? heapTimeline[0];
  const steadyGrowth = end.heapUsed - third[1];
  const byStatus = {};
  for (const perKind of Object.values(counts))
    for (const [status, n] of Object.entries(perKind)) byStatus[status] = (byStatus[status] ?? 0) + n;
  const report = {
    durationSec: Math.round(elapsedMs / 100) / 10,
    concurrency: CONCURRENCY,
    requests,
    requestsPerSec: Math.round(requests / (elapsedMs / 1000)),
    wrongAnswers: wrongCount,
    wrongSamples: wrong.slice(0, 10),
    byStatus,
    byKind: counts,
    requestsByJwksState: phaseLog,
    jwks: { flaps, fetches: as.fetches },
    latencyMs: {
      p50: latencies.percentile(0.5),
      p99: latencies.percentile(0.99),
      max: Number(latencies.max.toFixed(1)),
    },
    memory: {
      heapStart: mb(start.heapUsed),
      heapEnd: mb(end.heapUsed),
      heapGrowth: mb(growth),
      heapGrowthAfterFirstThird: mb(steadyGrowth),
      rssStart: mb(start.rss),
      rssEnd: mb(end.rss),
      maxHeapGrowth: mb(MAX_HEAP_GROWTH),
      heapTimeline: heapTimeline.map(([sec, bytes]) => `${sec}s ${mb(bytes)}`),
    },
  };
  if (args.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);

  const failures = [];
  if (requests === 0) failures.push("no requests were made");
  if (wrongCount > 0) failures.push(`${wrongCount} wrong answers`);
  if (growth > MAX_HEAP_GROWTH) failures.push(`heap grew by ${mb(growth)} (bound ${mb(MAX_HEAP_GROWTH)})`);
  if (steadyGrowth > MAX_HEAP_GROWTH / 4) {
    failures.push(
      `heap grew by ${mb(steadyGrowth)} after the first third (bound ${mb(MAX_HEAP_GROWTH / 4)})`,
    );
  }
  if (failures.length > 0) {
    console.error(`soak: FAILED: ${failures.join("; ")}`);
    process.exit(1);
  }
  console.log("soak: OK");
}

function printReport(r) {
  const line = (label, value) => console.log(`${label.padEnd(24)}${value}`);
  line("duration", `${r.durationSec} s, ${r.concurrency} concurrent clients`);
  line("requests", `${r.requests} (${r.requestsPerSec}/s)`);
  line("wrong answers", String(r.wrongAnswers));
  for (const sample of r.wrongSamples) line("  wrong", JSON.stringify(sample));
  const total = r.requests || 1;
  line(
    "answers by status",
    Object.entries(r.byStatus)
      .map(([status, n]) => `${status}: ${n} (${((100 * n) / total).toFixed(1)}%)`)
      .join(", "),
  );
  for (const [kind, statuses] of Object.entries(r.byKind)) {
    line(
      `  ${kind}`,
      Object.entries(statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(" "),
    );
  }
  line(
    "requests by JWKS state",
    Object.entries(r.requestsByJwksState)
      .map(([state, n]) => `${state}: ${n}`)
      .join(", "),
  );
  line("JWKS", `${r.jwks.flaps} flaps, ${r.jwks.fetches} fetches`);
  line("latency", `p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`);
  line(
    "heap (after GC)",
    `${r.memory.heapStart} → ${r.memory.heapEnd} (growth ${r.memory.heapGrowth}, ${r.memory.heapGrowthAfterFirstThird} after the first third; bound ${r.memory.maxHeapGrowth})`,
  );
  line("heap timeline", r.memory.heapTimeline.join(", "));
  line("rss", `${r.memory.rssStart} → ${r.memory.rssEnd}`);
}

await main();

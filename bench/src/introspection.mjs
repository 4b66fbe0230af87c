// Introspection benchmark: one verifier, three ways a token is checked. A JWT verified locally (the
// verified-token cache warm), an opaque token whose introspection answer is cached (hit), and opaque
// tokens seen for the first time (miss: one RFC 7662 request each to a local endpoint). The endpoint
// runs in a child process on 127.0.0.1, so its CPU is not the verifier's. Prints a Markdown table.
//   node src/introspection.mjs            (after `pnpm build`)
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { createVerifier } from "@scopegate/core";
import { ALGORITHMS, AUDIENCE, generateKeys, ISSUER, jwksOf, mintRange } from "./fixtures.mjs";

const DURATION_MS = Number(process.env.DURATION_MS ?? 3_000);
const CONCURRENCY = 16;

// The authorization server: the JWKS, and an introspection endpoint that answers every token active.
const ENDPOINT_SOURCE = `
const { createServer } = require("node:http");
const jwks = process.argv[1];
const server = createServer((req, res) => {
  if (req.method === "GET") { res.writeHead(200, { "content-type": "application/json" }).end(jwks); return; }
  req.resume();
  req.on("end", () => {
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ active: true, iss: ${JSON.stringify(ISSUER)}, aud: ${JSON.stringify(AUDIENCE)},
      client_id: "bench-client", sub: "bench-client", scope: "event.read", iat: now, exp: now + 300, token_type: "Bearer" });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
`;

async function startEndpoint(jwks) {
  const child = spawn(process.execPath, ["-e", ENDPOINT_SOURCE, JSON.stringify(jwks)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await once(createInterface({ input: child.stdout }), "line");
  return { url: `http://127.0.0.1:${line.trim()}`, stop: () => child.kill() };
}

/** Runs `next()` with `concurrency` callers for DURATION_MS; returns verifications per second. */
async function measure(next, concurrency) {
  const deadline = performance.now() + DURATION_MS;
  let done = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      await next();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

const keys = generateKeys();
const endpoint = await startEndpoint(jwksOf(keys));
try {
  const verifier = createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: `${endpoint.url}/jwks`,
    introspection: {
      endpoint: `${endpoint.url}/introspect`,
      clientId: "bench-rs",
      clientSecret: "bench-secret",
    },
  });
  const nowSec = Math.floor(Date.now() / 1000);
  const [jwt] = mintRange(keys[ALGORITHMS[0]], 1, 1, nowSec);
  const opaque = "bench-opaque-token-0000000000000000000000000";
  let counter = 0;
  const fresh = () => `bench-opaque-${process.pid}-${counter++}-${Math.random().toString(36).slice(2)}`;
  await verifier.verify(jwt);
  await verifier.verify(jwt);
  await verifier.verify(opaque);
  // Warm the miss path (connections, JIT) before measuring.
  await measure(() => verifier.verify(fresh()), CONCURRENCY);

  const rows = [
    ["JWT (RS256), verified locally, token cache hit", () => verifier.verify(jwt), 1],
    ["opaque, introspection answer cached (hit)", () => verifier.verify(opaque), 1],
    ["opaque, first sight (miss: one request)", () => verifier.verify(fresh()), 1],
    [`opaque, first sight, ${CONCURRENCY} concurrent`, () => verifier.verify(fresh()), CONCURRENCY],
  ];
  const lines = ["| token | verifications/s | mean latency |", "| --- | ---: | ---: |"];
  for (const [title, next, concurrency] of rows) {
    const perSec = await measure(next, concurrency);
    const latencyUs = (concurrency / perSec) * 1e6;
    const shown = latencyUs >= 1000 ? `${(latencyUs / 1000).toFixed(2)} ms` : `${latencyUs.toFixed(1)} µs`;
    lines.push(`| ${title} | ${Math.round(perSec).toLocaleString("en-US")} | ${shown} |`);
  }
  console.log(lines.join("\n"));
} finally {
  endpoint.stop();
}

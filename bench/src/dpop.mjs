// DPoP benchmark: what a DPoP request costs over the same request with a bearer token, and what the
// replay check costs with the in-memory store and with @scopegate/redis against a local redis-server.
// One verifier (core), the verified-token cache warm, a fresh proof per request (as clients send
// them; proofs are signed before the clock starts). Wall time and this process's CPU time per
// request, median of `repetitions` windows, rows interleaved.
//   pnpm --dir bench run bench -- --only=dpop
// SCOPEGATE_CORE points it at another build of @scopegate/core (an ESM file), as for the micro
// benchmark, to measure a local change against the committed one.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createRedisReplayStore } from "@scopegate/redis";
import { createDpopKey, createTestAuthority } from "@scopegate/testing";
import { createClient } from "redis";

const { createMemoryReplayStore, createVerifier } = await import(
  process.env.SCOPEGATE_CORE ?? "@scopegate/core"
);

const ORIGIN = "https://api.bench.invalid";
const URL_EVENTS = `${ORIGIN}/events`;
const CONCURRENCY = 16;

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of our own on 127.0.0.1 and an ephemeral port, nothing persisted; `undefined` when none is installed. */
async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "scopegate-bench-redis-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
  ];
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  const ready = await new Promise((resolve) => {
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve(true);
    });
    child.once("error", () => resolve(false));
    child.once("exit", () => resolve(false));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await stop();
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** Runs `next(i)` `count` times with `concurrency` callers; µs of wall and CPU time per call. */
async function measure(next, count, concurrency) {
  let issued = 0;
  const worker = async () => {
    while (issued < count) await next(issued++);
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallUs = ((performance.now() - started) * 1000) / count;
  const used = process.cpuUsage(cpu);
  return { wallUs, cpuUs: (used.user + used.system) / count };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const request = (authorization, dpop) => ({
  method: "GET",
  url: "/events",
  headers: dpop === undefined ? { authorization } : { authorization, dpop },
});

/** `count` fresh proofs for `token`, signed now (the client's cost, not the server's). */
async function proofs(key, token, count) {
  const out = [];
  for (let i = 0; i < count; i++)
    out.push(await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token }));
  return out;
}

/**
 * Rows: `{ title, group, run(count) }`; `run` prepares what one window needs (proofs), then measures.
 * Returns `{ rows: [{ title, group, wallUs, cpuUs }], redis: boolean }`.
 */
export async function runDpop(settings, log) {
  const { perWindow, repetitions } = settings;
  const authority = await createTestAuthority();
  const redis = await startRedis();
  if (!redis) log("dpop: no redis-server found; the Redis rows are left out");
  let client;
  try {
    const es256 = await createDpopKey("ES256");
    const eddsa = await createDpopKey("EdDSA");
    const bearerToken = await authority.mint({ scope: "event.read" });
    const es256Token = await authority.mint({ scope: "event.read", dpop: es256 });
    const eddsaToken = await authority.mint({ scope: "event.read", dpop: eddsa });
    const verifierWith = (replayStore) =>
      createVerifier({ ...authority.verifierOptions(), dpop: { publicUrl: ORIGIN, replayStore } });
    const memoryStore = createMemoryReplayStore();
    const inMemory = verifierWith(memoryStore);
    if (redis) {
      client = createClient({ url: redis.url, disableOfflineQueue: true });
      client.on("error", () => undefined);
      await client.connect();
    }
    const redisStore = client ? createRedisReplayStore({ client }) : undefined;
    const onRedis = redisStore ? verifierWith(redisStore) : undefined;

    const dpopRow = (title, verifier, key, token, concurrency = 1) => ({
      title,
      group: "request",
      async run(count) {
        const list = await proofs(key, token, count);
        return measure((i) => verifier.authenticate(request(`DPoP ${token}`, list[i])), count, concurrency);
      },
    });
    let n = 0;
    const storeRow = (title, store, concurrency = 1) => ({
      title,
      group: "replay",
      run: (count) =>
        measure(
          () => store.markUsed(`bench-${process.pid}-${n++}`, Date.now() + 300_000),
          count,
          concurrency,
        ),
    });
    const rows = [
      {
        title: "Bearer token (cache hit)",
        group: "request",
        run: (count) => measure(() => inMemory.authenticate(request(`Bearer ${bearerToken}`)), count, 1),
      },
      dpopRow("DPoP, ES256 proof, in-memory replay store", inMemory, es256, es256Token),
      dpopRow("DPoP, EdDSA proof, in-memory replay store", inMemory, eddsa, eddsaToken),
      storeRow("replay check: in-memory store", memoryStore),
    ];
    if (onRedis) {
      rows.splice(
        3,
        0,
        dpopRow("DPoP, ES256 proof, Redis replay store", onRedis, es256, es256Token),
        dpopRow(
          `DPoP, ES256 proof, Redis replay store, ${CONCURRENCY} concurrent`,
          onRedis,
          es256,
          es256Token,
          CONCURRENCY,
        ),
      );
      rows.push(
        storeRow("replay check: Redis store (one at a time)", redisStore),
        storeRow(`replay check: Redis store, ${CONCURRENCY} concurrent`, redisStore, CONCURRENCY),
      );
    }

    // Warm every path (token cache, proof-key memo, JIT, the Redis connection).
    for (const row of rows) await row.run(Math.min(200, perWindow));
    const samples = rows.map(() => ({ wall: [], cpu: [] }));
    for (let r = 0; r < repetitions; r++) {
      log(`dpop: round ${r + 1}/${repetitions}`);
      for (const [i, row] of rows.entries()) {
        const { wallUs, cpuUs } = await row.run(perWindow);
        samples[i].wall.push(wallUs);
        samples[i].cpu.push(cpuUs);
      }
    }
    return {
      redis: Boolean(onRedis),
      rows: rows.map((row, i) => ({
        title: row.title,
        group: row.group,
        wallUs: median(samples[i].wall),
        cpuUs: median(samples[i].cpu),
      })),
    };
  } finally {
    client?.destroy();
    await redis?.stop();
    authority.close();
  }
}

const us = (value) => value.toFixed(1);

/** Markdown: requests (with the cost over the bearer request) and the replay check alone. */
export function dpopTable(raw, settings) {
  const bearer = raw.rows.find((row) => row.title.startsWith("Bearer"));
  const lines = [
    `Core verifier, \`authenticate()\` on one request object, the verified-token cache warm, a fresh proof per request; median of ${settings.repetitions} windows of ${settings.perWindow} requests. Wall time per request is 1 / throughput (with ${CONCURRENCY} concurrent callers, per request overall); CPU is this process's.`,
    "",
    "| request | wall µs/request | CPU µs/request | CPU over Bearer |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const row of raw.rows.filter((r) => r.group === "request")) {
    const over = row === bearer ? "" : `+${us(row.cpuUs - bearer.cpuUs)}`;
    lines.push(`| ${row.title} | ${us(row.wallUs)} | ${us(row.cpuUs)} | ${over} |`);
  }
  lines.push("", "| replay check (`markUsed`) | wall µs/check | CPU µs/check |", "| --- | ---: | ---: |");
  for (const row of raw.rows.filter((r) => r.group === "replay")) {
    lines.push(`| ${row.title} | ${us(row.wallUs)} | ${us(row.cpuUs)} |`);
  }
  if (!raw.redis) lines.push("", "No `redis-server` on this machine: the Redis rows are left out.");
  return `${lines.join("\n")}\n`;
}

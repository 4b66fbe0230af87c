// `pnpm bench` (and `pnpm bench:quick`): micro, HTTP and memory benchmarks, one command, bounded.
// Prints Markdown; a full run also rewrites the results section of docs/benchmarks.md.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createDpopKey } from "@scopegate/testing";
import { dpopTable, runDpop } from "./dpop.mjs";
import { eventLoopTable, runEventLoop } from "./event-loop.mjs";
import {
  ALGORITHMS,
  AUDIENCE,
  generateKeys,
  ISSUER,
  jwksOf,
  mintRange,
  startJwksServer,
} from "./fixtures.mjs";
import { httpTable, runHttp } from "./http.mjs";
import { memoryTable, runMemory } from "./memory.mjs";
import { microTables, runMicro, writeMicroFixtures } from "./micro.mjs";
import { offloadCostTable, runOffloadCost } from "./offload-cost.mjs";
import { pipelineTable, runPipeline } from "./pipeline.mjs";
import { summarize } from "./summary.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const phases = only ?? ["micro", "pipeline", "http", "eventloop", "memory", "dpop"];
// --libraries=scopegate,fast-jwt: only these in the micro benchmark.
const libraries = args
  .find((a) => a.startsWith("--libraries="))
  ?.slice(12)
  .split(",");
// --frameworks=fastify,hono: only these in the HTTP benchmark.
const frameworks = args
  .find((a) => a.startsWith("--frameworks="))
  ?.slice(13)
  .split(",");
const started = Date.now();
const log = (message) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}\n`);

const settings = quick
  ? {
      minted: { RS256: 6_000, PS256: 4_000, ES256: 4_000, EdDSA: 4_000 },
      micro: { warmupMs: 150, windowMs: 40, repetitions: 9, algorithms: ALGORITHMS },
      pipeline: { requests: 500, rounds: 5, warmupRequests: 2_000 },
      http: { seconds: 1, rounds: 3, warmupSeconds: 0.5, connections: 16 },
      eventLoop: { seconds: 1, rounds: 2, connections: 16 },
      offloadCost: { perWindow: 1_000, repetitions: 5, inFlight: 16 },
      memoryTokens: 160_000,
      memoryTwice: 30_000,
      dpop: { perWindow: 500, repetitions: 3 },
    }
  : {
      minted: { RS256: 6_000, PS256: 4_000, ES256: 4_000, EdDSA: 4_000 },
      micro: { warmupMs: 250, windowMs: 50, repetitions: 15, algorithms: ALGORITHMS },
      pipeline: { requests: 2_000, rounds: 40, warmupRequests: 10_000 },
      http: { seconds: 1, rounds: 10, warmupSeconds: 1, connections: 16 },
      eventLoop: { seconds: 2, rounds: 5, connections: 16 },
      offloadCost: { perWindow: 2_000, repetitions: 9, inFlight: 16 },
      memoryTokens: 1_000_000,
      memoryTwice: 100_000,
      dpop: { perWindow: 2_000, repetitions: 7 },
    };

function machine() {
  let cpuModel = cpus()[0]?.model;
  try {
    cpuModel = readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/)?.[1] ?? cpuModel;
  } catch {}
  return {
    nproc: cpus().length,
    cpu: cpuModel,
    node: process.version,
    loadavg: loadavg()
      .map((n) => n.toFixed(2))
      .join(" "),
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
  };
}

const host = machine();
const sections = [
  `Machine: ${host.nproc} vCPU (\`nproc\`), ${host.cpu}, Node ${host.node}; load average at start ${host.loadavg}; ${host.date}; \`pnpm ${quick ? "bench:quick" : "bench"}\`.`,
  "",
];
const raw = { host, settings };

const keys = generateKeys();
const jwks = jwksOf(keys);
const jwksServer = await startJwksServer(jwks);
const DPOP_PUBLIC_URL = "https://api.bench.example";
const config = {
  issuer: ISSUER,
  audience: AUDIENCE,
  jwksUri: jwksServer.uri,
  alg: "RS256",
  dpopPublicUrl: DPOP_PUBLIC_URL,
};
let fixtures;
try {
  if (phases.some((phase) => phase !== "dpop")) {
    log("minting tokens");
    fixtures = await writeMicroFixtures({ keys, jwks, jwksUri: jwksServer.uri, minted: settings.minted });
  }

  if (phases.includes("micro")) {
    log("micro benchmark (one library per process, one core)");
    raw.micro = await runMicro(fixtures.path, settings.micro, log, libraries);
    sections.push(
      "### Micro: verifications per CPU-second, one core",
      "",
      microTables(raw.micro, ALGORITHMS),
    );
  }
  if (phases.includes("pipeline")) {
    log("pipeline benchmark (each framework in-process, no sockets)");
    raw.pipeline = await runPipeline(fixtures.path, config, settings.pipeline, log, frameworks);
    sections.push(
      "### Pipeline: what the guard adds to the framework's request handling",
      "",
      pipelineTable(raw.pipeline, settings.pipeline),
    );
  }
  if (phases.includes("http")) {
    log("HTTP benchmark");
    // The DPoP row: an RS256 token bound to an ES256 client key, a fresh proof per request.
    const dpopKey = await createDpopKey("ES256");
    const nowSec = Math.floor(Date.now() / 1000);
    const dpopToken = mintRange(keys.RS256, 0, 1, nowSec, { cnf: { jkt: dpopKey.thumbprint } })[0];
    raw.http = await runHttp(
      {
        config,
        repeatedToken: fixtures.repeated.RS256,
        distinctTokens: fixtures.pools.RS256,
        dpop: { key: dpopKey, token: dpopToken, url: `${DPOP_PUBLIC_URL}/events` },
        ...settings.http,
        frameworks,
      },
      log,
    );
    sections.push("### HTTP", "", httpTable(raw.http, { ...settings.http, alg: "RS256" }));
  }
  if (phases.includes("eventloop")) {
    log("event-loop benchmark");
    raw.eventLoop = await runEventLoop(
      {
        config,
        repeatedToken: fixtures.repeated.RS256,
        distinctTokens: fixtures.pools.RS256,
        ...settings.eventLoop,
      },
      log,
    );
    sections.push("### Event loop", "", eventLoopTable(raw.eventLoop, settings.eventLoop));
    log("what offloadSignatures costs per new token (in-process)");
    raw.offloadCost = await runOffloadCost(
      {
        config,
        pools: { RS256: fixtures.pools.RS256, ES256: fixtures.pools.ES256, EdDSA: fixtures.pools.EdDSA },
        ...settings.offloadCost,
      },
      log,
    );
    sections.push(
      "#### Signatures on the thread pool: CPU per new token",
      "",
      offloadCostTable(raw.offloadCost, settings.offloadCost),
    );
  }
  if (phases.includes("memory")) {
    log("memory benchmark");
    raw.memory = await runMemory(
      {
        config,
        key: keys.RS256,
        reuse: fixtures.bases.RS256,
        count: settings.memoryTokens,
        twice: settings.memoryTwice,
      },
      log,
    );
    sections.push("### Memory", "", memoryTable(raw.memory));
  }
  if (phases.includes("dpop")) {
    log("DPoP benchmark (core verifier; replay store in memory and on a local redis-server)");
    raw.dpop = await runDpop(settings.dpop, log);
    sections.push("### DPoP", "", dpopTable(raw.dpop, settings.dpop));
  }
} finally {
  if (fixtures) rmSync(fixtures.path, { force: true });
  await jwksServer.close();
}

const seconds = (Date.now() - started) / 1000;
sections.push(`Total run time: ${seconds.toFixed(0)} s.`, "");
const markdown = sections.join("\n");
process.stdout.write(`${markdown}\n`);

const resultsDir = new URL("../results/", import.meta.url);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(new URL(quick ? "quick.raw.json" : "last.raw.json", resultsDir), JSON.stringify(raw, null, 2));
if (!quick && !only && !libraries && !frameworks && !process.env.SCOPEGATE_CORE) {
  // The charts on the documentation site are this run's.
  writeFileSync(
    new URL("summary.json", resultsDir),
    `${JSON.stringify(summarize(raw, ALGORITHMS), null, 2)}\n`,
  );
  // The results section of docs/benchmarks.md is this run's.
  const docs = new URL("../../docs/benchmarks.md", import.meta.url);
  const text = readFileSync(docs, "utf8");
  const start = "<!-- results:start -->";
  const end = "<!-- results:end -->";
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from !== -1 && to > from) {
    writeFileSync(docs, `${text.slice(0, from + start.length)}\n${markdown}\n${text.slice(to)}`);
    log("docs/benchmarks.md updated");
  }
}
log(`done in ${seconds.toFixed(0)} s`);

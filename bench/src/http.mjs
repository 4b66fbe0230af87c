// HTTP benchmark: the same route bare and behind a guard, driven by autocannon on 127.0.0.1. Servers
// run in child processes; autocannon runs here, so each has a core of its own on 2 vCPUs.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import autocannon from "autocannon";

const SCENARIOS = [
  { framework: "express", guard: "bare", workload: "repeated" },
  { framework: "express", guard: "scopegate", workload: "repeated" },
  { framework: "express", guard: "scopegate", workload: "distinct" },
  { framework: "express", guard: "express-oauth2-jwt-bearer", workload: "repeated" },
  { framework: "express", guard: "express-oauth2-jwt-bearer", workload: "distinct" },
  { framework: "koa", guard: "bare", workload: "repeated" },
  { framework: "koa", guard: "scopegate", workload: "repeated" },
  { framework: "koa", guard: "scopegate", workload: "distinct" },
  { framework: "nest-express", guard: "bare", workload: "repeated" },
  { framework: "nest-express", guard: "scopegate", workload: "repeated" },
  { framework: "nest-express", guard: "scopegate", workload: "distinct" },
  { framework: "nest-fastify", guard: "bare", workload: "repeated" },
  { framework: "nest-fastify", guard: "scopegate", workload: "repeated" },
  { framework: "nest-fastify", guard: "scopegate", workload: "distinct" },
];

async function startServer(framework, guard, config) {
  const child = spawn(
    process.execPath,
    [new URL("./http-server.mjs", import.meta.url).pathname, framework, guard, JSON.stringify(config)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(([code]) => {
      throw new Error(`${framework}/${guard} server exited with ${code}`);
    }),
  ]);
  return {
    port: JSON.parse(line).port,
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}

function cannon(url, tokens, seconds, connections) {
  let next = 0;
  const options = {
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          const token = tokens[next];
          next = next + 1 === tokens.length ? 0 : next + 1;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  };
  return new Promise((resolve, reject) =>
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

const median = (values) => {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function measure(server, url, tokens, seconds, connections) {
  const serverCpu = cpuSecondsOf(server.pid);
  const clientCpu = process.cpuUsage();
  const started = performance.now();
  const result = await cannon(url, tokens, seconds, connections);
  const elapsed = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientCpu);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    // Who was busy: the server should be near 100% of a core, autocannon below it.
    serverCpu: (cpuSecondsOf(server.pid) - serverCpu) / elapsed,
    clientCpu: (client.user + client.system) / 1e6 / elapsed,
  };
}

/**
 * Runs every scenario. Per framework, one server process per guard, all started first; then
 * `rounds` rounds in which each scenario runs once, bare first, so that every scenario sees the same
 * drift in machine load. Returns one row per scenario with medians over the rounds.
 */
export async function runHttp(
  { config, repeatedToken, distinctTokens, seconds, warmupSeconds, rounds, connections },
  log,
) {
  const rows = [];
  const frameworks = [...new Set(SCENARIOS.map((s) => s.framework))];
  for (const framework of frameworks) {
    const scenarios = SCENARIOS.filter((s) => s.framework === framework);
    const guards = [...new Set(scenarios.map((s) => s.guard))];
    log(`  http: ${framework} (${guards.join(", ")})`);
    const servers = new Map();
    try {
      for (const guard of guards) servers.set(guard, await startServer(framework, guard, config));
      const runs = new Map(scenarios.map((s) => [s, []]));
      const tokensOf = (s) => (s.workload === "repeated" ? [repeatedToken] : distinctTokens);
      const urlOf = (s) => `http://127.0.0.1:${servers.get(s.guard).port}/events`;
      for (const s of scenarios) await cannon(urlOf(s), tokensOf(s), warmupSeconds, connections);
      for (let round = 0; round < rounds; round++) {
        for (const s of scenarios) {
          runs.get(s).push(await measure(servers.get(s.guard), urlOf(s), tokensOf(s), seconds, connections));
        }
      }
      for (const s of scenarios) {
        const list = runs.get(s);
        const pick = (field) => median(list.map((run) => run[field]));
        rows.push({
          ...s,
          rps: pick("rps"),
          p50: pick("p50"),
          p99: pick("p99"),
          non2xx: list.reduce((sum, run) => sum + run.non2xx, 0),
          serverCpu: pick("serverCpu"),
          clientCpu: pick("clientCpu"),
          rounds: list,
        });
      }
    } finally {
      for (const server of servers.values()) await server.stop();
    }
  }
  return rows;
}

const pct = (share) => (Number.isNaN(share) ? "n/a" : `${Math.round(share * 100)}%`);

export function httpTable(rows, { seconds, rounds, connections, alg }) {
  const bare = Object.fromEntries(rows.filter((r) => r.guard === "bare").map((r) => [r.framework, r.rps]));
  const out = [
    `autocannon, ${connections} connections, ${rounds} interleaved rounds of ${seconds} s per scenario after a warm-up (medians shown), GET /events answering a small JSON body; ${alg} tokens. The guarded routes run \`bearerAuth\` + \`requireScope("event.read")\` (Nest: \`ScopegateModule.forRoot({ guard: "global" })\` + \`@RequireScopes("event.read")\`); "distinct" sends a token not sent before in the run with every request.`,
    "",
    "| framework | route | token | req/s | p50 | p99 | vs bare | non-2xx | server CPU | autocannon CPU |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const label = r.guard === "bare" ? "bare" : r.guard === "scopegate" ? "scopegate" : r.guard;
    out.push(
      `| ${r.framework} | ${label} | ${r.guard === "bare" ? "—" : r.workload} | ${Math.round(r.rps)} | ${r.p50} ms | ${r.p99} ms | ${(r.rps / bare[r.framework]).toFixed(2)}× | ${r.non2xx} | ${pct(r.serverCpu)} | ${pct(r.clientCpu)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

// HTTP benchmark: the same route bare and behind a guard, driven by autocannon on 127.0.0.1. The
// server runs in a child process; autocannon runs here, so each has a core of its own on 2 vCPUs.
import { spawn } from "node:child_process";
import { once } from "node:events";
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

/** Runs every scenario; returns rows { framework, guard, workload, rps, p50, p99, non2xx }. */
export async function runHttp(
  { config, repeatedToken, distinctTokens, seconds, warmupSeconds, connections },
  log,
) {
  const rows = [];
  for (const scenario of SCENARIOS) {
    log(`  http: ${scenario.framework} / ${scenario.guard} / ${scenario.workload} token`);
    const server = await startServer(scenario.framework, scenario.guard, config);
    try {
      const url = `http://127.0.0.1:${server.port}/events`;
      const tokens = scenario.workload === "repeated" ? [repeatedToken] : distinctTokens;
      await cannon(url, tokens, warmupSeconds, connections);
      const result = await cannon(url, tokens, seconds, connections);
      rows.push({
        ...scenario,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx + result.errors + result.timeouts,
      });
    } finally {
      await server.stop();
    }
  }
  return rows;
}

export function httpTable(rows, { seconds, connections, alg }) {
  const bare = Object.fromEntries(rows.filter((r) => r.guard === "bare").map((r) => [r.framework, r.rps]));
  const out = [
    `autocannon, ${connections} connections, ${seconds} s per run after a warm-up, GET /events answering a small JSON body; ${alg} tokens. The guarded routes run \`bearerAuth\` + \`requireScope("event.read")\` (Nest: \`ScopegateModule.forRoot({ guard: "global" })\` + \`@RequireScopes("event.read")\`); "distinct" sends a token not sent before in the run with every request.`,
    "",
    "| framework | route | token | req/s | p50 | p99 | vs bare | non-2xx |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const label = r.guard === "bare" ? "bare" : r.guard === "scopegate" ? "scopegate" : r.guard;
    out.push(
      `| ${r.framework} | ${label} | ${r.guard === "bare" ? "—" : r.workload} | ${Math.round(r.rps)} | ${r.p50} ms | ${r.p99} ms | ${(r.rps / bare[r.framework]).toFixed(2)}× | ${r.non2xx} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

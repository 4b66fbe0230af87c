// HTTP benchmark: the same route bare and behind a guard, driven by autocannon on 127.0.0.1. Servers
// run in child processes; autocannon runs here, so each has a core of its own on 2 vCPUs.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { shuffle } from "./shuffle.mjs";

const SCENARIOS = [
  { framework: "express", guard: "bare", workload: "repeated" },
  { framework: "express", guard: "noop", workload: "repeated" },
  { framework: "express", guard: "scopegate", workload: "repeated" },
  { framework: "express", guard: "scopegate", workload: "distinct" },
  // The same token, DPoP-bound, with a fresh proof per request (as clients send them).
  { framework: "express", guard: "scopegate-dpop", workload: "dpop" },
  { framework: "express", guard: "express-oauth2-jwt-bearer", workload: "repeated" },
  { framework: "express", guard: "express-oauth2-jwt-bearer", workload: "distinct" },
  { framework: "koa", guard: "bare", workload: "repeated" },
  { framework: "koa", guard: "noop", workload: "repeated" },
  { framework: "koa", guard: "scopegate", workload: "repeated" },
  { framework: "koa", guard: "scopegate", workload: "distinct" },
  { framework: "fastify", guard: "bare", workload: "repeated" },
  { framework: "fastify", guard: "noop", workload: "repeated" },
  { framework: "fastify", guard: "scopegate", workload: "repeated" },
  { framework: "fastify", guard: "scopegate", workload: "distinct" },
  { framework: "hono", guard: "bare", workload: "repeated" },
  { framework: "hono", guard: "noop", workload: "repeated" },
  { framework: "hono", guard: "scopegate", workload: "repeated" },
  { framework: "hono", guard: "scopegate", workload: "distinct" },
  { framework: "nest-express", guard: "bare", workload: "repeated" },
  { framework: "nest-express", guard: "noop", workload: "repeated" },
  { framework: "nest-express", guard: "scopegate", workload: "repeated" },
  { framework: "nest-express", guard: "scopegate", workload: "distinct" },
  { framework: "nest-fastify", guard: "bare", workload: "repeated" },
  { framework: "nest-fastify", guard: "noop", workload: "repeated" },
  { framework: "nest-fastify", guard: "scopegate", workload: "repeated" },
  { framework: "nest-fastify", guard: "scopegate", workload: "distinct" },
];

/** Whether this HTTP phase runs its servers on CPU 0 and itself (autocannon) on CPU 1. */
let PINNED = false;

/**
 * With `taskset` (Linux) and two CPUs or more, pins this process to CPU 1 (servers started after it
 * go to CPU 0), so that the scheduler never puts autocannon and a server on one core for part of a
 * round. Returns whether it could; `unpin` gives this process every CPU back.
 */
export function pin() {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
export function unpin() {
  try {
    execFileSync("taskset", ["-p", "-c", `0-${availableParallelism() - 1}`, String(process.pid)], {
      stdio: "ignore",
    });
  } catch {
    // nothing to give back
  }
}

export async function startServer(framework, guard, config, env = process.env) {
  const args = [
    new URL("./http-server.mjs", import.meta.url).pathname,
    framework,
    guard,
    JSON.stringify(config),
  ];
  const child = PINNED
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], { stdio: ["ignore", "pipe", "inherit"], env })
    : spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env });
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

/** Where each token list goes on from, across every call of `cannon` in the run. */
const cursors = new WeakMap();

/**
 * The headers of each request: `Bearer` tokens from `tokens` in turn, going on where the previous
 * call with the same list stopped (a distinct-token round that started again at the first token
 * would send the tokens of the rounds before it, which the token cache admits from their second
 * sight and then serves: a distinct-token round was partly cache hits), or, for `{ dpop }`, the next
 * of its prepared `{ authorization, dpop }` pairs, never one sent before. A list of 96,000 tokens
 * comes round again only long after its tokens left the cache.
 */
function requestHeaders(tokens) {
  if (!Array.isArray(tokens)) return () => tokens.dpop.next();
  const cursor = cursors.get(tokens) ?? { next: 0 };
  cursors.set(tokens, cursor);
  return () => {
    const token = tokens[cursor.next];
    cursor.next = cursor.next + 1 === tokens.length ? 0 : cursor.next + 1;
    return { authorization: `Bearer ${token}` };
  };
}

export function cannon(url, tokens, seconds, connections) {
  const headersOf = requestHeaders(tokens);
  const options = {
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, ...headersOf() } }),
      },
    ],
  };
  return new Promise((resolve, reject) =>
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
export function cpuSecondsOf(pid) {
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

/** Median, lowest and highest of a list of numbers (NaN left out). */
function spread(values) {
  const known = values.filter((v) => !Number.isNaN(v));
  return { median: median(known), min: Math.min(...known), max: Math.max(...known) };
}

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
    // What a request costs the server, whether or not autocannon kept it busy.
    cpuPerRequestUs: ((cpuSecondsOf(server.pid) - serverCpu) * 1e6) / Math.max(1, result.requests.total),
  };
}

/**
 * Runs every scenario. Per framework, one server process per guard (and one for distinct tokens), all started first; then
 * `rounds` rounds in which each scenario runs once, bare first, so that every scenario sees the same
 * drift in machine load. Returns one row per scenario with medians over the rounds.
 */
export async function runHttp(options, log) {
  PINNED = pin();
  try {
    return await runFrameworks(options, log);
  } finally {
    if (PINNED) unpin();
  }
}

/**
 * Fresh proofs for the DPoP scenario, signed before the clock starts (the client's cost): enough for
 * `requests` requests; each is handed out once. `dpop`: `{ key, token, url }` (a `createDpopKey()`
 * key, a token bound to it, the URL the proofs are made for).
 */
async function dpopRequests(dpop, requests, log) {
  log(`  http: signing ${requests} DPoP proofs`);
  const pairs = [];
  for (let i = 0; i < requests; i++) {
    const proof = await dpop.key.proof({ method: "GET", url: dpop.url, accessToken: dpop.token });
    pairs.push({ authorization: `DPoP ${dpop.token}`, dpop: proof });
  }
  let next = 0;
  return {
    dpop: {
      next: () => pairs[next++ % pairs.length],
      get used() {
        return next;
      },
      size: pairs.length,
    },
  };
}

async function runFrameworks(
  {
    config,
    repeatedToken,
    distinctTokens,
    dpop,
    seconds,
    warmupSeconds,
    rounds,
    connections,
    frameworks: chosen,
  },
  log,
) {
  const rows = [];
  const frameworks = [...new Set(SCENARIOS.map((s) => s.framework))].filter(
    (framework) => !chosen || chosen.includes(framework),
  );
  for (const framework of frameworks) {
    const scenarios = SCENARIOS.filter((s) => s.framework === framework && (s.workload !== "dpop" || dpop));
    const guards = [...new Set(scenarios.map((s) => s.guard))];
    log(`  http: ${framework} (${guards.join(", ")})`);
    // Distinct tokens get a server of their own: the garbage a token never seen before leaves would
    // otherwise be collected during, and charged to, the repeated-token rounds of the same server.
    const serverOf = (s) => (s.workload === "distinct" ? `${s.guard} (distinct)` : s.guard);
    const servers = new Map();
    try {
      for (const s of scenarios) {
        if (!servers.has(serverOf(s)))
          servers.set(serverOf(s), await startServer(framework, s.guard, config));
      }
      const runs = new Map(scenarios.map((s) => [s, []]));
      // Up to 8,000 DPoP requests a second over the warm-up and every round (more: replays, non-2xx).
      const proofs = scenarios.some((s) => s.workload === "dpop")
        ? await dpopRequests(dpop, Math.ceil((warmupSeconds + rounds * seconds) * 8_000), log)
        : undefined;
      const tokensOf = (s) =>
        s.workload === "dpop" ? proofs : s.workload === "repeated" ? [repeatedToken] : distinctTokens;
      const urlOf = (s) => `http://127.0.0.1:${servers.get(serverOf(s)).port}/events`;
      for (const s of scenarios) await cannon(urlOf(s), tokensOf(s), warmupSeconds, connections);
      const bareScenario = scenarios.find((s) => s.guard === "bare");
      for (let round = 0; round < rounds; round++) {
        // Bare first, then the others in a new random order each round: no scenario always runs
        // right after the same neighbour.
        const others = shuffle(scenarios.filter((s) => s !== bareScenario));
        for (const s of [bareScenario, ...others]) {
          runs
            .get(s)
            .push(await measure(servers.get(serverOf(s)), urlOf(s), tokensOf(s), seconds, connections));
        }
      }
      if (proofs && proofs.dpop.used > proofs.dpop.size)
        log("  http: more DPoP requests than proofs: some were replays (counted as non-2xx)");
      const bareRuns = runs.get(bareScenario);
      const noopScenario = scenarios.find((s) => s.guard === "noop");
      const noopRuns = noopScenario ? runs.get(noopScenario) : undefined;
      for (const s of scenarios) {
        const list = runs.get(s);
        const pick = (field) => median(list.map((run) => run[field]));
        // Server CPU per request added over a reference, round by round (the same machine load).
        const added = (reference) =>
          reference ? spread(list.map((run, i) => run.cpuPerRequestUs - reference[i].cpuPerRequestUs)) : null;
        rows.push({
          ...s,
          rps: pick("rps"),
          p50: pick("p50"),
          p99: pick("p99"),
          non2xx: list.reduce((sum, run) => sum + run.non2xx, 0),
          serverCpu: pick("serverCpu"),
          clientCpu: pick("clientCpu"),
          // Ratios to bare within each round (the same machine load), then their median.
          vsBare: median(list.map((run, i) => run.rps / bareRuns[i].rps)),
          cpuPerRequestUs: pick("cpuPerRequestUs"),
          overBareUs: s.guard === "bare" ? null : added(bareRuns),
          overNoopUs: s.guard === "bare" || s.guard === "noop" ? null : added(noopRuns),
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

/** `+12 µs (3 … 20)`: the median of the per-round differences and their range; `—` without one. */
function addedText(added) {
  if (!added || Number.isNaN(added.median)) return "—";
  const signed = (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(1)}`;
  return `${signed(added.median)} µs (${signed(added.min)} … ${signed(added.max)})`;
}

export function httpTable(rows, { seconds, rounds, connections, alg }) {
  const out = [
    `autocannon, ${connections} connections${PINNED ? " (autocannon pinned to CPU 1, each server to CPU 0)" : ""}, ${rounds} rounds of ${seconds} s per scenario after a warm-up, each round the bare route first and the rest in random order (medians shown; "added over bare" and "added over no-op" are the server CPU per request minus that of the bare route or of the no-op guard measured in the same round, as the median over the rounds and, in parentheses, the lowest and highest round; "vs bare" is the median of the req/s ratios within each round), GET /events answering a small JSON body; ${alg} tokens. The guarded routes run \`bearerAuth\` + \`requireScope("event.read")\` (Fastify: the plugin + \`config: { scopes: ["event.read"] }\`; Nest: \`ScopegateModule.forRoot({ guard: "global" })\` + \`@RequireScopes("event.read")\`); "noop" is the framework's own cost of the same number of pass-through hooks or middlewares; "distinct" sends a token not sent before in the run with every request (to a server process of its own, so that its garbage is not collected during other rounds); "dpop" sends the repeated token DPoP-bound (\`cnf.jkt\`) as \`Authorization: DPoP\` with a fresh ES256 proof per request (signed before the clock starts).`,
    "",
    "| framework | route | token | server CPU per request | added over bare | added over no-op | req/s | p50 | p99 | vs bare | non-2xx | server CPU | autocannon CPU |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    const label = r.guard === "bare" ? "bare" : r.guard === "scopegate-dpop" ? "scopegate, DPoP" : r.guard;
    const perRequest = Number.isNaN(r.cpuPerRequestUs) ? "n/a" : `${Math.round(r.cpuPerRequestUs)} µs`;
    out.push(
      `| ${r.framework} | ${label} | ${r.guard === "bare" ? "—" : r.workload} | ${perRequest} | ${addedText(r.overBareUs)} | ${addedText(r.overNoopUs)} | ${Math.round(r.rps)} | ${r.p50} ms | ${r.p99} ms | ${r.vsBare.toFixed(2)}× | ${r.non2xx} | ${pct(r.serverCpu)} | ${pct(r.clientCpu)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

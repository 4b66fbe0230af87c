// The event loop under load: while autocannon floods the guarded `GET /events` of an Express server
// (bare, one repeated token, a new token on every request with the signature checked on the loop or
// on libuv's thread pool: `offloadSignatures`), a probe calls the same server's cheap, unguarded
// `GET /health` every 10 ms, one request at a time, and the server reports its event-loop delay
// (monitorEventLoopDelay, 1 ms resolution); the server's CPU time per flooding request is read from
// /proc. A signature check on the loop blocks it for one verification per new token, and /health
// waits behind them; on the thread pool, the loop serves /health meanwhile.
//
// autocannon and this process's main thread run on CPU 1; every thread of each server (its loop and
// its thread pool) on the CPUs in BENCH_EVENT_LOOP_CPUS (default "0": one core for the loop and its
// pool; "0-1" lets the pool use the load generator's core too).

import { execFileSync } from "node:child_process";
import { Agent, get } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { cannon, cpuSecondsOf, pin, startServer, unpin } from "./http.mjs";
import { shuffle } from "./shuffle.mjs";

/** One Express server process each; new tokens get servers of their own (their garbage stays there). */
const SERVERS = {
  bare: { guard: "bare" },
  scopegate: { guard: "scopegate" },
  "scopegate (distinct)": { guard: "scopegate" },
  "scopegate (offload)": { guard: "scopegate", offloadSignatures: true },
};

const SCENARIOS = [
  { server: "bare", workload: "none", label: "no load" },
  { server: "bare", workload: "repeated", label: "bare route flooded" },
  { server: "scopegate", workload: "repeated", label: "guarded route flooded, one repeated token" },
  {
    server: "scopegate (distinct)",
    workload: "distinct",
    label: "guarded route flooded, a new token per request",
  },
  {
    server: "scopegate (offload)",
    workload: "distinct",
    label:
      "guarded route flooded, a new token per request, signatures on the thread pool (`offloadSignatures: true`)",
  },
];

/** Moves every thread of process `pid` to `cpus` (a taskset list); false where that is not possible. */
function placeServer(pid, cpus) {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The distinct-token pool for `round`, starting a `rounds`-th of the pool further each round: a
 * server never sees a token in one round that it saw in an earlier one (while a round sends fewer
 * than that share), so the token cache never serves one.
 */
const rotated = (tokens, round, rounds) => {
  const offset = Math.floor((tokens.length / rounds) * round);
  return [...tokens.slice(offset), ...tokens.slice(0, offset)];
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** One GET on `agent`; resolves with the body's text. */
function fetchText(url, agent) {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve(text));
    }).on("error", reject);
  });
}

/** Calls `url` every `everyMs` (one keep-alive connection) until `done()`; resolves with the latencies in ms. */
async function probe(url, everyMs, done) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  try {
    while (!done()) {
      const started = performance.now();
      await fetchText(url, agent);
      latencies.push(performance.now() - started);
      await sleep(everyMs);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

async function loopStats(port) {
  return JSON.parse(await fetchText(`http://127.0.0.1:${port}/loop`, undefined));
}

/**
 * Per round, the scenarios in a new random order; per scenario: reset the server's delay histogram,
 * flood (or not) for `seconds` while probing, read the histogram and the server's CPU time. Rows hold
 * medians over the rounds.
 */
export async function runEventLoop(
  { config, repeatedToken, distinctTokens, seconds, rounds, connections },
  log,
) {
  const pinned = pin();
  const cpus = process.env.BENCH_EVENT_LOOP_CPUS ?? "0";
  const servers = new Map();
  try {
    for (const [name, { guard, offloadSignatures }] of Object.entries(SERVERS)) {
      const server = await startServer(
        "express",
        guard,
        { ...config, offloadSignatures },
        {
          ...process.env,
          BENCH_EVENT_LOOP: "1",
        },
      );
      servers.set(name, { ...server, placed: pinned && placeServer(server.pid, cpus) });
    }
    const results = new Map(SCENARIOS.map((s) => [s, []]));
    for (let round = 0; round < rounds; round++) {
      log(`  event loop: round ${round + 1} of ${rounds}`);
      for (const s of shuffle(SCENARIOS)) {
        const server = servers.get(s.server);
        await loopStats(server.port); // reset
        let finished = false;
        const probing = probe(`http://127.0.0.1:${server.port}/health`, 10, () => finished);
        const cpuBefore = cpuSecondsOf(server.pid);
        let requests = Number.NaN;
        if (s.workload === "none") await sleep(seconds * 1000);
        else {
          const tokens = s.workload === "repeated" ? [repeatedToken] : rotated(distinctTokens, round, rounds);
          const flood = await cannon(`http://127.0.0.1:${server.port}/events`, tokens, seconds, connections);
          requests = flood.requests.total;
        }
        const cpuUs = (cpuSecondsOf(server.pid) - cpuBefore) * 1e6;
        finished = true;
        const latencies = await probing;
        const loop = await loopStats(server.port);
        results.get(s).push({
          probeP50: percentile(latencies, 50),
          probeP99: percentile(latencies, 99),
          loopP50: loop.p50,
          loopP99: loop.p99,
          loopMax: loop.max,
          rps: requests / seconds,
          cpuPerRequestUs: cpuUs / requests,
        });
      }
    }
    return SCENARIOS.map((s) => {
      const list = results.get(s);
      const pick = (field) => median(list.map((r) => r[field]));
      return {
        ...s,
        cpus: servers.get(s.server).placed ? cpus : "any",
        probeP50: pick("probeP50"),
        probeP99: pick("probeP99"),
        loopP50: pick("loopP50"),
        loopP99: pick("loopP99"),
        loopMax: pick("loopMax"),
        rps: pick("rps"),
        cpuPerRequestUs: pick("cpuPerRequestUs"),
        rounds: list,
      };
    });
  } finally {
    for (const server of servers.values()) await server.stop();
    if (pinned) unpin();
  }
}

export function eventLoopTable(rows, { seconds, rounds, connections }) {
  const ms = (v) => `${v.toFixed(1)} ms`;
  const orDash = (v, text) => (Number.isFinite(v) ? text(v) : "—");
  const cpus = rows[0]?.cpus ?? "any";
  const placement =
    cpus === "any"
      ? "servers not pinned"
      : `autocannon on CPU 1, each server's every thread (its loop and libuv's pool) on CPU ${cpus}`;
  const out = [
    `Express 5; autocannon with ${connections} connections on \`GET /events\` for ${seconds} s per scenario and round, ${rounds} rounds in a new random order each (medians shown); ${placement}; meanwhile one \`GET /health\` (unguarded) every 10 ms, one at a time, and the server's \`monitorEventLoopDelay\` (1 ms resolution). RS256 tokens; new tokens never repeat on a server (each round starts a ${rounds}-th further into the pool). "CPU per request": the server's CPU time (user + system, every thread) over the flood's requests.`,
    "",
    "| load | req/s | CPU per request | /health p50 | /health p99 | event-loop delay p50 | p99 | max |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.label} | ${orDash(r.rps, (v) => Math.round(v))} | ${orDash(r.cpuPerRequestUs, (v) => `${v.toFixed(1)} µs`)} | ${ms(r.probeP50)} | ${ms(r.probeP99)} | ${ms(r.loopP50)} | ${ms(r.loopP99)} | ${ms(r.loopMax)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

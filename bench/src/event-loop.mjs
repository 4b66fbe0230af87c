// The event loop under load: while autocannon floods the guarded `GET /events` of an Express server
// (bare, one repeated token, a new token on every request), a probe calls the same server's cheap,
// unguarded `GET /health` every 10 ms, one request at a time, and the server reports its event-loop
// delay (monitorEventLoopDelay, 1 ms resolution). A signature check runs on the loop: with new tokens
// every request blocks the loop for one verification, and /health waits behind them.

import { Agent, get } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { cannon, pin, startServer, unpin } from "./http.mjs";

const SCENARIOS = [
  { guard: "bare", workload: "none", label: "no load" },
  { guard: "bare", workload: "repeated", label: "bare route flooded" },
  { guard: "scopegate", workload: "repeated", label: "guarded route flooded, one repeated token" },
  { guard: "scopegate", workload: "distinct", label: "guarded route flooded, a new token per request" },
];

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
 * Per scenario and round: reset the server's delay histogram, flood (or not) for `seconds` while
 * probing, read the histogram. Rounds interleave the scenarios. Rows hold medians over the rounds.
 */
export async function runEventLoop(
  { config, repeatedToken, distinctTokens, seconds, rounds, connections },
  log,
) {
  const pinned = pin();
  const servers = new Map();
  try {
    for (const guard of new Set(SCENARIOS.map((s) => s.guard))) {
      servers.set(
        guard,
        await startServer("express", guard, config, { ...process.env, BENCH_EVENT_LOOP: "1" }),
      );
    }
    const results = new Map(SCENARIOS.map((s) => [s, []]));
    for (let round = 0; round < rounds; round++) {
      log(`  event loop: round ${round + 1} of ${rounds}`);
      for (const s of SCENARIOS) {
        const { port } = servers.get(s.guard);
        await loopStats(port); // reset
        let finished = false;
        const probing = probe(`http://127.0.0.1:${port}/health`, 10, () => finished);
        if (s.workload === "none") await sleep(seconds * 1000);
        else {
          const tokens = s.workload === "repeated" ? [repeatedToken] : distinctTokens;
          await cannon(`http://127.0.0.1:${port}/events`, tokens, seconds, connections);
        }
        finished = true;
        const latencies = await probing;
        const loop = await loopStats(port);
        results.get(s).push({
          probeP50: percentile(latencies, 50),
          probeP99: percentile(latencies, 99),
          loopP50: loop.p50,
          loopP99: loop.p99,
          loopMax: loop.max,
        });
      }
    }
    return SCENARIOS.map((s) => {
      const list = results.get(s);
      const pick = (field) => median(list.map((r) => r[field]));
      return {
        ...s,
        probeP50: pick("probeP50"),
        probeP99: pick("probeP99"),
        loopP50: pick("loopP50"),
        loopP99: pick("loopP99"),
        loopMax: pick("loopMax"),
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
  const out = [
    `Express 5; autocannon with ${connections} connections on \`GET /events\` for ${seconds} s per scenario and round, ${rounds} rounds (medians shown); meanwhile one \`GET /health\` (unguarded) every 10 ms, one at a time, and the server's \`monitorEventLoopDelay\` (1 ms resolution). RS256 tokens.`,
    "",
    "| load | /health p50 | /health p99 | event-loop delay p50 | p99 | max |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.label} | ${ms(r.probeP50)} | ${ms(r.probeP99)} | ${ms(r.loopP50)} | ${ms(r.loopP99)} | ${ms(r.loopMax)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

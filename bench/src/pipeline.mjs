// The pipeline benchmark: what scopegate adds to each framework's own request handling, measured
// in-process (src/pipeline-child.mjs, one process per framework) without sockets: the bare route, the
// no-op guard of the same shape, and scopegate with a repeated and with a distinct token, in
// interleaved rounds. It isolates the guard's cost from the kernel's and autocannon's, which over
// HTTP on this VM move a round by tens of µs; the HTTP phase stays the end-to-end measure.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { FRAMEWORKS } from "./apps.mjs";

/** Quantile `q` (0–1) of a list, by linear interpolation. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** Median and interquartile range of `values`. */
function summary(values) {
  return { median: quantile(values, 0.5), q1: quantile(values, 0.25), q3: quantile(values, 0.75) };
}

async function runChild(framework, fixturesPath, config, settings, variants) {
  const child = spawn(
    process.execPath,
    [
      new URL("./pipeline-child.mjs", import.meta.url).pathname,
      framework,
      fixturesPath,
      JSON.stringify(config),
      JSON.stringify(settings),
      variants.join(","),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const [[line], [code]] = await Promise.all([once(lines, "line"), once(child, "exit")]);
  if (code !== 0) throw new Error(`pipeline: ${framework} exited with ${code}`);
  return JSON.parse(line).runs;
}

/**
 * Runs every framework (or `frameworks`); resolves one row per framework and variant with the CPU
 * per request and what it adds over the bare route and over the no-op guard, round by round.
 */
export async function runPipeline(fixturesPath, config, settings, log, frameworks = FRAMEWORKS) {
  const rows = [];
  for (const framework of frameworks) {
    log(`  pipeline: ${framework}`);
    // Distinct tokens in a process of their own: the garbage a token never seen before leaves (the
    // token cache's admission, the heap it ages into) would otherwise be collected during, and
    // charged to, whichever variant runs next. Each process has its own bare and no-op rounds.
    const repeated = await runChild(framework, fixturesPath, config, settings, ["bare", "noop", "repeated"]);
    // With them, core alone on distinct tokens in a tight loop: one fresh verification as the micro
    // benchmark measures it, in the same process and rounds, for the ratio the issue 19 target sets.
    const distinct = await runChild(framework, fixturesPath, config, settings, [
      "bare",
      "noop",
      "distinct",
      "core",
    ]);
    for (const [variant, list, runs] of [
      ["bare", repeated.bare, repeated],
      ["noop", repeated.noop, repeated],
      ["repeated", repeated.repeated, repeated],
      ["distinct", distinct.distinct, distinct],
      ["core", distinct.core, distinct],
    ]) {
      const over = (reference) => summary(list.map((value, i) => value - reference[i]));
      const measured = variant !== "bare" && variant !== "core";
      rows.push({
        framework,
        variant,
        perRequestUs: summary(list),
        overBareUs: measured ? over(runs.bare) : null,
        overNoopUs: measured && variant !== "noop" ? over(runs.noop) : null,
        // A distinct token's cost over the no-op guard ÷ one fresh verification, round by round.
        overCore:
          variant === "distinct"
            ? summary(list.map((value, i) => (value - runs.noop[i]) / runs.core[i]))
            : null,
        rounds: list,
      });
    }
  }
  return rows;
}

const signed = (v) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(1)}`;
const addedText = (s) => (s ? `${signed(s.median)} µs (${signed(s.q1)} … ${signed(s.q3)})` : "—");

export function pipelineTable(rows, { requests, rounds }) {
  const out = [
    `Each framework's apps in one process; every request handed to the app's Node request listener as Node's HTTP server would (an \`IncomingMessage\` and a \`ServerResponse\` on a socket that is never connected, each request in a macrotask of its own with an \`Authorization\` string of its own), so the kernel and the load generator are not measured. ${rounds} rounds of ${requests} requests per variant, in a new random order each round; CPU per request is the process's (all threads, garbage collection included). "added" is the difference to the bare route or to the no-op guard within the same round: the median over the rounds and, in parentheses, the lower and upper quartile. Guards as in the HTTP phase; RS256 tokens. "core alone" is one fresh verification (\`verifier.authenticateNow\`, a new token each time, in a tight loop as in the micro benchmark) in the distinct-token process's rounds; "÷ core" is a distinct token's cost over the no-op guard divided by it, round by round (the issue 19 target is ≤ 1.15). "node" is no framework: Node's request listener answering the same JSON, its guard core's \`authenticateThen\` and \`requireScopes\` as an adapter uses them, the floor under the frameworks' rows.`,
    "",
    "| framework | variant | CPU per request | added over bare | added over no-op | ÷ core |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  const label = {
    bare: "bare",
    noop: "no-op guard",
    repeated: "scopegate, repeated token",
    distinct: "scopegate, distinct tokens",
    core: "core alone, one fresh verification",
  };
  const ratioText = (s) => (s ? `${s.median.toFixed(2)} (${s.q1.toFixed(2)} … ${s.q3.toFixed(2)})` : "—");
  for (const r of rows) {
    out.push(
      `| ${r.framework} | ${label[r.variant] ?? r.variant} | ${r.perRequestUs.median.toFixed(1)} µs | ${addedText(r.overBareUs)} | ${addedText(r.overNoopUs)} | ${ratioText(r.overCore)} |`,
    );
  }
  return `${out.join("\n")}\n`;
}

#!/usr/bin/env node
// Runs every check the project has, in order, and ends with one plain summary line:
//   checks: N passed, N failed
// N counts each vitest test (from vitest's JSON report) plus each non-test step (lint, package
// metadata, docs links, build, typecheck, the docs' TypeScript blocks, three suites again on Node
// 22, 24 and 26, the core on Bun, Deno and workerd, package lint, packed-tarball import test, publish dry run, the documentation site's
// build and its test in headless Chromium) as one check.
// Exits non-zero if anything failed. Used by `pnpm check` and therefore by .ci/run.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const results = [];
const bin = (name) => join(root, "node_modules", ".bin", name);

function step(name, command, args, options = {}) {
  const started = Date.now();
  process.stdout.write(`\n▶ ${name}: ${[command, ...args].join(" ")}\n`);
  const run = spawnSync(command, args, { cwd: root, stdio: "inherit", env: process.env, ...options });
  const ok = run.status === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${ok ? "✔" : "✘"} ${name} (${seconds}s)\n`);
  results.push({ name, ok });
  return ok;
}

const pnpm = process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath) ? process.execPath : null;
const pnpmArgs = (args) => (pnpm ? [process.env.npm_execpath, ...args] : args);
const pnpmCmd = pnpm ?? "pnpm";

// Debian packages the tests use (redis-server), installed when missing: the README's check command
// works on a fresh machine, and .ci/run stays exactly that command.
step("system packages", "bash", [join(root, "scripts", "system-packages.sh")]);
step("lint", bin("biome"), ["check", "."]);
step("package metadata and README links", process.execPath, [join(root, "scripts", "package-metadata.mjs")]);
step("docs links", process.execPath, [join(root, "scripts", "docs", "check-links.mjs")]);
const built = step("build", pnpmCmd, pnpmArgs(["-r", "--filter", "./packages/*", "run", "build"]));
step(
  "typecheck",
  pnpmCmd,
  pnpmArgs([
    "-r",
    ...["./packages/*", "./examples/*", "./tests/*"].flatMap((f) => ["--filter", f]),
    "run",
    "typecheck",
  ]),
);
if (built)
  step("docs TypeScript blocks", process.execPath, [join(root, "scripts", "docs", "typecheck-blocks.mjs")]);

const report = join(root, ".vitest-results.json");
rmSync(report, { force: true });
step("vitest", bin("vitest"), [
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
]);
let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A test file that fails to load has no test results: count it as a failure.
  for (const file of json.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
}
results.pop(); // the vitest step is represented by its test counts

// The library supports Node 20.19+, 22, 24 and 26 (README); everything above ran on this machine's
// Node (20). The suites of core (its differential and property tests among them), testing, and the
// hostile input through every adapter run again on the newest 22, 24 and 26 the npm registry's
// `node` package has (`npm view node versions`): each run is one check.
for (const version of ["22.23.3", "24.21.0", "26.10.0"]) {
  step(`core, testing and hostile tests on Node ${version}`, "npx", [
    "-y",
    `node@${version}`,
    join(root, "node_modules", "vitest", "vitest.mjs"),
    "run",
    ...["core", "testing", "hostile"].flatMap((project) => ["--project", project]),
  ]);
}

// The core also runs on Bun, Deno and Cloudflare's workerd (binaries from the npm registry's `bun`,
// `deno` and `workerd` packages): core's hostile and differential cases replayed through the built
// core, with Node's outcomes as the expectation, and (Bun, Deno) the calendar-hono app answering a
// smoke run; the calendar on workerd is examples/hono-worker's own test above. One check each.
if (built) {
  for (const [runtime, name] of [
    ["bun", "Bun"],
    ["deno", "Deno"],
    ["workerd", "workerd"],
  ]) {
    step(`core and the Hono calendar on ${name}`, bin("vitest"), [
      "run",
      "--root",
      "tests/runtimes",
      runtime,
    ]);
  }
}

if (built) {
  step("package lint and types", process.execPath, [join(root, "scripts", "package-lint.mjs")]);
  step("packed-tarball import test", process.execPath, [join(root, "scripts", "pack-test.mjs")]);
  // What `pnpm release` would publish, each package's `prepack` (build, then require-build) included.
  step("publish dry run", pnpmCmd, pnpmArgs(["-r", "publish", "--dry-run", "--no-git-checks"]));
  // The documentation site (VitePress + the TypeDoc API reference), then a reader's path through it
  // in headless Chromium (Debian's chromium, which .ci/run installs).
  if (step("docs site build", pnpmCmd, pnpmArgs(["docs:build"])))
    step("docs site in Chromium", process.execPath, [join(root, "scripts", "docs", "browser-test.mjs")]);
}

for (const r of results) r.ok ? passed++ : failed++;
const failedSteps = results.filter((r) => !r.ok).map((r) => r.name);
if (failedSteps.length > 0) process.stdout.write(`\nfailed steps: ${failedSteps.join(", ")}\n`);
process.stdout.write(`\nchecks: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);

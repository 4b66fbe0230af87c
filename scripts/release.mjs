#!/usr/bin/env node
// `pnpm release`: builds, runs every check, then publishes the versions `pnpm changeset version`
// prepared, with npm provenance (run it from CI with an OIDC token: provenance needs one).
// `pnpm release --dry-run`: builds and shows what would be published (`pnpm -r publish --dry-run`),
// without the checks and without publishing; `pnpm check` runs the same dry run.
import { spawnSync } from "node:child_process";
import { root } from "./packages.mjs";

const dryRun = process.argv.includes("--dry-run");
const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;

function run(args, env = {}) {
  process.stdout.write(`\n▶ pnpm ${args.join(" ")}\n`);
  const [command, commandArgs] = pnpm ? [process.execPath, [pnpm, ...args]] : ["pnpm", args];
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(["build"]);
if (dryRun) {
  run(["-r", "publish", "--dry-run", "--no-git-checks"]);
} else {
  run(["check"]);
  // changeset publish runs `pnpm publish` for each package whose version is not on the registry yet,
  // and tags the release; npm reads the provenance setting from the environment.
  run(["exec", "changeset", "publish"], { NPM_CONFIG_PROVENANCE: "true" });
}
process.stdout.write(`\n${dryRun ? "dry run done: nothing was published" : "published"}\n`);

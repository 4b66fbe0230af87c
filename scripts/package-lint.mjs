#!/usr/bin/env node
// publint and @arethetypeswrong/cli on every publishable package (run after the build).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { publishablePackages, root } from "./packages.mjs";

let failures = 0;
for (const { path, manifest } of publishablePackages()) {
  for (const [tool, args] of [
    ["publint", ["--strict", "--pack", "npm"]],
    ["attw", ["--pack", "."]],
  ]) {
    process.stdout.write(`\n${manifest.name}: ${tool}\n`);
    // `npm pack` without `prepack`: the packages were just built.
    const run = spawnSync(join(root, "node_modules", ".bin", tool), args, {
      cwd: path,
      stdio: "inherit",
      env: { ...process.env, npm_config_ignore_scripts: "true" },
    });
    if (run.status !== 0) failures++;
  }
}
process.exit(failures === 0 ? 0 : 1);

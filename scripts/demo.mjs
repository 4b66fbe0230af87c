#!/usr/bin/env node
// Placeholder until the demo lands: builds the packages and runs the core tests.
import { spawnSync } from "node:child_process";

const pnpm = [process.execPath, process.env.npm_execpath];
const run = (args) => spawnSync(pnpm[0], [...pnpm.slice(1), ...args], { stdio: "inherit" }).status ?? 1;
process.exit(run(["build"]) || run(["exec", "vitest", "run", "--project", "core"]));

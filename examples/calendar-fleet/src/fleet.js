#!/usr/bin/env node
// @ts-check
// Starts a fleet on this machine, without containers: a redis-server on a free loopback port (unless
// REDIS_URL names one) and INSTANCES calendar-express services (default 3) that share it. Takes the
// calendar settings (ISSUER, AUDIENCE, JWKS_URI, …; PORT is per instance and always free). Prints
// `redis at redis://…` and one `listening on http://…` line per instance; SIGTERM stops them all.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "@scopegate-examples/calendar-common/free-port";

const require = createRequire(import.meta.url);
const calendar = join(
  dirname(require.resolve("@scopegate-examples/calendar-express/package.json")),
  "src",
  "server.js",
);
const count = Number(process.env.INSTANCES ?? "3");
if (!Number.isInteger(count) || count < 1 || count > 16) {
  process.stderr.write("calendar-fleet: INSTANCES must be an integer from 1 to 16\n");
  process.exit(2);
}

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
let stopping = false;
function stopAll() {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(0), 1_900).unref();
  Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((r) => child.once("exit", r)) : null)),
  ).then(() => process.exit(0));
}
process.once("SIGTERM", stopAll);
process.once("SIGINT", stopAll);

/**
 * Starts a child and resolves with the first stdout line that matches `ready`.
 * @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} env @param {RegExp} ready
 */
function start(command, args, env, ready) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  child.once("exit", (code) => {
    if (!stopping) {
      process.stderr.write(`calendar-fleet: ${command} exited with ${code}\n`);
      stopAll();
    }
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }).on(
      "line",
      (line) => {
        if (ready.test(line)) resolve(line);
      },
    );
  });
}

let redisUrl = process.env.REDIS_URL;
if (!redisUrl) {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  await start("redis-server", args, process.env, /Ready to accept connections/).catch((error) => {
    process.stderr.write(
      `calendar-fleet: cannot start redis-server (${error.message}); install it or set REDIS_URL\n`,
    );
    process.exit(2);
  });
  redisUrl = `redis://127.0.0.1:${port}`;
}
process.stdout.write(`redis at ${redisUrl}\n`);
for (let i = 0; i < count; i++) {
  const line = await start(
    process.execPath,
    [calendar],
    { ...process.env, REDIS_URL: redisUrl, PORT: "0" },
    /^listening on /,
  );
  process.stdout.write(`${line}\n`);
}

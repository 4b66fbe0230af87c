#!/usr/bin/env node
// `pnpm demo [--framework express|koa|nestjs] [--no-build]`
//
// The whole machine-to-machine story on this machine: builds what it needs, starts the demo
// authorization server (oidc-provider) and a calendar service (examples/calendar-<framework>,
// configured with ISSUER and AUDIENCE, keys found by discovery, and INTROSPECTION_* for opaque tokens), runs the task
// service's scenario against them and prints a transcript. Stops everything it started, also on
// failure and Ctrl-C. Exit code 0 when every step went as expected.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { pnpmCommand, startService } from "./demo-processes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FRAMEWORKS = ["express", "koa", "nestjs"];
const AUDIENCE = "https://calendar.example.com";

function usage(message) {
  if (message) process.stderr.write(`demo: ${message}\n`);
  process.stderr.write("usage: pnpm demo [--framework express|koa|nestjs] [--no-build]\n");
  process.exit(message ? 2 : 0);
}

function parseArgs(argv) {
  const options = { framework: "express", build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--no-build") options.build = false;
    else if (arg === "--framework") options.framework = argv[++i];
    else if (arg.startsWith("--framework=")) options.framework = arg.slice("--framework=".length);
    else if (arg === "--help" || arg === "-h") usage();
    else if (arg === "--") continue;
    else usage(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (!FRAMEWORKS.includes(options.framework)) usage(`--framework must be one of ${FRAMEWORKS.join(", ")}`);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const calendarDir = join(root, "examples", `calendar-${options.framework}`);
if (!existsSync(join(calendarDir, "package.json")))
  usage(`examples/calendar-${options.framework} does not exist`);

const pnpm = pnpmCommand();
const say = (line = "") => process.stdout.write(`${line}\n`);

if (options.build) {
  // The examples run from source; the packages they use run from their built dist.
  say(`building the packages examples/calendar-${options.framework} uses …`);
  const build = spawnSync(
    pnpm.command,
    [...pnpm.args, "--filter", `{./examples/calendar-${options.framework}}...`, "run", "build"],
    { cwd: root, encoding: "utf8", shell: process.platform === "win32" },
  );
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout ?? ""}${build.stderr ?? ""}\ndemo: the build failed\n`);
    process.exit(1);
  }
}

const authorizationServerMain = join(root, "examples", "authorization-server", "src", "main.js");
const { runScenario } = await import(
  pathToFileURL(join(root, "examples", "task-service", "src", "index.js")).href
);

const services = [];
let stopping;
const stopAll = () => {
  stopping ??= Promise.all([...services].reverse().map((s) => s.stop()));
  return stopping;
};
const abort = (message, code) => {
  process.stderr.write(`\n${message}: stopping the services …\n`);
  stopAll().finally(() => process.exit(code));
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => abort(signal, 130));
// Output piped into a reader that went away (`pnpm demo | head`), or a crash: still stop everything.
process.stdout.on("error", () => abort("stdout closed", 1));
process.once("uncaughtException", (error) => abort(`demo: ${error?.message ?? error}`, 1));
process.once("unhandledRejection", (error) => abort(`demo: ${error?.message ?? error}`, 1));

const baseEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0" };
delete baseEnv.JWKS_URI;
const adminToken = randomBytes(24).toString("base64url");

let ok = false;
try {
  const authorizationServer = await startService(
    "authorization server",
    process.execPath,
    [authorizationServerMain],
    {
      cwd: join(root, "examples", "authorization-server"),
      env: { ...baseEnv, AUDIENCE, ADMIN_TOKEN: adminToken },
      onStart: (service) => services.push(service),
    },
  );

  const calendar = await startService(
    `calendar-${options.framework}`,
    pnpm.command,
    [...pnpm.args, "--dir", calendarDir, "start"],
    {
      cwd: root,
      env: {
        ...baseEnv,
        ISSUER: authorizationServer.url,
        AUDIENCE,
        // RESOURCE: the identifier its RFC 9728 metadata publishes, the one the tokens are for.
        RESOURCE: AUDIENCE,
        // Opaque tokens (the batch-jobs client's) are introspected; the demo server's defaults.
        INTROSPECTION_ENDPOINT: `${authorizationServer.url}/token/introspection`,
        INTROSPECTION_CLIENT_ID: "calendar-service",
        INTROSPECTION_CLIENT_SECRET:
          process.env.CALENDAR_INTROSPECTION_SECRET || "calendar-introspection-demo-secret",
      },
      onStart: (service) => services.push(service),
    },
  );

  say(`\nscopegate demo: a task service calls a calendar service built on ${options.framework}`);
  say(
    `  authorization server  ${authorizationServer.url}  oidc-provider; issuer = this URL; token endpoint by discovery`,
  );
  say(
    `  calendar service      ${calendar.url}  given ISSUER, AUDIENCE and RESOURCE=${AUDIENCE} (keys found by discovery), and INTROSPECTION_* for opaque tokens`,
  );

  const result = await runScenario({
    issuer: authorizationServer.url,
    calendarUrl: calendar.url,
    audience: AUDIENCE,
    log: say,
    async rotateKeys() {
      const response = await fetch(`${authorizationServer.url}/admin/rotate-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (response.status !== 200) throw new Error(`key rotation failed with ${response.status}`);
      return response.json();
    },
  });
  ok = result.ok;
  const failed = result.steps.filter((s) => !s.ok).length;
  say(
    ok
      ? `\n✔ all ${result.steps.length} steps went as expected`
      : `\n✘ ${failed} of ${result.steps.length} steps did not go as expected`,
  );
} catch (error) {
  if (!stopping) process.stderr.write(`\ndemo: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (!ok && !stopping) {
    for (const service of services)
      process.stderr.write(`\n--- ${service.name} output ---\n${service.output()}\n`);
  }
  await stopAll();
  say("stopped the authorization server and the calendar service");
}
process.exit(ok ? 0 : 1);

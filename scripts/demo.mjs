#!/usr/bin/env node
// `pnpm demo [--framework express|koa|nestjs] [--no-build]`
//
// The whole machine-to-machine story on this machine: builds what it needs, starts the demo
// authorization server (oidc-provider) and a calendar service (examples/calendar-<framework>,
// configured with ISSUER and AUDIENCE, keys found by discovery, and INTROSPECTION_* for opaque tokens;
// DPoP allowed, PUBLIC_URL), the same calendar once more over HTTPS asking for client certificates
// (TLS_CERT, TLS_KEY, TLS_CA), runs the task service's scenario against them and prints a
// transcript. The certificates (a test CA, server and client certificates) are made at start-up in
// a private temporary folder and deleted at the end. Stops everything it started, also on failure
// and Ctrl-C. Exit code 0 when every step went as expected.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort } from "@scopegate-examples/calendar-common/free-port";
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
    [
      ...pnpm.args,
      "--filter",
      `{./examples/calendar-${options.framework}}...`,
      // the demo's certificates come from the test kit
      "--filter",
      "@scopegate/testing...",
      "run",
      "build",
    ],
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

// Private to this user (mkdtemp makes it 0700); deleted however the demo ends.
const certificateFolder = mkdtempSync(join(tmpdir(), "scopegate-demo-"));
const removeCertificates = () => rmSync(certificateFolder, { recursive: true, force: true });
const services = [];
let stopping;
const stopAll = () => {
  stopping ??= Promise.all([...services].reverse().map((s) => s.stop()));
  return stopping;
};
const abort = (message, code) => {
  process.stderr.write(`\n${message}: stopping the services …\n`);
  stopAll().finally(() => {
    removeCertificates();
    process.exit(code);
  });
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, () => abort(signal, 130));
// Output piped into a reader that went away (`pnpm demo | head`), or a crash: still stop everything.
process.stdout.on("error", () => abort("stdout closed", 1));
process.once("uncaughtException", (error) => abort(`demo: ${error?.message ?? error}`, 1));
process.once("unhandledRejection", (error) => abort(`demo: ${error?.message ?? error}`, 1));

const baseEnv = { ...process.env, HOST: "127.0.0.1", PORT: "0" };
for (const name of ["JWKS_URI", "PUBLIC_URL", "DPOP", "TLS_CERT", "TLS_KEY", "TLS_CA", "REDIS_URL"])
  delete baseEnv[name];
const adminToken = randomBytes(24).toString("base64url");

/**
 * A test CA, a server certificate for 127.0.0.1 and two client certificates, made for this run
 * (never committed): the PEM files the services read go to a private temporary folder.
 */
async function makeCertificates(folder) {
  const { createTestCertificates } = await import("@scopegate/testing");
  const set = await createTestCertificates();
  const file = (name, pem) => {
    const path = join(folder, name);
    writeFileSync(path, pem, { mode: 0o600 });
    return path;
  };
  return {
    ca: set.ca.cert,
    client: set.client,
    otherClient: set.otherClient,
    files: {
      cert: file("server.pem", set.server.cert),
      key: file("server-key.pem", set.server.key),
      ca: file("ca.pem", set.ca.cert),
    },
  };
}

let ok = false;
try {
  const certificates = await makeCertificates(certificateFolder);
  const authorizationServer = await startService(
    "authorization server",
    process.execPath,
    [authorizationServerMain],
    {
      cwd: join(root, "examples", "authorization-server"),
      env: {
        ...baseEnv,
        AUDIENCE,
        ADMIN_TOKEN: adminToken,
        // the mutual-TLS token endpoint, for certificate-bound tokens
        MTLS_CERT: certificates.files.cert,
        MTLS_KEY: certificates.files.key,
        MTLS_CA: certificates.files.ca,
      },
      onStart: (service) => services.push(service),
    },
  );

  // Chosen before the calendar starts, so that its PUBLIC_URL can be given.
  const calendarPort = await freePort();
  const calendarEnv = {
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
    // DPoP-bound tokens with their proofs (RFC 9449); htu is checked against PUBLIC_URL.
    DPOP: "allowed",
  };
  const calendar = await startService(
    `calendar-${options.framework}`,
    pnpm.command,
    [...pnpm.args, "--dir", calendarDir, "start"],
    {
      cwd: root,
      env: { ...calendarEnv, PORT: String(calendarPort), PUBLIC_URL: `http://127.0.0.1:${calendarPort}` },
      onStart: (service) => services.push(service),
    },
  );
  // The same service over HTTPS, asking for client certificates of the demo's CA (RFC 8705).
  const tlsCalendar = await startService(
    `calendar-${options.framework} (mutual TLS)`,
    pnpm.command,
    [...pnpm.args, "--dir", calendarDir, "start"],
    {
      cwd: root,
      env: {
        ...calendarEnv,
        TLS_CERT: certificates.files.cert,
        TLS_KEY: certificates.files.key,
        TLS_CA: certificates.files.ca,
      },
      onStart: (service) => services.push(service),
    },
  );

  say(`\nscopegate demo: a task service calls a calendar service built on ${options.framework}`);
  say(
    `  authorization server  ${authorizationServer.url}  oidc-provider; issuer = this URL; token endpoint by discovery`,
  );
  say(
    `  calendar service      ${calendar.url}  given ISSUER, AUDIENCE and RESOURCE=${AUDIENCE} (keys found by discovery), INTROSPECTION_* for opaque tokens, DPOP=allowed and PUBLIC_URL`,
  );
  say(
    `  calendar service      ${tlsCalendar.url}  the same over HTTPS (TLS_CERT, TLS_KEY), asking for client certificates of TLS_CA`,
  );
  say(
    `  certificates          a test CA, a server certificate for 127.0.0.1 and two client certificates, made for this run; mutual-TLS token endpoint ${authorizationServer.output().match(/mutual TLS on (\S+)/)?.[1] ?? "(none)"}`,
  );

  const result = await runScenario({
    issuer: authorizationServer.url,
    calendarUrl: calendar.url,
    audience: AUDIENCE,
    mutualTls: {
      calendarUrl: tlsCalendar.url,
      ca: certificates.ca,
      client: certificates.client,
      otherClient: certificates.otherClient,
    },
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
  removeCertificates();
  say("stopped the authorization server and the calendar services; removed the demo's certificates");
}
process.exit(ok ? 0 : 1);

// Bundles a Worker module with esbuild and serves it with Cloudflare's workerd (the npm `workerd`
// package's binary), locally, the way `wrangler dev` would: used by `pnpm start` here and by the
// runtime checks (tests/runtimes).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "@scopegate-examples/calendar-common/free-port";
import { build } from "esbuild";

const require = createRequire(import.meta.url);

/** The workerd binary of the installed platform package (its postinstall is not needed). */
export function workerdBinary() {
  const main = require.resolve("workerd/package.json");
  const platform = `@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}`;
  const pkg = createRequire(main).resolve(`${platform}/package.json`);
  return join(dirname(pkg), "bin", "workerd");
}

/** Bundles `entry` into one ES module for workerd. */
export async function bundleWorker(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

const capnpString = (value) => JSON.stringify(String(value));

/**
 * Serves the bundled Worker `code` on `host:port` (0: a free one) with text bindings `vars`.
 * `compatibilityFlags` e.g. `["nodejs_compat"]`. Resolves once workerd accepts connections.
 */
export async function serveWorker({
  code,
  vars = {},
  host = "127.0.0.1",
  port = 0,
  compatibilityFlags = [],
}) {
  const dir = mkdtempSync(join(tmpdir(), "scopegate-workerd-"));
  const chosen = port === 0 ? await freePort(host) : port;
  writeFileSync(join(dir, "worker.js"), code);
  const bindings = Object.entries(vars)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`)
    .join(", ");
  writeFileSync(
    join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ${capnpString(`${host}:${chosen}`)}, http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2025-09-01",
  compatibilityFlags = [${compatibilityFlags.map(capnpString).join(", ")}],
  bindings = [${bindings}],
  globalOutbound = "internet",
);
`,
  );
  const child = spawn(workerdBinary(), ["serve", join(dir, "config.capnp"), "--verbose"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${chosen}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/health`);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("workerd did not start within 20 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    pid: child.pid,
    async close() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

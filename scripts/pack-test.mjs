#!/usr/bin/env node
// Packs every publishable package as it would be published, installs the tarballs into a fresh
// project outside the workspace, and imports each from an ESM file, a CJS file and a TypeScript
// (module/moduleResolution NodeNext) file, as users would.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { publishablePackages, root } from "./packages.mjs";

/**
 * One export per package that proves the entry point loaded the real module: those listed here,
 * else the first function the package's built ESM entry exports (so a new package needs no entry).
 */
const PROBES = {
  "@scopegate/core": "createVerifier",
  "@scopegate/express": "bearerAuth",
  "@scopegate/fastify": "scopegate",
  "@scopegate/hono": "bearerAuth",
  "@scopegate/koa": "bearerAuth",
  "@scopegate/mcp": "mcpBearerAuth",
  "@scopegate/nestjs": "ScopegateModule",
  "@scopegate/opentelemetry": "createTelemetry",
  "@scopegate/redis": "createRedisJwksStore",
  "@scopegate/testing": "createTestAuthority",
};

async function probeOf({ path, manifest }) {
  if (PROBES[manifest.name]) return PROBES[manifest.name];
  const entry = manifest.exports?.["."]?.import?.default ?? manifest.module;
  const module = await import(pathToFileURL(join(path, entry)).href);
  const name = Object.keys(module)
    .sort()
    .find((key) => typeof module[key] === "function");
  if (!name) throw new Error(`${manifest.name}: its ESM entry exports no function to probe`);
  return name;
}

const pnpm =
  process.env.npm_execpath && /pnpm/.test(process.env.npm_execpath)
    ? [process.execPath, process.env.npm_execpath]
    : ["pnpm"];
const packDir = join(root, ".pack");
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir);
const packages = publishablePackages();
for (const pkg of packages) PROBES[pkg.manifest.name] = await probeOf(pkg);
const dependencies = {};
const peers = {};
for (const { path, manifest } of packages) {
  // The build step has just run: skip `prepack` (which would build again); the publish dry run in
  // `pnpm check` exercises it.
  execFileSync(pnpm[0], [...pnpm.slice(1), "pack", "--pack-destination", packDir], {
    cwd: path,
    stdio: "ignore",
    env: { ...process.env, npm_config_ignore_scripts: "true" },
  });
  Object.assign(peers, manifest.peerDependencies ?? {});
}
for (const file of readdirSync(packDir)) {
  const pkg = packages.find(
    ({ manifest }) => file === `${manifest.name.replace("@", "").replace("/", "-")}-${manifest.version}.tgz`,
  );
  if (pkg) dependencies[pkg.manifest.name] = `file:${join(packDir, file)}`;
}
for (const [name, range] of Object.entries(peers))
  if (!name.startsWith("@scopegate/")) dependencies[name] ??= range;
// Let npm pick one version per peer: take the newest major each range allows.
for (const [name, range] of Object.entries(dependencies)) {
  if (!range.startsWith("file:"))
    dependencies[name] = range
      .split("||")
      .map((s) => s.trim())
      .pop();
}

const project = mkdtempSync(join(tmpdir(), "scopegate-pack-"));
const names = packages.map(({ manifest }) => manifest.name);
writeFileSync(
  join(project, "package.json"),
  JSON.stringify({ name: "pack-test", private: true, dependencies }, null, 2),
);
const esm = names.map(
  (n, i) =>
    `import * as m${i} from "${n}";\nif (typeof m${i}.${PROBES[n]} === "undefined") throw new Error("${n}: ESM import lacks ${PROBES[n]}");`,
);
writeFileSync(join(project, "esm.mjs"), `${esm.join("\n")}\nconsole.log("ESM imports ok");\n`);
const cjs = names.map(
  (n) =>
    `if (typeof require("${n}").${PROBES[n]} === "undefined") throw new Error("${n}: CJS require lacks ${PROBES[n]}");`,
);
writeFileSync(join(project, "cjs.cjs"), `${cjs.join("\n")}\nconsole.log("CJS requires ok");\n`);
// TypeScript (NodeNext): every entry resolves with types, and the types are real (not `any`):
// the @ts-expect-error lines fail the compile if the option types were lost.
const ts = names.map(
  (n, i) => `import { ${PROBES[n]} as p${i} } from "${n}";\nexport const probe${i}: unknown = p${i};`,
);
ts.push(`import { createVerifier, type VerifiedToken } from "@scopegate/core";
const verifier = createVerifier({ issuer: "https://issuer.example/", audience: "https://api.example" });
export const verify: (jwt: string) => Promise<VerifiedToken> = (jwt) => verifier.verify(jwt);
// @ts-expect-error audience is required
createVerifier({ issuer: "https://issuer.example/" });
// @ts-expect-error HS256 is not an accepted algorithm
createVerifier({ issuer: "https://issuer.example/", audience: null, algorithms: ["HS256"] });
`);
writeFileSync(join(project, "index.mts"), `${ts.join("\n")}\n`);
writeFileSync(
  join(project, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
      strict: true,
      noEmit: true,
      // Third-party @types (e.g. @types/koa against a newer content-disposition) may not compile on
      // their own; what is checked here is our entry points and types as a user imports them.
      skipLibCheck: true,
      types: ["node"],
    },
    files: ["index.mts"],
  }),
);
try {
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"], {
    cwd: project,
    stdio: "inherit",
  });
  execFileSync(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "--no-save",
      `typescript@${readVersion("typescript")}`,
      `@types/node@^20.19.0`,
    ],
    { cwd: project, stdio: "inherit" },
  );
  execFileSync(process.execPath, ["esm.mjs"], { cwd: project, stdio: "inherit" });
  execFileSync(process.execPath, ["cjs.cjs"], { cwd: project, stdio: "inherit" });
  execFileSync(
    process.execPath,
    [join(project, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
    { cwd: project, stdio: "inherit" },
  );
  console.log("TypeScript NodeNext import ok");
} finally {
  rmSync(project, { recursive: true, force: true });
}

function readVersion(name) {
  return JSON.parse(
    execFileSync(process.execPath, ["-p", `JSON.stringify(require("${name}/package.json"))`], { cwd: root }),
  ).version;
}

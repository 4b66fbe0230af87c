#!/usr/bin/env node
// `pnpm start`: compiles src/ (TypeScript with decorators) with esbuild, then runs it in this same
// process, so signals reach the service directly. Packages stay external: @scopegate/nestjs and Nest
// load from node_modules (their built dist), as in a deployed application.
import { randomUUID } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, stop } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const result = await build({
  entryPoints: [join(here, "src", "main.ts")],
  tsconfig: join(here, "tsconfig.json"),
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  write: false,
  logLevel: "error",
});
await stop(); // no esbuild process stays behind the running service
// Written under a unique name and renamed, so that services starting side by side never read a
// half-written file.
const outFile = join(here, "dist", "main.js");
const tmpFile = join(here, "dist", `.main-${randomUUID()}.js`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(tmpFile, result.outputFiles[0].contents);
renameSync(tmpFile, outFile);
await import(pathToFileURL(outFile).href);

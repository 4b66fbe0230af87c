#!/usr/bin/env node
// Type-checks every TypeScript block of the published Markdown (docs/, README.md, packages/*/README.md)
// against the built packages, so the guides cannot drift from the code.
//
// Each ```ts (or ```typescript) block becomes one module of a throw-away project in .docs-check/,
// compiled with `tsc --noEmit` (strict, decorators as Nest needs them). `@scopegate/*` resolve to the
// workspace packages (their built `dist`, through their `exports`), any other import to the first
// workspace member that has it installed. A block that is a fragment on purpose (it continues the
// page's previous block, or shows one call) gets what it needs from an invisible HTML comment just
// above its fence (README.md, "Documentation site"):
//   <!-- ts-setup
//   import { createVerifier } from "@scopegate/core";
//   declare const app: import("express").Express;
//   -->
// and a block that cannot compile on its own at all says `ts no-check`; use it sparingly. An import
// of a package no workspace member installs is typed as `any` (and named in the output).
// Run after `pnpm build`.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { publishablePackages, root } from "../packages.mjs";
import { codeBlocks, markdownFiles, readMarkdown } from "./markdown.mjs";

const TYPESCRIPT = new Set(["ts", "typescript", "mts", "cts"]);
const project = join(root, ".docs-check");

/** `{ file, block }` for each checked block, in the order they were written. */
function writeBlocks() {
  mkdirSync(join(project, "blocks"), { recursive: true });
  const written = [];
  for (const file of markdownFiles()) {
    for (const block of codeBlocks(readMarkdown(file))) {
      if (!TYPESCRIPT.has(block.lang) || block.flags.includes("no-check")) continue;
      const name = `${file.replace(/[^A-Za-z0-9]+/g, "_")}_${block.line}.ts`;
      // The setup goes after the code (declarations and imports hoist), so line numbers stay put.
      writeFileSync(join(project, "blocks", name), `${block.code}\n${block.setup}\n`);
      written.push({ name, file, line: block.line, source: `${block.code}\n${block.setup}` });
    }
  }
  return written;
}

/** Workspace members whose node_modules supply third-party imports, most specific first. */
function memberDirs() {
  const members = [];
  for (const group of ["packages", "examples", "tests"]) {
    for (const name of readdirSync(join(root, group))) members.push(join(root, group, name));
  }
  members.push(join(root, "bench"));
  return members.filter((dir) => existsSync(join(dir, "node_modules")));
}

/** .docs-check/node_modules: the packages themselves, then whatever the members have installed. */
function linkModules() {
  const modules = join(project, "node_modules");
  mkdirSync(join(modules, "@scopegate"), { recursive: true });
  const link = (target, name) => {
    const path = join(modules, name);
    if (existsSync(path)) return;
    mkdirSync(join(path, ".."), { recursive: true });
    symlinkSync(target, path, "dir");
  };
  for (const { path, manifest } of publishablePackages()) link(path, manifest.name);
  for (const member of memberDirs()) {
    const installed = join(member, "node_modules");
    for (const entry of readdirSync(installed)) {
      if (entry.startsWith(".")) continue;
      if (!entry.startsWith("@")) link(join(installed, entry), entry);
      else
        for (const scoped of readdirSync(join(installed, entry)))
          link(join(installed, entry, scoped), `${entry}/${scoped}`);
    }
  }
}

/** A shim typing as `any` each imported package that nothing in the workspace installs. */
function shimMissing(blocks) {
  const names = new Set();
  for (const { source } of blocks) {
    for (const [, specifier] of source.matchAll(/(?:from|import)\s+["']([^"'.][^"']*)["']/g)) {
      const parts = specifier.split("/");
      names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]);
    }
  }
  const installed = (name) =>
    [project, root].some((dir) =>
      [name, `@types/${name.replace("@", "").replace("/", "__")}`].some((n) =>
        existsSync(join(dir, "node_modules", n)),
      ),
    );
  const missing = [...names].filter((name) => !name.startsWith("node:") && !installed(name)).sort();
  writeFileSync(
    join(project, "blocks", "missing-modules.d.ts"),
    missing.map((n) => `declare module "${n}";\n`).join(""),
  );
  if (missing.length > 0)
    process.stdout.write(`not installed in the workspace, typed as any: ${missing.join(", ")}\n`);
}

function writeTsconfig() {
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023", "DOM"],
          module: "ESNext",
          moduleResolution: "Bundler",
          moduleDetection: "force",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          esModuleInterop: true,
          // What a Nest app compiles with (docs/nestjs.md): the decorator blocks need both.
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          types: ["node"],
        },
        include: ["blocks"],
      },
      null,
      2,
    ),
  );
}

rmSync(project, { recursive: true, force: true });
const blocks = writeBlocks();
linkModules();
shimMissing(blocks);
writeTsconfig();
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", project],
  {
    cwd: project,
    encoding: "utf8",
  },
);
// Point each diagnostic at the Markdown line it comes from.
const output = `${tsc.stdout}${tsc.stderr}`.replace(
  /blocks\/([^(]+)\((\d+),(\d+)\)/g,
  (match, name, line, column) => {
    const block = blocks.find((b) => b.name === name);
    return block ? `${block.file}:${block.line + Number(line) - 1}:${column}` : match;
  },
);
if (output.trim() !== "") process.stdout.write(`${output.trim()}\n`);
process.stdout.write(
  `${blocks.length} TypeScript blocks from ${new Set(blocks.map((b) => b.file)).size} files: ${tsc.status === 0 ? "ok" : "type errors above"}\n`,
);
process.exit(tsc.status === 0 ? 0 : 1);

#!/usr/bin/env node
// Generates the API reference of every publishable package (their `src/index.ts` exports) as
// Markdown into docs/api/ (git-ignored), with the sidebar the VitePress config reads
// (docs/api/typedoc-sidebar.json). Run by `pnpm docs:dev` and `pnpm docs:build`.
import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { Application } from "typedoc";
import { publishablePackages, root } from "../packages.mjs";
import { REPOSITORY_URL } from "../repository.mjs";

const out = join(root, "docs", "api");
rmSync(out, { recursive: true, force: true });

const app = await Application.bootstrapWithPlugins({
  entryPointStrategy: "packages",
  entryPoints: publishablePackages().map(({ path }) => relative(root, path)),
  packageOptions: {
    entryPoints: ["src/index.ts"],
    excludeExternals: true,
    skipErrorChecking: true,
    // "Defined in" links to the repository's sources (on the default branch).
    gitRevision: "main",
    sourceLinkTemplate: `${REPOSITORY_URL}/blob/{gitRevision}/{path}#L{line}`,
  },
  plugin: ["typedoc-plugin-markdown", "typedoc-vitepress-theme"],
  out,
  docsRoot: "./docs",
  name: "API reference",
  readme: "none",
  excludePrivate: true,
  excludeInternal: true,
  // One page per package, every export an anchor on it: a small site that builds fast.
  outputFileStrategy: "modules",
  hidePageHeader: true,
  hideBreadcrumbs: false,
  useCodeBlocks: true,
  skipErrorChecking: true,
  logLevel: "Warn",
  sidebar: { autoConfiguration: true, format: "vitepress", pretty: true, collapsed: true },
});
const project = await app.convert();
if (!project) {
  process.stderr.write("TypeDoc could not convert the packages\n");
  process.exit(1);
}
await app.generateOutputs(project);
process.stdout.write(`API reference written to ${relative(root, out)}\n`);

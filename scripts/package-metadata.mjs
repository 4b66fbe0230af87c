#!/usr/bin/env node
// Checks that every publishable package is ready for the registry: the metadata a user and npm
// show (`repository` with its `directory`, `homepage`, `bugs`, `license`, `keywords`,
// `description`), the supported Node versions (`engines`, the root's), a `prepack` that builds and
// then refuses to pack without the build output, and a README whose links work inside a tarball
// (absolute URLs only: `../../docs/…` does not exist there; links into the repository must name a
// file or folder that exists).
// `node scripts/package-metadata.mjs --fix` writes the fields that follow from the package's folder.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { proseLines } from "./docs/markdown.mjs";
import { publishablePackages, root } from "./packages.mjs";
import { REPOSITORY_URL } from "./repository.mjs";

export const PREPACK = "pnpm run build && node ../../scripts/require-build.mjs";

/** The fields a package's folder decides. */
function expectedFields(folder) {
  const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return {
    repository: { type: "git", url: `git+${REPOSITORY_URL}.git`, directory: `packages/${folder}` },
    homepage: `${REPOSITORY_URL}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${REPOSITORY_URL}/issues` },
    engines: rootManifest.engines,
  };
}

function manifestProblems(manifest, folder) {
  const problems = [];
  for (const [field, value] of Object.entries(expectedFields(folder))) {
    if (JSON.stringify(manifest[field]) !== JSON.stringify(value))
      problems.push(`"${field}" should be ${JSON.stringify(value)}`);
  }
  if (manifest.scripts?.prepack !== PREPACK) problems.push(`scripts.prepack should be "${PREPACK}"`);
  for (const field of ["license", "description"]) {
    if (typeof manifest[field] !== "string" || manifest[field] === "") problems.push(`"${field}" is missing`);
  }
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0)
    problems.push(`"keywords" is missing`);
  if (!manifest.files?.includes("dist")) problems.push(`"files" should include "dist"`);
  return problems;
}

/** Links in a README's prose: `[text](target)` and `<… href="target">`. */
function links(text) {
  const prose = proseLines(text)
    .map((line) => line.content)
    .join("\n");
  return [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|href="([^"]+)"/g)].map(
    (m) => m[1] ?? m[2],
  );
}

function readmeProblems(dir) {
  const file = join(dir, "README.md");
  if (!existsSync(file)) return ["README.md is missing"];
  const problems = [];
  const inRepository = new RegExp(
    `^${REPOSITORY_URL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(?:blob|tree)/main/([^#?]+)`,
  );
  for (const target of links(readFileSync(file, "utf8"))) {
    if (/^(https?:|mailto:)/.test(target)) {
      const path = inRepository.exec(target)?.[1];
      if (path && !existsSync(join(root, decodeURIComponent(path))))
        problems.push(`README links to ${target}, which is not in the repository`);
    } else if (!target.startsWith("#")) {
      problems.push(
        `README has a relative link (${target}): it breaks in the packed tarball; use ${REPOSITORY_URL}/blob/main/…`,
      );
    }
  }
  return problems;
}

/** Sets the fields in place; new ones go after `license`, where npm's own manifests have them. */
function fixManifest(manifest, folder) {
  const fields = expectedFields(folder);
  const entries = Object.entries(manifest);
  const at = entries.findIndex(([key]) => key === "license") + 1 || entries.length;
  const added = Object.entries(fields).filter(([key]) => !(key in manifest));
  const ordered = [...entries.slice(0, at), ...added, ...entries.slice(at)];
  for (const key of Object.keys(manifest)) delete manifest[key];
  for (const [key, value] of ordered) manifest[key] = key in fields ? fields[key] : value;
  manifest.scripts = { ...manifest.scripts, prepack: PREPACK };
}

const fix = process.argv.includes("--fix");
let failures = 0;
for (const { path, manifest } of publishablePackages()) {
  const folder = basename(path);
  if (fix) {
    fixManifest(manifest, folder);
    writeFileSync(join(path, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const problems = [...manifestProblems(manifest, folder), ...readmeProblems(path)];
  failures += problems.length;
  for (const problem of problems) process.stdout.write(`✘ ${manifest.name}: ${problem}\n`);
  if (problems.length === 0) process.stdout.write(`✔ ${manifest.name}\n`);
}
if (failures > 0 && !fix)
  process.stdout.write(
    "`node scripts/package-metadata.mjs --fix` writes the fields that follow from the folder.\n",
  );
process.exit(failures === 0 ? 0 : 1);

#!/usr/bin/env node
// Checks every link of the published Markdown (docs/, README.md, packages/*/README.md) that points
// into the repository: relative links and links to the repository's URL must name a file or folder
// that exists, and a `#anchor` into a Markdown file must name one of its headings (GitHub's
// anchors, which the site uses too). Links to other sites are not fetched: there is no network.
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { root } from "../packages.mjs";
import { REPOSITORY_URL } from "../repository.mjs";
import { markdownFiles, proseLines, readMarkdown } from "./markdown.mjs";
import { headingAnchors } from "./slug.mjs";

const LINK = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|href="([^"]+)"|^\s*\[[^\]]+\]:\s*(\S+)/g;
const escaped = REPOSITORY_URL.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const IN_REPOSITORY = new RegExp(`^${escaped}/(?:blob|tree)/main/(.*)$`);

const anchorCache = new Map();
function anchorsOf(path) {
  if (!anchorCache.has(path)) {
    const text = readFileSync(path, "utf8");
    anchorCache.set(path, headingAnchors(text, proseLines(text)));
  }
  return anchorCache.get(path);
}

/** The problem with one link, or null. `file` is relative to the repository root. */
function problemOf(file, target) {
  let local = target;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    const inRepository = IN_REPOSITORY.exec(target);
    if (!inRepository) return null; // another site: not checked
    local = `/${inRepository[1]}`;
  }
  if (local.startsWith("/") && !IN_REPOSITORY.test(target))
    return "a site-absolute path: it breaks on GitHub; link the Markdown file relatively";
  const [pathPart, anchor] = local.split("#");
  const path =
    pathPart === "" ? join(root, file) : resolveFrom(file, decodeURIComponent(pathPart.split("?")[0]));
  if (!path.startsWith(root)) return "points outside the repository";
  if (!existsSync(path)) return `${relative(root, path)} does not exist`;
  if (anchor && statSync(path).isFile() && path.endsWith(".md") && !anchorsOf(path).has(anchor))
    return `${relative(root, path)} has no heading for #${anchor}`;
  return null;
}

function resolveFrom(file, path) {
  return path.startsWith("/") ? normalize(join(root, path)) : normalize(join(root, dirname(file), path));
}

let checked = 0;
const problems = [];
for (const file of markdownFiles()) {
  for (const { content, number } of proseLines(readMarkdown(file))) {
    for (const match of content.matchAll(LINK)) {
      const target = match[1] ?? match[2] ?? match[3];
      checked++;
      const problem = problemOf(file, target);
      if (problem) problems.push(`${file}:${number}: ${target}: ${problem}`);
    }
  }
}
for (const problem of problems) process.stdout.write(`✘ ${problem}\n`);
process.stdout.write(`${checked} links in ${markdownFiles().length} files: ${problems.length} broken\n`);
process.exit(problems.length === 0 ? 0 : 1);

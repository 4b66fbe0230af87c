// The Markdown the project publishes: the guides in docs/, the README and each package's README.
// Shared by the docs checks (code blocks type-checked, links checked).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { root } from "../packages.mjs";

/** Folders under docs/ that hold generated or tool files, not guides. */
const SKIPPED = new Set([".vitepress", "api", "public", "node_modules"]);

/** Every published Markdown file, as paths relative to the repository root. */
export function markdownFiles() {
  const files = ["README.md"];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && !SKIPPED.has(entry.name)) walk(join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith(".md")) files.push(join(dir, entry.name));
    }
  };
  walk("docs");
  for (const name of readdirSync(join(root, "packages"))) {
    const readme = join("packages", name, "README.md");
    if (existsSync(join(root, readme))) files.push(readme);
  }
  return files.sort();
}

export const readMarkdown = (file) => readFileSync(join(root, file), "utf8");

/**
 * The fenced code blocks of a Markdown text: `{ lang, flags, code, line, setup }`, where `line` is
 * the 1-based line of the block's first code line, `lang` the info string's first word and `flags`
 * the rest of it (`ts no-check` → lang "ts", flags ["no-check"]). `setup` is the text of an HTML
 * comment `<!-- ts-setup … -->` that ends on the line just above the fence (invisible to readers:
 * the declarations a fragment needs to compile), or "".
 */
export function codeBlocks(text) {
  const blocks = [];
  const lines = text.split("\n");
  let open = null;
  for (const [index, line] of lines.entries()) {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
    if (open === null && fence) {
      const [lang = "", ...flags] = fence[3].trim().split(/\s+/).filter(Boolean);
      open = { marker: fence[2], lang, flags, line: index + 2, code: [], setup: setupAbove(lines, index) };
    } else if (open !== null && fence?.[2].startsWith(open.marker) && fence[3].trim() === "") {
      const { lang, flags, line: first, setup } = open;
      blocks.push({ lang, flags, line: first, code: open.code.join("\n"), setup });
      open = null;
    } else if (open !== null) {
      open.code.push(line);
    }
  }
  return blocks;
}

function setupAbove(lines, fenceIndex) {
  if (lines[fenceIndex - 1]?.trim() !== "-->") return "";
  for (let i = fenceIndex - 2; i >= 0; i--) {
    if (lines[i].trim() === "<!-- ts-setup") return lines.slice(i + 1, fenceIndex - 1).join("\n");
    if (lines[i].includes("-->")) return "";
  }
  return "";
}

/** Lines of a Markdown text outside fenced code blocks, with their 1-based numbers. */
export function proseLines(text) {
  const inCode = new Set();
  for (const block of codeBlocks(text)) {
    const count = block.code === "" ? 0 : block.code.split("\n").length;
    for (let n = block.line - 1; n <= block.line + count; n++) inCode.add(n);
  }
  return text
    .split("\n")
    .map((content, index) => ({ content, number: index + 1 }))
    .filter(({ number }) => !inCode.has(number));
}

export const fromRoot = (path) => relative(root, path);

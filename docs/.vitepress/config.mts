// The documentation site: the guides in docs/ as they are, the API reference TypeDoc writes into
// docs/api/ (scripts/docs/api-reference.mjs) and the benchmark charts. `pnpm docs:dev`, `pnpm docs:build`.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { type DefaultTheme, defineConfig } from "vitepress";
import { slugify } from "../../scripts/docs/slug.mjs";
import { REPOSITORY_URL } from "../../scripts/repository.mjs";

const docs = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Guides listed first, in this order; any other page of docs/ follows, by title. */
const TOPICS = ["try-from-source", "jwks", "providers", "testing", "security", "benchmarks", "demo"];

function guides(): { packages: DefaultTheme.SidebarItem[]; topics: DefaultTheme.SidebarItem[] } {
  const pages = readdirSync(docs)
    .filter((file) => file.endsWith(".md") && file !== "index.md")
    .map((file) => {
      const title = /^#\s+(.+)$/m.exec(readFileSync(join(docs, file), "utf8"))?.[1] ?? file;
      return { name: file.slice(0, -3), text: title.replace(/`/g, ""), link: `/${file.slice(0, -3)}` };
    });
  const rank = (name: string) => (TOPICS.includes(name) ? TOPICS.indexOf(name) : TOPICS.length);
  const isPackage = (p: { text: string }) => p.text.startsWith("@scopegate/");
  return {
    packages: pages
      .filter(isPackage)
      .sort((a, b) => (a.name === "core" ? -1 : b.name === "core" ? 1 : a.name.localeCompare(b.name))),
    topics: pages
      .filter((p) => !isPackage(p))
      .sort((a, b) => rank(a.name) - rank(b.name) || a.text.localeCompare(b.text)),
  };
}

function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = join(docs, "api", "typedoc-sidebar.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
}

const { packages, topics } = guides();

export default defineConfig({
  title: "scopegate",
  description: "Fail-closed OAuth 2.0 bearer-token checks for machine-to-machine APIs",
  cleanUrls: false,
  lastUpdated: false,
  srcExclude: ["**/README.md"],
  markdown: {
    anchor: { slugify },
    config(md) {
      // Links that leave docs/ (examples, packages, scripts) point at the repository instead.
      md.core.ruler.push("repository-links", (state) => {
        const from = posix.dirname(state.env.relativePath ?? "");
        for (const token of state.tokens) {
          for (const child of token.children ?? []) {
            const href = child.type === "link_open" ? child.attrGet("href") : null;
            if (!href || /^([a-z]+:|#|\/)/i.test(href)) continue;
            const path = posix.normalize(posix.join("docs", from, href.split("#")[0]));
            if (path.startsWith("docs/")) continue;
            const kind = /\.[a-z]+$/i.test(path) ? "blob" : "tree";
            child.attrSet("href", `${REPOSITORY_URL}/${kind}/main/${path}`);
          }
        }
      });
    },
  },
  themeConfig: {
    nav: [
      { text: "Guides", link: "/core" },
      { text: "API", link: "/api/" },
      { text: "Benchmarks", link: "/benchmarks" },
    ],
    sidebar: [
      { text: "Start", items: [{ text: "Overview", link: "/" }] },
      { text: "Packages", items: packages },
      { text: "Topics", items: topics },
      { text: "API reference", link: "/api/", collapsed: true, items: apiSidebar() },
    ],
    search: { provider: "local" },
    outline: { level: [2, 3] },
    socialLinks: [{ icon: "github", link: REPOSITORY_URL }],
  },
});

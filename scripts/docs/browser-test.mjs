#!/usr/bin/env node
// Opens the built site (docs/.vitepress/dist, from `pnpm docs:build`) in headless Chromium as a
// reader would: searches for `requireScope` and follows the result to the Express guide, finds the
// API entry for `createVerifier`, and checks that the benchmark charts render. Screenshots of each
// step go to .site-test/ (git-ignored). Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root } from "../packages.mjs";
import { serveStatic } from "./static-server.mjs";

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const site = join(root, "docs", ".vitepress", "dist");
const shots = join(root, ".site-test");
// No network but loopback here: Chromium must not try to reach its own services.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const TIMEOUT_MS = 30_000;

if (!existsSync(executablePath)) fail(`no Chromium at ${executablePath} (apt-get install chromium)`);
if (!existsSync(join(site, "index.html"))) fail("no built site: run `pnpm docs:build` first");
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots);

const server = await serveStatic(site);
const profile = mkdtempSync(join(tmpdir(), "scopegate-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: FLAGS,
  viewport: { width: 1280, height: 900 },
  timeout: TIMEOUT_MS,
});
context.setDefaultTimeout(TIMEOUT_MS);
const steps = [];
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await step("home page", async () => {
    await page.goto(`${server.url}/`);
    await page.locator(".VPHero .name", { hasText: "scopegate" }).waitFor();
    await page.screenshot({ path: join(shots, "1-home.png") });
  });
  await step("search for requireScope leads to the Express guide", async () => {
    await page.locator(".VPNavBarSearch button").first().click();
    // VitePress lists the first 16 hits, and the API reference alone has more for a bare
    // `requireScope`: the reader asks for it on Express, as they would.
    await page.locator("#localsearch-input").fill("requireScope express");
    const result = page.locator('.VPLocalSearchBox .result[href^="/express.html"]').first();
    await result.waitFor();
    await page.screenshot({ path: join(shots, "2-search.png") });
    await result.click();
    await page.waitForURL(/\/express\.html/);
    await page.getByRole("heading", { level: 1, name: "@scopegate/express" }).waitFor();
    await page.screenshot({ path: join(shots, "3-express-guide.png") });
  });
  await step("API reference has createVerifier", async () => {
    await page.locator(".VPNavBar").getByRole("link", { name: "API" }).click();
    await page.waitForURL(/\/api\//);
    await page.locator(".VPDoc").getByRole("link", { name: "@scopegate/core" }).first().click();
    const entry = page.locator("h3#createverifier");
    await entry.waitFor();
    await entry.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, "4-api-createVerifier.png") });
  });
  await step("benchmark charts render", async () => {
    await page.goto(`${server.url}/benchmarks.html`);
    for (const kind of ["micro", "http"]) {
      const chart = page.locator(`.bench-charts[data-kind="${kind}"]`);
      await chart.locator("svg rect").first().waitFor();
      const bars = await chart.locator("svg rect").count();
      if (bars < 4) throw new Error(`${kind} chart has ${bars} bars`);
      await chart.scrollIntoViewIfNeeded();
      await chart.screenshot({ path: join(shots, `5-chart-${kind}.png`), style: ".VPNav { display: none }" });
    }
  });
} finally {
  await context.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
const failed = steps.filter((s) => !s.ok).length;
process.stdout.write(
  `site in Chromium: ${steps.length - failed} steps passed, ${failed} failed; screenshots in .site-test/\n`,
);
process.exit(failed === 0 ? 0 : 1);

async function step(name, run) {
  try {
    await run();
    steps.push({ name, ok: true });
    process.stdout.write(`✔ ${name}\n`);
  } catch (error) {
    steps.push({ name, ok: false });
    process.stdout.write(`✘ ${name}: ${error instanceof Error ? error.message : error}\n`);
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

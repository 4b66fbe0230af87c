// Memory benchmark driver: mints the base tokens, runs memory-child.mjs, formats the table.
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { mintPool } from "./fixtures.mjs";

const run = promisify(execFile);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `reuse`: RS256 tokens already minted (the micro pool); more are minted to reach count / 16. */
export async function runMemory({ config, key, reuse, count, twice }, log) {
  const needed = Math.ceil(count / 16);
  let bases = reuse.slice(0, needed);
  if (bases.length < needed) {
    log(`  memory: minting ${needed - bases.length} more RS256 tokens`);
    // Claims indexed past the reused pool's (which starts at 0), so no token repeats.
    const extra = await mintPool(key, needed - bases.length, Math.floor(Date.now() / 1000), 1_000_000);
    bases = bases.concat(extra);
  }
  const path = join(tmpdir(), `scopegate-bench-memory-${process.pid}.json`);
  writeFileSync(path, JSON.stringify({ config, bases }));
  try {
    log(`  memory: verifying ${count.toLocaleString("en")} distinct tokens`);
    const { stdout } = await run(
      process.execPath,
      [
        "--expose-gc",
        new URL("./memory-child.mjs", import.meta.url).pathname,
        path,
        String(count),
        String(twice),
      ],
      { maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split("\n").at(-1));
  } finally {
    rmSync(path, { force: true });
  }
}

export function memoryTable(report) {
  const { start, phases } = report;
  const [once, twice] = phases;
  const out = [
    `One verifier with default options (token cache on, \`maxEntries: 10_000\`); RS256; RSS and V8 heap after a full GC. At the start the process holds its fixtures and a warmed verifier: RSS ${mb(start.rss)}, heap ${mb(start.heapUsed)}.`,
    "",
    `- **${once.total.toLocaleString("en")} distinct tokens, each verified once** (${once.seconds.toFixed(0)} s, ${once.failures} failures): one-off tokens are never admitted to the cache.`,
    `- **then ${twice.total.toLocaleString("en")} distinct tokens, each verified twice in a row** (${twice.seconds.toFixed(0)} s, ${twice.failures} failures): every one is admitted, so the cache fills to its 10,000 entries and then evicts: its worst case.`,
    "",
    "| phase | tokens | RSS | heap used | heap vs start |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  for (const phase of phases) {
    for (const s of phase.samples) {
      out.push(
        `| ${phase.name === "once" ? "once each" : "twice each"} | ${s.verified.toLocaleString("en")} | ${mb(s.rss)} | ${mb(s.heapUsed)} | ${mb(s.heapUsed - start.heapUsed)} |`,
      );
    }
  }
  return `${out.join("\n")}\n`;
}

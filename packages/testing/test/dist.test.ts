import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

describe("the built package under node:test", () => {
  it("works from ESM and CJS test files and lets the process exit after close()", async () => {
    expect(existsSync(new URL("../dist/index.cjs", import.meta.url)), "build the package first").toBe(true);
    // A server or socket left open would keep the child alive until the timeout kills it.
    const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
      execFile(
        process.execPath,
        // Files, not the folder (Node 22+ reads `--test` arguments as globs, Node 20 as paths), and TAP
        // (the default reporter differs between versions).
        ["--test", "--test-reporter=tap", "test/node/cjs.test.cjs", "test/node/esm.test.mjs"],
        { cwd: packageDir, timeout: 15_000, env: { ...process.env, NODE_ENV: "test" } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, output: stdout + stderr }),
      );
    });
    expect(result.output).toMatch(/# pass 3/);
    expect(result.output).toMatch(/# fail 0/);
    expect(result.code).toBe(0);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveStartCommand, runToExit } from "../src/process.js";

function folderWithStart(start: string): string {
  const dir = mkdtempSync(join(tmpdir(), "conformance-suite-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ scripts: { start } }));
  return dir;
}

describe("resolveStartCommand", () => {
  it("runs a `node …` start script with the current Node binary", () => {
    const cwd = folderWithStart("node src/server.js --flag");
    expect(resolveStartCommand({ cwd })).toEqual({
      file: process.execPath,
      args: ["src/server.js", "--flag"],
    });
  });

  it("refuses a start script that needs a shell", () => {
    const cwd = folderWithStart("PORT=1 node server.js && echo done");
    expect(() => resolveStartCommand({ cwd })).toThrow(/not a plain command/);
  });

  it("prefers an explicit command over the start script", () => {
    const cwd = folderWithStart("node a.js");
    expect(resolveStartCommand({ cwd, command: ["node", "dist/main.js"] })).toEqual({
      file: process.execPath,
      args: ["dist/main.js"],
    });
  });
});

describe("runToExit", () => {
  it("passes only the given environment (and PATH) and reports the exit code and output", async () => {
    const cwd = folderWithStart("node -e x");
    const script =
      "process.stdout.write(String(process.env.ONLY)); process.stderr.write(String(process.env.HOME)); process.exit(3)";
    const run = await runToExit({ cwd, command: ["node", "-e", script] }, { ONLY: "yes" });
    expect(run).toMatchObject({ code: 3, stdout: "yes", stderr: "undefined" });
  });
});

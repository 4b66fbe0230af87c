import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

/** How to start an example: its folder and, unless its package.json `start` script says it, the command. */
export interface StartCommand {
  /** The example's folder (the command runs there). */
  cwd: string;
  /**
   * The command and its arguments. Default: the `start` script of `cwd/package.json`, split on spaces
   * (a plain command such as `node src/server.js`; a leading `node` runs the current Node binary).
   */
  command?: readonly string[];
}

/** Resolves the command line an example starts with. */
export function resolveStartCommand(target: StartCommand): { file: string; args: string[] } {
  let words: string[];
  if (target.command) {
    words = [...target.command];
  } else {
    const manifest = JSON.parse(readFileSync(join(target.cwd, "package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    const script = manifest.scripts?.start;
    if (!script) throw new Error(`${target.cwd}/package.json has no "start" script`);
    if (/[|&;<>()$`\\"'*?[\]#~=%]/.test(script)) {
      throw new Error(`the start script ${JSON.stringify(script)} is not a plain command; pass { command }`);
    }
    words = script.trim().split(/\s+/);
    // `exec node …` lets pnpm's shell hand its process to node, so a SIGTERM sent to `pnpm start`
    // reaches the service; run here without pnpm, the `exec` is dropped.
    if (words[0] === "exec") words.shift();
  }
  const [first, ...args] = words;
  if (!first) throw new Error("empty start command");
  return { file: first === "node" ? process.execPath : first, args };
}

/** A started example process. */
export interface RunningExample {
  readonly child: ChildProcess;
  /** Base URL from its `listening on` line. */
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /^listening on (https?:\/\/\S+)$/m;

/**
 * Spawns the example with exactly `env` (plus `PATH`), and resolves once it prints its
 * `listening on http://HOST:PORT` line. Rejects, with its output, if it exits or stays silent first.
 */
export function spawnExample(
  target: StartCommand,
  env: Record<string, string>,
  timeoutMs = 15_000,
): { process: ChildProcess; listening: Promise<RunningExample>; exited: RunningExample["exited"] } {
  const { file, args } = resolveStartCommand(target);
  const child = spawn(file, args, {
    cwd: target.cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  const stop = async (graceMs = 3000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const listening = new Promise<RunningExample>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`no "listening on" line within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      resolve({ child, url: match[1]!, stdout: () => out, stderr: () => err, exited, stop });
    };
    child.stdout?.on("data", onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(`exited (code ${code}, signal ${signal}) before listening\nstdout: ${out}\nstderr: ${err}`),
      );
    });
  });
  listening.catch(() => {});
  return { process: child, listening, exited };
}

/** Runs the example to completion (for start-up failures) and returns its exit and output. */
export async function runToExit(
  target: StartCommand,
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const started = spawnExample(target, env, timeoutMs);
  let stdout = "";
  let stderr = "";
  started.process.stdout?.on("data", (chunk: string) => {
    stdout += chunk;
  });
  started.process.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => started.process.kill("SIGKILL"), timeoutMs);
  const result = await started.exited;
  clearTimeout(timer);
  return { ...result, stdout, stderr };
}

/** The pnpm the repository pins (`packageManager`), as a command: the running one, or npx's copy. */
export function pnpmCommand(repoRoot: string): string[] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm\.c?js$/.test(execPath)) return [process.execPath, execPath];
  const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
    packageManager?: string;
  };
  const spec = manifest.packageManager ?? "pnpm@10";
  // npx puts the pnpm it installed on PATH for the command it runs: find it there.
  const path = execFileSync("npx", ["-y", spec, "exec", "node", "-p", "process.env.PATH"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  for (const dir of path.trim().split(delimiter)) {
    const candidate = join(dir, "pnpm");
    try {
      accessSync(candidate, constants.X_OK);
      return [candidate];
    } catch {
      // not here
    }
  }
  throw new Error(`cannot find ${spec}`);
}

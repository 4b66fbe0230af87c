// Child processes for the demo: start a service, wait for its `listening on http://HOST:PORT` line,
// stop it (and everything it spawned) again.
import { spawn } from "node:child_process";

const POSIX = process.platform !== "win32";
const LISTENING = /^listening on (https?:\/\/\S+)\s*$/m;

/** How to run the pinned pnpm: the one running us (`pnpm demo`), else through npx. */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/i.test(execPath)) return { command: process.execPath, args: [execPath] };
  return { command: POSIX ? "npx" : "npx.cmd", args: ["-y", "pnpm@10.34.8"] };
}

/**
 * Starts `command args` and resolves once it prints `listening on URL`.
 * Each service runs in its own process group, so stopping it also stops what it started (pnpm → node).
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * `options.onStart` receives the service as soon as it is spawned, so a caller can stop it even
 * before it listens.
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, onLine?: (line: string) => void, onStart?: (service: object) => void }} [options]
 */
export function startService(name, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: POSIX,
    shell: !POSIX && command.endsWith(".cmd"),
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let stdoutBuffer = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });

  const service = {
    name,
    child,
    url: "",
    /** Everything the service printed so far (stdout and stderr). */
    output: () => output,
    /** Stops the service's process group: SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 5000) {
      signal(child, "SIGTERM");
      const timer = setTimeout(() => signal(child, "SIGKILL"), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };

  options.onStart?.(service);

  /** An error that carries what the service printed. */
  const failure = (message) => Object.assign(new Error(message), { output });

  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      service
        .stop()
        .finally(() =>
          reject(failure(`${name} did not print "listening on …" within ${timeoutMs / 1000} s`)),
        );
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      output += chunk;
      stdoutBuffer += chunk;
      let newline = stdoutBuffer.indexOf("\n");
      while (newline !== -1) {
        const line = stdoutBuffer.slice(0, newline);
        stdoutBuffer = stdoutBuffer.slice(newline + 1);
        options.onLine?.(line);
        const match = !service.url && LISTENING.exec(line);
        if (match) {
          service.url = match[1];
          clearTimeout(timer);
          resolve(service);
        }
        newline = stdoutBuffer.indexOf("\n");
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(failure(`${name} could not be started: ${error.message}`));
    });
    exited.then(({ code, signal: sig }) => {
      if (service.url) return;
      clearTimeout(timer);
      reject(failure(`${name} exited (${sig ?? `code ${code}`}) before it was listening`));
    });
  });
}

function signal(child, name) {
  try {
    if (POSIX) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // already gone
  }
}

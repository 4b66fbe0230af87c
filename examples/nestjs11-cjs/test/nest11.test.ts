import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A CommonJS Nest 11 application, built by tsc and run by Node as users run one, using the CJS build
 * of @scopegate/nestjs. The package is "installed" into a temporary node_modules (its package.json and
 * dist copied, like a tarball would be), beside this package's Nest 11: through the workspace link,
 * its dist would resolve @nestjs/* from packages/nestjs, which holds Nest 12.
 */
const here = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(here, "..", "..");
const modules = join(here, "node_modules");
const AUDIENCE = "https://calendar.scopegate.test";

let app: string;
let authority: TestAuthority;
let child: ChildProcess | undefined;
let info: { express: string; fastify: string; nest: string; scopegate: string; moduleSystem: string };
let stderr = "";

function link(target: string, path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(realpathSync(target), path, "dir");
}

/** Lays out a CommonJS project: the copied package, symlinked Nest 11 and core, the fixture compiled by tsc. */
function buildApp(): string {
  const nestjs = realpathSync(join(modules, "@scopegate", "nestjs"));
  if (!existsSync(join(nestjs, "dist", "index.cjs"))) {
    throw new Error("packages/nestjs/dist is missing: run `pnpm build` first.");
  }
  const dir = mkdtempSync(join(tmpdir(), "scopegate-nest11-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "nest11-app", private: true, type: "commonjs" }),
  );
  const installed = join(dir, "node_modules", "@scopegate", "nestjs");
  mkdirSync(installed, { recursive: true });
  cpSync(join(nestjs, "package.json"), join(installed, "package.json"));
  cpSync(join(nestjs, "dist"), join(installed, "dist"), { recursive: true });
  link(join(nestjs, "node_modules", "@scopegate", "core"), join(dir, "node_modules", "@scopegate", "core"));
  for (const name of ["common", "core", "platform-express", "platform-fastify"]) {
    link(join(modules, "@nestjs", name), join(dir, "node_modules", "@nestjs", name));
  }
  for (const name of ["reflect-metadata", "rxjs"]) link(join(modules, name), join(dir, "node_modules", name));
  mkdirSync(join(dir, "src"));
  cpSync(join(here, "fixture", "main.ts"), join(dir, "src", "main.ts"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        module: "commonjs",
        target: "ES2021",
        strict: true,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        skipLibCheck: true,
        outDir: "dist",
        rootDir: "src",
        typeRoots: [join(root, "node_modules", "@types")],
        types: ["node"],
      },
      include: ["src"],
    }),
  );
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  const compiled = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
  if (compiled.status !== 0) throw new Error(`tsc failed:\n${compiled.stdout}${compiled.stderr}`);
  return dir;
}

async function call(base: string, path: string, headers: Record<string, string> = {}, method = "GET") {
  const res = await fetch(new URL(path, base), { method, headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  app = buildApp();
  authority = await createTestAuthority({ audience: AUDIENCE });
  await authority.listen();
  const proc = spawn(process.execPath, [join(app, "dist", "main.js")], {
    cwd: app,
    env: { ...process.env, ISSUER: authority.issuer, AUDIENCE, JWKS_URI: authority.jwksUri },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  proc.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: proc.stdout! });
  const first = await Promise.race([
    once(lines, "line").then(([line]) => line as string),
    once(proc, "exit").then(() => {
      throw new Error(`the Nest 11 app exited before listening: ${stderr}`);
    }),
  ]);
  info = JSON.parse(first);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
  await authority?.close();
  if (app && !process.env.KEEP_NEST11_APP) rmSync(app, { recursive: true, force: true });
});

it("runs the CommonJS build of @scopegate/nestjs in a CommonJS Nest 11 application", () => {
  expect(info.moduleSystem).toBe("commonjs");
  expect(info.nest).toMatch(/^11\./);
  expect(info.scopegate).toMatch(/[\\/]dist[\\/]index\.cjs$/);
  expect(info.scopegate.startsWith(realpathSync(app)) || info.scopegate.startsWith(app)).toBe(true);
});

describe.each(["express", "fastify"] as const)("on Nest 11's %s platform", (platform) => {
  const base = () => info[platform];

  it("answers 401 with a bare challenge and a JSON body when no credentials come", async () => {
    const res = await call(base(), "/events");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.json).toEqual({ error_description: "Authentication is required" });
  });

  it("rejects a malformed Authorization header with 400 invalid_request", async () => {
    const res = await call(base(), "/events", { authorization: "Bearer a b" });
    expect(res.status).toBe(400);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_request"');
    expect((res.json as { error: string }).error).toBe("invalid_request");
  });

  it("rejects an expired token with 401 invalid_token", async () => {
    const res = await call(
      base(),
      "/events",
      bearer(await authority.tokens.expired({ scope: "event.read" })),
    );
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "invalid_token", error_description: "The access token expired" });
  });

  it("refuses missing all-of scopes with 403 insufficient_scope naming them", async () => {
    const res = await call(
      base(),
      "/events/1",
      bearer(await authority.mint({ scope: "event.create" })),
      "DELETE",
    );
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('scope="event.create event.delete"');
  });

  it("refuses missing any-of scopes with 403 insufficient_scope naming them", async () => {
    const res = await call(base(), "/reports", bearer(await authority.mint({ scope: "event.read" })));
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toContain('scope="report.read admin"');
  });

  it("lets good tokens through and injects the token with @Auth()", async () => {
    expect(
      (await call(base(), "/events", bearer(await authority.mint({ scope: "event.read" })))).status,
    ).toBe(200);
    expect((await call(base(), "/reports", bearer(await authority.mint({ scope: "admin" })))).status).toBe(
      200,
    );
    const me = await call(
      base(),
      "/me",
      bearer(await authority.mint({ scope: "event.read", subject: "svc-11" })),
    );
    expect(me.json).toMatchObject({ subject: "svc-11", scopes: ["event.read"] });
  });

  it("serves a @Public() route without a token, with providers injected by emitted metadata", async () => {
    const res = await call(base(), "/health");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true, audience: AUDIENCE });
  });
});

it("closes both applications on SIGTERM", async () => {
  const proc = child!;
  proc.kill("SIGTERM");
  const [code] = await once(proc, "exit");
  expect(code).toBe(0);
  expect(stderr).toBe("");
});

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// `pnpm demo` end to end, as a user runs it (minus the build, which `pnpm check` has done): the real
// authorization server, the real calendar example (twice: over HTTP with DPoP, over HTTPS with client
// certificates) and the task service's scenario on 127.0.0.1. One run per calendar example,
// concurrently (each waits ~7 s for a token to expire; timeouts are generous for a loaded machine).

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const frameworks = ["express", "koa", "nestjs"].filter((fw) =>
  existsSync(join(root, "examples", `calendar-${fw}`, "package.json")),
);

function runDemo(framework: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, "scripts", "demo.mjs"), "--framework", framework, "--no-build"],
      {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGINT"), 180_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Whether nothing listens on the URL's port any more (a TCP connection is refused). */
function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe.concurrent("pnpm demo", () => {
  it.each(frameworks)(
    "plays the whole client-credentials story against calendar-%s and stops everything",
    async (framework) => {
      const { code, stdout, stderr } = await runDemo(framework);
      const context = `${stdout}\n${stderr}`;
      expect(code, context).toBe(0);

      const lines = stdout.split("\n");
      const step = (pattern: RegExp) => lines.find((line) => pattern.test(line)) ?? "";
      expect(step(/✔ token obtained/)).toMatch(
        /scope "event\.read event\.create event\.delete", expires in 300 s/,
      );
      expect(step(/POST {3}\/events/)).toContain("→ 201 Created");
      expect(step(/GET {4}\/events → 200 OK .*cache/)).toContain("✔");
      expect(step(/DELETE .* → 403/)).toMatch(
        /✔ .*WWW-Authenticate: Bearer realm="[^"]+", error="insufficient_scope".*scope="event\.create event\.delete"/,
      );
      expect(step(/with the full token/)).toContain("→ 204 No Content");
      expect(step(/GET {4}\/reports/)).toContain("→ 200 OK");
      expect(step(/✔ opaque token obtained/)).toContain("not a JWT");
      expect(step(/with the opaque token/)).toMatch(/✔ .*→ 200 OK .*introspected/);
      expect(step(/GET {4}\/events → 401 .*WWW-Authenticate/)).toMatch(
        /WWW-Authenticate: Bearer realm="[^"]+", resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource", DPoP realm="[^"]+", resource_metadata="[^"]+", algs="ES256 RS256 PS256 EdDSA"$/,
      );
      expect(step(/without a token → 401/)).toMatch(
        /✔ .*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known/,
      );
      expect(step(/protected resource metadata read/)).toMatch(
        /✔ .*resource https:\/\/calendar\.example\.com, authorization_servers \["http:\/\/127\.0\.0\.1:\d+"\]/,
      );
      expect(step(/authorization server metadata read/)).toMatch(
        /✔ .*token_endpoint http:\/\/127\.0\.0\.1:\d+\//,
      );
      expect(step(/once it has expired/)).toMatch(/✔ .*→ 401 Unauthorized/);
      expect(step(/key rotation:/)).toMatch(/now signs with \S+ \(\S+ stays published\)/);
      expect(step(/✔ new token obtained/)).toContain("signed with key");
      expect(step(/with the new token/)).toMatch(/✔ .*→ 200 OK/);

      // DPoP (RFC 9449): the calendar runs with DPOP=allowed and PUBLIC_URL.
      expect(step(/✔ DPoP-bound token obtained/)).toMatch(
        /token_type DPoP, cnf\.jkt = thumbprint of the task service's ES256 proof key \(\S+\)/,
      );
      expect(step(/GET {4}\/events with a fresh DPoP proof/)).toMatch(
        /✔ .*→ 200 OK {2}Authorization: DPoP <token>, DPoP: <proof for GET http:\/\/127\.0\.0\.1:\d+\/events>$/,
      );
      expect(step(/POST {3}\/events with a fresh DPoP proof/)).toMatch(/✔ .*→ 201 Created/);
      expect(step(/with the stolen token as Bearer/)).toMatch(
        /✔ .*→ 401 Unauthorized {2}error_description: "The access token is bound to a DPoP key: send it with the DPoP scheme and a proof"$/,
      );
      expect(step(/with the stolen token as DPoP, no proof/)).toMatch(
        /✔ .*→ 401 Unauthorized {2}error_description: "The request carries no DPoP proof"$/,
      );
      expect(step(/with a replayed proof/)).toMatch(
        /✔ .*→ 401 Unauthorized {2}error_description: "The DPoP proof was already used"$/,
      );

      // Certificate-bound tokens (RFC 8705): a second calendar over HTTPS asking for client certificates.
      expect(step(/✔ certificate-bound token obtained/)).toMatch(
        /cnf\["x5t#S256"\] = thumbprint of its client certificate \(\S+\); token endpoint from mtls_endpoint_aliases/,
      );
      expect(step(/over mutual TLS with that certificate/)).toMatch(
        /✔ .*→ 200 OK {2}https:\/\/127\.0\.0\.1:\d+$/,
      );
      expect(step(/with another certificate of the same CA/)).toMatch(
        /✔ .*→ 401 Unauthorized {2}error_description: "The access token is bound to another client certificate"/,
      );
      expect(step(/over TLS without a client certificate/)).toMatch(
        /✔ .*→ 401 Unauthorized {2}error_description: "The access token is bound to a client certificate, and the request presented none"/,
      );
      expect(step(/^ {2}certificates {2,}/)).toMatch(/mutual-TLS token endpoint https:\/\/127\.0\.0\.1:\d+$/);

      expect(lines.filter((line) => line.includes("✘"))).toEqual([]);
      expect(step(/steps went as expected/)).toBe("✔ all 27 steps went as expected");

      // No token, or any part of one, is ever printed.
      expect(context).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);

      // Everything it started is gone.
      const urls = [
        ...stdout.matchAll(/(?:authorization server|calendar service) {2,}(https?:\/\/\S+)/g),
        ...stdout.matchAll(/mutual-TLS token endpoint (https:\/\/\S+)/g),
      ].map((m) => m[1]);
      expect(urls).toHaveLength(4);
      for (const url of urls) expect(await refusesConnections(url as string)).toBe(true);
    },
    200_000,
  );
});

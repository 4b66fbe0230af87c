import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestCertificates,
  proxyCertificateHeaders,
  type TestAuthority,
  type TestCertificate,
  type TestCertificates,
  type TestProxyKind,
} from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOverTls, type TlsAnswer } from "./get-over-tls.js";
import { type RunningExample, runToExit, type StartCommand, spawnExample } from "./process.js";

const PROXY_KINDS: readonly TestProxyKind[] = ["envoy", "aws-alb", "aws-alb-passthrough", "nginx"];

/**
 * The contract's "Mutual TLS" section: with TLS_CERT, TLS_KEY and TLS_CA the service speaks HTTPS,
 * asks for (without requiring) a client certificate of TLS_CA, and a token with `cnf["x5t#S256"]`
 * passes only with the certificate it names; certificate headers are ignored (no trusted proxy).
 */
export function describeMutualTls(
  target: StartCommand,
  authority: () => TestAuthority,
  env: () => Record<string, string>,
): void {
  describe("mutual TLS (TLS_CERT, TLS_KEY, TLS_CA)", () => {
    let certs: TestCertificates;
    let dir: string;
    let files: Record<"TLS_CERT" | "TLS_KEY" | "TLS_CA", string>;
    let service: RunningExample;
    const me = (token: string, client?: TestCertificate, headers?: Record<string, string>) =>
      getOverTls(`${service.url}/me`, certs.ca.cert, token, client, headers);
    const bound = (certificate: TestCertificate) => authority().mint({ certificate });
    const expectInvalidToken = (answer: TlsAnswer) => {
      expect(answer.status).toBe(401);
      expect(answer.body.error).toBe("invalid_token");
      expect(answer.challenge).toMatch(/^Bearer .*error="invalid_token"/);
    };

    beforeAll(async () => {
      certs = await createTestCertificates();
      dir = mkdtempSync(join(tmpdir(), "scopegate-mtls-"));
      files = {
        TLS_CERT: join(dir, "server.pem"),
        TLS_KEY: join(dir, "server-key.pem"),
        TLS_CA: join(dir, "ca.pem"),
      };
      writeFileSync(files.TLS_CERT, certs.server.cert);
      writeFileSync(files.TLS_KEY, certs.server.key);
      writeFileSync(files.TLS_CA, certs.ca.cert);
      service = await spawnExample(target, { ...env(), ...files }).listening;
    });
    afterAll(async () => {
      await service?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("prints `listening on https://127.0.0.1:PORT`", () => {
      expect(service.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it("says in its RFC 9728 metadata that certificate-bound tokens can be used", async () => {
      const metadata = `${service.url}/.well-known/oauth-protected-resource`;
      const { body: answer } = await getOverTls(metadata, certs.ca.cert);
      expect(answer.tls_client_certificate_bound_access_tokens).toBe(true);
      expect(answer.resource).toBe(service.url);
    });

    it("answers a token bound to the client's certificate with 200", async () => {
      const answer = await me(await bound(certs.client), certs.client);
      expect(answer.status).toBe(200);
    });

    it("refuses a bound token without a certificate, with another one, or with one TLS_CA did not issue", async () => {
      expectInvalidToken(await me(await bound(certs.client)));
      expectInvalidToken(await me(await bound(certs.client), certs.otherClient));
      expectInvalidToken(await me(await bound(certs.foreignClient), certs.foreignClient));
      expectInvalidToken(await me(await bound(certs.expiredClient), certs.expiredClient));
    });

    it("ignores headers that claim a client certificate", async () => {
      const token = await bound(certs.client);
      for (const kind of PROXY_KINDS)
        expectInvalidToken(await me(token, undefined, proxyCertificateHeaders(certs.client, kind)));
    });

    it("answers a token without cnf as usual, with or without a certificate", async () => {
      const token = await authority().mint();
      expect((await me(token)).status).toBe(200);
      expect((await me(token, certs.client)).status).toBe(200);
    });

    it.each([
      ["TLS_CERT is set without TLS_KEY", () => ({ TLS_CERT: files.TLS_CERT })],
      ["TLS_CA is set without TLS_CERT and TLS_KEY", () => ({ TLS_CA: files.TLS_CA })],
      [
        "TLS_KEY names a missing file",
        () => ({ TLS_CERT: files.TLS_CERT, TLS_KEY: join(dir, "missing.pem") }),
      ],
      ["TLS_KEY does not match TLS_CERT", () => ({ TLS_CERT: files.TLS_CERT, TLS_KEY: files.TLS_CA })],
    ])("exits with code 2 and one line on stderr when %s", async (_title, tls) => {
      const run = await runToExit(target, { ...env(), ...tls() });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).not.toMatch(/listening/);
    });
  });
}

import type { VerifierOptions } from "@scopegate/core";
import {
  createTestAuthority,
  createTestCertificates,
  proxyCertificateHeaders,
  type TestAuthority,
  type TestCertificate,
  type TestCertificates,
  type TestProxyKind,
} from "@scopegate/testing";
import { getOverTls, type TlsAnswer } from "@scopegate-examples/conformance-suite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningTlsApp, startTlsApp, TLS_ADAPTERS } from "./tls-apps.js";

/**
 * Certificate-bound tokens (RFC 8705 §3) on every adapter over real TLS on 127.0.0.1: the server asks
 * for a client certificate of the test CA without requiring one (`requestCert: true`,
 * `rejectUnauthorized: false`), and a token bound with `cnf["x5t#S256"]` passes only with the
 * certificate it names, authorised by the TLS layer; headers claiming a certificate count only from
 * a proxy the verifier was told to trust.
 */

const audience = "https://api.example.com";
const PROXY_KINDS: readonly TestProxyKind[] = ["envoy", "aws-alb", "aws-alb-passthrough", "nginx"];

type Answer = TlsAnswer<{ binding?: unknown; error?: string; error_description?: string }>;

/** `GET /me` of the app at `url` over TLS, trusting the test CA. */
const get = (url: string, token: string, client?: TestCertificate, headers: Record<string, string> = {}) =>
  getOverTls<Answer["body"]>(`${url}/me`, certs.ca.cert, token, client, headers);

let authority: TestAuthority;
let certs: TestCertificates;
const bound = (certificate: TestCertificate) => authority.mint({ certificate });

beforeAll(async () => {
  [authority, certs] = await Promise.all([createTestAuthority({ audience }), createTestCertificates()]);
});
afterAll(() => authority?.close());

function expectRefused(
  answer: Answer,
  code: "ERR_TOKEN_CERTIFICATE_REQUIRED" | "ERR_TOKEN_CERTIFICATE_MISMATCH",
): void {
  const description = {
    ERR_TOKEN_CERTIFICATE_REQUIRED:
      "The access token is bound to a client certificate, and the request presented none",
    ERR_TOKEN_CERTIFICATE_MISMATCH: "The access token is bound to another client certificate",
  }[code];
  expect(answer.status).toBe(401);
  expect(answer.body).toEqual({ error: "invalid_token", error_description: description });
  expect(answer.challenge).toContain('error="invalid_token"');
}

describe.each(TLS_ADAPTERS)("certificate-bound tokens on %s over TLS", (adapter) => {
  let app: RunningTlsApp;
  beforeAll(async () => {
    app = await startTlsApp(adapter, authority.verifierOptions() as VerifierOptions, certs.server);
  });
  afterAll(() => app?.close());

  it("accepts a bound token with its certificate and says it is bound by mtls", async () => {
    const answer = await get(app.url, await bound(certs.client), certs.client);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ binding: { method: "mtls", thumbprint: certs.client.thumbprint } });
  });

  it("refuses a bound token without a certificate with 401 invalid_token", async () => {
    expectRefused(await get(app.url, await bound(certs.client)), "ERR_TOKEN_CERTIFICATE_REQUIRED");
  });

  it("refuses a bound token with another certificate of the same CA", async () => {
    expectRefused(
      await get(app.url, await bound(certs.client), certs.otherClient),
      "ERR_TOKEN_CERTIFICATE_MISMATCH",
    );
  });

  it("refuses a token bound to a certificate the TLS layer did not authorise (other CA, expired)", async () => {
    expectRefused(
      await get(app.url, await bound(certs.foreignClient), certs.foreignClient),
      "ERR_TOKEN_CERTIFICATE_REQUIRED",
    );
    expectRefused(
      await get(app.url, await bound(certs.expiredClient), certs.expiredClient),
      "ERR_TOKEN_CERTIFICATE_REQUIRED",
    );
  });

  it("accepts a token without cnf, with or without a certificate, as a bearer token", async () => {
    const plain = await authority.mint();
    expect(await get(app.url, plain)).toMatchObject({ status: 200, body: { binding: null } });
    expect(await get(app.url, plain, certs.client)).toMatchObject({ status: 200, body: { binding: null } });
  });

  it("ignores every proxy's certificate header when no proxy is trusted", async () => {
    const token = await bound(certs.client);
    for (const kind of PROXY_KINDS) {
      const headers = proxyCertificateHeaders(certs.client, kind);
      expectRefused(await get(app.url, token, undefined, headers), "ERR_TOKEN_CERTIFICATE_REQUIRED");
      expectRefused(await get(app.url, token, certs.otherClient, headers), "ERR_TOKEN_CERTIFICATE_MISMATCH");
    }
  });
});

describe.each(TLS_ADAPTERS)("a trusted TLS-terminating proxy in front of %s", (adapter) => {
  const apps = new Map<TestProxyKind, RunningTlsApp>();
  beforeAll(async () => {
    for (const kind of PROXY_KINDS) {
      const options = authority.verifierOptions({
        clientCertificate: { trustedProxy: { kind, peers: ["127.0.0.1", "::1"] } },
      }) as VerifierOptions;
      apps.set(kind, await startTlsApp(adapter, options, certs.server));
    }
  });
  afterAll(async () => {
    for (const app of apps.values()) await app.close();
  });

  it.each(PROXY_KINDS)("accepts a bound token with the certificate in the %s header", async (kind) => {
    const answer = await get(
      apps.get(kind)!.url,
      await bound(certs.client),
      undefined,
      proxyCertificateHeaders(certs.client, kind),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ binding: { method: "mtls", thumbprint: certs.client.thumbprint } });
  });

  it.each(PROXY_KINDS)(
    "refuses a bound token with another certificate in the %s header, or none",
    async (kind) => {
      const url = apps.get(kind)!.url;
      const token = await bound(certs.client);
      expectRefused(
        await get(url, token, undefined, proxyCertificateHeaders(certs.otherClient, kind)),
        "ERR_TOKEN_CERTIFICATE_MISMATCH",
      );
      // From the proxy's address the header is the only witness: the socket's certificate is the proxy's own.
      expectRefused(await get(url, token, certs.client), "ERR_TOKEN_CERTIFICATE_REQUIRED");
      expectRefused(
        await get(url, token, undefined, {
          [Object.keys(proxyCertificateHeaders(certs.client, kind))[0]!]: "%%garbage",
        }),
        "ERR_TOKEN_CERTIFICATE_REQUIRED",
      );
    },
  );
});

import { createHash, X509Certificate } from "node:crypto";
import { createTestCertificates, type TestCertificates } from "@scopegate/testing";
import {
  CALENDAR_API,
  demoOptions,
  startAuthorizationServer,
} from "@scopegate-examples/authorization-server";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTlsFetch } from "../src/tls-fetch.js";
import { createTokenSource } from "../src/token-source.js";

// The task service's token source asking the demo authorization server (oidc-provider) for
// sender-constrained tokens: DPoP-bound (RFC 9449) over HTTP, certificate-bound (RFC 8705) over
// real mutual TLS on 127.0.0.1, with a test CA made for this run.

let server: Awaited<ReturnType<typeof startAuthorizationServer>>;
let certificates: TestCertificates;
beforeAll(async () => {
  certificates = await createTestCertificates();
  const { cert, key } = certificates.server;
  server = await startAuthorizationServer({
    ...demoOptions({}),
    mutualTls: { cert, key, ca: certificates.ca.cert },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1] as string, "base64url").toString("utf8")) as {
    cnf?: Record<string, string>;
    client_id?: string;
  };

async function thumbprintOf(
  publicKey: Awaited<ReturnType<typeof oauth.generateKeyPair>>["publicKey"],
): Promise<string> {
  const { crv, kty, x, y } = await crypto.subtle.exportKey("jwk", publicKey);
  return createHash("sha256").update(JSON.stringify({ crv, kty, x, y })).digest("base64url");
}

const source = (clientId: string, more: Partial<Parameters<typeof createTokenSource>[0]> = {}) =>
  createTokenSource({
    issuer: server.issuer,
    clientId,
    clientSecret: `${clientId}-demo-secret`,
    scope: ["event.read"],
    resource: CALENDAR_API,
    ...more,
  });

describe("sender-constrained tokens from the demo authorization server", () => {
  it("publishes DPoP algorithms, certificate-bound tokens and the mutual-TLS token endpoint", async () => {
    const metadata = (await (
      await fetch(`${server.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    expect(metadata.dpop_signing_alg_values_supported).toContain("ES256");
    expect(metadata.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(metadata.mtls_endpoint_aliases).toEqual({ token_endpoint: `${server.mutualTlsUrl}/token` });
    expect(server.mutualTlsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("binds a token to the DPoP key of the token request: token_type DPoP, cnf.jkt its thumbprint", async () => {
    const keyPair = await oauth.generateKeyPair("ES256");
    const { token } = await source("task-service-dpop", { dpop: oauth.DPoP({}, keyPair) }).getToken();
    expect(token.type).toBe("DPoP");
    expect(token.authorization()).toBe(`DPoP ${token.reveal()}`);
    expect(claimsOf(token.reveal()).cnf).toEqual({ jkt: await thumbprintOf(keyPair.publicKey) });
  });

  it("gives the DPoP client no token without a proof", async () => {
    await expect(source("task-service-dpop").getToken()).rejects.toMatchObject({
      status: 400,
      error: "invalid_grant",
    });
  });

  it("binds a token to the client certificate of the mutual-TLS token request: cnf x5t#S256", async () => {
    const { client, ca } = certificates;
    const { token } = await source("task-service-mtls", {
      mutualTls: { ca: ca.cert, cert: client.cert, key: client.key },
    }).getToken();
    expect(token.type).toBe("Bearer");
    const der = new X509Certificate(client.cert).raw;
    expect(claimsOf(token.reveal()).cnf).toEqual({
      "x5t#S256": createHash("sha256").update(der).digest("base64url"),
    });
    expect(claimsOf(token.reveal()).cnf?.["x5t#S256"]).toBe(client.thumbprint);
  });

  it("gives the mutual-TLS client no token over plain HTTP, nor with a certificate of another CA", async () => {
    await expect(source("task-service-mtls").getToken()).rejects.toMatchObject({
      status: 400,
      error: "invalid_grant",
    });
    const { foreignClient, ca } = certificates;
    await expect(
      source("task-service-mtls", {
        mutualTls: { ca: ca.cert, cert: foreignClient.cert, key: foreignClient.key },
      }).getToken(),
    ).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("createTlsFetch refuses a server its CA did not issue", async () => {
    const other = await createTestCertificates();
    const send = createTlsFetch({ ca: other.ca.cert });
    await expect(send(`${server.mutualTlsUrl}/jwks`)).rejects.toThrow();
    const trusted = createTlsFetch({ ca: certificates.ca.cert });
    expect((await trusted(`${server.mutualTlsUrl}/jwks`)).status).toBe(200);
  }, 60_000);
});

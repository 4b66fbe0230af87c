import { X509Certificate } from "node:crypto";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createTestCertificateAuthority,
  createTestCertificates,
  proxyCertificateHeaders,
  type TestCertificate,
  type TestCertificates,
} from "../src/index.js";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await createTestCertificates();
});

/** Connects to a real HTTPS server built from `certs.server` and reports what its TLS layer saw. */
async function handshake(client: TestCertificate | undefined) {
  const server = createServer(certs.server, (req, res) => {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerCertificate(false);
    res.end(JSON.stringify({ authorized: socket.authorized, subject: peer.subject?.CN ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<{ authorized: boolean; subject: string | null }>((resolve, reject) => {
      const options = {
        ca: certs.ca.cert,
        agent: false,
        ...(client ? { key: client.key, cert: client.cert } : {}),
      };
      request(`https://127.0.0.1:${port}/`, options, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on("end", () => resolve(JSON.parse(body)));
      })
        .on("error", reject)
        .end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe("test certificates", () => {
  it("issues client certificates that chain to the CA, with their RFC 8705 thumbprint", () => {
    const ca = new X509Certificate(certs.ca.cert);
    const client = new X509Certificate(certs.client.cert);
    expect(ca.ca).toBe(true);
    expect(client.checkIssued(ca) && client.verify(ca.publicKey)).toBe(true);
    expect(client.raw.equals(certs.client.der)).toBe(true);
    const sha256 = Buffer.from(client.fingerprint256.replace(/:/g, ""), "hex");
    expect(certs.client.thumbprint).toBe(sha256.toString("base64url"));
    expect(client.keyUsage).toContain("1.3.6.1.5.5.7.3.2"); // clientAuth
  });

  it("gives every certificate its own thumbprint", () => {
    const thumbprints = [certs.client, certs.otherClient, certs.foreignClient, certs.expiredClient].map(
      (c) => c.thumbprint,
    );
    expect(new Set(thumbprints).size).toBe(4);
  });

  it("issues the foreign client from another CA and the expired one in the past", () => {
    expect(
      new X509Certificate(certs.foreignClient.cert).verify(new X509Certificate(certs.ca.cert).publicKey),
    ).toBe(false);
    expect(certs.expiredClient.notAfter.getTime()).toBeLessThan(Date.now());
  });

  it("serves HTTPS on 127.0.0.1 whose TLS layer authorises the good client only", async () => {
    expect(await handshake(certs.client)).toEqual({ authorized: true, subject: "scopegate-test-client" });
    expect((await handshake(certs.foreignClient)).authorized).toBe(false);
    expect((await handshake(certs.expiredClient)).authorized).toBe(false);
    expect(await handshake(undefined)).toEqual({ authorized: false, subject: null });
  });

  it("writes each proxy's header with the certificate, URL-encoded", () => {
    const envoy = proxyCertificateHeaders(certs.client, "envoy")["x-forwarded-client-cert"]!;
    expect(envoy).toContain(`Hash=${Buffer.from(certs.client.thumbprint, "base64url").toString("hex")};`);
    expect(envoy).toContain(`Cert="${encodeURIComponent(certs.client.cert)}"`);
    expect(decodeURIComponent(proxyCertificateHeaders(certs.client, "nginx")["x-ssl-client-cert"]!)).toBe(
      certs.client.cert,
    );
    const alb = proxyCertificateHeaders(certs.client, "aws-alb")["x-amzn-mtls-clientcert-leaf"]!;
    expect(alb).not.toContain("%2B");
    expect(decodeURIComponent(alb)).toBe(certs.client.cert);
    expect(Object.keys(proxyCertificateHeaders(certs.client, "aws-alb-passthrough"))).toEqual([
      "x-amzn-mtls-clientcert",
    ]);
  });

  it("refuses bad options with a TypeError", async () => {
    await expect(createTestCertificateAuthority({ commonName: "" })).rejects.toThrow(TypeError);
    await expect(certs.ca.issueClientCertificate({ expiresInSec: Number.NaN })).rejects.toThrow(
      /expiresInSec/,
    );
  });
});

import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import {
  createTestCertificates,
  proxyCertificateHeaders,
  type TestCertificate,
  type TestCertificates,
} from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkCertificateBinding,
  checkCertificateBoundToken,
  createClientCertificateReader,
  type PresentedCertificate,
} from "../src/binding/certificate.js";
import { resolveClientCertificateOptions } from "../src/binding/certificate-options.js";
import { certificateThumbprint, thumbprintFromHex } from "../src/binding/certificate-thumbprint.js";
import { isBearerError } from "../src/index.js";

let certs: TestCertificates;
beforeAll(async () => {
  certs = await createTestCertificates();
});

function codeOf(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    if (isBearerError(error)) return `${error.status} ${error.error} ${error.code}`;
    throw error;
  }
  return undefined;
}

describe("certificate thumbprints", () => {
  it("hashes the DER certificate as RFC 8705 says: base64url(SHA-256), 43 characters", async () => {
    expect(await certificateThumbprint(certs.client.der)).toBe(certs.client.thumbprint);
    expect(certs.client.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("turns a hex SHA-256 into the same thumbprint, and refuses anything else", () => {
    const hex = Buffer.from(certs.client.thumbprint, "base64url").toString("hex");
    expect(thumbprintFromHex(hex)).toBe(certs.client.thumbprint);
    expect(thumbprintFromHex(hex.toUpperCase())).toBe(certs.client.thumbprint);
    expect(thumbprintFromHex(hex.slice(2))).toBeUndefined();
    expect(thumbprintFromHex(`${hex.slice(2)}zz`)).toBeUndefined();
  });
});

describe("checkCertificateBinding", () => {
  const presented = (certificate: TestCertificate): PresentedCertificate => ({
    thumbprint: certificate.thumbprint,
    source: "tls",
  });

  it("passes the certificate the token is bound to", () => {
    expect(
      codeOf(() => checkCertificateBinding(certs.client.thumbprint, presented(certs.client))),
    ).toBeUndefined();
  });

  it("refuses another certificate with 401 ERR_TOKEN_CERTIFICATE_MISMATCH", () => {
    expect(codeOf(() => checkCertificateBinding(certs.client.thumbprint, presented(certs.otherClient)))).toBe(
      "401 invalid_token ERR_TOKEN_CERTIFICATE_MISMATCH",
    );
  });

  it("refuses no certificate, or an unreadable one, with 401 ERR_TOKEN_CERTIFICATE_REQUIRED", () => {
    expect(codeOf(() => checkCertificateBinding(certs.client.thumbprint, { thumbprint: undefined }))).toBe(
      "401 invalid_token ERR_TOKEN_CERTIFICATE_REQUIRED",
    );
    expect(
      codeOf(() =>
        checkCertificateBinding(certs.client.thumbprint, { thumbprint: undefined, problem: "malformed" }),
      ),
    ).toBe("401 invalid_token ERR_TOKEN_CERTIFICATE_REQUIRED");
  });
});

/**
 * A real HTTPS server on 127.0.0.1 asking for client certificates of the test CA; each request
 * answers what the reader found.
 */
async function startReaderServer(
  options: unknown,
  clock: () => number = Date.now,
): Promise<{ url: string; server: Server }> {
  const read = createClientCertificateReader(resolveClientCertificateOptions(options), clock);
  const server = createServer(certs.server, (req, res) => {
    Promise.resolve(read(req, req.headers)).then(
      (found) => res.end(JSON.stringify(found)),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function call(url: string, client?: TestCertificate, headers: Record<string, string> = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: certs.ca.cert, headers, agent: false, ...(client ? { key: client.key, cert: client.cert } : {}) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve(JSON.parse(body)));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("createClientCertificateReader over real TLS", () => {
  let direct: { url: string; server: Server };
  let behindProxy: { url: string; server: Server };
  let otherPeers: { url: string; server: Server };
  let twoDaysLater: { url: string; server: Server };
  beforeAll(async () => {
    twoDaysLater = await startReaderServer(undefined, () => Date.now() + 2 * 86_400_000);
    direct = await startReaderServer(undefined);
    behindProxy = await startReaderServer({ trustedProxy: { kind: "nginx", peers: ["127.0.0.1"] } });
    otherPeers = await startReaderServer({ trustedProxy: { kind: "nginx", peers: ["10.0.0.0/8"] } });
  });
  afterAll(async () => {
    for (const { server } of [direct, behindProxy, otherPeers, twoDaysLater]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reads the thumbprint of a client certificate the TLS layer authorised", async () => {
    expect(await call(direct.url, certs.client)).toEqual({
      thumbprint: certs.client.thumbprint,
      source: "tls",
    });
  });

  it.each([
    ["no certificate", undefined],
    ["a certificate of another CA", "foreignClient"],
    ["an expired certificate", "expiredClient"],
  ] as const)("finds no certificate when the client presents %s", async (_title, which) => {
    expect(await call(direct.url, which ? certs[which] : undefined)).toEqual({});
  });

  it("finds no certificate once the authorised one has expired by the verifier's clock", async () => {
    expect(await call(twoDaysLater.url, certs.client)).toEqual({});
  });

  it("ignores a certificate header when no proxy is trusted", async () => {
    const headers = proxyCertificateHeaders(certs.client, "nginx");
    expect(await call(direct.url, undefined, headers)).toEqual({});
    expect(await call(direct.url, certs.otherClient, headers)).toEqual({
      thumbprint: certs.otherClient.thumbprint,
      source: "tls",
    });
  });

  it("reads the trusted proxy's header, not the socket, for a request from the proxy's address", async () => {
    const headers = proxyCertificateHeaders(certs.client, "nginx");
    expect(await call(behindProxy.url, certs.otherClient, headers)).toEqual({
      thumbprint: certs.client.thumbprint,
      source: "proxy",
    });
    expect(await call(behindProxy.url, certs.otherClient)).toEqual({});
  });

  it("ignores the header of a request from a peer outside the trusted addresses", async () => {
    const headers = proxyCertificateHeaders(certs.client, "nginx");
    expect(await call(otherPeers.url, undefined, headers)).toEqual({});
  });

  it("refuses an XFCC whose Hash and Cert disagree", async () => {
    const read = createClientCertificateReader(
      resolveClientCertificateOptions({ trustedProxy: { kind: "envoy", peers: "any" } }),
    );
    const hash = Buffer.from(certs.otherClient.thumbprint, "base64url").toString("hex");
    const value = `Hash=${hash};Cert="${encodeURIComponent(certs.client.cert)}"`;
    expect(await read({}, { "x-forwarded-client-cert": value })).toEqual({
      thumbprint: undefined,
      problem: "hash-mismatch",
    });
  });
});

describe("checkCertificateBoundToken", () => {
  const read = createClientCertificateReader(
    resolveClientCertificateOptions({ trustedProxy: { kind: "aws-alb", peers: "any" } }),
  );
  const verified = { binding: "mtls" };

  it("refuses verify(token), which presents no certificate", () => {
    expect(codeOf(() => checkCertificateBoundToken(verified, certs.client.thumbprint, undefined, read))).toBe(
      "401 invalid_token ERR_TOKEN_CERTIFICATE_REQUIRED",
    );
  });

  it("returns the result for the bound certificate, from a request or from bare headers", async () => {
    const headers = proxyCertificateHeaders(certs.client, "aws-alb");
    expect(await checkCertificateBoundToken(verified, certs.client.thumbprint, { headers }, read)).toBe(
      verified,
    );
    expect(
      await checkCertificateBoundToken(verified, certs.client.thumbprint, new Headers(headers), read),
    ).toBe(verified);
  });

  it("rejects another certificate with 401 ERR_TOKEN_CERTIFICATE_MISMATCH", async () => {
    const headers = proxyCertificateHeaders(certs.otherClient, "aws-alb");
    const outcome = await Promise.resolve(
      checkCertificateBoundToken(verified, certs.client.thumbprint, { headers }, read),
    ).catch((error: unknown) => error);
    expect(isBearerError(outcome) && outcome.code).toBe("ERR_TOKEN_CERTIFICATE_MISMATCH");
  });
});

import type forge from "node-forge";
import {
  buildCertificate,
  type CertificateRole,
  certificateDer,
  certificatePem,
  generateTestKeyPair,
  sharedLeafKeyPair,
  type TestKeyPair,
  thumbprintOf,
} from "./x509.js";

/** A certificate and its private key, ready for Node's TLS options and for certificate-bound tokens. */
export interface TestCertificate {
  /** PEM certificate (`cert` of `https.request`, supertest's `.cert()`). */
  readonly cert: string;
  /** PEM (PKCS#8) private key (`key` of `https.request`, supertest's `.key()`). */
  readonly key: string;
  /** The DER bytes of the certificate. */
  readonly der: Buffer;
  /** RFC 8705 `x5t#S256`: base64url(SHA-256(DER)), what a token bound to this certificate carries in `cnf`. */
  readonly thumbprint: string;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Validity and name of an issued certificate. */
export interface IssueCertificateOptions {
  /** Subject common name. Default: `"scopegate-test-client"` (client), `"localhost"` (server). */
  commonName?: string;
  /** `notBefore` as seconds from now (negative: in the past). Default: `-3600`. */
  notBeforeSec?: number;
  /** `notAfter` as seconds from now (negative for an expired certificate). Default: `86400` (a day). */
  expiresInSec?: number;
}

/** Options of a server certificate. */
export interface IssueServerCertificateOptions extends IssueCertificateOptions {
  /** DNS names and IP addresses it is valid for. Default: `["127.0.0.1", "localhost", "::1"]`. */
  hosts?: readonly string[];
}

/** TLS options for `https.createServer()` (and Fastify's `https`, Nest's `httpsOptions`). */
export interface TestHttpsServerOptions {
  key: string;
  cert: string;
  /** The CA whose client certificates the TLS layer accepts (authorises). */
  ca: string;
  /** Ask every client for a certificate… */
  requestCert: true;
  /** …but keep connections without one (or with one the CA did not issue): scopegate decides per token. */
  rejectUnauthorized: false;
}

/** A throwaway certificate authority for HTTPS and mutual-TLS tests. Never use it in production. */
export interface TestCertificateAuthority {
  /** The CA certificate (PEM): the server's `ca`, and the client's `ca` to trust the server. */
  readonly cert: string;
  readonly commonName: string;
  /** Issues a client certificate (extended key usage `clientAuth`). */
  issueClientCertificate(options?: IssueCertificateOptions): Promise<TestCertificate>;
  /** Issues a server certificate (`serverAuth`) for `hosts`. */
  issueServerCertificate(options?: IssueServerCertificateOptions): Promise<TestCertificate>;
  /**
   * Options for `https.createServer()`: a server certificate of this CA for 127.0.0.1 and localhost,
   * asking for a client certificate of this CA without requiring one. Issued once and reused.
   */
  serverOptions(): Promise<TestHttpsServerOptions>;
}

export interface TestCertificateAuthorityOptions {
  /** The CA's common name. Default: `"scopegate test CA"`. */
  commonName?: string;
  /** Current time in milliseconds since the epoch, for validity periods. Default: `Date.now`. */
  clock?: () => number;
}

function fail(option: string, fix: string): never {
  throw new TypeError(`@scopegate/testing: invalid option \`${option}\`: ${fix}`);
}

function checkSeconds(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value)))
    fail(option, "expected a finite number of seconds.");
}

interface Issuer {
  readonly certificate: forge.pki.Certificate;
  readonly keys: TestKeyPair;
}

function toTestCertificate(
  cert: forge.pki.Certificate,
  keys: TestKeyPair,
  commonName: string,
): TestCertificate {
  const der = certificateDer(cert);
  return Object.freeze({
    cert: certificatePem(cert),
    key: keys.pem,
    der,
    thumbprint: thumbprintOf(der),
    commonName,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
  });
}

/** Creates a certificate authority (RSA-2048, SHA-256) valid from an hour ago for ten years. */
export async function createTestCertificateAuthority(
  options: TestCertificateAuthorityOptions = {},
): Promise<TestCertificateAuthority> {
  if (typeof options !== "object" || options === null) fail("options", "pass an options object.");
  const commonName = options.commonName ?? "scopegate test CA";
  if (typeof commonName !== "string" || commonName.length === 0)
    fail("commonName", "expected a non-empty string.");
  if (options.clock !== undefined && typeof options.clock !== "function")
    fail("clock", "expected a function returning milliseconds.");
  const clock = options.clock ?? Date.now;
  const keys = await generateTestKeyPair();
  const now = clock();
  const certificate = buildCertificate({
    role: "ca",
    commonName,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 10 * 365 * 86_400_000),
    publicKey: keys.publicKey,
    issuer: undefined,
    issuerKey: keys.privateKey,
  });
  const issuer: Issuer = { certificate, keys };

  async function issue(
    role: CertificateRole,
    given: IssueServerCertificateOptions,
    fallbackName: string,
  ): Promise<TestCertificate> {
    if (typeof given !== "object" || given === null) fail("options", "pass an options object.");
    checkSeconds("notBeforeSec", given.notBeforeSec);
    checkSeconds("expiresInSec", given.expiresInSec);
    const name = given.commonName ?? fallbackName;
    if (typeof name !== "string" || name.length === 0) fail("commonName", "expected a non-empty string.");
    const subjectKeys = await sharedLeafKeyPair();
    const at = clock();
    const cert = buildCertificate({
      role,
      commonName: name,
      notBefore: new Date(at + (given.notBeforeSec ?? -3600) * 1000),
      notAfter: new Date(at + (given.expiresInSec ?? 86_400) * 1000),
      publicKey: subjectKeys.publicKey,
      issuer: issuer.certificate,
      issuerKey: issuer.keys.privateKey,
      hosts: given.hosts ?? ["127.0.0.1", "localhost", "::1"],
    });
    return toTestCertificate(cert, subjectKeys, name);
  }

  const caPem = certificatePem(certificate);
  let server: Promise<TestHttpsServerOptions> | undefined;
  return Object.freeze({
    cert: caPem,
    commonName,
    issueClientCertificate: (given: IssueCertificateOptions = {}) =>
      issue("client", given, "scopegate-test-client"),
    issueServerCertificate: (given: IssueServerCertificateOptions = {}) =>
      issue("server", given, "localhost"),
    serverOptions() {
      server ??= issue("server", {}, "localhost").then((s) => ({
        key: s.key,
        cert: s.cert,
        ca: caPem,
        requestCert: true as const,
        rejectUnauthorized: false as const,
      }));
      return server;
    },
  });
}

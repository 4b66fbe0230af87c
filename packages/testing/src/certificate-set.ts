import {
  createTestCertificateAuthority,
  type TestCertificate,
  type TestCertificateAuthority,
  type TestHttpsServerOptions,
} from "./certificates.js";

/** A ready set for mutual-TLS tests: one CA, a server, and a client certificate of every kind. */
export interface TestCertificates {
  /** The CA every certificate below but `foreignClient` comes from. */
  readonly ca: TestCertificateAuthority;
  /** `https.createServer()` options: a 127.0.0.1/localhost certificate, asking for a client certificate of `ca`. */
  readonly server: TestHttpsServerOptions;
  /** A valid client certificate of `ca`: the TLS layer authorises it. */
  readonly client: TestCertificate;
  /** Another valid client certificate of `ca`: a token bound to `client` must fail with it. */
  readonly otherClient: TestCertificate;
  /** A client certificate of another CA: the TLS layer does not authorise it. */
  readonly foreignClient: TestCertificate;
  /** A client certificate of `ca` that expired an hour ago: the TLS layer does not authorise it. */
  readonly expiredClient: TestCertificate;
}

/** Creates {@link TestCertificates}: two fresh CA keys and the shared leaf key (RSA-2048), generated in parallel. */
export async function createTestCertificates(
  options: { clock?: () => number } = {},
): Promise<TestCertificates> {
  const [ca, foreignCa] = await Promise.all([
    createTestCertificateAuthority(options),
    createTestCertificateAuthority({ ...options, commonName: "scopegate foreign test CA" }),
  ]);
  const [server, client, otherClient, foreignClient, expiredClient] = await Promise.all([
    ca.serverOptions(),
    ca.issueClientCertificate({ commonName: "scopegate-test-client" }),
    ca.issueClientCertificate({ commonName: "scopegate-other-client" }),
    foreignCa.issueClientCertificate({ commonName: "scopegate-foreign-client" }),
    ca.issueClientCertificate({
      commonName: "scopegate-expired-client",
      notBeforeSec: -7200,
      expiresInSec: -3600,
    }),
  ]);
  return Object.freeze({ ca, server, client, otherClient, foreignClient, expiredClient });
}

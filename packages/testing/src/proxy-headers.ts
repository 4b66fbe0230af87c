import { createHash } from "node:crypto";
import type { TestCertificate } from "./certificates.js";

/** The TLS-terminating proxies `@scopegate/core` reads client certificates from. */
export type TestProxyKind = "envoy" | "aws-alb" | "aws-alb-passthrough" | "nginx";

/** URL-encoded PEM with `+`, `=` and `/` left as they are (how an AWS load balancer writes it). */
function albEscape(pem: string): string {
  return encodeURIComponent(pem).replace(/%2B/g, "+").replace(/%3D/g, "=").replace(/%2F/g, "/");
}

/**
 * The header a TLS-terminating proxy of `kind` would send for a client that presented `certificate`:
 * Envoy's `x-forwarded-client-cert` (`Hash` and `Cert`), an AWS load balancer's
 * `x-amzn-mtls-clientcert-leaf` (verify mode) or `x-amzn-mtls-clientcert` (passthrough), or nginx's
 * `$ssl_client_escaped_cert` in `x-ssl-client-cert`. `header` renames it.
 */
export function proxyCertificateHeaders(
  certificate: Pick<TestCertificate, "cert" | "der" | "commonName">,
  kind: TestProxyKind,
  header?: string,
): Record<string, string> {
  switch (kind) {
    case "envoy": {
      const hash = createHash("sha256").update(certificate.der).digest("hex");
      const value = `By=spiffe://cluster.local/ns/default/sa/calendar;Hash=${hash};Cert="${encodeURIComponent(certificate.cert)}";Subject="CN=${certificate.commonName},O=scopegate test";URI=`;
      return { [header ?? "x-forwarded-client-cert"]: value };
    }
    case "aws-alb":
      return { [header ?? "x-amzn-mtls-clientcert-leaf"]: albEscape(certificate.cert) };
    case "aws-alb-passthrough":
      return { [header ?? "x-amzn-mtls-clientcert"]: albEscape(certificate.cert) };
    case "nginx":
      return { [header ?? "x-ssl-client-cert"]: encodeURIComponent(certificate.cert) };
    default:
      throw new TypeError(`@scopegate/testing: unknown proxy kind ${JSON.stringify(kind)}.`);
  }
}

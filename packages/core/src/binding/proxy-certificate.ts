import type { HeadersLike } from "../base/types.js";
import { readHeader } from "../http/bearer.js";
import { thumbprintFromHex } from "./certificate-thumbprint.js";
import { decodePemCertificate } from "./pem.js";
import { parseXfcc, xfccValue } from "./xfcc.js";

/**
 * TLS-terminating proxies whose client-certificate header scopegate reads:
 * - `"envoy"`: `x-forwarded-client-cert` (XFCC); its last element (the one the adjacent Envoy wrote)
 *   gives `Hash` (hex SHA-256 of the DER) and/or `Cert` (URL-encoded PEM).
 * - `"aws-alb"`: an Application Load Balancer in mutual-TLS *verify* mode: `x-amzn-mtls-clientcert-leaf`
 *   (URL-encoded PEM of the certificate the load balancer verified).
 * - `"aws-alb-passthrough"`: *passthrough* mode: `x-amzn-mtls-clientcert` (URL-encoded PEM chain, leaf
 *   first); the load balancer checked possession of the key but not the chain.
 * - `"nginx"`: a header you set to `$ssl_client_escaped_cert` (URL-encoded PEM), by default `x-ssl-client-cert`.
 */
export type TrustedProxyKind = "envoy" | "aws-alb" | "aws-alb-passthrough" | "nginx";

/** The header each kind of proxy writes (lower case). */
export const PROXY_CERTIFICATE_HEADERS: Readonly<Record<TrustedProxyKind, string>> = {
  envoy: "x-forwarded-client-cert",
  "aws-alb": "x-amzn-mtls-clientcert-leaf",
  "aws-alb-passthrough": "x-amzn-mtls-clientcert",
  nginx: "x-ssl-client-cert",
};

/** Largest certificate header read, in characters; a longer one is refused unread. */
export const MAX_CERTIFICATE_HEADER_CHARS = 65_536;

/** Why a certificate header could not be read. Never carries the header's text. */
export type CertificateHeaderProblem = "too-large" | "repeated" | "malformed";

/** What a proxy's header says about the client certificate (errors as data: nothing here throws). */
export type ProxyCertificate =
  | { readonly status: "absent" }
  | {
      readonly status: "present";
      /** The certificate, when the header carries it. */
      readonly der: Uint8Array | undefined;
      /** Its thumbprint, when the header states one (XFCC `Hash`); must match `der` when both are given. */
      readonly thumbprint: string | undefined;
    }
  | { readonly status: "unreadable"; readonly problem: CertificateHeaderProblem };

const ABSENT: ProxyCertificate = Object.freeze({ status: "absent" });
const unreadable = (problem: CertificateHeaderProblem): ProxyCertificate => ({
  status: "unreadable",
  problem,
});

/** The first certificate of a URL-encoded PEM text; `undefined` when it is not one. */
function decodeEscapedPem(escaped: string): Uint8Array | undefined {
  let pem: string;
  try {
    pem = decodeURIComponent(escaped); // `+` stays `+`: these headers are not form-encoded
  } catch {
    return undefined;
  }
  return decodePemCertificate(pem);
}

function fromXfcc(value: string): ProxyCertificate {
  const element = parseXfcc(value)?.at(-1);
  if (element === undefined) return unreadable("malformed");
  const hash = xfccValue(element, "hash");
  const cert = xfccValue(element, "cert");
  if (hash === null || cert === null) return unreadable("malformed");
  if (hash === undefined && cert === undefined) return ABSENT;
  const thumbprint = hash === undefined ? undefined : thumbprintFromHex(hash);
  const der = cert === undefined ? undefined : decodeEscapedPem(cert);
  if ((hash !== undefined && thumbprint === undefined) || (cert !== undefined && der === undefined))
    return unreadable("malformed");
  return { status: "present", der, thumbprint };
}

function fromEscapedPem(value: string): ProxyCertificate {
  // An escaped PEM has no literal comma: one means Node joined a repeated header.
  if (value.includes(",")) return unreadable("repeated");
  const der = decodeEscapedPem(value);
  return der === undefined ? unreadable("malformed") : { status: "present", der, thumbprint: undefined };
}

/**
 * Reads the client certificate a trusted proxy of `kind` put in `header`. Call it only for requests
 * that came through that proxy: the header is whatever the sender wrote otherwise.
 */
export function readProxyCertificate(
  headers: HeadersLike,
  kind: TrustedProxyKind,
  header: string = PROXY_CERTIFICATE_HEADERS[kind],
): ProxyCertificate {
  const raw = readHeader(headers, header);
  if (raw === undefined) return ABSENT;
  if (typeof raw !== "string") return unreadable("repeated");
  if (raw.length > MAX_CERTIFICATE_HEADER_CHARS) return unreadable("too-large");
  const value = raw.trim();
  if (value === "") return ABSENT;
  return kind === "envoy" ? fromXfcc(value) : fromEscapedPem(value);
}

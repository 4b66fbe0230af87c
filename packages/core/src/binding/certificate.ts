import type { HeadersLike, RequestLike } from "../base/types.js";
import { InvalidTokenError } from "../http/errors.js";
import type { ResolvedClientCertificateOptions } from "./certificate-options.js";
import { certificateThumbprint } from "./certificate-thumbprint.js";
import { type CertificateHeaderProblem, readProxyCertificate } from "./proxy-certificate.js";
import { readTlsCertificate, socketOf, type TlsSocketLike } from "./tls-certificate.js";

/**
 * Certificate-bound access tokens (RFC 8705 §3): a token whose `cnf` claim carries `x5t#S256` is good
 * only on a request that presents the client certificate with that SHA-256 thumbprint.
 */

/** The client certificate a request presented, as far as binding is concerned. */
export type PresentedCertificate =
  | { readonly thumbprint: string; readonly source: "tls" | "proxy" }
  | { readonly thumbprint: undefined; readonly problem?: CertificateHeaderProblem | "hash-mismatch" };

const NONE: PresentedCertificate = Object.freeze({ thumbprint: undefined });

/** Equal strings, compared without an early exit. */
function sameThumbprint(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Throws 401 `invalid_token` unless the request presented the certificate the token is bound to:
 * `ERR_TOKEN_CERTIFICATE_REQUIRED` when it presented none (or none that the TLS layer or the trusted
 * proxy vouched for), `ERR_TOKEN_CERTIFICATE_MISMATCH` when it presented another one.
 */
export function checkCertificateBinding(bound: string, presented: PresentedCertificate): void {
  if (presented.thumbprint === undefined) {
    const problem = "problem" in presented ? presented.problem : undefined;
    throw new InvalidTokenError("ERR_TOKEN_CERTIFICATE_REQUIRED", problem ? { cause: { problem } } : {});
  }
  if (!sameThumbprint(bound, presented.thumbprint))
    throw new InvalidTokenError("ERR_TOKEN_CERTIFICATE_MISMATCH");
}

/** Reads the client certificate of a request: its TLS connection's, or a trusted proxy's header. */
export type ClientCertificateReader = (
  request: unknown,
  headers: HeadersLike,
) => PresentedCertificate | Promise<PresentedCertificate>;

/**
 * Builds the reader for `options`. A request from a trusted proxy's peer address is read from the
 * proxy's header (the socket's certificate there is the proxy's own); every other request from its
 * TLS socket, with any certificate header ignored. A socket's thumbprint is remembered while the
 * socket presents the same certificate, so keep-alive requests hash once.
 */
export function createClientCertificateReader(
  options: ResolvedClientCertificateOptions,
  clock: () => number = Date.now,
): ClientCertificateReader {
  const bySocket = new WeakMap<TlsSocketLike, { der: Uint8Array; thumbprint: string }>();
  const proxy = options.trustedProxy;

  function fromSocket(
    socket: TlsSocketLike | undefined,
  ): PresentedCertificate | Promise<PresentedCertificate> {
    const der = readTlsCertificate(socket, clock());
    if (der === undefined || socket === undefined) return NONE;
    const known = bySocket.get(socket);
    if (known !== undefined && sameBytes(known.der, der))
      return { thumbprint: known.thumbprint, source: "tls" };
    return certificateThumbprint(der).then((thumbprint) => {
      bySocket.set(socket, { der, thumbprint });
      return { thumbprint, source: "tls" as const };
    });
  }

  return (request, headers) => {
    const socket = socketOf(request);
    if (proxy === null || !proxy.isTrustedPeer(socket?.remoteAddress)) return fromSocket(socket);
    const found = readProxyCertificate(headers, proxy.kind, proxy.header);
    if (found.status === "absent") return NONE;
    if (found.status === "unreadable") return { thumbprint: undefined, problem: found.problem };
    if (found.der === undefined) return { thumbprint: found.thumbprint as string, source: "proxy" };
    return certificateThumbprint(found.der).then((thumbprint): PresentedCertificate => {
      if (found.thumbprint !== undefined && !sameThumbprint(found.thumbprint, thumbprint))
        return { thumbprint: undefined, problem: "hash-mismatch" };
      return { thumbprint, source: "proxy" };
    });
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The headers of a request, or the headers given instead of a request. */
function headersOf(request: RequestLike | HeadersLike): HeadersLike {
  const headers = (request as { headers?: unknown }).headers;
  return typeof headers === "object" && headers !== null
    ? (headers as HeadersLike)
    : (request as HeadersLike);
}

/**
 * The binding step for a token bound to the certificate `thumbprint`: returns `verified` when
 * `request` presented that certificate, throws (or rejects with) 401 `invalid_token` otherwise.
 * `request` is `undefined` for `verify(token)`, which presents no certificate.
 */
export function checkCertificateBoundToken<T>(
  verified: T,
  thumbprint: string,
  request: RequestLike | HeadersLike | undefined,
  read: ClientCertificateReader,
): T | Promise<T> {
  if (request === undefined) throw new InvalidTokenError("ERR_TOKEN_CERTIFICATE_REQUIRED");
  const presented = read(request, headersOf(request));
  if (presented instanceof Promise) {
    return presented.then((found) => {
      checkCertificateBinding(thumbprint, found);
      return verified;
    });
  }
  checkCertificateBinding(thumbprint, presented);
  return verified;
}

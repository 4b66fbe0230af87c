import { invalidOption } from "../base/option-checks.js";
import { type AddressRange, createPeerMatcher, type PeerMatcher, parseRange } from "./peer-address.js";
import { PROXY_CERTIFICATE_HEADERS, type TrustedProxyKind } from "./proxy-certificate.js";

/** A TLS-terminating proxy whose client-certificate header is believed. */
export interface TrustedProxyOptions {
  /** Which proxy it is, and so which header is read and how (see `TrustedProxyKind`). Required. */
  kind: TrustedProxyKind;
  /**
   * The proxy's own addresses, as the service sees them (the TCP peer of the request): IP addresses
   * and CIDR ranges (`"10.0.0.0/8"`, `"fd00::/8"`). Only requests from these peers have their header
   * read; from any other peer the header is ignored and the TLS socket's certificate counts.
   * `"any"` believes every peer: only for a service no one but the proxy can reach (a sidecar on
   * loopback, a runtime without sockets). Required: there is no safe default.
   */
  peers: readonly string[] | "any";
  /** The header to read. Default: the kind's (`x-forwarded-client-cert`, `x-amzn-mtls-clientcert-leaf`, `x-amzn-mtls-clientcert`, `x-ssl-client-cert`). */
  header?: string;
}

/** Where the client certificate of certificate-bound tokens (RFC 8705) comes from. */
export interface ClientCertificateOptions {
  /**
   * A proxy that terminates TLS in front of the service and forwards the client certificate in a
   * header. Default: `null`: only the certificate of the request's own TLS connection counts, and
   * every header claiming a certificate is ignored.
   */
  trustedProxy?: TrustedProxyOptions | null;
}

/** A trusted proxy after validation. */
export interface ResolvedTrustedProxy {
  readonly kind: TrustedProxyKind;
  readonly header: string;
  /** The configured peers as given, or `"any"`. */
  readonly peers: readonly string[] | "any";
  /** True when a request from `remoteAddress` came through the proxy. */
  readonly isTrustedPeer: PeerMatcher;
}

/** {@link ClientCertificateOptions} after validation and defaults. */
export interface ResolvedClientCertificateOptions {
  readonly trustedProxy: ResolvedTrustedProxy | null;
}

const KINDS = Object.keys(PROXY_CERTIFICATE_HEADERS) as TrustedProxyKind[];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const NOT_CERTIFICATE_HEADERS = new Set(["authorization", "dpop", "host", "cookie", "forwarded"]);

function checkKeys(where: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      invalidOption(`${where}.${key}`, `unknown option; ${where} takes ${known.join(", ")}.`);
  }
}

function resolvePeers(value: unknown): readonly AddressRange[] | "any" {
  if (value === "any") return "any";
  const where = "clientCertificate.trustedProxy.peers";
  if (!Array.isArray(value) || value.length === 0) {
    return invalidOption(
      where,
      'list the proxy\'s addresses (e.g. ["10.0.0.0/8"]), or pass "any" when only the proxy can reach this service.',
    );
  }
  return value.map((entry: unknown) => {
    const range = typeof entry === "string" ? parseRange(entry) : undefined;
    if (range === undefined)
      invalidOption(where, `${JSON.stringify(entry)} is not an IP address or CIDR range.`);
    return range as AddressRange;
  });
}

function resolveTrustedProxy(value: unknown): ResolvedTrustedProxy | null {
  if (value === undefined || value === null) return null;
  const where = "clientCertificate.trustedProxy";
  if (typeof value !== "object")
    return invalidOption(where, "expected `{ kind, peers, header? }` or `null`.");
  checkKeys(where, value, ["kind", "peers", "header"]);
  const { kind, peers, header } = value as Partial<TrustedProxyOptions>;
  if (!KINDS.includes(kind as TrustedProxyKind)) {
    invalidOption(
      `${where}.kind`,
      `expected one of ${KINDS.map((k) => `"${k}"`).join(", ")}; got ${JSON.stringify(kind)}.`,
    );
  }
  if (header !== undefined && (typeof header !== "string" || !HEADER_NAME.test(header)))
    invalidOption(`${where}.header`, "expected an HTTP header name.");
  const name = (header ?? PROXY_CERTIFICATE_HEADERS[kind as TrustedProxyKind]).toLowerCase();
  if (NOT_CERTIFICATE_HEADERS.has(name))
    invalidOption(`${where}.header`, `${name} cannot carry a client certificate.`);
  const ranges = resolvePeers(peers);
  return Object.freeze({
    kind: kind as TrustedProxyKind,
    header: name,
    peers: peers === "any" ? "any" : Object.freeze([...(peers as readonly string[])]),
    isTrustedPeer: createPeerMatcher(ranges),
  });
}

/** Validates `clientCertificate` and applies defaults. Throws a `TypeError` naming the option and the fix. */
export function resolveClientCertificateOptions(value: unknown): ResolvedClientCertificateOptions {
  if (value === undefined) return { trustedProxy: null };
  if (typeof value !== "object" || value === null)
    return invalidOption("clientCertificate", "expected `{ trustedProxy? }`.");
  checkKeys("clientCertificate", value, ["trustedProxy"]);
  return Object.freeze({
    trustedProxy: resolveTrustedProxy((value as ClientCertificateOptions).trustedProxy),
  });
}

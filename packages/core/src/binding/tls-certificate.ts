/**
 * The client certificate of the TLS connection a request arrived on (Node's `https`, `http2` and
 * every framework built on them). Read through the socket's own methods: nothing here imports a
 * `node:` module, and on runtimes without a socket there is simply no certificate.
 */

/** The parts of Node's `tls.TLSSocket` read here. */
export interface TlsSocketLike {
  /** `true` only when the TLS layer verified the peer's certificate against the server's `ca`. */
  readonly authorized?: boolean;
  getPeerCertificate?(
    detailed?: boolean,
  ):
    | { readonly raw?: Uint8Array; readonly valid_from?: string; readonly valid_to?: string }
    | null
    | undefined;
  readonly remoteAddress?: string | undefined;
}

type WithSocket = { readonly socket?: unknown };

/**
 * The socket behind a request: Node's `IncomingMessage` (Express `req`, Nest on Express) and Koa's
 * `ctx.request` have `socket`; Koa's `ctx.request.req` and Fastify's `request.raw` hold the Node request.
 */
export function socketOf(request: unknown): TlsSocketLike | undefined {
  if (typeof request !== "object" || request === null) return undefined;
  const direct = (request as WithSocket).socket;
  if (typeof direct === "object" && direct !== null) return direct as TlsSocketLike;
  for (const inner of [(request as { req?: unknown }).req, (request as { raw?: unknown }).raw]) {
    if (typeof inner === "object" && inner !== null) {
      const socket = (inner as WithSocket).socket;
      if (typeof socket === "object" && socket !== null) return socket as TlsSocketLike;
    }
  }
  return undefined;
}

/** Largest DER certificate accepted, in bytes. */
export const MAX_CERTIFICATE_BYTES = 16_384;

/** False when a validity date Node gives (`"Dec  6 12:00:00 2027 GMT"`) says the certificate is not valid at `nowMs`. */
function validAt(validFrom: string | undefined, validTo: string | undefined, nowMs: number): boolean {
  const from = validFrom === undefined ? Number.NaN : Date.parse(validFrom);
  const to = validTo === undefined ? Number.NaN : Date.parse(validTo);
  return !(from > nowMs) && !(to < nowMs);
}

/**
 * The DER bytes of the client certificate the TLS layer authorised on `socket`, or `undefined`: no TLS,
 * no certificate, a certificate that did not verify against the server's `ca` (with
 * `rejectUnauthorized: false` such a connection stays open, but its certificate proves nothing), or
 * one that expired since the handshake (a keep-alive connection outlives its check).
 */
export function readTlsCertificate(socket: TlsSocketLike | undefined, nowMs: number): Uint8Array | undefined {
  if (socket === undefined || socket.authorized !== true) return undefined;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  let peer: ReturnType<NonNullable<TlsSocketLike["getPeerCertificate"]>>;
  try {
    peer = socket.getPeerCertificate(false);
  } catch {
    return undefined; // a socket torn down meanwhile
  }
  const raw: unknown = peer?.raw;
  if (!(raw instanceof Uint8Array) || raw.length === 0 || raw.length > MAX_CERTIFICATE_BYTES)
    return undefined;
  return validAt(peer?.valid_from, peer?.valid_to, nowMs) ? raw : undefined;
}

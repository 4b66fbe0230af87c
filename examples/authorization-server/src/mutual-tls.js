// @ts-check
import { createServer } from "node:https";

/**
 * Certificate-bound access tokens (RFC 8705 §3): the server's TLS identity and the CA whose client
 * certificates it accepts.
 * @typedef {object} MutualTlsOptions
 * @property {string} cert PEM certificate of the mutual-TLS listener
 * @property {string} key PEM private key of that certificate
 * @property {string} ca PEM CA certificate: client certificates it issued are accepted
 */

/**
 * The client certificate of a request's TLS connection when the TLS layer authorised it (issued by
 * the configured CA, valid); `undefined` otherwise: a certificate nobody vouched for is no certificate.
 * @param {{ socket?: unknown, req?: { socket?: unknown } }} ctx oidc-provider's (Koa) context
 * @returns {import("node:crypto").X509Certificate | undefined}
 */
export function authorisedClientCertificate(ctx) {
  const socket = /** @type {Partial<import("node:tls").TLSSocket> | undefined} */ (
    ctx.socket ?? ctx.req?.socket
  );
  if (!socket?.authorized || typeof socket.getPeerX509Certificate !== "function") return undefined;
  return socket.getPeerX509Certificate();
}

/**
 * oidc-provider's `features.mTLS`: certificate-bound access tokens only (clients still authenticate
 * with their secret). A client registered with `tls_client_certificate_bound_access_tokens` must
 * come to the token endpoint over mutual TLS; its tokens carry `cnf["x5t#S256"]`.
 * @returns {NonNullable<import("oidc-provider").Configuration["features"]>["mTLS"]}
 */
export function mutualTlsFeature() {
  return {
    enabled: true,
    certificateBoundAccessTokens: true,
    getCertificate: (ctx) => authorisedClientCertificate(ctx),
    certificateAuthorized: (ctx) => authorisedClientCertificate(ctx) !== undefined,
    certificateSubjectMatches: () => false,
  };
}

/**
 * Listens for HTTPS with client certificates asked for (not required at the TLS level: the token
 * endpoint decides) on `host` and a free port, serving `handler`.
 * @param {MutualTlsOptions} tls
 * @param {string} host
 * @param {import("node:http").RequestListener} handler
 * @returns {Promise<import("node:https").Server>}
 */
export async function listenMutualTls(tls, host, handler) {
  const server = createServer(
    { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false },
    handler,
  );
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  return server;
}

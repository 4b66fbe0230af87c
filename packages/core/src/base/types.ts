/** A JSON value as found in a JWT's header or claims. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The JOSE header of a verified token. */
export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  [parameter: string]: JsonValue | undefined;
}

/** The claims of a verified token. Registered claims are typed; others are JSON values. */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  client_id?: string;
  azp?: string;
  scope?: string;
  scp?: string | string[];
  [claim: string]: JsonValue | undefined;
}

/** What a successful verification returns. */
export interface VerifiedToken {
  /** The compact JWT as received. Treat it as a secret: never log it. */
  readonly token: string;
  readonly header: Readonly<JwtHeader>;
  readonly claims: Readonly<JwtClaims>;
  /** Scopes normalised from `scope`, `scp` and any configured extra claims; unique, in token order. */
  readonly scopes: readonly string[];
  /** `sub`, if present. */
  readonly subject: string | undefined;
  /** The calling client: the first of the verifier's `clientIdClaims` present (default `client_id`, then `azp`). */
  readonly clientId: string | undefined;
  /** `iss` (always one of the configured issuers). */
  readonly issuer: string;
  /** `exp` as a Date. */
  readonly expiresAt: Date;
  /**
   * What the token is bound to (its `cnf` claim), checked against the request on every use: `null`
   * for a plain bearer token.
   */
  readonly binding: TokenConfirmation | null;
  /**
   * Headers to set on the response of the request this result authenticated, such as a fresh
   * `DPoP-Nonce` (RFC 9449 §8.2). Absent when there are none; scopegate's adapters set them.
   */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

/** How a token is bound to its client (RFC 7800 `cnf`), frozen. */
export interface TokenConfirmation {
  /** `"dpop"`: `cnf.jkt`, proved by a DPoP proof (RFC 9449); `"mtls"`: `cnf["x5t#S256"]`, by the TLS client certificate (RFC 8705). */
  readonly method: "dpop" | "mtls";
  /** The base64url SHA-256 thumbprint the token names: of the DPoP public key (RFC 7638) or of the certificate (DER). */
  readonly thumbprint: string;
}

/**
 * Request headers in any of the shapes frameworks use: Node's `IncomingHttpHeaders`, a plain record,
 * or a Fetch-API `Headers`.
 */
export type HeadersLike =
  | { readonly [name: string]: string | readonly string[] | undefined }
  | { get(name: string): string | null };

/** Query parameters: a parsed record (Express, Koa) or `URLSearchParams`. */
export type QueryLike = { readonly [name: string]: unknown } | URLSearchParams;

/** The Node.js request (`http.IncomingMessage`) behind a framework's request object. */
export interface NodeRequestLike {
  readonly rawHeaders?: readonly string[] | undefined;
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** The connection: a `tls.TLSSocket` on HTTPS servers (read for certificate-bound tokens). */
  readonly socket?: unknown;
}

/**
 * The parts of an HTTP request core reads. Express's `req`, Koa's `ctx.request`, Fastify's `request`
 * and Nest's request objects fit as they are.
 */
export interface RequestLike {
  readonly headers: HeadersLike;
  readonly method?: string | undefined;
  /** The request target as received (Node's `req.url`); read for DPoP's `htu`. */
  readonly url?: string | undefined;
  /** The request target before any router rewrote `url` (Express, Koa, Fastify). */
  readonly originalUrl?: string | undefined;
  /** The connection (Express: `req.socket`); read for certificate-bound tokens. */
  readonly socket?: unknown;
  /**
   * Read only when `allowQueryToken` is on, or to detect a second token; not read at all when `url`
   * is given and neither it nor `originalUrl` has a `?` (no query string, nothing to parse).
   */
  readonly query?: QueryLike | undefined | null;
  /** A parsed form body. Read only when `allowBodyToken` is on, or to detect a second token. */
  readonly body?: unknown;
  /** Node's raw header lines, where a repeated `Authorization` header is still visible. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The Node request behind a framework request: Koa's `ctx.request.req`. */
  readonly req?: NodeRequestLike | undefined;
  /** The Node request behind a framework request: Fastify's `request.raw`. */
  readonly raw?: NodeRequestLike | undefined;
}

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

/**
 * The parts of an HTTP request bearer extraction reads. Express's `req`, Koa's `ctx.request` and
 * Nest's request objects fit as they are.
 */
export interface RequestLike {
  readonly headers: HeadersLike;
  readonly method?: string | undefined;
  /** Read only when `allowQueryToken` is on, or to detect a second token. */
  readonly query?: QueryLike | undefined | null;
  /** A parsed form body. Read only when `allowBodyToken` is on, or to detect a second token. */
  readonly body?: unknown;
  /** Node's raw header lines, where a repeated `Authorization` header is still visible. */
  readonly rawHeaders?: readonly string[] | undefined;
  /** The Node request behind a framework request: Koa's `ctx.request.req`. */
  readonly req?: { readonly rawHeaders?: readonly string[] | undefined } | undefined;
  /** The Node request behind a framework request: Fastify's `request.raw`. */
  readonly raw?: { readonly rawHeaders?: readonly string[] | undefined } | undefined;
}

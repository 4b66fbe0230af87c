import type { HeadersLike, QueryLike, RequestLike } from "../base/types.js";
import { CredentialsRequiredError, InvalidRequestError } from "./errors.js";

/** Where extraction may look besides the `Authorization` header. */
export interface BearerExtractionOptions {
  /** Accept `?access_token=` (RFC 6750 §2.3). Default: `false`. */
  allowQueryToken?: boolean;
  /** Accept `access_token` in a form-encoded body (RFC 6750 §2.2). Default: `false`. */
  allowBodyToken?: boolean;
}

/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const AUTHORIZATION = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?: +(.*))?$/s;

function isHeadersObject(value: unknown): value is { get(name: string): string | null } {
  return (
    typeof value === "object" && value !== null && typeof (value as { get?: unknown }).get === "function"
  );
}

/** Reads one header from any {@link HeadersLike}; `undefined` when absent. Arrays mean it came more than once. */
export function readHeader(headers: HeadersLike, name: string): string | readonly string[] | undefined {
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const record = headers as { readonly [name: string]: string | readonly string[] | undefined };
  const direct = record[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return record[key];
  }
  return undefined;
}

/** No values: one shared empty list. */
const NONE: readonly unknown[] = Object.freeze([]);

function readQueryParam(query: QueryLike | null | undefined, name: string): readonly unknown[] {
  if (!query || typeof query !== "object") return NONE;
  if (query instanceof URLSearchParams) return query.getAll(name);
  if (!Object.hasOwn(query, name)) return NONE;
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined) return NONE;
  return Array.isArray(value) ? value : [value];
}

/**
 * Whether the request may have a query string. A request whose `url` (and `originalUrl`, if any) has
 * no `?` has none, so its `query` is not read: on Express and Koa reading it parses the URL again
 * (about 5 µs on an Express request). Without a `url` (a plain object), `query` is read.
 */
function hasQuery(request: RequestLike): boolean {
  const { url, originalUrl } = request;
  if (typeof url !== "string") return true;
  return url.includes("?") || (typeof originalUrl === "string" && originalUrl.includes("?"));
}

function isFormRequest(request: RequestLike): boolean {
  const method = (request.method ?? "").toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  const type = readHeader(request.headers, "content-type");
  return typeof type === "string" && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type);
}

/**
 * Counts the lines of header `lowerName` in Node's `rawHeaders`, which keeps the duplicates Node
 * itself drops or joins: on the request (Node, Express), on `request.req` (Koa's `ctx.request`) or
 * `request.raw` (Fastify).
 */
export function countRawHeaderLines(request: RequestLike, lowerName: string): number {
  const raw = request.rawHeaders ?? request.req?.rawHeaders ?? request.raw?.rawHeaders;
  if (!Array.isArray(raw)) return 0;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (typeof name === "string" && name.length === lowerName.length && startsWithAnyCase(name, lowerName))
      count++;
  }
  return count;
}

/**
 * Whether `value` starts with `lower` (lower-case ASCII) in any ASCII case, compared character by
 * character: no lower-cased copy is made, which on a hot path is an allocation per request.
 */
function startsWithAnyCase(value: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const expected = lower.charCodeAt(i);
    const actual = value.charCodeAt(i);
    if (actual !== expected && !(expected >= 0x61 && expected <= 0x7a && actual === expected - 0x20))
      return false;
  }
  return true;
}

/** The `Authorization` schemes that carry access tokens: `Bearer` (RFC 6750) and `DPoP` (RFC 9449). */
export type CredentialScheme = "bearer" | "dpop";

/** Which schemes a verifier takes. The others count as no credentials, as `Basic` does. */
export interface AcceptedSchemes {
  readonly bearer: boolean;
  readonly dpop: boolean;
}

/** A token and the scheme it came with (query and form-body tokens are `bearer`). */
export interface Credentials {
  readonly token: string;
  readonly scheme: CredentialScheme;
}

const BEARER_ONLY: AcceptedSchemes = Object.freeze({ bearer: true, dpop: false });

/**
 * Parses an `Authorization` header value. Returns the token for the Bearer scheme, `undefined` for
 * other schemes (they are not bearer credentials), and throws `InvalidRequestError` when it is malformed.
 */
export function parseAuthorizationHeader(value: string): string | undefined {
  return parseAuthorization(value, false, BEARER_ONLY)?.token;
}

/**
 * Throws `InvalidRequestError` (`ERR_MALFORMED_AUTHORIZATION`, 400) unless `token` is a b64token
 * (RFC 6750 §2.1), for a token whose scan extraction left to the caller.
 */
export function requireB64token(token: string): void {
  if (!B64TOKEN.test(token)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
}

/** The token after a scheme name of `length` characters and a space, checked as b64token (token68). */
function credentialsAfter(
  trimmed: string,
  length: number,
  scheme: CredentialScheme,
  scanLater: boolean,
): Credentials {
  const token = trimmed.slice(length + 1).trim();
  if (token === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
  if (!scanLater && !B64TOKEN.test(token)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  return { token, scheme };
}

function parseAuthorization(
  value: string,
  scanLater: boolean,
  schemes: AcceptedSchemes,
): Credentials | undefined {
  const trimmed = value.trim();
  // "Bearer <token>" / "DPoP <token>" (any case, then spaces): what AUTHORIZATION would capture, without running it.
  if (schemes.bearer && trimmed.charCodeAt(6) === 0x20 && startsWithAnyCase(trimmed, "bearer")) {
    return credentialsAfter(trimmed, 6, "bearer", scanLater);
  }
  if (schemes.dpop && trimmed.charCodeAt(4) === 0x20 && startsWithAnyCase(trimmed, "dpop")) {
    return credentialsAfter(trimmed, 4, "dpop", scanLater);
  }
  const match = AUTHORIZATION.exec(trimmed);
  if (!match) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  const name = match[1]!.toLowerCase();
  const scheme =
    name === "bearer" && schemes.bearer ? "bearer" : name === "dpop" && schemes.dpop ? "dpop" : undefined;
  if (scheme === undefined) return undefined;
  const token = (match[2] ?? "").trim();
  if (token === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
  if (!B64TOKEN.test(token)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  return { token, scheme };
}

function tokenFromHeader(
  request: RequestLike,
  headers: HeadersLike,
  scanLater: boolean,
  schemes: AcceptedSchemes,
): Credentials | undefined {
  const value = readHeader(headers, "authorization");
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    if (value.length === 0) return undefined;
    if (value.length > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
    return tokenFromHeaderValue(value[0]!, scanLater, schemes);
  }
  if (countRawHeaderLines(request, "authorization") > 1)
    throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  return tokenFromHeaderValue(value, scanLater, schemes);
}

function tokenFromHeaderValue(
  value: string,
  scanLater: boolean,
  schemes: AcceptedSchemes,
): Credentials | undefined {
  if (value.includes(",") && /^\s*(?:bearer|dpop)\s+\S+\s*,/i.test(value))
    throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  return parseAuthorization(value, scanLater, schemes);
}

function tokenFromParameter(values: readonly unknown[]): string {
  if (values.length > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  const value = values[0];
  if (typeof value !== "string") throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  if (value === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
  if (!B64TOKEN.test(value)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  return value;
}

export function toRequest(input: RequestLike | HeadersLike): RequestLike {
  // A request first: Express's `req.get` and Koa's `request.get` make a request look like `Headers`.
  const headers = (input as { headers?: unknown }).headers;
  if (typeof headers === "object" && headers !== null) return input as RequestLike;
  if (isHeadersObject(input)) return { headers: input };
  return { headers: input as HeadersLike };
}

/**
 * Extracts the one bearer token a request carries (RFC 6750 §2).
 *
 * - No bearer credentials anywhere: `CredentialsRequiredError` (401, bare challenge). Other schemes,
 *   such as `Basic`, are not bearer credentials.
 * - Empty, malformed, duplicated, or present in more than one place: `InvalidRequestError` (400).
 *
 * A token in the query or body counts as a second token even when those places are not enabled.
 */
export function extractBearerToken(
  input: RequestLike | HeadersLike,
  options: BearerExtractionOptions = {},
): string {
  return extractCredentials(input, options, BEARER_ONLY, false).token;
}

/**
 * {@link extractBearerToken} for the schemes a verifier takes (`DPoP` too, or only `DPoP`), with the
 * scheme the token came with. With `scanLater`, an `Authorization` token's b64token scan is left to the
 * caller ({@link requireB64token}): the verifier makes it only where its answer matters.
 * Query and form-body tokens are bearer tokens: taken only while `schemes.bearer` is on.
 */
export function extractCredentials(
  input: RequestLike | HeadersLike,
  options: BearerExtractionOptions,
  schemes: AcceptedSchemes,
  scanLater: boolean,
): Credentials {
  // Each property of the request is read once: on a framework's request object a read can cost
  // far more than on a plain object (a getter, a long prototype chain).
  const request = toRequest(input);
  const fromHeader = tokenFromHeader(request, request.headers, scanLater, schemes);
  const queryValues = hasQuery(request) ? readQueryParam(request.query, "access_token") : NONE;
  const body = request.body;
  const bodyValues =
    body !== null && typeof body === "object" && !Array.isArray(body)
      ? readQueryParam(body as Record<string, unknown>, "access_token")
      : NONE;

  const places =
    (fromHeader !== undefined ? 1 : 0) + (queryValues.length > 0 ? 1 : 0) + (bodyValues.length > 0 ? 1 : 0);
  if (places > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  if (fromHeader !== undefined) return fromHeader;
  if (schemes.bearer && queryValues.length > 0 && options.allowQueryToken)
    return { token: tokenFromParameter(queryValues), scheme: "bearer" };
  if (schemes.bearer && bodyValues.length > 0 && options.allowBodyToken && isFormRequest(request))
    return { token: tokenFromParameter(bodyValues), scheme: "bearer" };
  throw new CredentialsRequiredError();
}

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

function readQueryParam(query: QueryLike | null | undefined, name: string): unknown[] {
  if (!query || typeof query !== "object") return [];
  if (query instanceof URLSearchParams) return query.getAll(name);
  if (!Object.hasOwn(query, name)) return [];
  const value = (query as Record<string, unknown>)[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isFormRequest(request: RequestLike): boolean {
  const method = (request.method ?? "").toUpperCase();
  if (method === "GET" || method === "HEAD") return false;
  const type = readHeader(request.headers, "content-type");
  return typeof type === "string" && /^application\/x-www-form-urlencoded\s*(;|$)/i.test(type);
}

/**
 * Counts `Authorization` lines in Node's `rawHeaders`, which keeps the duplicates Node itself drops:
 * on the request (Node, Express), on `request.req` (Koa's `ctx.request`) or `request.raw` (Fastify).
 */
function countRawAuthorization(request: RequestLike): number {
  const raw = request.rawHeaders ?? request.req?.rawHeaders ?? request.raw?.rawHeaders;
  if (!Array.isArray(raw)) return 0;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    // Only a 13-character name can be "authorization": no lower-cased copy of every other header.
    if (typeof name === "string" && name.length === 13 && name.toLowerCase() === "authorization") count++;
  }
  return count;
}

/**
 * Parses an `Authorization` header value. Returns the token for the Bearer scheme, `undefined` for
 * other schemes (they are not bearer credentials), and throws `InvalidRequestError` when it is malformed.
 */
export function parseAuthorizationHeader(value: string): string | undefined {
  return parseAuthorization(value, undefined);
}

/**
 * Says that `credentials` is a token already known to be well formed (one the verified-token cache
 * holds: it passed `decodeToken`, whose alphabet is inside b64token's), so the b64token scan can be
 * skipped. It changes no outcome, only what it costs.
 */
export type KnownToken = (credentials: string) => boolean;

function parseAuthorization(value: string, known: KnownToken | undefined): string | undefined {
  const trimmed = value.trim();
  // "Bearer <token>" (any case, then spaces): what AUTHORIZATION would capture, without running it.
  if (trimmed.charCodeAt(6) === 0x20 && trimmed.slice(0, 6).toLowerCase() === "bearer") {
    const credentials = trimmed.slice(7).trim();
    if (credentials === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
    if (!(known?.(credentials) || B64TOKEN.test(credentials))) {
      throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
    }
    return credentials;
  }
  const match = AUTHORIZATION.exec(trimmed);
  if (!match) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  if (match[1]!.toLowerCase() !== "bearer") return undefined;
  const credentials = (match[2] ?? "").trim();
  if (credentials === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
  if (!B64TOKEN.test(credentials)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  return credentials;
}

function tokenFromHeader(request: RequestLike, known: KnownToken | undefined): string | undefined {
  const value = readHeader(request.headers, "authorization");
  if (value === undefined) return undefined;
  if (typeof value !== "string") {
    if (value.length === 0) return undefined;
    if (value.length > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
    return tokenFromHeaderValue(value[0]!, known);
  }
  if (countRawAuthorization(request) > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  return tokenFromHeaderValue(value, known);
}

function tokenFromHeaderValue(value: string, known: KnownToken | undefined): string | undefined {
  if (value.includes(",") && /^\s*bearer\s+\S+\s*,/i.test(value))
    throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  return parseAuthorization(value, known);
}

function tokenFromParameter(values: unknown[]): string {
  if (values.length > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  const value = values[0];
  if (typeof value !== "string") throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  if (value === "") throw new InvalidRequestError("ERR_EMPTY_TOKEN");
  if (!B64TOKEN.test(value)) throw new InvalidRequestError("ERR_MALFORMED_AUTHORIZATION");
  return value;
}

function toRequest(input: RequestLike | HeadersLike): RequestLike {
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
  return extractBearerCredentials(input, options, undefined);
}

/** {@link extractBearerToken}, skipping the b64token scan of an Authorization token `known` vouches for. */
export function extractBearerCredentials(
  input: RequestLike | HeadersLike,
  options: BearerExtractionOptions,
  known: KnownToken | undefined,
): string {
  const request = toRequest(input);
  const fromHeader = tokenFromHeader(request, known);
  const queryValues = readQueryParam(request.query, "access_token");
  const bodyValues =
    request.body !== null && typeof request.body === "object" && !Array.isArray(request.body)
      ? readQueryParam(request.body as Record<string, unknown>, "access_token")
      : [];

  const places =
    (fromHeader !== undefined ? 1 : 0) + (queryValues.length > 0 ? 1 : 0) + (bodyValues.length > 0 ? 1 : 0);
  if (places > 1) throw new InvalidRequestError("ERR_MULTIPLE_CREDENTIALS");
  if (fromHeader !== undefined) return fromHeader;
  if (queryValues.length > 0 && options.allowQueryToken) return tokenFromParameter(queryValues);
  if (bodyValues.length > 0 && options.allowBodyToken && isFormRequest(request))
    return tokenFromParameter(bodyValues);
  throw new CredentialsRequiredError();
}

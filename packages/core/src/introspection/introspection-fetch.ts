import { isConnectionReset } from "../keys/connection-reset.js";
import { type FetchLike, RemoteFetchError, readBounded } from "../keys/fetch-json.js";
import { IntrospectionFailure } from "./introspection-failure.js";

/** RFC 9701 §5's media type for a signed answer. */
export const JWT_ANSWER_TYPE = "application/token-introspection+jwt";
const JSON_TYPE = "application/json";
/** Statuses a `Response` cannot carry a body with. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export interface ExchangeOptions {
  fetch: FetchLike;
  endpoint: string;
  maxResponseBytes: number;
  signal: AbortSignal;
  /** Only a signed (RFC 9701) 200 answer is acceptable. */
  jwtOnly: boolean;
}

/** What the exchange saw, for the caller to check after oauth4webapi has parsed the answer. */
export interface CapturedAnswer {
  /** The compact JWT of a signed 200 answer. */
  jwt: string | undefined;
  /**
   * The POST failed on a connection reset (a reused keep-alive connection the server had just
   * closed): the caller may make the whole request again, once, with fresh client credentials.
   */
  connectionReset: boolean;
}

/** The media type of a `Content-Type` value, lower-cased, without parameters. */
export function mediaTypeOf(value: string | null): string | undefined {
  return value === null ? undefined : value.split(";")[0]!.trim().toLowerCase();
}

/**
 * A `fetch` for oauth4webapi's `customFetch` that makes one introspection exchange safe to parse:
 * no redirect is followed (the request carries the token and our credentials), a 200 answer must be
 * JSON or (RFC 9701) a signed JWT, every body is read under `maxResponseBytes` and handed on as a
 * fresh `Response`. Throws {@link IntrospectionFailure} only.
 */
export function createIntrospectionFetch(options: ExchangeOptions): {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  captured: CapturedAnswer;
} {
  const captured: CapturedAnswer = { jwt: undefined, connectionReset: false };
  const { endpoint, signal } = options;
  const fail = (code: ConstructorParameters<typeof IntrospectionFailure>[0], status?: number) =>
    new IntrospectionFailure(code, { endpoint, status });

  const exchange = async (url: string, init: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await options.fetch(url, { ...init, redirect: "manual", signal });
    } catch (cause) {
      if (signal.aborted) throw fail("ERR_INTROSPECTION_TIMEOUT");
      captured.connectionReset = isConnectionReset(cause);
      throw fail("ERR_INTROSPECTION_NETWORK");
    }
    const { status } = response;
    if ((status >= 300 && status < 400) || response.type === "opaqueredirect" || response.redirected) {
      response.body?.cancel().catch(() => {});
      throw fail("ERR_INTROSPECTION_REDIRECT", status);
    }
    const type = mediaTypeOf(response.headers.get("content-type"));
    if (status === 200 && type !== JWT_ANSWER_TYPE && (options.jwtOnly || type !== JSON_TYPE)) {
      response.body?.cancel().catch(() => {});
      throw fail("ERR_INTROSPECTION_CONTENT_TYPE");
    }
    let bytes: Uint8Array;
    try {
      bytes = await readBounded(response, options.maxResponseBytes, signal, endpoint);
    } catch (error) {
      if (error instanceof RemoteFetchError && error.code === "ERR_FETCH_TOO_LARGE") {
        throw fail("ERR_INTROSPECTION_TOO_LARGE");
      }
      throw signal.aborted ? fail("ERR_INTROSPECTION_TIMEOUT") : fail("ERR_INTROSPECTION_NETWORK");
    }
    if (status === 200 && type === JWT_ANSWER_TYPE) {
      try {
        captured.jwt = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        throw fail("ERR_INTROSPECTION_RESPONSE");
      }
    }
    try {
      return new Response(NULL_BODY_STATUSES.has(status) ? null : bytes, {
        status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch {
      throw fail("ERR_INTROSPECTION_STATUS", status);
    }
  };
  return { fetch: exchange, captured };
}

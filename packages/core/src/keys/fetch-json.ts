import { RemoteFetchError, type RemoteFetchErrorCode } from "../base/remote-fetch-error.js";
import { isConnectionReset } from "./connection-reset.js";
import { isAcceptableFetchUrl, isAllowedRedirect } from "./fetch-url.js";

export { RemoteFetchError, type RemoteFetchErrorCode } from "../base/remote-fetch-error.js";

/** A `fetch`-compatible function. Default: the global `fetch`. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface FetchJsonOptions {
  fetch: FetchLike;
  /** Budget for the whole exchange: every redirect hop and the body. */
  timeoutMs: number;
  /** Largest accepted body, counted while it streams in (after any content decoding). */
  maxResponseBytes: number;
  /** Redirects followed before giving up. */
  maxRedirects: number;
  /**
   * Origins a redirect may lead to besides the requested URL's own (never `https:` to `http:`).
   * Default: none.
   */
  redirectOrigins?: readonly string[];
  /** The `Accept` request header. */
  accept: string;
}

export interface FetchedJson {
  /** The URL that answered (after redirects). */
  url: string;
  body: Record<string, unknown>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/** The global `fetch`, looked up at call time. */
export const globalFetch: FetchLike = (input, init) => fetch(input, init);

/**
 * GETs a JSON object, fail-safe: one deadline for everything, `https:` only (loopback `http:` allowed)
 * on every hop, redirects followed by hand up to a limit and only within `url`'s origin (or to one of
 * `redirectOrigins`; never from `https:` to `http:`), a 200 status, a JSON content type (or none),
 * and a body size bound enforced while streaming. Rejects only with {@link RemoteFetchError}.
 */
export async function fetchJson(url: string, options: FetchJsonOptions): Promise<FetchedJson> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RemoteFetchError("ERR_FETCH_TIMEOUT", url);
      controller.abort(error);
      reject(error);
    }, options.timeoutMs);
  });
  try {
    // The race guarantees the deadline even with a `fetch` that ignores its signal.
    return await Promise.race([exchange(url, options, controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    // Releases the connection if anything is still pending (an unread body after a failure).
    controller.abort();
  }
}

function acceptableUrl(value: string, base?: URL): URL | undefined {
  const url = parsed(value, base);
  return url === undefined || !isAcceptableFetchUrl(url) || url.username || url.password ? undefined : url;
}

function parsed(value: string, base?: URL): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** The next hop of a redirect from `target` (first requested: `first`), or the error that ends the fetch. */
function redirectTarget(
  location: string | null,
  target: URL,
  first: URL,
  options: FetchJsonOptions,
): URL | RemoteFetchError {
  const next = location === null ? undefined : parsed(location, target);
  if (next === undefined || next.username || next.password) {
    return new RemoteFetchError("ERR_FETCH_REDIRECT", first.href);
  }
  if (!isAllowedRedirect(first, next, options.redirectOrigins ?? [])) {
    return new RemoteFetchError("ERR_FETCH_REDIRECT_REFUSED", first.href, { refusedOrigin: next.origin });
  }
  return next;
}

async function exchange(url: string, options: FetchJsonOptions, signal: AbortSignal): Promise<FetchedJson> {
  const first = acceptableUrl(url);
  if (first === undefined) throw new RemoteFetchError("ERR_FETCH_URL", url);
  let target: URL = first;
  const seen = new Set<string>();
  for (let hop = 0; ; hop++) {
    const href: string = target.href;
    seen.add(href);
    const response = await send(href, options, signal);
    if (REDIRECTS.has(response.status)) {
      discard(response);
      const next = redirectTarget(response.headers.get("location"), target, first, options);
      if (next instanceof RemoteFetchError) throw next;
      if (hop >= options.maxRedirects || seen.has(next.href)) {
        throw new RemoteFetchError("ERR_FETCH_REDIRECT", href, { status: response.status });
      }
      target = next;
      continue;
    }
    // A custom `fetch` that follows redirects itself must not smuggle in a hop we would refuse.
    if (response.redirected && response.url) {
      const landed = redirectTarget(response.url, target, first, options);
      if (landed instanceof RemoteFetchError) {
        discard(response);
        throw landed;
      }
    }
    if (response.status !== 200) {
      discard(response);
      throw new RemoteFetchError("ERR_FETCH_STATUS", href, { status: response.status });
    }
    const type = response.headers.get("content-type");
    if (type !== null && !JSON_MEDIA_TYPE.test(type.split(";")[0]!.trim().toLowerCase())) {
      discard(response);
      throw new RemoteFetchError("ERR_FETCH_CONTENT_TYPE", href);
    }
    const bytes = await readBounded(response, options.maxResponseBytes, signal, href);
    return { url: href, body: parseObject(bytes, href) };
  }
}

/**
 * One GET of `href`. A connection reset under the request (a reused idle keep-alive connection the
 * server had just closed) is retried once, at once, on a new connection, within the same deadline;
 * any other failure, or a second reset, is `ERR_FETCH_NETWORK`.
 */
async function send(href: string, options: FetchJsonOptions, signal: AbortSignal): Promise<Response> {
  const init: RequestInit = {
    method: "GET",
    headers: { accept: options.accept },
    redirect: "manual",
    signal,
  };
  try {
    return await options.fetch(href, init);
  } catch (cause) {
    if (signal.aborted || !isConnectionReset(cause)) throw failure(signal, "ERR_FETCH_NETWORK", href, cause);
  }
  try {
    return await options.fetch(href, init);
  } catch (cause) {
    throw failure(signal, "ERR_FETCH_NETWORK", href, cause);
  }
}

/** A timeout that surfaced as an abort is reported as the timeout, anything else as `code`. */
function failure(signal: AbortSignal, code: RemoteFetchErrorCode, url: string, cause: unknown) {
  if (signal.aborted && signal.reason instanceof RemoteFetchError) return signal.reason;
  return new RemoteFetchError(code, url, { cause });
}

function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

/**
 * Reads a response body of at most `maxBytes` (a larger declared `Content-Length` is refused before
 * reading). Rejects with {@link RemoteFetchError} (`ERR_FETCH_TOO_LARGE`, `ERR_FETCH_NETWORK`, or the
 * timeout that aborted `signal`).
 */
export async function readBounded(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  url: string,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(response);
    throw new RemoteFetchError("ERR_FETCH_TOO_LARGE", url);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw failure(signal, "ERR_FETCH_NETWORK", url, cause);
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw new RemoteFetchError("ERR_FETCH_TOO_LARGE", url);
    }
    chunks.push(chunk.value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of chunks) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

function parseObject(bytes: Uint8Array, url: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new RemoteFetchError("ERR_FETCH_JSON", url, { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RemoteFetchError("ERR_FETCH_JSON", url);
  }
  return value as Record<string, unknown>;
}

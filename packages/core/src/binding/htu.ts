import { invalidOption } from "../base/option-checks.js";

/**
 * DPoP's `htu` (RFC 9449 §4.2, §4.3): the URL of the request without query and fragment, compared
 * after syntax-based normalisation (RFC 3986 §6.2.2): scheme and host in lower case, the default port
 * dropped, dot segments removed (all by the WHATWG URL parser, on both sides), percent-encodings in
 * upper case, and percent-encoded unreserved characters decoded.
 */

/** A configured public URL: its origin and the path prefix before the request path (no trailing `/`). */
export interface PublicUrl {
  readonly origin: string;
  readonly prefix: string;
}

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-encodings in upper case; those of unreserved characters decoded (RFC 3986 §6.2.2.1-2). */
function normalizePercentEncoding(path: string): string {
  if (!path.includes("%")) return path;
  return path.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
    const char = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
}

function parseHttpUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  return url;
}

/** URLs normalised recently (a client sends the same `htu` again and again), each parsed once. */
const normalized = new Map<string, string | undefined>();
const NORMALIZED_LIMIT = 256;
/** Longer values are normalised every time rather than kept. */
const NORMALIZED_MAX_LENGTH = 1024;

/** `origin` + normalised path of an absolute http(s) URL, or `undefined` when it is not one. */
export function normalizeHtu(value: string): string | undefined {
  const known = normalized.get(value);
  if (known !== undefined || normalized.has(value)) return known;
  const url = parseHttpUrl(value);
  const result = url === undefined ? undefined : `${url.origin}${normalizePercentEncoding(url.pathname)}`;
  if (value.length <= NORMALIZED_MAX_LENGTH) {
    if (normalized.size >= NORMALIZED_LIMIT) normalized.clear();
    normalized.set(value, result);
  }
  return result;
}

/** Checks a `publicUrl` option: an absolute http(s) URL without credentials, query or fragment. */
export function checkPublicUrl(option: string, value: unknown): PublicUrl {
  const url = typeof value === "string" ? parseHttpUrl(value) : undefined;
  if (url === undefined) {
    return invalidOption(
      option,
      `expected an absolute http: or https: URL such as "https://api.example.com"; got ${JSON.stringify(value)}.`,
    );
  }
  if (url.search !== "" || url.hash !== "")
    invalidOption(option, "the URL must not carry a query or a fragment.");
  return Object.freeze({ origin: url.origin, prefix: url.pathname.replace(/\/+$/, "") });
}

/**
 * The path of a request target as received (`/events/1?x=y`, or the absolute form
 * `http://host/events/1`), without query and fragment; `undefined` for anything else (`*`, empty).
 */
export function requestPath(target: string | undefined): string | undefined {
  if (typeof target !== "string" || target.length === 0) return undefined;
  if (target.charCodeAt(0) !== 0x2f) {
    const absolute = parseHttpUrl(target);
    return absolute === undefined ? undefined : absolute.pathname;
  }
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/**
 * The normalised `htu` a proof must carry for a request to `path` on `publicUrl`, or `undefined`
 * when the two do not make a URL.
 */
export function expectedHtu(publicUrl: PublicUrl, path: string): string | undefined {
  return normalizeHtu(`${publicUrl.origin}${publicUrl.prefix}${path}`);
}

/**
 * The origin a trusted proxy says the client used: `X-Forwarded-Proto` and `X-Forwarded-Host`
 * (first values). `undefined` when either is missing or they do not make an http(s) origin.
 */
export function forwardedOrigin(proto: string | undefined, host: string | undefined): PublicUrl | undefined {
  const scheme = proto?.split(",")[0]?.trim().toLowerCase();
  const authority = host?.split(",")[0]?.trim();
  if ((scheme !== "http" && scheme !== "https") || !authority || /[/?#@\\\s]/.test(authority))
    return undefined;
  const url = parseHttpUrl(`${scheme}://${authority}`);
  return url === undefined ? undefined : { origin: url.origin, prefix: "" };
}

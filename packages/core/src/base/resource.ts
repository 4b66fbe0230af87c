/**
 * Resource identifiers (RFC 8707 §2, RFC 9728 §1.2): the URI a client names in its token request's
 * `resource` parameter, that the authorization server puts in the token's `aud`, and that the
 * protected resource publishes as `resource` in its metadata.
 *
 * The canonical form scopegate uses, publishes and compares:
 * - an absolute `https:` URI, or `http:` on a loopback host (127.0.0.0/8, `localhost`, `[::1]`) for
 *   local development and tests;
 * - no fragment, no query, no user name or password;
 * - scheme and host lower-cased, the default port dropped (the WHATWG URL parser does both);
 * - the path kept as it is (case-sensitive), except that **one trailing slash is removed**:
 *   `https://api.example.com/` is `https://api.example.com`, `https://api.example.com/mcp/` is
 *   `https://api.example.com/mcp`. `/mcp` and `/mcp/tools` are different resources.
 */

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/** True for `localhost`, `[::1]` and the 127.0.0.0/8 addresses. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** Why a value is not a resource identifier, or `undefined` when it is one. */
function problemWith(text: string, url: URL | undefined): string | undefined {
  if (url === undefined) return "it is not an absolute URI";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname)))
    return "it must use https: (http: only on a loopback host)";
  if (text.includes("#")) return "it must not have a fragment";
  if (url.search !== "" || text.includes("?")) return "it must not have a query";
  if (url.username !== "" || url.password !== "") return "it must not carry a user name or password";
  return undefined;
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function canonicalForm(url: URL): string {
  const path = url.pathname.endsWith("/") ? url.pathname.slice(0, -1) : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * The canonical form of a resource identifier (see the module comment). Throws a `TypeError` naming
 * `option` and saying what is wrong when `value` is not one.
 */
export function canonicalResource(value: unknown, option = "resource"): string {
  const text = value instanceof URL ? value.href : value;
  if (typeof text !== "string" || text.trim() !== text || text === "")
    throw new TypeError(`scopegate: invalid option \`${option}\`: expected an absolute URI string or URL.`);
  const url = parse(text);
  const problem = problemWith(text, url);
  if (problem !== undefined || url === undefined) {
    throw new TypeError(
      `scopegate: invalid option \`${option}\`: ${JSON.stringify(text)} is not a resource identifier: ${problem}.`,
    );
  }
  return canonicalForm(url);
}

/**
 * True when `candidate` (a token's `aud` entry) names the resource whose canonical form is
 * `canonical`: equal as strings, or equal once put in canonical form. A value that is not a
 * resource identifier never matches.
 */
export function isSameResource(candidate: string, canonical: string): boolean {
  if (candidate === canonical) return true;
  const url = parse(candidate);
  return url !== undefined && problemWith(candidate, url) === undefined && canonicalForm(url) === canonical;
}

/** The RFC 9728 §3.1 well-known path for a resource: `/.well-known/oauth-protected-resource` + its path. */
export function resourceMetadataPath(canonical: string): string {
  const path = new URL(canonical).pathname;
  return `/.well-known/oauth-protected-resource${path === "/" ? "" : path}`;
}

/** The RFC 9728 §3.1 metadata URL of a resource: its origin, the well-known path, then its path. */
export function resourceMetadataUrl(canonical: string): string {
  return `${new URL(canonical).origin}${resourceMetadataPath(canonical)}`;
}

import { invalidOption } from "../base/option-checks.js";
import { isLoopbackHost } from "../base/resource.js";

/** True for `https:` URLs, and `http:` URLs on loopback (tests and local development). */
export function isAcceptableFetchUrl(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/**
 * Whether a fetch that started at `first` (the configured or discovered URL) may be redirected to
 * `next`: to `first`'s own origin or one of `allowedOrigins`, and never from `https:` down to `http:`
 * (loopback included). `http:` is possible only when `first` itself is loopback `http:`.
 */
export function isAllowedRedirect(first: URL, next: URL, allowedOrigins: readonly string[]): boolean {
  if (first.protocol === "https:" && next.protocol !== "https:") return false;
  if (!isAcceptableFetchUrl(next)) return false;
  return next.origin === first.origin || allowedOrigins.includes(next.origin);
}

/**
 * Checks a `redirectOrigins` option: an array of origins (`https://host[:port]`, or loopback
 * `http://`), each written exactly as the URL standard serialises it. Throws a `TypeError` naming
 * the option; returns the list (empty when `undefined`).
 */
export function checkRedirectOrigins(name: string, value: unknown): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    invalidOption(name, 'expected an array of origins such as ["https://keys.example.com"].');
  for (const entry of value as unknown[]) {
    let url: URL | undefined;
    try {
      url = typeof entry === "string" ? new URL(entry) : undefined;
    } catch {
      url = undefined;
    }
    if (
      url === undefined ||
      !isAcceptableFetchUrl(url) ||
      url.origin !== (entry as string).replace(/\/$/, "")
    ) {
      invalidOption(
        name,
        `${JSON.stringify(entry)} is not an origin: write "https://host" or "https://host:port" (no path, no credentials; http: only on a loopback host).`,
      );
    }
  }
  return Object.freeze((value as string[]).map((entry) => entry.replace(/\/$/, "")));
}

import { isLoopbackHost } from "../base/resource.js";

/** True for `https:` URLs, and `http:` URLs on loopback (tests and local development). */
export function isAcceptableFetchUrl(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && isLoopbackHost(url.hostname);
}

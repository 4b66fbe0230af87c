const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"]);

/** True for `https:` URLs, and `http:` URLs on loopback (tests and local development). */
export function isAcceptableFetchUrl(url: URL): boolean {
  if (url.protocol === "https:") return true;
  if (url.protocol !== "http:") return false;
  return LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname);
}

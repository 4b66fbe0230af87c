const encoder = new TextEncoder();

interface NodeHash {
  createHash(algorithm: "sha256"): { update(data: string): { digest(encoding: "base64url"): string } };
}

/**
 * `node:crypto`'s `createHash` on Node.js itself (through `process.getBuiltinModule`, so nothing is
 * imported where it does not exist), else `undefined`: Bun, Deno and workers hash with WebCrypto.
 * On Node, WebCrypto's digest runs on the thread pool: 100 µs and more per token under load,
 * where `createHash` takes about 1 µs.
 */
function loadNodeHash(): NodeHash | undefined {
  const proc = (globalThis as { process?: unknown }).process as
    | { versions?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown }
    | undefined;
  const versions = proc?.versions;
  if (typeof versions?.node !== "string" || versions.bun !== undefined || versions.deno !== undefined) {
    return undefined;
  }
  try {
    const mod = proc?.getBuiltinModule?.("node:crypto") as Partial<NodeHash> | undefined;
    return typeof mod?.createHash === "function" ? (mod as NodeHash) : undefined;
  } catch {
    return undefined;
  }
}

const nodeHash = loadNodeHash();

/**
 * The cache key of a token: its SHA-256, base64url (43 characters). The token itself is never a key,
 * never stored, never logged. Synchronous on Node.js (`node:crypto`), a promise elsewhere (WebCrypto).
 */
export function hashToken(token: string): string | Promise<string> {
  if (nodeHash !== undefined) return nodeHash.createHash("sha256").update(token).digest("base64url");
  return crypto.subtle.digest("SHA-256", encoder.encode(token)).then(toBase64url);
}

/** Base64url without padding (RFC 4648 §5) of a digest. */
export function toBase64url(buffer: ArrayBuffer): string {
  let binary = "";
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

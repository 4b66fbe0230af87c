/**
 * SHA-256 and HMAC-SHA-256 for DPoP (`ath`, nonces): synchronous through `node:crypto` on Node.js,
 * WebCrypto (a promise) on other runtimes. Nothing from `node:` is imported where it does not exist.
 */

interface NodeHashing {
  /** One-shot hash (Node ≥ 20.12): no `Hash` object per call. */
  hash?(algorithm: "sha256", data: string, outputEncoding: "base64url"): string;
  createHash(algorithm: "sha256"): {
    update(data: string | Uint8Array): { digest(encoding: "base64url"): string };
  };
  createHmac(
    algorithm: "sha256",
    key: Uint8Array,
  ): { update(data: string | Uint8Array): { digest(): Uint8Array } };
}

function loadNodeHashing(): NodeHashing | undefined {
  const proc = (
    globalThis as {
      process?: { versions?: Record<string, unknown>; getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  if (
    typeof proc?.versions?.node !== "string" ||
    proc.versions.bun !== undefined ||
    proc.versions.deno !== undefined
  ) {
    return undefined;
  }
  try {
    const mod = proc.getBuiltinModule?.("node:crypto") as Partial<NodeHashing> | undefined;
    return typeof mod?.createHash === "function" && typeof mod.createHmac === "function"
      ? (mod as NodeHashing)
      : undefined;
  } catch {
    return undefined;
  }
}

const node = loadNodeHashing();
const oneShot = typeof node?.hash === "function" ? node.hash.bind(node) : undefined;
const encoder = new TextEncoder();

/** base64url without padding (RFC 7515 §2). */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** base64url(SHA-256(UTF-8 of `text`)): DPoP's `ath` of an access token. */
export function sha256Base64url(text: string): string | Promise<string> {
  if (oneShot !== undefined) return oneShot("sha256", text, "base64url");
  if (node !== undefined) return node.createHash("sha256").update(text).digest("base64url");
  return crypto.subtle
    .digest("SHA-256", encoder.encode(text))
    .then((hash) => base64url(new Uint8Array(hash)));
}

/** HMAC-SHA-256 of `data` under `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array | Promise<Uint8Array> {
  if (node !== undefined) return new Uint8Array(node.createHmac("sha256", key).update(data).digest());
  return crypto.subtle
    .importKey("raw", key as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
    .then((imported) => crypto.subtle.sign("HMAC", imported, data as Uint8Array<ArrayBuffer>))
    .then((mac) => new Uint8Array(mac));
}

/** Compares two byte strings in time that depends only on their length. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

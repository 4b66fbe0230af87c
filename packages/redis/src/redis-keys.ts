import { createHash } from "node:crypto";

/**
 * A Redis key of bounded length: the prefix, the kind of record, and a SHA-256 of the variable part
 * (a URL, a proof's `jti`), so that no client-chosen text decides a key's size or shape.
 */
export function redisKey(prefix: string, kind: string, id: string): string {
  return `${prefix}${kind}:${createHash("sha256").update(id).digest("base64url")}`;
}

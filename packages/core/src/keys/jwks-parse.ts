import { RemoteFetchError } from "./fetch-json.js";
import type { PublicJwk } from "./key-selection.js";

/** Key types a signature can be verified with, and the public members each needs. */
const KEY_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ["n", "e"],
  EC: ["crv", "x", "y"],
  OKP: ["crv", "x"],
};
/** Members that only a private (or symmetric) key has. A JWKS entry carrying one is refused. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const OPTIONAL_STRINGS = ["kid", "alg", "use"] as const;

export interface ParsedJwks {
  /** Usable public signing keys, frozen copies holding only the members verification needs. */
  keys: readonly Readonly<PublicJwk>[];
  /** Entries skipped: malformed, unknown `kty`, private, `use` other than `sig`, or past `maxKeys`. */
  skipped: number;
}

/**
 * Reads a JWK Set (RFC 7517 §5). The set itself must be an object with a `keys` array
 * (else `ERR_JWKS_INVALID`); bad entries are skipped one by one; at most `maxKeys` are kept; a set
 * left with no usable key is refused (`ERR_JWKS_NO_KEYS`), so that cached keys keep serving.
 */
export function parseJwks(body: Readonly<Record<string, unknown>>, url: string, maxKeys: number): ParsedJwks {
  const entries = body.keys;
  if (!Array.isArray(entries)) throw new RemoteFetchError("ERR_JWKS_INVALID", url);
  const keys: Readonly<PublicJwk>[] = [];
  let skipped = 0;
  for (const entry of entries) {
    const key = keys.length < maxKeys ? readKey(entry) : undefined;
    if (key === undefined) skipped++;
    else keys.push(key);
  }
  if (keys.length === 0) throw new RemoteFetchError("ERR_JWKS_NO_KEYS", url);
  return { keys: Object.freeze(keys), skipped };
}

function readKey(entry: unknown): Readonly<PublicJwk> | undefined {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const jwk = entry as Record<string, unknown>;
  const kty = jwk.kty;
  if (typeof kty !== "string" || !Object.hasOwn(KEY_MEMBERS, kty)) return undefined;
  for (const name of PRIVATE_MEMBERS) if (Object.hasOwn(jwk, name)) return undefined;
  if (jwk.use !== undefined && jwk.use !== "sig") return undefined;

  const key: PublicJwk = { kty };
  for (const name of KEY_MEMBERS[kty]!) {
    const value = jwk[name];
    if (typeof value !== "string" || value.length === 0) return undefined;
    key[name] = value;
  }
  for (const name of OPTIONAL_STRINGS) {
    const value = jwk[name];
    if (value === undefined) continue;
    if (typeof value !== "string") return undefined;
    key[name] = value;
  }
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || !ops.every((op) => typeof op === "string")) return undefined;
    key.key_ops = Object.freeze([...ops]) as string[];
  }
  return Object.freeze(key);
}

import { type Algorithm, isSupportedAlgorithm } from "./algorithms.js";
import { InvalidTokenError } from "./errors.js";
import type { JwtClaims, JwtHeader } from "./types.js";

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedToken {
  header: JwtHeader & { alg: Algorithm };
  claims: JwtClaims;
}

/** Three non-empty base64url (RFC 7515 §2: no padding) segments: one scan of the whole token. */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Header parameters that would let a token choose its own key. They are refused, never followed. */
const KEY_CARRYING_PARAMETERS = ["jwk", "jku", "x5u", "x5c"] as const;
const MAX_KID_LENGTH = 1024;

/**
 * Deepest nesting of objects and arrays accepted in a header or payload. Real access tokens nest
 * two to four levels (Keycloak's `realm_access.roles`, Hasura's claims); 32 leaves ample room while
 * keeping a token from handing recursive consumers (validators, loggers, `structuredClone`) an
 * 8 KB-deep structure.
 */
export const MAX_JSON_DEPTH = 32;

const BACKSLASH = 0x5c;
const COLON = 0x3a;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Counts the object members JSON text (already accepted by `JSON.parse`) spells out: every string
 * followed by a colon. Strings are skipped with `indexOf`.
 */
function scanMembers(text: string): number {
  let members = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) {
    let end = text.indexOf('"', i + 1);
    for (;;) {
      if (end < 0) return Number.POSITIVE_INFINITY; // unreachable for valid JSON
      let slashes = 0;
      while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    let next = end + 1;
    while (isJsonWhitespace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === COLON) members++;
    i = end;
  }
  return members;
}

/**
 * Counts the members of every object in a parsed JSON value, or `-1` when it nests deeper than
 * {@link MAX_JSON_DEPTH} (`depth` is the value's own level). Recursion stops at that depth, so it
 * is bounded whatever the input.
 */
function countMembers(value: object, depth: number): number {
  if (depth > MAX_JSON_DEPTH) return -1;
  let members = 0;
  if (Array.isArray(value)) {
    for (const element of value) {
      if (typeof element === "object" && element !== null) {
        const inner = countMembers(element, depth + 1);
        if (inner < 0) return -1;
        members += inner;
      }
    }
    return members;
  }
  const keys = Object.keys(value);
  members = keys.length;
  for (const key of keys) {
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === "object" && member !== null) {
      const inner = countMembers(member, depth + 1);
      if (inner < 0) return -1;
      members += inner;
    }
  }
  return members;
}

/** Occurrences of `":` (a member name's closing quote and its colon, as every serializer writes them). */
function countQuoteColons(text: string): number {
  let count = 0;
  for (let at = text.indexOf('":'); at !== -1; at = text.indexOf('":', at + 2)) count++;
  return count;
}

/** Whitespace right before a colon (`" :"`): four substring searches cost less than a regex here. */
function hasSpaceBeforeColon(text: string): boolean {
  return text.includes(" :") || text.includes("\t:") || text.includes("\n:") || text.includes("\r:");
}

/**
 * True when `text` spells out more object members than the parsed value holds (`members`): a name repeats.
 * Fast path: with no whitespace before any colon, each member is one `":`; when their count matches,
 * there is no duplicate. Otherwise (`" :`, or `\":` inside a string) the full scan decides.
 */
function hasDuplicateMembers(text: string, members: number): boolean {
  if (!hasSpaceBeforeColon(text) && countQuoteColons(text) === members) return false;
  return scanMembers(text) !== members;
}

/**
 * Parses one segment into a JSON object. Rejects duplicate member names anywhere in it (the text
 * spells out more members than the parsed value holds: `JSON.parse` keeps the last duplicate, other
 * parsers the first, and a token must mean one thing to every reader), and nesting deeper than
 * {@link MAX_JSON_DEPTH}.
 */
function decodeSegment(segment: string): Record<string, unknown> {
  let text: string;
  let value: unknown;
  try {
    text = Buffer.from(segment, "base64url").toString("utf8");
    value = JSON.parse(text);
  } catch (cause) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  const members = countMembers(value, 1);
  if (members < 0 || hasDuplicateMembers(text, members)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  return value as Record<string, unknown>;
}

/** Header segments already decoded: an issuer's tokens share a handful of headers. */
const decodedHeaders = new Map<string, Readonly<Record<string, unknown>>>();
const DECODED_HEADERS_LIMIT = 64;

/**
 * {@link decodeSegment} for a header, once per distinct segment: the result is frozen and kept (at
 * most 64; emptied when full). A segment that fails to decode is not kept.
 */
function decodeHeader(segment: string): Readonly<Record<string, unknown>> {
  let header = decodedHeaders.get(segment);
  if (header === undefined) {
    header = Object.freeze(decodeSegment(segment));
    if (decodedHeaders.size >= DECODED_HEADERS_LIMIT) decodedHeaders.clear();
    decodedHeaders.set(segment, header);
  }
  return header;
}

/**
 * Splits and decodes a compact JWS cheaply, before any key is fetched: size bound, three base64url
 * segments, JSON objects without duplicate member names and at most {@link MAX_JSON_DEPTH} deep, an
 * allowed `alg`, a string `kid`, no `crit`, no `b64`, no key-carrying parameters. Throws
 * `InvalidTokenError`.
 */
export function decodeToken(
  token: string,
  allowed: readonly Algorithm[],
  maxTokenBytes: number,
): DecodedToken {
  if (typeof token !== "string" || token.length === 0) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  if (token.length > maxTokenBytes) throw new InvalidTokenError("ERR_TOKEN_TOO_LARGE");
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (first < 1 || second < 0 || token.indexOf(".", second + 1) !== -1) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  if (!COMPACT.test(token)) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");

  const header = decodeHeader(token.slice(0, first));
  const alg = header.alg;
  if (typeof alg !== "string") throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  if (!isSupportedAlgorithm(alg) || !allowed.includes(alg))
    throw new InvalidTokenError("ERR_TOKEN_ALGORITHM");
  if (header.kid !== undefined && (typeof header.kid !== "string" || header.kid.length > MAX_KID_LENGTH)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  if (header.crit !== undefined || header.b64 !== undefined)
    throw new InvalidTokenError("ERR_TOKEN_HEADER_UNSUPPORTED");
  for (const name of KEY_CARRYING_PARAMETERS) {
    if (header[name] !== undefined) throw new InvalidTokenError("ERR_TOKEN_HEADER_UNSUPPORTED");
  }
  if (header.typ !== undefined && typeof header.typ !== "string")
    throw new InvalidTokenError("ERR_TOKEN_TYPE");

  const claims = decodeSegment(token.slice(first + 1, second));
  return { header: header as JwtHeader & { alg: Algorithm }, claims: claims as JwtClaims };
}

import { type Algorithm, isSupportedAlgorithm } from "../base/algorithms.js";
import {
  decodeBase64urlText,
  decodeStrictBase64url,
  decodeStrictBase64urlText,
  decodeUtf8,
} from "../base/base64url.js";
import type { JwtClaims, JwtHeader } from "../base/types.js";
import { type InvalidTokenCode } from "../http/error-codes.js";
import { InvalidTokenError } from "../http/errors.js";

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedToken {
  header: JwtHeader & { alg: Algorithm };
  claims: JwtClaims;
  /** Index of the first dot: the header segment's length. */
  headerEnd: number;
  /** Index of the second dot: the length of the signing input (`header.payload`). */
  payloadEnd: number;
  /** The signature's bytes. */
  signature: Uint8Array;
}

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

/** `Object.prototype.hasOwnProperty`: inside `for…in`, V8 answers it from the loop's key cache. */
const ownProperty = Object.prototype.hasOwnProperty;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const QUOTE = 0x22;
/**
 * A member name that is one escaped character (`"\""`, `"\\"`, `"\n"`, `"\u0011"`…): a string
 * that opens after `{`, `,` or whitespace and is followed by a colon. Node 24.21's `JSON.parse` now
 * and then reads such a name as a backslash (a V8 bug, reproduced without scopegate; not on Node 20
 * or 22), which would rename a claim and let a repeated name pass the duplicate check. No access
 * token needs one, so they are refused on every runtime.
 */
const ONE_ESCAPED_CHARACTER_NAME = /[{,\s]"\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})"\s*:/;
/** A base64url segment (RFC 4648 §5 alphabet, no padding). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

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
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (typeof element === "object" && element !== null) {
        const inner = countMembers(element, depth + 1);
        if (inner < 0) return -1;
        members += inner;
      }
    }
    return members;
  }
  // `for…in` with the own-property check rather than `Object.keys`: the same names (JSON.parse
  // makes only own, enumerable string keys; anything inherited is skipped), without an array of
  // them per object.
  for (const key in value) {
    if (!ownProperty.call(value, key)) continue;
    members++;
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === "object" && member !== null) {
      const inner = countMembers(member, depth + 1);
      if (inner < 0) return -1;
      members += inner;
    }
  }
  return members;
}

/**
 * True when `text` spells out more object members than the parsed value holds (`members`): a name repeats.
 * Fast path: one pass over the colons. A member is a name's closing quote and its colon (`":`, as
 * every serializer writes them); when no colon follows whitespace and the `":` count matches, there
 * is no duplicate. Otherwise (`" :`, or `":` inside a string) the full scan decides.
 */
function hasDuplicateMembers(text: string, members: number): boolean {
  let quoted = 0;
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) {
    const before = text.charCodeAt(at - 1);
    if (before === QUOTE) quoted++;
    else if (isJsonWhitespace(before)) return scanMembers(text) !== members;
  }
  return quoted !== members && scanMembers(text) !== members;
}

/**
 * Checks a non-empty base64url segment (RFC 7515 §2: URL-safe alphabet, no padding) before it is
 * decoded, refusing any other spelling with `ERR_TOKEN_MALFORMED`: Node's decoder would skip characters outside the
 * alphabet and read `+` and `/` as `-` and `_`. A last quantum of one character holds no byte
 * (jose refuses it too). Any last character is accepted whatever its unused low bits, as jose does.
 * One segment at a time: the header is scanned once per distinct header, not once per token.
 */
function checkSegment(segment: string): string {
  if (segment.length % 4 === 1 || !SEGMENT.test(segment)) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  return segment;
}

/**
 * The bytes of a strict base64url segment ({@link checkSegment}'s rules, checked by
 * `decodeStrictBase64url` while decoding); `ERR_TOKEN_MALFORMED` otherwise.
 */
export function decodeBase64url(segment: string): Uint8Array {
  const bytes = decodeStrictBase64url(segment);
  if (bytes === undefined) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  return bytes;
}

/**
 * Parses one segment into a JSON object. Rejects duplicate member names anywhere in it (the text
 * spells out more members than the parsed value holds: `JSON.parse` keeps the last duplicate, other
 * parsers the first, and a token must mean one thing to every reader), nesting deeper than
 * {@link MAX_JSON_DEPTH}, and member names of one escaped character ({@link ONE_ESCAPED_CHARACTER_NAME}).
 */
function parseSegment(segment: string): Record<string, unknown> {
  return parseDecoded(decodeBase64urlText, segment);
}

/** {@link parseSegment} for bytes already decoded (UTF-8 JSON text, malformed sequences refused). */
export function decodeSegment(bytes: Uint8Array): Record<string, unknown> {
  return parseDecoded(decodeUtf8, bytes);
}

/** {@link parseObject} of the text `decode` makes of `input`; malformed UTF-8 is `ERR_TOKEN_MALFORMED`. */
function parseDecoded<T>(decode: (input: T) => string, input: T): Record<string, unknown> {
  let text: string;
  try {
    text = decode(input);
  } catch {
    // No `cause`: nothing derived from the token is kept on the error.
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  return parseObject(text);
}

/** The JSON object `text` holds, with the checks {@link parseSegment} describes. */
function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // No `cause`: a `SyntaxError`'s message quotes the decoded token text.
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  const members = countMembers(value, 1);
  if (members < 0 || hasDuplicateMembers(text, members)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  if (text.includes("\\") && ONE_ESCAPED_CHARACTER_NAME.test(text)) {
    throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  }
  return value as Record<string, unknown>;
}

/**
 * A decoded header and what its parameters (other than `alg`, which each verifier checks against its
 * own list) make of it: `undefined`, or the error to throw.
 */
interface DecodedHeader {
  segment: string;
  header: Readonly<Record<string, unknown>>;
  problem: InvalidTokenCode | undefined;
}

/** Header segments already decoded: an issuer's tokens share a handful of headers. */
const decodedHeaders = new Map<string, DecodedHeader>();
const DECODED_HEADERS_LIMIT = 64;
/** The header used last. */
let lastHeader: DecodedHeader | undefined;

/** What a header's parameters other than `alg` allow: `undefined` (fine) or the error code. */
function headerProblem(header: Readonly<Record<string, unknown>>): InvalidTokenCode | undefined {
  if (typeof header.alg !== "string") return "ERR_TOKEN_MALFORMED";
  if (header.kid !== undefined && (typeof header.kid !== "string" || header.kid.length > MAX_KID_LENGTH)) {
    return "ERR_TOKEN_MALFORMED";
  }
  if (header.crit !== undefined || header.b64 !== undefined) return "ERR_TOKEN_HEADER_UNSUPPORTED";
  for (const name of KEY_CARRYING_PARAMETERS) {
    if (header[name] !== undefined) return "ERR_TOKEN_HEADER_UNSUPPORTED";
  }
  if (header.typ !== undefined && typeof header.typ !== "string") return "ERR_TOKEN_TYPE";
  return undefined;
}

/**
 * {@link parseSegment} for the header of `token` (`first` is its first dot), once per distinct
 * segment: the result is frozen and kept (at most 64; emptied when full), and the last one used is
 * compared first, which costs less than a lookup (that hashes the segment). A segment that fails to
 * decode is not kept.
 */
function decodeHeader(token: string, first: number): DecodedHeader {
  const segment = token.slice(0, first);
  const last = lastHeader;
  if (last !== undefined && last.segment === segment) return last;
  let decoded = decodedHeaders.get(segment);
  if (decoded === undefined) {
    const header = Object.freeze(parseSegment(checkSegment(segment)));
    decoded = { segment, header, problem: headerProblem(header) };
    if (decodedHeaders.size >= DECODED_HEADERS_LIMIT) decodedHeaders.clear();
    decodedHeaders.set(segment, decoded);
  }
  lastHeader = decoded;
  return decoded;
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
  if (second === first + 1 || second === token.length - 1) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");

  // Every segment is checked to be strict base64url before anything else is looked at. The
  // payload is decoded straight to its text (`null`: not UTF-8, refused below, in the same order).
  const { header, problem } = decodeHeader(token, first);
  const payload = decodeStrictBase64urlText(token.slice(first + 1, second));
  if (payload === undefined) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  const signature = decodeBase64url(token.slice(second + 1));
  const alg = header.alg;
  if (typeof alg !== "string") throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  if (!isSupportedAlgorithm(alg) || !allowed.includes(alg))
    throw new InvalidTokenError("ERR_TOKEN_ALGORITHM");
  if (problem !== undefined) throw new InvalidTokenError(problem);

  if (payload === null) throw new InvalidTokenError("ERR_TOKEN_MALFORMED");
  const claims = parseObject(payload);
  return {
    header: header as JwtHeader & { alg: Algorithm },
    claims: claims as JwtClaims,
    headerEnd: first,
    payloadEnd: second,
    signature,
  };
}

/**
 * base64url decoding (RFC 4648 §5) on every runtime: Node's `Buffer` where it exists (the fastest),
 * else `atob`. Callers pass segments already checked against the base64url alphabet, without
 * padding, whose length is not 1 modulo 4: both decoders read those the same way (unused low bits
 * of the last character are ignored by both).
 */

/** The part of Node's `Buffer` used here (typed without `@types/node`'s globals). */
type BufferLike = Uint8Array & {
  toString(encoding?: "utf8", start?: number, end?: number): string;
  write(text: string, offset: number, length: number, encoding: "base64url"): number;
};
interface BufferConstructorLike {
  from(text: string, encoding: "base64url"): BufferLike;
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferLike;
  allocUnsafeSlow(size: number): BufferLike;
  byteLength(text: string, encoding: "utf8"): number;
  isBuffer(value: unknown): boolean;
}

const NodeBuffer = (globalThis as { Buffer?: BufferConstructorLike }).Buffer;
const hasBuffer = typeof NodeBuffer?.from === "function";
/**
 * Strict UTF-8: a malformed sequence throws a `TypeError` instead of becoming U+FFFD (two different
 * signed strings must never read the same). `ignoreBOM: true` keeps a leading byte-order mark in the
 * text, as `Buffer` does (JSON.parse then refuses it).
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const REPLACEMENT_CHARACTER = "\ufffd";

/** The decoder used where `Buffer` does not exist (exported for the tests that hold it to `Buffer`). */
export function decodeWithAtob(segment: string): Uint8Array {
  const binary = atob(segment.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of a checked base64url segment. */
export function decodeBase64urlBytes(segment: string): Uint8Array {
  return hasBuffer ? NodeBuffer!.from(segment, "base64url") : decodeWithAtob(segment);
}

/** A base64url segment (RFC 4648 §5 alphabet, no padding). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * The bytes of `segment` when it is strict base64url (RFC 7515 §2: the URL-safe alphabet only, no
 * padding, not empty, a length that is not 1 modulo 4), else `undefined`. Any last character is
 * accepted whatever its unused low bits, as jose does.
 *
 * Where `Buffer` exists this costs no scan with a regular expression (which cost about 1 µs over a
 * token's payload and signature): `Buffer` decodes a character of the alphabet, `+` or `/` as one
 * sextet each and skips (or stops at) anything else, so a segment of ASCII characters without `+`
 * or `/` decodes to exactly `⌊3 × length / 4⌋` bytes only if every character is of the alphabet.
 * Characters beyond ASCII are refused first: `Buffer` reads a UTF-16 string's characters by their
 * low byte.
 */
export function decodeStrictBase64url(segment: string): Uint8Array | undefined {
  const length = segment.length;
  if (length === 0 || length % 4 === 1) return undefined;
  if (!hasBuffer) return SEGMENT.test(segment) ? decodeWithAtob(segment) : undefined;
  if (!isBufferCandidate(segment)) return undefined;
  const bytes = NodeBuffer!.from(segment, "base64url");
  return bytes.length === (length * 3) >>> 2 ? bytes : undefined;
}

/**
 * What `Buffer` may decode for {@link decodeStrictBase64url} (whose first checks, on the length,
 * have passed): ASCII only (`Buffer` reads a UTF-16 string's characters by their low byte), no `+`
 * or `/` (which it would read as `-` and `_`).
 */
function isBufferCandidate(segment: string): boolean {
  if (segment.includes("+") || segment.includes("/")) return false;
  return NodeBuffer!.byteLength(segment, "utf8") === segment.length;
}

/** Bytes of the scratch buffer that {@link decodeStrictBase64urlText} decodes into. */
const SCRATCH_BYTES = 16 * 1024;
let scratch: BufferLike | undefined;

/**
 * The UTF-8 text of `segment` when it is strict base64url ({@link decodeStrictBase64url}'s rules):
 * `undefined` when it is not, `null` when its bytes are not UTF-8 (a malformed sequence, never
 * U+FFFD: see {@link decodeUtf8}). On Node the bytes go into one scratch buffer reused for every
 * segment (the text is all that is kept, and nothing runs between writing and reading it), so
 * decoding a token's payload allocates its text and nothing else: no `Buffer` object, no room in
 * `Buffer`'s shared pool.
 */
export function decodeStrictBase64urlText(segment: string): string | null | undefined {
  const length = segment.length;
  if (length === 0 || length % 4 === 1) return undefined;
  const size = (length * 3) >>> 2;
  if (!hasBuffer || size > SCRATCH_BYTES) {
    const bytes = decodeStrictBase64url(segment);
    return bytes === undefined ? undefined : textOrNull(bytes);
  }
  if (!isBufferCandidate(segment)) return undefined;
  scratch ??= NodeBuffer!.allocUnsafeSlow(SCRATCH_BYTES);
  // Exactly `size` bytes only if every character is of the alphabet (see decodeStrictBase64url).
  if (scratch.write(segment, 0, size, "base64url") !== size) return undefined;
  const text = scratch.toString("utf8", 0, size);
  return text.includes(REPLACEMENT_CHARACTER) ? textOrNull(scratch.subarray(0, size)) : text;
}

/** {@link decodeUtf8}, with `null` for bytes that are not UTF-8. */
function textOrNull(bytes: Uint8Array): string | null {
  try {
    return decodeUtf8(bytes);
  } catch {
    return null;
  }
}

/** The text decoder used where `Buffer` does not exist (exported for the tests that hold it to `Buffer`). */
export function decodeTextWithAtob(segment: string): string {
  return strictUtf8.decode(decodeWithAtob(segment));
}

/**
 * The UTF-8 text of UTF-8 bytes; throws a `TypeError` (whose message quotes nothing) on a malformed
 * sequence. On Node, `Buffer` decodes (the fastest) and only text holding U+FFFD, which is where
 * `Buffer` would have replaced a malformed sequence, is decoded again strictly.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  if (!hasBuffer) return strictUtf8.decode(bytes);
  // Bytes `Buffer` decoded are a `Buffer` already: no view of them is made again.
  const buffer = NodeBuffer!.isBuffer(bytes)
    ? (bytes as BufferLike)
    : NodeBuffer!.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fromBuffer(buffer);
}

/** `Buffer`'s decoding, checked strictly only when it replaced something (or the text holds U+FFFD). */
function fromBuffer(bytes: BufferLike): string {
  const text = bytes.toString("utf8");
  return text.includes(REPLACEMENT_CHARACTER) ? strictUtf8.decode(bytes) : text;
}

/**
 * The UTF-8 text of a checked base64url segment. A malformed UTF-8 sequence throws a `TypeError`
 * (never U+FFFD); see {@link decodeUtf8}.
 */
export function decodeBase64urlText(segment: string): string {
  return hasBuffer ? fromBuffer(NodeBuffer!.from(segment, "base64url")) : decodeTextWithAtob(segment);
}

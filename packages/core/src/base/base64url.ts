/**
 * base64url decoding (RFC 4648 §5) on every runtime: Node's `Buffer` where it exists (the fastest),
 * else `atob`. Callers pass segments already checked against the base64url alphabet, without
 * padding, whose length is not 1 modulo 4: both decoders read those the same way (unused low bits
 * of the last character are ignored by both).
 */

/** The part of Node's `Buffer` used here (typed without `@types/node`'s globals). */
interface BufferConstructorLike {
  from(text: string, encoding: "base64url"): Uint8Array & { toString(encoding?: "utf8"): string };
}

const NodeBuffer = (globalThis as { Buffer?: BufferConstructorLike }).Buffer;
const hasBuffer = typeof NodeBuffer?.from === "function";
// `ignoreBOM: true` keeps a leading byte-order mark in the text, as `Buffer` does (JSON.parse then refuses it).
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

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

/** The text decoder used where `Buffer` does not exist (exported for the tests that hold it to `Buffer`). */
export function decodeTextWithAtob(segment: string): string {
  return utf8.decode(decodeWithAtob(segment));
}

/** The UTF-8 text of a checked base64url segment (malformed sequences become U+FFFD, as in `Buffer`). */
export function decodeBase64urlText(segment: string): string {
  return hasBuffer ? NodeBuffer!.from(segment, "base64url").toString("utf8") : decodeTextWithAtob(segment);
}

/**
 * Envoy's `x-forwarded-client-cert` (XFCC): comma-separated elements, one per proxy hop, each a
 * semicolon-separated list of `Key=value` pairs; a value holding `,`, `;` or `=` is double-quoted,
 * with `\"` for a quote inside. Keys are case-insensitive. Parsing is bounded and never throws.
 */

/** Most elements (one per proxy hop) accepted in one header. */
export const MAX_XFCC_ELEMENTS = 16;
/** Most `Key=value` pairs accepted in one element. */
export const MAX_XFCC_PAIRS = 32;

/** One XFCC element: its keys (lower-cased) and values (unquoted), in order. */
export type XfccElement = ReadonlyArray<readonly [key: string, value: string]>;

interface Cursor {
  readonly text: string;
  at: number;
}

const KEY = /[A-Za-z]+/y;
const PLAIN_VALUE = /[^",;=\p{Cc}]*/uy;

function readKey(cursor: Cursor): string | undefined {
  while (cursor.text[cursor.at] === " ") cursor.at += 1; // Node joins repeated headers with ", "
  KEY.lastIndex = cursor.at;
  const match = KEY.exec(cursor.text);
  if (match === null || cursor.text[cursor.at + match[0].length] !== "=") return undefined;
  cursor.at += match[0].length + 1;
  return match[0].toLowerCase();
}

function readValue(cursor: Cursor): string | undefined {
  const { text } = cursor;
  if (text[cursor.at] !== '"') {
    PLAIN_VALUE.lastIndex = cursor.at;
    const plain = (PLAIN_VALUE.exec(text) as RegExpExecArray)[0];
    cursor.at += plain.length;
    return plain;
  }
  let value = "";
  for (let i = cursor.at + 1; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === "\\" && text[i + 1] === '"') {
      value += '"';
      i += 1;
    } else if (c === '"') {
      cursor.at = i + 1;
      return value;
    } else if (c.charCodeAt(0) < 0x20 || c === "\x7f") {
      return undefined;
    } else {
      value += c;
    }
  }
  return undefined; // unterminated quote
}

/** The elements of an XFCC value, in order, or `undefined` when it is not well-formed. */
export function parseXfcc(value: string): XfccElement[] | undefined {
  const cursor: Cursor = { text: value, at: 0 };
  const elements: XfccElement[] = [];
  let pairs: Array<readonly [string, string]> = [];
  for (;;) {
    const key = readKey(cursor);
    const pairValue = key === undefined ? undefined : readValue(cursor);
    if (key === undefined || pairValue === undefined || pairs.length >= MAX_XFCC_PAIRS) return undefined;
    pairs.push([key, pairValue]);
    const separator = value[cursor.at];
    cursor.at += 1;
    if (separator === ";") continue;
    elements.push(pairs);
    pairs = [];
    if (separator === undefined) return elements;
    if (separator !== "," || elements.length >= MAX_XFCC_ELEMENTS) return undefined;
  }
}

/** The value of `key` in `element`: `undefined` when absent, `null` when it appears more than once. */
export function xfccValue(element: XfccElement, key: string): string | undefined | null {
  let found: string | undefined;
  for (const [k, v] of element) {
    if (k !== key) continue;
    if (found !== undefined) return null;
    found = v;
  }
  return found;
}

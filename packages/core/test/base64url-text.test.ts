import { describe, expect, it } from "vitest";
import { decodeStrictBase64url, decodeStrictBase64urlText, decodeUtf8 } from "../src/base/base64url.js";
import { DEFAULT_ALGORITHMS, isBearerError } from "../src/index.js";
import { decodeToken } from "../src/token/token-format.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** What the two steps it replaces give: `undefined` (not strict base64url), `null` (not UTF-8) or the text. */
function twoSteps(segment: string): string | null | undefined {
  const bytes = decodeStrictBase64url(segment);
  if (bytes === undefined) return undefined;
  try {
    return decodeUtf8(bytes);
  } catch {
    return null;
  }
}

describe("decodeStrictBase64urlText (a payload's text, decoded in a reused buffer)", () => {
  const samples: [string, Uint8Array | string][] = [
    ["ASCII JSON", '{"iss":"https://issuer.example/","scope":"a b"}'],
    ["two-byte UTF-8", '{"name":"Zoë Łukasz"}'],
    ["four-byte UTF-8", '{"emoji":"😀"}'],
    ["a real U+FFFD", '{"r":"\ufffd"}'],
    ["a leading byte-order mark", "\ufeff{}"],
    ["a lone continuation byte", new Uint8Array([0x7b, 0x80, 0x7d])],
    ["a truncated sequence", new Uint8Array([0x22, 0xe2, 0x82])],
    ["an overlong encoding", new Uint8Array([0xc0, 0xaf])],
    ["an encoded surrogate", new Uint8Array([0xed, 0xa0, 0x80])],
    ["0xff", new Uint8Array([0xff, 0xfe])],
    ["one byte", "{"],
    ["two bytes", "{}"],
  ];

  it.each(samples)("agrees with decoding the bytes, then the text: %s", (_name, value) => {
    const segment = b64(value);
    expect(decodeStrictBase64urlText(segment)).toBe(twoSteps(segment));
  });

  it("gives null, not a replacement character, for bytes that are not UTF-8", () => {
    expect(decodeStrictBase64urlText(b64(new Uint8Array([0x7b, 0x80, 0x7d])))).toBeNull();
    expect(decodeStrictBase64urlText(b64('{"r":"\ufffd"}'))).toBe('{"r":"\ufffd"}');
  });

  it("leaves nothing of a longer segment in the text of a shorter one decoded after it", () => {
    expect(decodeStrictBase64urlText(b64("x".repeat(3000)))).toBe("x".repeat(3000));
    expect(decodeStrictBase64urlText(b64("ab"))).toBe("ab");
    expect(decodeStrictBase64urlText(b64("é"))).toBe("é");
  });

  it("decodes a segment larger than its buffer as the two steps do, valid or not", () => {
    const text = `{"big":"${"é".repeat(20_000)}"}`;
    expect(decodeStrictBase64urlText(b64(text))).toBe(text);
    const bad = Buffer.concat([Buffer.from("x".repeat(30_000)), Buffer.from([0xff])]);
    expect(decodeStrictBase64urlText(b64(bad))).toBeNull();
    expect(decodeStrictBase64urlText(`${b64("x".repeat(30_000))}+`)).toBeUndefined();
  });

  it("decodes a segment only when every character is of the base64url alphabet, for every UTF-16 code unit", () => {
    for (let unit = 0; unit <= 0xffff; unit++) {
      const character = String.fromCharCode(unit);
      for (const segment of [`${character}QUJ`, `QU${character}D`, `QUJDRA${character}`]) {
        expect([unit, segment, decodeStrictBase64urlText(segment) !== undefined]).toEqual([
          unit,
          segment,
          ALPHABET.includes(character),
        ]);
      }
    }
  });

  it("refuses empty segments and a last quantum of one character", () => {
    expect(decodeStrictBase64urlText("")).toBeUndefined();
    expect(decodeStrictBase64urlText("QUJDR")).toBeUndefined();
  });
});

describe("decodeToken with a payload that is not UTF-8", () => {
  const header = (alg: string) => b64(JSON.stringify({ alg }));
  const notUtf8 = b64(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]));
  function codeOf(token: string): string | undefined {
    try {
      decodeToken(token, DEFAULT_ALGORITHMS, 8192);
    } catch (error) {
      if (!isBearerError(error)) throw error;
      return error.code;
    }
    return undefined;
  }

  it("refuses it as malformed", () => {
    expect(codeOf(`${header("RS256")}.${notUtf8}.c2ln`)).toBe("ERR_TOKEN_MALFORMED");
  });

  it("still refuses a disallowed algorithm first, and a malformed signature before both", () => {
    expect(codeOf(`${header("HS256")}.${notUtf8}.c2ln`)).toBe("ERR_TOKEN_ALGORITHM");
    expect(codeOf(`${header("HS256")}.${notUtf8}.c2l+`)).toBe("ERR_TOKEN_MALFORMED");
  });
});

import { describe, expect, it } from "vitest";
import { decodeStrictBase64url } from "../src/base/base64url.js";
import { DEFAULT_ALGORITHMS, isBearerError } from "../src/index.js";
import { decodeToken } from "../src/token/token-format.js";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const token = (header: unknown, payload: unknown = { iss: "x" }, signature = "c2ln") =>
  `${b64(header)}.${b64(payload)}.${signature}`;

function codeOf(value: string, max = 8192): string | undefined {
  try {
    decodeToken(value, DEFAULT_ALGORITHMS, max);
  } catch (error) {
    if (!isBearerError(error)) throw error;
    expect(error.status).toBe(401);
    return error.code;
  }
  return undefined;
}

describe("decodeToken", () => {
  it("decodes header and claims of a well-formed compact JWS", () => {
    const decoded = decodeToken(
      token({ alg: "ES256", kid: "k" }, { iss: "i", n: 1 }),
      DEFAULT_ALGORITHMS,
      8192,
    );
    expect(decoded.header).toEqual({ alg: "ES256", kid: "k" });
    expect(decoded.claims).toEqual({ iss: "i", n: 1 });
  });

  it.each([
    ["two parts", "abc.def"],
    ["four parts", "a.b.c.d"],
    ["five parts (a JWE)", "a.b.c.d.e"],
    ["an empty header segment", ".b.c"],
    ["an empty signature (stripped)", `${b64({ alg: "RS256" })}.${b64({})}.`],
    ["standard base64 characters", `${b64({ alg: "RS256" })}+.${b64({})}.c2ln`],
    ["padding", `${b64({ alg: "RS256" })}=.${b64({})}.c2ln`],
    ["a header that is not JSON", `${b64("not json")}.${b64({})}.c2ln`],
    ["a header that is a JSON array", token(["alg"])],
    ["a header that is a JSON string", token("RS256")],
    ["a payload that is not JSON", `${b64({ alg: "RS256" })}.${b64("{")}.c2ln`],
    ["a payload that is null", token({ alg: "RS256" }, null)],
    ["a missing alg", token({ typ: "JWT" })],
    ["a non-string kid", token({ alg: "RS256", kid: 7 })],
    ["a kid over 1024 characters", token({ alg: "RS256", kid: "k".repeat(1025) })],
  ])("rejects %s as malformed", (_title, value) => {
    expect(codeOf(value)).toBe("ERR_TOKEN_MALFORMED");
  });

  describe("member names of one escaped character (misread by Node 24.21's JSON.parse)", () => {
    const header = b64({ alg: "RS256" });
    const withPayload = (text: string) => `${header}.${b64(text)}.c2ln`;
    it.each([
      ['{"\\"":1}', "a quote"],
      ['{"\\\\":1}', "a backslash"],
      ['{"\\n":1}', "a newline"],
      ['{"\\/":1}', "an escaped slash"],
      ['{"\\u0011":1}', "a control character"],
      ['{"\\u0041":1}', "an escaped letter"],
      ['{"iss":"i", "\\"" :1}', "a quote after a space, before a spaced colon"],
      ['{"a":{"b":[{"\\t":0}]}}', "a tab, nested"],
    ])("refuses %s (%s)", (text) => {
      expect(JSON.parse(text)).toBeTypeOf("object");
      expect(codeOf(withPayload(text))).toBe("ERR_TOKEN_MALFORMED");
      const headerText = text.replace("{", '{"alg":"RS256",');
      expect(codeOf(`${b64(headerText)}.${b64({ iss: "x" })}.c2ln`)).toBe("ERR_TOKEN_MALFORMED");
      expect(
        codeOf(`${b64(headerText.replace(/"\\(?:[^u]|u[0-9a-f]{4})"/, '"x"'))}.${b64({ iss: "x" })}.c2ln`),
      ).toBe(undefined);
    });
    it.each([
      ['{"a\\"b":1}', "an escape inside a longer name"],
      ['{"a\\"\\"":1}', "a name ending in two escaped quotes"],
      ['{"\\u00e9t\\u00e9":1}', "escaped letters in a longer name"],
      ['{"a":"\\"","b":["\\"",{"c":"\\\\"}]}', "one escaped character as values"],
      ['{"https:\\/\\/example.com\\/roles":["r"]}', "escaped slashes in a namespaced claim"],
      ['{"a":"x\\",\\"y\\":1"}', "a value that spells a name"],
    ])("accepts %s (%s)", (text) => {
      const parsed: unknown = JSON.parse(text);
      const decoded = decodeToken(withPayload(text), DEFAULT_ALGORITHMS, 8192);
      expect(decoded.claims).toEqual(parsed);
    });
  });

  describe("strict base64url in every segment", () => {
    const header = b64({ alg: "RS256" });
    const payload = b64({ iss: "i", sub: "s" });
    // 16 bytes: 22 characters, the last carrying 4 unused bits (16 spellings of the same bytes).
    const signature = Buffer.alloc(16, 0xab).toString("base64url");
    // 18 bytes: 24 characters, no unused bits.
    const whole = Buffer.alloc(18, 0xcd).toString("base64url");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    it("accepts every spelling of a last character whose unused bits differ, with the same bytes", () => {
      const last = signature.at(-1) as string;
      const base = alphabet.indexOf(last) & ~0b1111;
      for (let unused = 0; unused < 16; unused++) {
        const spelled = `${signature.slice(0, -1)}${alphabet[base + unused]}`;
        const decoded = decodeToken(`${header}.${payload}.${spelled}`, DEFAULT_ALGORITHMS, 8192);
        expect(Buffer.from(decoded.signature).equals(Buffer.alloc(16, 0xab))).toBe(true);
      }
    });

    it("hands over the dots' positions and the signature's bytes", () => {
      const decoded = decodeToken(`${header}.${payload}.${signature}`, DEFAULT_ALGORITHMS, 8192);
      expect(decoded.headerEnd).toBe(header.length);
      expect(decoded.payloadEnd).toBe(header.length + 1 + payload.length);
    });

    // Node's decoder skips what is not in its alphabet and reads `+` `/` as `-` `_`: none may pass.
    const spoilers = ["+", "/", "=", " ", "\n", "\t", "%", "é", "\u2028", "\u{1F600}", "\0", "."];
    const at = (segment: string, index: number, inserted: string) =>
      `${segment.slice(0, index)}${inserted}${segment.slice(index)}`;
    it.each(spoilers)("refuses %j anywhere in any segment", (spoiler) => {
      const segments = [header, payload, signature];
      for (let which = 0; which < 3; which++) {
        const segment = segments[which] as string;
        for (const index of [0, 1, segment.length - 1, segment.length]) {
          const spoiled = segments.map((s, i) => (i === which ? at(s, index, spoiler) : s)).join(".");
          expect([which, index, codeOf(spoiled)]).toEqual([which, index, "ERR_TOKEN_MALFORMED"]);
        }
      }
    });

    // Same length, so only the alphabet tells them apart; `Buffer` reads a UTF-16 character by its low byte.
    const replacements = [
      "+",
      "/",
      "=",
      " ",
      "!",
      "~",
      "\0",
      "\x7f",
      "é",
      "\u0141",
      "\u012d",
      "\u015f",
      "\uff41",
      "\ud83d",
    ];
    it.each(replacements)(
      "refuses %j in place of any character of the payload or the signature",
      (replacement) => {
        const segments = [header, payload, signature];
        for (const which of [1, 2]) {
          const segment = segments[which] as string;
          for (let index = 0; index < segment.length; index++) {
            const replaced = `${segment.slice(0, index)}${replacement}${segment.slice(index + 1)}`;
            const spoiled = segments.map((s, i) => (i === which ? replaced : s)).join(".");
            expect([which, index, codeOf(spoiled)]).toEqual([which, index, "ERR_TOKEN_MALFORMED"]);
          }
        }
      },
    );

    it("decodes a segment only when every character is of the base64url alphabet, for every UTF-16 code unit", () => {
      for (let unit = 0; unit <= 0xffff; unit++) {
        const character = String.fromCharCode(unit);
        const inAlphabet = alphabet.includes(character);
        for (const segment of [
          `${character}QUJ`,
          `QU${character}D`,
          `QUJ${character}`,
          `QUJDRA${character}`,
        ]) {
          expect([unit, segment.length, decodeStrictBase64url(segment) !== undefined]).toEqual([
            unit,
            segment.length,
            inAlphabet,
          ]);
        }
      }
    });

    it("refuses standard base64 in place of base64url, even where it decodes to the same bytes", () => {
      const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0xfb, 0xff]);
      const url = bytes.toString("base64url");
      const standard = bytes.toString("base64").replace(/=+$/, "");
      expect(url).not.toBe(standard);
      expect(codeOf(`${header}.${payload}.${url}`)).toBeUndefined();
      expect(codeOf(`${header}.${payload}.${standard}`)).toBe("ERR_TOKEN_MALFORMED");
    });

    it("refuses a segment whose length leaves one character in the last quantum", () => {
      expect([header.length % 4, payload.length % 4, whole.length % 4]).toEqual([0, 0, 0]);
      expect(codeOf(`${header}.${payload}.${whole}`)).toBeUndefined();
      expect(codeOf(`${header}.${payload}.${whole}A`)).toBe("ERR_TOKEN_MALFORMED");
      expect(codeOf(`${header}.${payload}A.${whole}`)).toBe("ERR_TOKEN_MALFORMED");
      expect(codeOf(`${header}A.${payload}.${whole}`)).toBe("ERR_TOKEN_MALFORMED");
    });

    it("refuses an empty payload or signature segment", () => {
      expect(codeOf(`${header}..${signature}`)).toBe("ERR_TOKEN_MALFORMED");
      expect(codeOf(`${header}.${payload}.`)).toBe("ERR_TOKEN_MALFORMED");
    });
  });

  it.each(["none", "None", "NONE", "nOnE", "HS256", "HS384", "HS512", "RS1", ""])(
    "rejects alg %j before any key is looked up",
    (alg) => {
      expect(codeOf(token({ alg }))).toBe("ERR_TOKEN_ALGORITHM");
    },
  );

  it("rejects an algorithm outside the configured allow-list", () => {
    expect(() => decodeToken(token({ alg: "ES256" }), ["RS256"], 8192)).toThrow(/algorithm/);
  });

  it.each([
    ["jwk", { kty: "RSA", n: "x", e: "AQAB" }],
    ["jku", "https://attacker.example/jwks"],
    ["x5u", "https://attacker.example/cert"],
    ["x5c", ["MIIB"]],
    ["crit", ["exp"]],
    ["b64", false],
  ])("refuses a %s header parameter", (name, value) => {
    expect(codeOf(token({ alg: "RS256", [name]: value }))).toBe("ERR_TOKEN_HEADER_UNSUPPORTED");
  });

  it("rejects an oversized token before decoding it", () => {
    const huge = `${"A".repeat(100_000)}.${b64({})}.c2ln`;
    expect(codeOf(huge)).toBe("ERR_TOKEN_TOO_LARGE");
    expect(codeOf(token({ alg: "RS256" }), 16)).toBe("ERR_TOKEN_TOO_LARGE");
  });

  it("rejects a non-string typ as a type error", () => {
    expect(codeOf(token({ alg: "RS256", typ: 1 }))).toBe("ERR_TOKEN_TYPE");
  });
});

import { describe, expect, it } from "vitest";
import { normalizeHtu } from "../src/binding/htu.js";

describe("normalizeHtu, remembered per value", () => {
  const cases: [string, string | undefined][] = [
    ["https://API.example.com:443/a/./b/../c", "https://api.example.com/a/c"],
    ["https://api.example.com/%7e%2f%41", "https://api.example.com/~%2FA"],
    ["http://api.example.com:8080/", "http://api.example.com:8080/"],
    ["ftp://api.example.com/", undefined],
    ["https://user:pass@api.example.com/", undefined],
    ["not a url", undefined],
  ];

  it("answers the same for a value seen before, a refusal included", () => {
    for (let round = 0; round < 3; round++) {
      for (const [value, expected] of cases) expect(normalizeHtu(value), value).toBe(expected);
    }
  });

  it("answers alike past the number of values it remembers, and for values too long to keep", () => {
    const long = `https://api.example.com/${"a".repeat(2000)}`;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 600; i++) {
        expect(normalizeHtu(`https://api.example.com/%7E/${i}`)).toBe(`https://api.example.com/~/${i}`);
      }
      expect(normalizeHtu(long)).toBe(long);
      expect(normalizeHtu(`${long}/%zz`)).toBe(`${long}/%zz`);
    }
  });
});

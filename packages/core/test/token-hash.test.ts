import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashToken, toBase64url } from "../src/introspection/token-hash.js";

describe("hashToken", () => {
  it("gives the token's SHA-256 in base64url, the same on Node and through WebCrypto", async () => {
    for (const token of ["a", "2YotnFZFEjr1zCsicMWpAA", "x".repeat(4096), "é-ü"]) {
      const expected = createHash("sha256").update(token).digest("base64url");
      expect(await hashToken(token)).toBe(expected);
      const web = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
      expect(toBase64url(web)).toBe(expected);
      expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });
});

import { ERROR_CODES } from "@scopegate/core";
import { expect } from "vitest";
import type { CallResult } from "./http.js";

type Code = keyof typeof ERROR_CODES;

/** Asserts an RFC 6750 failure: status, challenge, JSON body `{error, error_description}` and nothing else. */
export function expectFailure(
  res: CallResult,
  code: Code,
  options: { scope?: string; realm?: string } = {},
): void {
  const entry = ERROR_CODES[code];
  const realm = options.realm ?? "api";
  expect(res.status).toBe(entry.status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.headers["cache-control"]).toBe("no-store");
  const body: Record<string, string> = { error_description: entry.description };
  if (entry.error) body.error = entry.error;
  expect(res.json).toEqual(body);
  if (code === "ERR_JWKS_UNAVAILABLE") {
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    return;
  }
  const parts = [`realm="${realm}"`];
  if (entry.error) parts.push(`error="${entry.error}"`, `error_description="${entry.description}"`);
  if (options.scope) parts.push(`scope="${options.scope}"`);
  expect(res.headers["www-authenticate"]).toBe(`Bearer ${parts.join(", ")}`);
}

import { type BearerErrorCode, ERROR_CODES } from "@scopegate/core";
import { expect } from "vitest";

/** The parts of an HTTP response the assertions read (a supertest `Response` fits). */
export interface ResponseLike {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Asserts a JSON failure body: `application/json`, exactly `{ error?, error_description }`, no stack trace. */
export function expectJsonFailure(res: ResponseLike, status: number, error: string | undefined): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json(;|$)/);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(error ? ["error", "error_description"] : ["error_description"]);
  if (error) expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe("string");
  expect(body.error_description).not.toBe("");
  expect(res.text).not.toMatch(/\bat .+:\d+:\d+|Error:|<html|<pre/i);
}

export interface BearerFailureOptions {
  /** The `scope` attribute expected in a 403 challenge. */
  scope?: string;
  /** The realm of the challenge. Default: `"api"`. */
  realm?: string;
  /** The `resource_metadata` URL expected last in the challenge. Default: none expected. */
  resourceMetadata?: string;
  /**
   * The proof algorithms of the `DPoP` challenge expected after the `Bearer` one, as while DPoP is
   * allowed (RFC 9449 §7.1): e.g. `"ES256 RS256 PS256 EdDSA"`. Default: no `DPoP` challenge.
   */
  dpopAlgs?: string;
}

/**
 * Asserts scopegate's RFC 6750 answer for `code`: status, the exact `WWW-Authenticate` challenge (or
 * `Retry-After` for a 503), `Cache-Control: no-store`, and the JSON body with the fixed description.
 */
export function expectBearerFailure(
  res: ResponseLike,
  code: BearerErrorCode,
  options: BearerFailureOptions = {},
): void {
  const entry = ERROR_CODES[code];
  expectJsonFailure(res, entry.status, entry.error);
  expect(JSON.parse(res.text)).toEqual(
    entry.error
      ? { error: entry.error, error_description: entry.description }
      : { error_description: entry.description },
  );
  expect(res.headers["cache-control"]).toBe("no-store");
  if (entry.status === 503) {
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(res.headers["www-authenticate"]).toBeUndefined();
    return;
  }
  const parts = [`realm="${options.realm ?? "api"}"`];
  if (entry.error) parts.push(`error="${entry.error}"`, `error_description="${entry.description}"`);
  if (options.scope) parts.push(`scope="${options.scope}"`);
  if (options.resourceMetadata) parts.push(`resource_metadata="${options.resourceMetadata}"`);
  let challenges = `Bearer ${parts.join(", ")}`;
  if (options.dpopAlgs) {
    const dpop = [`realm="${options.realm ?? "api"}"`];
    if (options.resourceMetadata) dpop.push(`resource_metadata="${options.resourceMetadata}"`);
    dpop.push(`algs="${options.dpopAlgs}"`);
    challenges += `, DPoP ${dpop.join(", ")}`;
  }
  expect(res.headers["www-authenticate"]).toBe(challenges);
}

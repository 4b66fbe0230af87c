import { refuseUnknownKeys } from "../base/option-keys.js";
import { refuseUnknownVerifierKeys, type VerifierOptions } from "../options/verifier-options.js";

/** Options every preset takes. */
export interface PresetOptions {
  /**
   * Calling clients whose tokens are accepted (read from the claim where the provider names the
   * client). Default: `null` (any client of the issuer with a token for this audience).
   */
  allowedClientIds?: readonly string[] | null;
}

/**
 * Options that replace the preset's (e.g. `clockToleranceSec`, `algorithms`, `jwks`). `validators`
 * are appended to the preset's, never replace them. Default: `{}`.
 */
export type PresetOverrides = Partial<VerifierOptions>;

/** The keys of {@link PresetOptions}, which every preset's own list includes. */
export const PRESET_OPTION_KEYS = ["allowedClientIds"] as const;

/**
 * Refuses unknown keys in a preset's options (against `known`) and in its overrides (as verifier
 * options), naming the preset in the message.
 */
export function refusePresetKeys(
  preset: string,
  options: unknown,
  known: readonly string[],
  overrides: unknown,
): void {
  refuseUnknownKeys(options, known, `presets.${preset}()`);
  if (typeof overrides === "object" && overrides !== null) {
    refuseUnknownVerifierKeys(overrides as VerifierOptions, `presets.${preset}() overrides`);
  }
}

/** A TypeError naming the preset and the option, as `createVerifier` does for its own options. */
export function presetError(preset: string, option: string, fix: string): TypeError {
  return new TypeError(`scopegate: invalid option \`${option}\` of presets.${preset}(): ${fix}`);
}

export function requireString(preset: string, option: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.trim() !== value) {
    throw presetError(preset, option, "expected a non-empty string without surrounding spaces.");
  }
  return value;
}

export function stringList(preset: string, option: string, value: unknown): string[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : null;
  if (list === null || list.length === 0) {
    throw presetError(preset, option, "expected a non-empty string or a non-empty array of strings.");
  }
  return list.map((item) => requireString(preset, option, item));
}

/** The allow-list option, checked; `null` when absent. */
export function allowList(preset: string, options: PresetOptions): string[] | null {
  const value = options.allowedClientIds;
  return value === undefined || value === null ? null : stringList(preset, "allowedClientIds", value);
}

/**
 * A base URL given with or without `https://` and trailing slashes, parsed: no query, fragment or
 * credentials. Returns the URL without a trailing slash.
 */
export function baseUrl(preset: string, option: string, value: unknown, { pathAllowed = true } = {}): URL {
  const text = requireString(preset, option, value);
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw presetError(preset, option, `${JSON.stringify(text)} is not a host name or URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw presetError(preset, option, "expected an https: URL.");
  }
  if (url.username || url.password || url.search || url.hash) {
    throw presetError(preset, option, "the URL must not carry credentials, a query or a fragment.");
  }
  if (!pathAllowed && url.pathname !== "/") {
    throw presetError(preset, option, "expected a host name (no path).");
  }
  return url;
}

/** `url.href` without its trailing slash(es). */
export function withoutTrailingSlash(url: URL): string {
  return url.href.replace(/\/+$/, "");
}

/** Applies `overrides` over a preset's options; validators are appended, not replaced. */
export function withOverrides(
  base: VerifierOptions,
  overrides: PresetOverrides | undefined,
): VerifierOptions {
  if (overrides === undefined) return base;
  if (typeof overrides !== "object" || overrides === null) {
    throw new TypeError("scopegate: preset overrides must be an object of verifier options.");
  }
  const merged: VerifierOptions = { ...base, ...overrides };
  if (base.validators !== undefined || overrides.validators !== undefined) {
    merged.validators = [...(base.validators ?? []), ...(overrides.validators ?? [])];
  }
  return merged;
}

import { type Algorithm, isSupportedAlgorithm } from "../base/algorithms.js";
import { checkCount, invalidOption } from "../base/option-checks.js";
import { checkPublicUrl, type PublicUrl } from "./htu.js";
import { type DpopNonceOptions, type ResolvedNonceOptions, resolveNonceOptions } from "./nonce.js";
import { createMemoryReplayStore, type ReplayStore } from "./replay-store.js";

/** How a verifier treats DPoP (RFC 9449). */
export type DpopMode = "allowed" | "required" | "disabled";

/** DPoP options: `createVerifier({ dpop: { … } })`. */
export interface DpopOptions {
  /**
   * - `"allowed"`: `Authorization: DPoP` with a proof is checked; a token bound with `cnf.jkt` passes
   *   only that way; plain bearer tokens keep working as `Bearer`.
   * - `"required"`: only DPoP-bound tokens with a valid proof pass; `Bearer` counts as no credentials.
   * - `"disabled"`: the `DPoP` scheme counts as no credentials (and bound tokens are refused as `Bearer`).
   *
   * Default: `"allowed"` when `publicUrl` is set or `trustProxy` is on (a proof's `htu` can then be
   * checked), `"disabled"` otherwise.
   */
  mode?: DpopMode;
  /**
   * The URL clients use to reach this service (or several): an origin such as
   * `https://api.example.com`, or an origin and the path prefix a reverse proxy maps to this service
   * (`https://gateway.example.com/calendar`). A proof's `htu` must be one of them followed by the
   * request path (RFC 3986 normalised; query and fragment ignored). The `Host` header is never used.
   * Default: none (needed unless `mode` is `"disabled"` or `trustProxy` is on).
   */
  publicUrl?: string | readonly string[];
  /**
   * Build the public origin from `X-Forwarded-Proto` and `X-Forwarded-Host` (their first values).
   * Turn it on only when every request reaches this service through a proxy that sets both and
   * overwrites what clients send: otherwise a client chooses the origin its proof is checked against.
   * Not combined with `publicUrl` (a configured URL is always the safer choice). Default: `false`.
   */
  trustProxy?: boolean;
  /** Accepted proof signature algorithms (asymmetric only). Default: `["ES256", "RS256", "PS256", "EdDSA"]`. */
  algorithms?: readonly Algorithm[];
  /**
   * How old a proof's `iat` may be, in seconds; the `jti` of a proof is remembered this long (plus
   * `clockToleranceSec`). Default: `300`.
   */
  maxAgeSec?: number;
  /** How far a proof's `iat` may be in the future, in seconds (client clocks run ahead). Default: `5`. */
  clockToleranceSec?: number;
  /** Largest accepted proof, in bytes. Default: `8192`. */
  maxProofBytes?: number;
  /**
   * Where the `jti` of accepted proofs is remembered, to refuse a replay. One process's memory does not
   * see other instances: share a store between them. Default: `createMemoryReplayStore()` (in process,
   * 100,000 entries).
   */
  replayStore?: ReplayStore;
  /** Server-provided nonces (RFC 9449 §9): `true` for the defaults, or their options. Default: `false`. */
  nonce?: boolean | DpopNonceOptions;
}

/** {@link DpopOptions} after validation and defaults. */
export interface ResolvedDpopOptions {
  readonly mode: DpopMode;
  /** Where `htu` may point, normalised; empty when `trustProxy` builds it. */
  readonly publicUrls: readonly PublicUrl[];
  readonly trustProxy: boolean;
  readonly algorithms: readonly Algorithm[];
  readonly maxAgeSec: number;
  readonly clockToleranceSec: number;
  readonly maxProofBytes: number;
  readonly replayStore: ReplayStore;
  /** `null` when nonces are off. */
  readonly nonce: ResolvedNonceOptions | null;
}

/** The proof algorithms accepted by default (RFC 9449 names no default; these are the widely implemented ones). */
export const DEFAULT_DPOP_ALGORITHMS: readonly Algorithm[] = Object.freeze([
  "ES256",
  "RS256",
  "PS256",
  "EdDSA",
]);

const KNOWN_KEYS = [
  "mode",
  "publicUrl",
  "trustProxy",
  "algorithms",
  "maxAgeSec",
  "clockToleranceSec",
  "maxProofBytes",
  "replayStore",
  "nonce",
];
const MODES: readonly DpopMode[] = ["allowed", "required", "disabled"];

function checkSeconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return invalidOption(option, `expected a finite number of seconds >= 0; got ${String(value)}.`);
  }
  return value;
}

function checkAlgorithms(value: unknown): readonly Algorithm[] {
  if (value === undefined) return DEFAULT_DPOP_ALGORITHMS;
  if (!Array.isArray(value) || value.length === 0) {
    return invalidOption("dpop.algorithms", 'list at least one algorithm, e.g. ["ES256"].');
  }
  for (const alg of value) {
    if (!isSupportedAlgorithm(alg)) {
      invalidOption(
        "dpop.algorithms",
        `${JSON.stringify(alg)} is not accepted: proofs are signed with an asymmetric algorithm (ES256, RS256, PS256, EdDSA, …); never none or HS*.`,
      );
    }
  }
  return Object.freeze([...(value as Algorithm[])]);
}

function checkReplayStore(value: unknown, clock: () => number): ReplayStore {
  if (value === undefined) return createMemoryReplayStore({ clock });
  if (typeof value !== "object" || value === null || typeof (value as ReplayStore).markUsed !== "function") {
    return invalidOption("dpop.replayStore", "expected an object with a markUsed(key, expiresAtMs) method.");
  }
  return value as ReplayStore;
}

/**
 * Validates DPoP options and applies defaults. `clock` is the verifier's. Throws a `TypeError` that
 * names the option and the fix.
 */
export function resolveDpopOptions(
  options: DpopOptions | undefined,
  clock: () => number,
): ResolvedDpopOptions {
  const given: DpopOptions = options ?? {};
  if (typeof given !== "object" || given === null) return invalidOption("dpop", "pass an options object.");
  for (const key of Object.keys(given)) {
    if (!KNOWN_KEYS.includes(key)) {
      invalidOption(`dpop.${key}`, `there is no such option; dpop takes ${KNOWN_KEYS.join(", ")}.`);
    }
  }
  const trustProxy = given.trustProxy ?? false;
  if (typeof trustProxy !== "boolean") invalidOption("dpop.trustProxy", "expected true or false.");
  const urls =
    given.publicUrl === undefined
      ? []
      : typeof given.publicUrl === "string"
        ? [given.publicUrl]
        : given.publicUrl;
  if (!Array.isArray(urls)) invalidOption("dpop.publicUrl", "expected a URL or an array of URLs.");
  const publicUrls = urls.map((url, i) =>
    checkPublicUrl(`dpop.publicUrl${urls.length > 1 ? `[${i}]` : ""}`, url),
  );
  if (trustProxy && publicUrls.length > 0) {
    invalidOption("dpop.trustProxy", "set either publicUrl (preferred) or trustProxy, not both.");
  }
  const locatable = publicUrls.length > 0 || trustProxy;
  const mode = given.mode ?? (locatable ? "allowed" : "disabled");
  if (!MODES.includes(mode))
    invalidOption("dpop.mode", `expected "allowed", "required" or "disabled"; got ${JSON.stringify(mode)}.`);
  if (mode !== "disabled" && !locatable) {
    invalidOption(
      "dpop.publicUrl",
      `with mode "${mode}", say where clients reach this service (e.g. "https://api.example.com"): a proof's htu is checked against it, never against the Host header.`,
    );
  }
  const nonce = given.nonce ?? false;
  return Object.freeze({
    mode,
    publicUrls: Object.freeze(publicUrls),
    trustProxy,
    algorithms: checkAlgorithms(given.algorithms),
    maxAgeSec: checkSeconds("dpop.maxAgeSec", given.maxAgeSec, 300),
    clockToleranceSec: checkSeconds("dpop.clockToleranceSec", given.clockToleranceSec, 5),
    maxProofBytes: checkCount("dpop.maxProofBytes", given.maxProofBytes, 8192, 256),
    replayStore: checkReplayStore(given.replayStore, clock),
    nonce: nonce === false ? null : resolveNonceOptions(nonce === true ? {} : nonce, clock),
  });
}

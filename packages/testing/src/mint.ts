import type { KeyObject } from "node:crypto";
import { randomUUID } from "node:crypto";
import { CompactSign } from "jose";
import type { KeyRing } from "./key-ring.js";
import { optionKeys, refuseUnknownKeys } from "./option-keys.js";

/** Client identifier (and subject) of minted tokens unless one is given. */
export const DEFAULT_TEST_CLIENT_ID = "scopegate-test-client";
/** Lifetime of minted tokens unless one is given, in seconds. */
export const DEFAULT_EXPIRES_IN_SEC = 300;

/** What to put in a minted access token. Every claim can still be overridden through `claims`. */
export interface MintOptions {
  /** Scopes, written to the space-delimited `scope` claim. Default: no `scope` claim. */
  scope?: string | readonly string[];
  /** Scopes, written as an array to the `scp` claim (Azure AD / Okta style). Default: no `scp` claim. */
  scp?: string | readonly string[];
  /** The `sub` claim. Default: the client id. */
  subject?: string;
  /** The `client_id` claim. Default: `"scopegate-test-client"`. */
  clientId?: string;
  /** The `aud` claim. Default: the authority's audience. */
  audience?: string | readonly string[];
  /** The `iss` claim. Default: the authority's issuer. */
  issuer?: string;
  /** `exp` as seconds from now (negative for an expired token). Default: `300`. */
  expiresInSec?: number;
  /** `nbf` as seconds from now. Default: no `nbf` claim. */
  notBeforeSec?: number;
  /** `iat` as seconds from now (negative for a token issued in the past). Default: `0`. */
  issuedAtSec?: number;
  /**
   * Binds the token to a DPoP key (RFC 9449): `cnf: { jkt: key.thumbprint }`. Pass a key from
   * `createDpopKey()`; its proofs then go with the token. Default: not bound.
   */
  dpop?: { readonly thumbprint: string };
  /** Extra claims; they override the ones above. Default: `{}`. */
  claims?: Record<string, unknown>;
  /** Extra or overriding JOSE header parameters (`{ kid: undefined }` drops the kid). Default: `{}`. */
  header?: Record<string, unknown>;
  /**
   * Key to sign with, by kid: any key the authority ever had, including rotated-out and retired ones.
   * A kid the authority never had is written to the header of a token signed with the current key
   * (the verifier finds no key for it). Default: the current signing key.
   */
  kid?: string;
  /** The `typ` header; `null` omits it. Default: `"at+jwt"` (RFC 9068). */
  typ?: string | null;
  /**
   * Binds the token to a client certificate (RFC 8705 §3): `cnf: { "x5t#S256": thumbprint }`, from a
   * `TestCertificate` or a thumbprint. Default: not bound.
   */
  certificate?: { readonly thumbprint: string } | string;
  /** Claim names to drop after everything else is applied, e.g. `["exp"]`. Default: `[]`. */
  omit?: readonly string[];
}

const MINT_OPTION_KEYS = optionKeys<MintOptions>()([
  "scope",
  "scp",
  "subject",
  "clientId",
  "audience",
  "issuer",
  "expiresInSec",
  "notBeforeSec",
  "issuedAtSec",
  "claims",
  "header",
  "kid",
  "typ",
  "omit",
  "dpop",
  "certificate",
]);

/** What minting needs from the authority. */
export interface MintContext {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly clock: () => number;
  readonly keys: KeyRing;
}

const encoder = new TextEncoder();

function scopeList(value: string | readonly string[]): string[] {
  return typeof value === "string" ? value.split(" ").filter(Boolean) : [...value];
}

/** The claims a token minted with `options` carries. */
export function buildClaims(context: MintContext, options: MintOptions = {}): Record<string, unknown> {
  refuseUnknownKeys(options, MINT_OPTION_KEYS, "mint()");
  const now = Math.floor(context.clock() / 1000);
  const clientId = options.clientId ?? DEFAULT_TEST_CLIENT_ID;
  const audience = options.audience ?? context.audience;
  const claims: Record<string, unknown> = {
    iss: options.issuer ?? context.issuer,
    aud: typeof audience === "string" ? audience : [...audience],
    sub: options.subject ?? clientId,
    client_id: clientId,
    iat: now + (options.issuedAtSec ?? 0),
    exp: now + (options.expiresInSec ?? DEFAULT_EXPIRES_IN_SEC),
    jti: randomUUID(),
  };
  if (options.notBeforeSec !== undefined) claims.nbf = now + options.notBeforeSec;
  if (options.scope !== undefined) claims.scope = scopeList(options.scope).join(" ");
  if (options.scp !== undefined) claims.scp = scopeList(options.scp);
  if (options.dpop !== undefined) claims.cnf = { jkt: options.dpop.thumbprint };
  if (options.certificate !== undefined) {
    const thumbprint =
      typeof options.certificate === "string" ? options.certificate : options.certificate.thumbprint;
    claims.cnf = { "x5t#S256": thumbprint };
  }
  Object.assign(claims, options.claims);
  for (const name of options.omit ?? []) delete claims[name];
  return claims;
}

/** Signs `payload` as a compact JWS with `key` (a private key, or an HMAC secret). */
export async function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject | Uint8Array,
): Promise<string> {
  const jws = new CompactSign(encoder.encode(JSON.stringify(payload)));
  // jose types the header strictly; extra parameters are allowed by RFC 7515 and wanted here.
  jws.setProtectedHeader(header as { alg: string });
  return jws.sign(key);
}

/** Base64url of a JSON value: one segment of a compact JWS. */
export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Mints an access token signed by the authority (RFC 9068 shape). */
export async function mint(context: MintContext, options: MintOptions = {}): Promise<string> {
  const chosen = options.kid === undefined ? undefined : context.keys.get(options.kid);
  const key = chosen ?? context.keys.current;
  const header = buildHeader({ alg: key.alg, kid: options.kid ?? key.kid }, options);
  return signCompact(header, buildClaims(context, options), key.privateKey);
}

/**
 * The JOSE header of a minted token: `base` (`alg`, `kid`), then `typ`, then `options.header`, then
 * `overrides`. Parameters set to `undefined` are dropped.
 */
export function buildHeader(
  base: { alg: string; kid: string },
  options: MintOptions,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const header: Record<string, unknown> = { ...base };
  if (options.typ !== null) header.typ = options.typ ?? "at+jwt";
  Object.assign(header, options.header, overrides);
  for (const name of Object.keys(header)) if (header[name] === undefined) delete header[name];
  return header;
}

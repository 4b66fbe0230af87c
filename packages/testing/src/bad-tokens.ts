import { createHmac, randomUUID } from "node:crypto";
import type { TestKey } from "./keys.js";
import {
  buildClaims,
  buildHeader,
  encodeSegment,
  type MintContext,
  type MintOptions,
  mint,
  signCompact,
} from "./mint.js";

/** Audience of `tokens.wrongAudience()`. */
export const WRONG_AUDIENCE = "https://wrong-audience.scopegate-test.invalid";
/** Issuer of `tokens.wrongIssuer()`. */
export const WRONG_ISSUER = "https://wrong-issuer.scopegate-test.invalid/";
/** Scope carried by `tokens.missingScope()` when nothing else is left. */
export const UNRELATED_SCOPE = "scopegate-test.unrelated";

/**
 * Tokens your routes must refuse. Each takes the usual {@link MintOptions} (applied over the helper's
 * own settings, so pass the scopes the route needs: the token then fails for one reason only). The
 * response is what scopegate's adapters (Express, Koa, NestJS) answer.
 */
export interface BadTokens {
  /** `exp` 10 minutes ago (`iat` 15 minutes ago). → 401 `invalid_token`, "The access token expired". */
  expired(options?: MintOptions): Promise<string>;
  /** `nbf` 10 minutes from now. → 401 `invalid_token`, "The access token is not yet valid". */
  notYetValid(options?: MintOptions): Promise<string>;
  /** `aud` is another API. → 401 `invalid_token`, "The access token audience is not accepted". */
  wrongAudience(options?: MintOptions): Promise<string>;
  /** `iss` is another issuer (signed with the real key). → 401 `invalid_token`, "The access token issuer is not accepted". */
  wrongIssuer(options?: MintOptions): Promise<string>;
  /**
   * Valid, but without `scope` (default: whatever `options.scope` holds minus `scope`; a harmless
   * unrelated scope when nothing is left). → 403 `insufficient_scope`, "The access token lacks a
   * required scope", on a route that requires `scope`.
   */
  missingScope(scope?: string | readonly string[], options?: MintOptions): Promise<string>;
  /** Same, with the scopes from `options.scope` (or the unrelated scope when there are none). */
  missingScope(options: MintOptions): Promise<string>;
  /** Signed by a key the JWKS does not have, under a kid it does not list. → 401 `invalid_token`, "No key matches the access token's key identifier". */
  unknownKid(options?: MintOptions): Promise<string>;
  /** Signed by a foreign key under the real current kid. → 401 `invalid_token`, "The access token signature is invalid". */
  foreignKey(options?: MintOptions): Promise<string>;
  /** Unsigned (`alg: "none"`, empty signature). → 401 `invalid_token` (scopegate reports it as malformed). */
  algNone(options?: MintOptions): Promise<string>;
  /** A valid token whose payload was changed after signing (`sub`, and a scope added). → 401 `invalid_token`, "The access token signature is invalid". */
  tampered(options?: MintOptions): Promise<string>;
  /**
   * Algorithm confusion: `alg: "HS256"` under the real kid, HMAC-signed with the authority's public key
   * (SPKI PEM) as the secret. → 401 `invalid_token`, "The access token is signed with an algorithm that is not accepted".
   */
  algConfusion(options?: MintOptions): Promise<string>;
  /** Not a JWS at all (three segments that do not decode to JSON). → 401 `invalid_token`, "The access token is malformed". */
  malformed(): Promise<string>;
}

/** What the bad-token helpers need from the authority. */
export interface BadTokenContext extends MintContext {
  /** A key of the current algorithm that the authority never publishes (created once, on demand). */
  foreignKey(): Promise<TestKey>;
}

function headerFor(
  key: TestKey,
  options: MintOptions,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  return buildHeader({ alg: key.alg, kid: key.kid }, options, overrides);
}

function without(scopes: string | readonly string[] | undefined, removed: readonly string[]): string[] {
  const list = scopes === undefined ? [] : typeof scopes === "string" ? scopes.split(" ") : [...scopes];
  return list.filter((s) => s && !removed.includes(s));
}

export function createBadTokens(context: BadTokenContext): BadTokens {
  const current = (): TestKey => context.keys.current;
  return {
    expired: (options = {}) => mint(context, { issuedAtSec: -900, expiresInSec: -600, ...options }),
    notYetValid: (options = {}) => mint(context, { notBeforeSec: 600, expiresInSec: 900, ...options }),
    wrongAudience: (options = {}) => mint(context, { audience: WRONG_AUDIENCE, ...options }),
    wrongIssuer: (options = {}) => mint(context, { issuer: WRONG_ISSUER, ...options }),
    missingScope: (
      scopeOrOptions: string | readonly string[] | MintOptions = [],
      maybeOptions: MintOptions = {},
    ) => {
      const onlyOptions = typeof scopeOrOptions === "object" && !Array.isArray(scopeOrOptions);
      const scope = onlyOptions ? [] : (scopeOrOptions as string | readonly string[]);
      const options = onlyOptions ? (scopeOrOptions as MintOptions) : maybeOptions;
      const removed = typeof scope === "string" ? scope.split(" ").filter(Boolean) : [...scope];
      const left = without(options.scope, removed);
      return mint(context, { ...options, scope: left.length > 0 ? left : [UNRELATED_SCOPE] });
    },
    async unknownKid(options = {}) {
      const foreign = await context.foreignKey();
      const header = headerFor(foreign, options, { kid: `scopegate-test-unknown-${randomUUID()}` });
      return signCompact(header, buildClaims(context, options), foreign.privateKey);
    },
    async foreignKey(options = {}) {
      const foreign = await context.foreignKey();
      const header = headerFor(foreign, options, { kid: current().kid });
      return signCompact(header, buildClaims(context, options), foreign.privateKey);
    },
    async algNone(options = {}) {
      const header = headerFor(current(), options, { alg: "none" });
      return `${encodeSegment(header)}.${encodeSegment(buildClaims(context, options))}.`;
    },
    async tampered(options = {}) {
      const token = await mint(context, options);
      const [h, p, s] = token.split(".") as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
      const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
      const forged = { ...claims, sub: "scopegate-test-tampered", scope: [...scopes, "admin"].join(" ") };
      return `${h}.${encodeSegment(forged)}.${s}`;
    },
    async algConfusion(options = {}) {
      const key = current();
      const secret = key.publicKey.export({ type: "spki", format: "pem" });
      const header = headerFor(key, options, { alg: "HS256" });
      const input = `${encodeSegment(header)}.${encodeSegment(buildClaims(context, options))}`;
      const signature = createHmac("sha256", secret).update(input).digest("base64url");
      return `${input}.${signature}`;
    },
    async malformed() {
      const junk = (text: string) => Buffer.from(text).toString("base64url");
      return `${junk("not a header")}.${junk("not a payload")}.${junk("not a signature")}`;
    },
  };
}

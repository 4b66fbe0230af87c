import { type Algorithm, DEFAULT_ALGORITHMS, isSupportedAlgorithm } from "../base/algorithms.js";
import { canonicalResource, resourceMetadataUrl } from "../base/resource.js";
import { resolveClientCertificateOptions } from "../binding/certificate-options.js";
import { resolveDpopOptions } from "../binding/dpop-options.js";
import { DEFAULT_REALM } from "../http/errors.js";
import { resolveIntrospectionOptions } from "../introspection/introspection-options.js";
import { DEFAULT_TOKEN_CACHE_ENTRIES, type TokenCacheOptions } from "../token/token-cache.js";
import {
  checkFetchUrl,
  checkListeners,
  fail,
  nonEmptyStrings,
  nonNegative,
  optionalBoolean,
  scopeClaimList,
} from "./option-values.js";
import {
  type ResolvedVerifierOptions,
  refuseUnknownVerifierKeys,
  type VerifierOptions,
} from "./verifier-options.js";

type Audiences = Pick<
  ResolvedVerifierOptions,
  "audiences" | "resource" | "resourceAudience" | "resourceMetadataUrl"
>;

/** `resource`, `audience` (required unless `resource` is given) and `resourceMetadataUrl`. */
function resolveAudiences(options: VerifierOptions): Audiences {
  const resource = options.resource === undefined ? null : canonicalResource(options.resource);
  if (options.audience === undefined && resource === null) {
    fail(
      "audience",
      "it is required: pass this API's identifier (or its `resource`), or `null` to explicitly skip the audience check.",
    );
  }
  const audiences =
    options.audience === undefined
      ? [resource as string]
      : options.audience === null
        ? null
        : nonEmptyStrings("audience", options.audience, "the audience(s)");
  const metadataUrl =
    options.resourceMetadataUrl === null
      ? null
      : options.resourceMetadataUrl !== undefined
        ? checkFetchUrl("resourceMetadataUrl", options.resourceMetadataUrl)
        : resource === null
          ? null
          : resourceMetadataUrl(resource);
  return {
    audiences,
    resource,
    resourceAudience: resource !== null && audiences?.includes(resource) ? resource : null,
    resourceMetadataUrl: metadataUrl,
  };
}

/** `algorithms`: asymmetric ones only; `none` and HS* are refused with the reason. */
function resolveAlgorithms(value: readonly Algorithm[] | undefined): readonly Algorithm[] {
  const algorithms = value === undefined ? DEFAULT_ALGORITHMS : [...value];
  if (algorithms.length === 0) fail("algorithms", 'list at least one algorithm, e.g. ["RS256"].');
  for (const alg of algorithms) {
    if (typeof alg === "string" && alg.toLowerCase() === "none") {
      fail("algorithms", "`none` is never accepted: unsigned tokens prove nothing. Remove it.");
    }
    if (typeof alg === "string" && /^HS/i.test(alg)) {
      fail(
        "algorithms",
        `${alg} is a shared-secret algorithm and cannot be verified with a public JWKS. Use RS256, PS256, ES256 or EdDSA.`,
      );
    }
    if (!isSupportedAlgorithm(alg)) fail("algorithms", `${JSON.stringify(alg)} is not supported.`);
  }
  return algorithms;
}

/** `jwksUri`: one URL for one issuer, or a map from issuer to URL; issuers without one are discovered. */
function resolveJwksUris(raw: VerifierOptions["jwksUri"], issuers: readonly string[]): Map<string, string> {
  const jwksUris = new Map<string, string>();
  if (typeof raw === "string" || raw instanceof URL) {
    if (issuers.length !== 1) fail("jwksUri", "with several issuers, pass a map from issuer to JWKS URL.");
    jwksUris.set(issuers[0]!, checkFetchUrl("jwksUri", raw));
  } else if (raw !== undefined) {
    if (typeof raw !== "object" || raw === null)
      fail("jwksUri", "expected a URL or a map from issuer to URL.");
    for (const [iss, uri] of Object.entries(raw)) {
      if (!issuers.includes(iss))
        fail("jwksUri", `${JSON.stringify(iss)} is not one of the configured issuers.`);
      jwksUris.set(iss, checkFetchUrl(`jwksUri[${JSON.stringify(iss)}]`, uri));
    }
  }
  // An issuer whose keys are discovered is fetched from: the same URL rules apply to it.
  for (const iss of issuers) {
    if (!jwksUris.has(iss)) checkFetchUrl("issuer", iss);
  }
  return jwksUris;
}

/** `tokenCache`: `false`, or `{ maxEntries }` (default 10,000 entries). */
function resolveTokenCache(value: VerifierOptions["tokenCache"]): Required<TokenCacheOptions> | null {
  if (value === false) return null;
  if (value !== undefined && (typeof value !== "object" || value === null))
    fail("tokenCache", "expected `{ maxEntries?: number }` or `false`.");
  const maxEntries = value?.maxEntries ?? DEFAULT_TOKEN_CACHE_ENTRIES;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1)
    fail("tokenCache.maxEntries", `expected a whole number >= 1; got ${String(maxEntries)}.`);
  return { maxEntries };
}

/** The claim checks' options: token type, age, size, required claims, scope and client id claims. */
function resolveClaimOptions(options: VerifierOptions) {
  const tokenType = options.tokenType ?? "lenient";
  if (tokenType !== "lenient" && tokenType !== "strict") fail("tokenType", 'expected "lenient" or "strict".');
  const maxTokenBytes = nonNegative("maxTokenBytes", options.maxTokenBytes, 8192);
  if (maxTokenBytes < 64) fail("maxTokenBytes", "must be at least 64.");
  const validators = options.validators ?? [];
  if (!Array.isArray(validators) || validators.some((v) => typeof v !== "function")) {
    fail("validators", "expected an array of functions.");
  }
  return {
    clockToleranceSec: nonNegative("clockToleranceSec", options.clockToleranceSec, 5),
    maxTokenAgeSec:
      options.maxTokenAgeSec === undefined || options.maxTokenAgeSec === null
        ? null
        : nonNegative("maxTokenAgeSec", options.maxTokenAgeSec, 0),
    tokenType,
    maxTokenBytes,
    validators,
    requiredClaims:
      options.requiredClaims === undefined ||
      (Array.isArray(options.requiredClaims) && options.requiredClaims.length === 0)
        ? []
        : nonEmptyStrings("requiredClaims", options.requiredClaims, "claim names"),
    scopeClaims: options.scopeClaims ? scopeClaimList(options.scopeClaims) : ["scope", "scp"],
    clientIdClaims: options.clientIdClaims
      ? nonEmptyStrings("clientIdClaims", options.clientIdClaims, "claim names")
      : ["client_id", "azp"],
    allowedClientIds:
      options.allowedClientIds === undefined || options.allowedClientIds === null
        ? null
        : new Set(nonEmptyStrings("allowedClientIds", options.allowedClientIds, "client identifiers")),
  };
}

/** `realm`: printable ASCII that fits in a quoted challenge parameter. */
function resolveRealm(value: unknown): string {
  const realm = value ?? DEFAULT_REALM;
  if (typeof realm !== "string" || !/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(realm)) {
    fail("realm", "expected non-empty printable ASCII without quotes or backslashes.");
  }
  return realm as string;
}

/** Validates options and applies defaults. Throws a `TypeError` naming the option and the fix. */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== "object" || options === null) fail("options", "pass an options object.");
  refuseUnknownVerifierKeys(options, "createVerifier()");
  if (options.issuer === undefined)
    fail("issuer", "it is required: pass the authorization server's issuer identifier.");
  const issuers = nonEmptyStrings("issuer", options.issuer, "the issuer identifier(s)");
  if (options.clock !== undefined && typeof options.clock !== "function")
    fail("clock", "expected a function returning milliseconds.");
  const clock = options.clock ?? Date.now;
  return {
    issuers,
    ...resolveAudiences(options),
    clientCertificate: resolveClientCertificateOptions(options.clientCertificate),
    jwksUris: resolveJwksUris(options.jwksUri, issuers),
    algorithms: resolveAlgorithms(options.algorithms),
    ...resolveClaimOptions(options),
    realm: resolveRealm(options.realm),
    allowQueryToken: options.allowQueryToken === true,
    allowBodyToken: options.allowBodyToken === true,
    clock,
    tokenCache: resolveTokenCache(options.tokenCache),
    offloadSignatures: optionalBoolean("offloadSignatures", options.offloadSignatures, false),
    dpop: resolveDpopOptions(options.dpop, clock),
    introspection:
      options.introspection === undefined
        ? null
        : resolveIntrospectionOptions(options.introspection, issuers),
    onEvent: checkListeners(options.onEvent),
  };
}

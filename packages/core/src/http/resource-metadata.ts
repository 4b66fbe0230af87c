import { invalidOption } from "../base/option-checks.js";
import { canonicalResource, resourceMetadataPath } from "../base/resource.js";

/**
 * The RFC 9728 §2 protected resource metadata document. Members scopegate does not know of are
 * never added; absent members are left out, not `null`.
 */
export interface ResourceMetadataDocument {
  /** The resource identifier (canonical form); tokens for this resource carry it in `aud`. */
  resource: string;
  /** Issuer identifiers of the authorization servers that issue tokens for this resource. */
  authorization_servers?: string[];
  /** The resource's own JWKS (keys it signs responses with), when it has one. */
  jwks_uri?: string;
  /** Scopes the resource's routes or tools ask for. */
  scopes_supported?: string[];
  /** Where the resource accepts a bearer token: `header`, `body`, `query`. */
  bearer_methods_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
  resource_policy_uri?: string;
  resource_tos_uri?: string;
  /** RFC 9728 §2 / RFC 8705: whether tokens must be bound to a client certificate. */
  tls_client_certificate_bound_access_tokens?: boolean;
  /** RFC 9449 §5.1: the JWS algorithms accepted in DPoP proofs. */
  dpop_signing_alg_values_supported?: string[];
  /** RFC 9449 §5.1: whether only DPoP-bound tokens are accepted. */
  dpop_bound_access_tokens_required?: boolean;
}

/**
 * What the document is derived from: a verifier's resolved options (`verifier.options`). Nothing is
 * configured twice: the resource, the issuers, where tokens are read from and the binding rules all
 * come from what the verifier enforces.
 */
export interface ResourceMetadataSource {
  readonly resource: string | null;
  readonly resourceMetadataUrl: string | null;
  readonly issuers: readonly string[];
  readonly allowQueryToken: boolean;
  readonly allowBodyToken: boolean;
  readonly clientCertificate?: { readonly trustedProxy: unknown };
  /** The verifier's resolved DPoP options (`binding/dpop-options.ts`): its mode and proof algorithms. */
  readonly dpop?: {
    readonly mode: "allowed" | "required" | "disabled";
    readonly algorithms: readonly string[];
  };
}

/** Options of {@link createResourceMetadata}: the document's descriptive members. */
export interface ResourceMetadataOptions {
  /**
   * The authorization servers to publish (issuer identifiers), in order of preference.
   * Default: the verifier's issuers.
   */
  authorizationServers?: readonly string[];
  /** `scopes_supported`: the scopes the resource's routes or tools ask for. Default: not published. */
  scopesSupported?: readonly string[];
  /** `jwks_uri`: the resource's own signing keys (not the issuer's). Default: not published. */
  jwksUri?: string | URL;
  /** `resource_name`, human-readable. Default: not published. */
  resourceName?: string;
  /** `resource_documentation`: a page for developers. Default: not published. */
  resourceDocumentation?: string | URL;
  /** `resource_policy_uri`. Default: not published. */
  resourcePolicyUri?: string | URL;
  /** `resource_tos_uri`. Default: not published. */
  resourceTosUri?: string | URL;
  /** How long clients and caches may keep the document (`Cache-Control: max-age`), in seconds. Default: `3600`. */
  maxAgeSec?: number;
  /**
   * `tls_client_certificate_bound_access_tokens` (RFC 8705 §3.4): whether clients reach this resource
   * with client certificates, so that certificate-bound tokens can pass. The verifier checks such
   * tokens always, but whether a certificate can arrive is decided where TLS ends (your HTTPS server's
   * `requestCert`, or a proxy). Default: `true` when the verifier trusts a TLS-terminating proxy
   * (`clientCertificate.trustedProxy`), else not published (false).
   */
  tlsClientCertificateBoundAccessTokens?: boolean;
}

/** An HTTP answer for the metadata route, ready for an adapter to send. */
export interface ResourceMetadataResponse {
  status: 200 | 204 | 405;
  headers: Record<string, string>;
  /** The JSON text to send; `undefined` for HEAD, OPTIONS. */
  body: string | undefined;
}

/** The document, where to serve it, and the answer to each method. */
export interface ResourceMetadata {
  /** The document, frozen. */
  readonly document: Readonly<ResourceMetadataDocument>;
  /** The path to serve it at: the path of the verifier's `resourceMetadataUrl`, else the RFC 9728 well-known path of its `resource`. */
  readonly path: string;
  /** The URL challenges point to (`resource_metadata`), when the verifier has one. */
  readonly url: string | undefined;
  /**
   * The answer to a request for {@link path}: 200 with the JSON document for GET (HEAD: without the
   * body), 204 for a CORS preflight (OPTIONS), 405 with `Allow` for every other method. Every answer
   * carries `Access-Control-Allow-Origin: *` so browser-based clients can read it.
   */
  respond(method: string | undefined): ResourceMetadataResponse;
}

const ALLOW = "GET, HEAD, OPTIONS";
const OPTION_KEYS: readonly string[] = [
  "authorizationServers",
  "scopesSupported",
  "jwksUri",
  "resourceName",
  "resourceDocumentation",
  "resourcePolicyUri",
  "resourceTosUri",
  "maxAgeSec",
  "tlsClientCertificateBoundAccessTokens",
];

function checkOptionKeys(options: ResourceMetadataOptions): void {
  if (typeof options !== "object" || options === null) invalidOption("options", "pass an options object.");
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      throw new TypeError(
        `scopegate: createResourceMetadata() has no option \`${key}\`; it takes ${OPTION_KEYS.join(", ")}.`,
      );
  }
}

function optionalUrl(option: string, value: string | URL | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(String(value)).href;
  } catch {
    return invalidOption(option, `${JSON.stringify(String(value))} is not an absolute URL.`);
  }
}

function stringList(option: string, value: readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "" || v.trim() !== v))
    return invalidOption(option, "expected an array of non-empty strings.");
  return [...new Set(value)];
}

/** Where the verifier reads tokens from (RFC 9728 `bearer_methods_supported`). */
function bearerMethods(source: ResourceMetadataSource): string[] {
  const methods = ["header"];
  if (source.allowBodyToken) methods.push("body");
  if (source.allowQueryToken) methods.push("query");
  return methods;
}

/**
 * The DPoP members (RFC 9449 §5.1), from the verifier's DPoP mode: none while DPoP is disabled; the
 * accepted proof algorithms and whether only DPoP-bound tokens pass otherwise.
 */
function dpopMembers(source: ResourceMetadataSource): Partial<ResourceMetadataDocument> {
  const dpop = source.dpop;
  if (dpop === undefined || dpop.mode === "disabled") return {};
  return {
    dpop_signing_alg_values_supported: [...dpop.algorithms],
    dpop_bound_access_tokens_required: dpop.mode === "required",
  };
}

/**
 * `tls_client_certificate_bound_access_tokens` (RFC 8705 §3.4): the verifier always checks
 * certificate-bound tokens, but a certificate reaches it only through a trusted TLS-terminating proxy
 * (known here) or the app's own HTTPS server asking for one (known to the app: the option).
 */
function certificateMembers(
  source: ResourceMetadataSource,
  options: ResourceMetadataOptions,
): Partial<ResourceMetadataDocument> {
  const certificates =
    options.tlsClientCertificateBoundAccessTokens ??
    (source.clientCertificate?.trustedProxy ?? null) !== null;
  if (typeof certificates !== "boolean")
    invalidOption("tlsClientCertificateBoundAccessTokens", "expected true or false.");
  return certificates ? { tls_client_certificate_bound_access_tokens: true } : {};
}

/** The proof-of-possession members, derived from what the verifier enforces. */
function bindingMembers(
  source: ResourceMetadataSource,
  options: ResourceMetadataOptions,
): Partial<ResourceMetadataDocument> {
  return { ...dpopMembers(source), ...certificateMembers(source, options) };
}

function buildDocument(
  source: ResourceMetadataSource,
  resource: string,
  options: ResourceMetadataOptions,
): ResourceMetadataDocument {
  const authorizationServers = stringList("authorizationServers", options.authorizationServers) ?? [
    ...source.issuers,
  ];
  const document: ResourceMetadataDocument = { resource, authorization_servers: authorizationServers };
  const scopes = stringList("scopesSupported", options.scopesSupported);
  if (scopes !== undefined) document.scopes_supported = scopes;
  document.bearer_methods_supported = bearerMethods(source);
  Object.assign(document, bindingMembers(source, options));
  const described: [keyof ResourceMetadataDocument, string | undefined][] = [
    ["jwks_uri", optionalUrl("jwksUri", options.jwksUri)],
    ["resource_documentation", optionalUrl("resourceDocumentation", options.resourceDocumentation)],
    ["resource_policy_uri", optionalUrl("resourcePolicyUri", options.resourcePolicyUri)],
    ["resource_tos_uri", optionalUrl("resourceTosUri", options.resourceTosUri)],
  ];
  if (options.resourceName !== undefined) {
    if (typeof options.resourceName !== "string" || options.resourceName === "")
      invalidOption("resourceName", "expected a non-empty string.");
    document.resource_name = options.resourceName;
  }
  for (const [member, value] of described)
    if (value !== undefined) Object.assign(document, { [member]: value });
  return document;
}

/**
 * Builds the RFC 9728 protected resource metadata of a verifier that has a `resource`. Options are
 * checked now: a verifier without `resource`, an unknown option or a bad URL throws a `TypeError`.
 */
export function createResourceMetadata(
  verifier: { readonly options: ResourceMetadataSource },
  options: ResourceMetadataOptions = {},
): ResourceMetadata {
  checkOptionKeys(options);
  const source = verifier.options;
  if (source.resource === null) {
    invalidOption(
      "resource",
      "the verifier has none: give createVerifier() a `resource` (this API's resource identifier) to publish its metadata.",
    );
  }
  const resource = canonicalResource(source.resource);
  const maxAgeSec = options.maxAgeSec ?? 3600;
  if (!Number.isSafeInteger(maxAgeSec) || maxAgeSec < 0)
    invalidOption("maxAgeSec", `expected a whole number of seconds >= 0; got ${String(maxAgeSec)}.`);
  const document = Object.freeze(buildDocument(source, resource, options));
  const url = source.resourceMetadataUrl ?? undefined;
  const path = url !== undefined ? new URL(url).pathname : resourceMetadataPath(resource);
  const json = JSON.stringify(document);
  const cors = { "Access-Control-Allow-Origin": "*" };
  const ok: Record<string, string> = {
    ...cors,
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": `public, max-age=${maxAgeSec}`,
  };
  return {
    document,
    path,
    url,
    respond(method) {
      const verb = (method ?? "GET").toUpperCase();
      if (verb === "GET") return { status: 200, headers: { ...ok }, body: json };
      if (verb === "HEAD") return { status: 200, headers: { ...ok }, body: undefined };
      if (verb === "OPTIONS") {
        const preflight = {
          ...cors,
          "Access-Control-Allow-Methods": ALLOW,
          "Access-Control-Max-Age": "86400",
        };
        return {
          status: 204,
          headers: { ...preflight, "Access-Control-Allow-Headers": "*" },
          body: undefined,
        };
      }
      return {
        status: 405,
        headers: { ...cors, Allow: ALLOW, "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify({ error: "method_not_allowed", error_description: "Use GET" }),
      };
    },
  };
}

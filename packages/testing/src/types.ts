import type { TestAlgorithm } from "./algorithms.js";
import type { BadTokens } from "./bad-tokens.js";
import type { SimulatedMode, SimulateOptions } from "./faults.js";
import type { IntrospectionClient, OpaqueTokenOptions } from "./introspection.js";
import type { ListenOptions } from "./jwks-server.js";
import type { RotateKeysOptions, TestJwks } from "./key-ring.js";
import type { TestFetch } from "./memory-fetch.js";
import type { MintOptions } from "./mint.js";

export interface TestAuthorityOptions {
  /** The API's identifier, put in every token's `aud`. Default: `"https://api.test.invalid"`. */
  audience?: string | readonly string[];
  /**
   * The `iss` of every token. Default: `"https://scopegate-test-authority.invalid/"`, which becomes the
   * server's URL (`http://127.0.0.1:PORT`, no trailing slash) once `listen()` runs.
   */
  issuer?: string;
  /** Signature algorithm of the first key. Default: `"RS256"`. */
  algorithm?: TestAlgorithm;
  /** Current time in milliseconds since the epoch, for `iat`, `exp` and `nbf`. Default: `Date.now`. */
  clock?: () => number;
  /** `Cache-Control` of JWKS answers; `null` sends none. Default: `"public, max-age=300"`. */
  jwksCacheControl?: string | null;
  /**
   * The resource server allowed to introspect: `clientSecret` for `client_secret_basic` and
   * `client_secret_post` (`null`: none), `jwks` (public keys) for `private_key_jwt`.
   * Default: `{ clientId: "scopegate-test-resource-server", clientSecret: "scopegate-test-resource-server-secret" }`.
   */
  introspectionClient?: {
    clientId?: string;
    clientSecret?: string | null;
    jwks?: IntrospectionClient["jwks"];
  };
}

/** Options for `@scopegate/core`'s `introspection` verifier option (structurally its `IntrospectionOptions`). */
export interface TestIntrospectionOptions {
  endpoint: string;
  clientId: string;
  clientSecret?: string;
}

/** Options for `@scopegate/core`'s `createVerifier` (structurally its `VerifierOptions`). */
export interface TestVerifierOptions {
  issuer: string;
  audience: string | string[];
  jwksUri: string;
  /** The authority's in-memory fetch; absent once the authority listens on a real port. */
  fetch?: TestFetch;
}

/** The authority's HTTP server. */
export interface TestAuthorityServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** The authority's issuer while the server runs. */
  readonly issuer: string;
  /** `${url}/jwks.json`. */
  readonly jwksUri: string;
  /** JWKS requests this server received (for single-flight and caching assertions). */
  readonly requests: number;
  /** Discovery requests this server received (both well-known paths). */
  readonly discoveryRequests: number;
  /** `${url}/introspect`. */
  readonly introspectionEndpoint: string;
  /** Introspection requests this server received. */
  readonly introspectionRequests: number;
  /** Stops the server and closes every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A new signing key, as returned by `rotateKeys()`. */
export interface RotatedKey {
  readonly kid: string;
  readonly alg: TestAlgorithm;
}

export interface TestAuthority {
  /** The `iss` of minted tokens (the server's URL once listening, unless an issuer was given). */
  readonly issuer: string;
  /** The `aud` of minted tokens. */
  readonly audience: string | string[];
  /** Where the JWKS is served: in memory, or on the server once listening. */
  readonly jwksUri: string;
  /** The RFC 7662 endpoint (also in the discovery document): in memory, or on the server once listening. */
  readonly introspectionEndpoint: string;
  /** The resource server allowed to introspect (see `TestAuthorityOptions.introspectionClient`). */
  readonly introspectionClient: Readonly<IntrospectionClient>;
  /** Algorithm of the current signing key. */
  readonly algorithm: TestAlgorithm;
  /** kid of the current signing key. */
  readonly kid: string;
  /** A `fetch` serving discovery and the JWKS from memory (no port). */
  readonly fetch: TestFetch;
  /** Tokens your routes must refuse, each documented with the response scopegate gives. */
  readonly tokens: BadTokens;
  /** The running HTTP server, if any. */
  readonly server: TestAuthorityServer | undefined;
  /** The current simulation mode. */
  readonly simulated: SimulatedMode;
  /** Requests served so far through either transport. */
  readonly requests: { readonly jwks: number; readonly discovery: number; readonly introspection: number };
  /** The public JWKS currently served. */
  jwks(): TestJwks;
  /**
   * Options for `createVerifier` (and the adapters): `{ issuer, audience, jwksUri, fetch }`, with
   * `overrides` applied. Once listening: the server's URLs and no `fetch`.
   */
  verifierOptions<const O extends object = {}>(overrides?: O): Omit<TestVerifierOptions, keyof O> & O;
  /** Starts (or returns) the HTTP server serving discovery and the JWKS. */
  listen(options?: ListenOptions): Promise<TestAuthorityServer>;
  /** Mints an access token (typ `at+jwt`; iss, aud, sub, client_id, iat, exp +300 s, jti). */
  mint(options?: MintOptions): Promise<string>;
  /**
   * Issues an opaque access token (32 random bytes, base64url) with the claims `mint` would sign; the
   * introspection endpoint answers them (`active: true`, `token_type: "Bearer"`) until `exp` or `revoke`.
   * `answer` writes members over that answer as they are, for answers a real server would not give.
   */
  mintOpaque(options?: OpaqueTokenOptions): string;
  /** Revokes an opaque token: introspection answers `{ "active": false }` from now on. False if unknown. */
  revoke(token: string): boolean;
  /**
   * Options for `createVerifier`'s `introspection`: `{ endpoint, clientId, clientSecret }` of the
   * default client, with `overrides` applied.
   */
  introspectionOptions<const O extends object = {}>(
    overrides?: O,
  ): Omit<TestIntrospectionOptions, keyof O> & O;
  /** Makes a new key current; the old ones stay published until `retireOldKeys()` (unless `keepOld: false`). */
  rotateKeys(options?: RotateKeysOptions): RotatedKey;
  /** Unpublishes every key but the current one. Returns their kids. */
  retireOldKeys(): string[];
  /** Simulates the authorization server's bad days, for the in-memory fetch and the server alike. */
  simulate(mode: SimulatedMode, options?: SimulateOptions): void;
  /** Stops the server, ends pending slow answers, and makes the in-memory fetch refuse. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

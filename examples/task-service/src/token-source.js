// @ts-check
import { inspect } from "node:util";
import * as oauth from "oauth4webapi";
import { createTlsFetch } from "./tls-fetch.js";

/** An access token from the authorization server. Its value is a secret: it never prints. */
export class AccessToken {
  /** @type {string} */
  #value;

  /**
   * @param {string} value the compact JWT
   * @param {readonly string[]} scopes scopes granted (the token response's `scope`)
   * @param {Date} obtainedAt when the token response arrived
   * @param {Date} expiresAt when the authorization server says the token expires (from `expires_in`)
   * @param {"Bearer" | "DPoP"} [type] the token response's `token_type`: a DPoP-bound token is sent
   *   as `DPoP` with a proof. Default: `"Bearer"`.
   */
  constructor(value, scopes, obtainedAt, expiresAt, type = "Bearer") {
    this.#value = value;
    /** @readonly */
    this.type = type;
    /** @readonly */
    this.scopes = Object.freeze([...scopes]);
    /** @readonly */
    this.obtainedAt = obtainedAt;
    /** @readonly */
    this.expiresAt = expiresAt;
  }

  /** The `Authorization` header value (a DPoP-bound token also needs its `DPoP` proof header). */
  authorization() {
    return `${this.type} ${this.#value}`;
  }

  /** The compact JWT. Send it; never log it. */
  reveal() {
    return this.#value;
  }

  toString() {
    return "[AccessToken]";
  }

  toJSON() {
    return { type: this.type, scopes: this.scopes, expiresAt: this.expiresAt.toISOString() };
  }

  [inspect.custom]() {
    return `AccessToken { type: ${this.type}, scopes: ${JSON.stringify(this.scopes)}, expiresAt: ${this.expiresAt.toISOString()} }`;
  }
}

/**
 * @typedef {object} TokenSourceOptions
 * @property {string} issuer the authorization server's issuer identifier; its metadata is discovered from it (RFC 8414)
 * @property {string} clientId
 * @property {string} clientSecret sent with HTTP Basic authentication (`client_secret_basic`)
 * @property {readonly string[]} scope scopes to ask for
 * @property {string} resource the API the token is for (RFC 8707 `resource`); it becomes the token's `aud`
 * @property {number} [refreshBeforeExpirySec] get a new token this many seconds before the current one
 *   expires (at most half its lifetime). Default: `30`.
 * @property {() => number} [clock] current time in milliseconds since the epoch. Default: `Date.now`.
 * @property {oauth.DPoPHandle} [dpop] sender-constrains the tokens with DPoP (RFC 9449): each token
 *   request carries a proof of this handle's key (`oauth.DPoP(client, keyPair)`), so the tokens are
 *   bound to it. Default: none (bearer tokens).
 * @property {import("./tls-fetch.js").TlsClientOptions} [mutualTls] asks for tokens over mutual TLS with
 *   this client certificate, at the authorization server's `mtls_endpoint_aliases` (RFC 8705), so the
 *   tokens are bound to the certificate. Default: none.
 */

/**
 * @typedef {object} TokenSource
 * @property {() => Promise<{ token: AccessToken, fromCache: boolean }>} getToken the cached token while it
 *   has more than the refresh margin left; a new one otherwise
 * @property {() => void} invalidate forgets the cached token: the next `getToken()` asks the authorization server
 */

/** @param {URL} url */
const isLoopback = (url) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

/**
 * Gets client-credentials access tokens with oauth4webapi and caches them until shortly before
 * they expire. Concurrent callers share one token request.
 * @param {TokenSourceOptions} options
 * @returns {TokenSource}
 */
export function createTokenSource(options) {
  const issuer = new URL(options.issuer);
  const clock = options.clock ?? Date.now;
  const margin = options.refreshBeforeExpirySec ?? 30;
  // Plain http is only ever allowed towards a local authorization server.
  const httpOptions = isLoopback(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
  /** @type {oauth.Client} */
  const client = { client_id: options.clientId, use_mtls_endpoint_aliases: options.mutualTls !== undefined };
  const tokenRequestOptions = {
    ...httpOptions,
    ...(options.dpop ? { DPoP: options.dpop } : {}),
    ...(options.mutualTls ? { [oauth.customFetch]: createTlsFetch(options.mutualTls) } : {}),
  };
  const clientAuth = oauth.ClientSecretBasic(options.clientSecret);

  /** @type {Promise<oauth.AuthorizationServer> | undefined} */
  let metadata;
  /** @type {{ token: AccessToken, refreshAt: number } | undefined} */
  let cached;
  /** @type {Promise<AccessToken> | undefined} */
  let pending;

  const discover = () => {
    if (metadata === undefined) {
      metadata = oauth
        .discoveryRequest(issuer, { algorithm: "oauth2", ...httpOptions })
        .then((response) => oauth.processDiscoveryResponse(issuer, response));
      metadata.catch(() => {
        metadata = undefined;
      });
    }
    return metadata;
  };

  /** @returns {Promise<AccessToken>} */
  const request = async () => {
    const as = await discover();
    const parameters = new URLSearchParams({ scope: options.scope.join(" "), resource: options.resource });
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuth,
      parameters,
      tokenRequestOptions,
    );
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    const now = clock();
    const lifetimeSec = result.expires_in ?? 0;
    const scopes = (result.scope ?? "").split(" ").filter(Boolean);
    const token = new AccessToken(
      result.access_token,
      scopes,
      new Date(now),
      new Date(now + lifetimeSec * 1000),
      result.token_type === "dpop" ? "DPoP" : "Bearer",
    );
    cached = { token, refreshAt: now + (lifetimeSec - Math.min(margin, lifetimeSec / 2)) * 1000 };
    return token;
  };

  return {
    async getToken() {
      if (cached && clock() < cached.refreshAt) return { token: cached.token, fromCache: true };
      pending ??= request().finally(() => {
        pending = undefined;
      });
      return { token: await pending, fromCache: false };
    },
    invalidate() {
      cached = undefined;
    },
  };
}

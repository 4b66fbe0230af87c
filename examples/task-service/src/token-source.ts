import { inspect } from "node:util";
import * as oauth from "oauth4webapi";

/** An access token from the authorization server. Its value is a secret: it never prints. */
export class AccessToken {
  readonly #value: string;
  /** Scopes the authorization server granted (the token response's `scope`). */
  readonly scopes: readonly string[];
  /** When the authorization server says the token expires (from `expires_in`). */
  readonly expiresAt: Date;
  /** When the token response arrived. */
  readonly obtainedAt: Date;

  constructor(value: string, scopes: readonly string[], obtainedAt: Date, expiresAt: Date) {
    this.#value = value;
    this.scopes = Object.freeze([...scopes]);
    this.obtainedAt = obtainedAt;
    this.expiresAt = expiresAt;
  }

  /** The `Authorization` header value. */
  authorization(): string {
    return `Bearer ${this.#value}`;
  }

  /** The compact JWT. Send it; never log it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[AccessToken]";
  }

  toJSON(): { scopes: readonly string[]; expiresAt: string } {
    return { scopes: this.scopes, expiresAt: this.expiresAt.toISOString() };
  }

  [inspect.custom](): string {
    return `AccessToken { scopes: ${JSON.stringify(this.scopes)}, expiresAt: ${this.expiresAt.toISOString()} }`;
  }
}

export interface TokenSourceOptions {
  /** The authorization server's issuer identifier; its metadata is discovered from it (RFC 8414 / OIDC). */
  issuer: string;
  clientId: string;
  /** Sent with HTTP Basic authentication (`client_secret_basic`). */
  clientSecret: string;
  /** Scopes to ask for. */
  scope: readonly string[];
  /** The API the token is for (RFC 8707 `resource`); becomes the token's `aud`. */
  resource: string;
  /** Get a new token this many seconds before the current one expires (at most half its lifetime). Default: `30`. */
  refreshBeforeExpirySec?: number;
  /** Current time in milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
}

export interface TokenSource {
  /** A cached token while it has more than the refresh margin left; a new one otherwise. */
  getToken(): Promise<{ token: AccessToken; fromCache: boolean }>;
  /** Forgets the cached token: the next `getToken()` asks the authorization server. */
  invalidate(): void;
}

function isLoopback(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/**
 * Gets client-credentials access tokens with oauth4webapi and caches them until shortly before
 * they expire. Concurrent callers share one token request.
 */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const issuer = new URL(options.issuer);
  const clock = options.clock ?? Date.now;
  const margin = options.refreshBeforeExpirySec ?? 30;
  // Plain http is only ever allowed towards a local authorization server.
  const httpOptions = isLoopback(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
  const client: oauth.Client = { client_id: options.clientId };
  const clientAuth = oauth.ClientSecretBasic(options.clientSecret);

  let metadata: Promise<oauth.AuthorizationServer> | undefined;
  let cached: { token: AccessToken; refreshAt: number } | undefined;
  let pending: Promise<AccessToken> | undefined;

  const discover = () => {
    metadata ??= oauth
      .discoveryRequest(issuer, { algorithm: "oauth2", ...httpOptions })
      .then((response) => oauth.processDiscoveryResponse(issuer, response));
    metadata.catch(() => {
      metadata = undefined;
    });
    return metadata;
  };

  const request = async (): Promise<AccessToken> => {
    const as = await discover();
    const parameters = new URLSearchParams({ scope: options.scope.join(" "), resource: options.resource });
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      clientAuth,
      parameters,
      httpOptions,
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

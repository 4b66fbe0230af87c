import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type ClientMetadata, type Configuration, errors } from "oidc-provider";
import { generateSigningKey, type PrivateSigningJwk } from "./keys.js";

/** A confidential client allowed to use the client-credentials grant. */
export interface ClientRegistration {
  clientId: string;
  /** Sent by the client with HTTP Basic authentication (`client_secret_basic`). */
  clientSecret: string;
  /** Space-separated scopes this client may be granted. */
  scope: string;
  /** Lifetime of this client's access tokens, in seconds. Default: the server's `accessTokenTtlSec`. */
  accessTokenTtlSec?: number;
}

export interface AuthorizationServerOptions {
  /** The API (RFC 8707 resource) tokens are issued for; it becomes their `aud`. */
  audience: string;
  /** The scopes that API defines; a client is granted the ones it asks for and is registered for. */
  apiScopes: readonly string[];
  /** The registered clients. */
  clients: readonly ClientRegistration[];
  /** Listen address. Default: `"127.0.0.1"`. */
  host?: string;
  /** Listen port; `0` picks a free one. Default: `0`. */
  port?: number;
  /** Access-token lifetime, in seconds. Default: `300`. */
  accessTokenTtlSec?: number;
  /**
   * Enables `POST /admin/rotate-keys` for loopback callers that send `Authorization: Bearer <adminToken>`.
   * Default: `undefined` (no admin endpoint).
   */
  adminToken?: string;
}

export interface KeyRotation {
  /** `kid` of the key that signs from now on. */
  kid: string;
  /** `kid` of the key that signed until now; still published so its tokens stay verifiable. */
  previousKid: string;
}

export interface AuthorizationServer {
  /** `http://HOST:PORT`; also the issuer identifier (`iss`). */
  readonly url: string;
  readonly issuer: string;
  /** `kid` of the current signing key. */
  readonly currentKid: string;
  /** Generates a new signing key and signs with it from now on; the previous key stays published. */
  rotateKeys(): Promise<KeyRotation>;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function providerConfiguration(
  options: AuthorizationServerOptions,
  keys: readonly PrivateSigningJwk[],
): Configuration {
  const defaultTtlSec = options.accessTokenTtlSec ?? 300;
  const ttlByClient = new Map(options.clients.map((c) => [c.clientId, c.accessTokenTtlSec ?? defaultTtlSec]));
  const clients: ClientMetadata[] = options.clients.map((c) => ({
    client_id: c.clientId,
    client_secret: c.clientSecret,
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: "client_secret_basic",
    scope: c.scope,
  }));
  return {
    clients,
    // Client `scope` metadata may only name scopes the server supports; requests for others fail with invalid_scope.
    scopes: [...options.apiScopes],
    jwks: { keys: keys.map((k) => ({ ...k })) },
    clientAuthMethods: ["client_secret_basic"],
    responseTypes: ["none"],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource gets a token for the one API this server knows.
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator, client) => {
          if (resourceIndicator !== options.audience) throw new errors.InvalidTarget();
          const registered = new Set((client.scope ?? "").split(" "));
          return {
            scope: options.apiScopes.filter((s) => registered.has(s)).join(" "),
            audience: options.audience,
            accessTokenFormat: "jwt",
            accessTokenTTL: ttlByClient.get(client.clientId) ?? defaultTtlSec,
            jwt: { sign: { alg: "RS256" } },
          };
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? defaultTtlSec,
    },
  };
}

/**
 * Starts an OAuth 2.0 authorization server (oidc-provider) that issues JWT access tokens (RFC 9068,
 * `typ: at+jwt`) with the client-credentials grant. Signing keys are generated at start and live in
 * memory only.
 */
export async function startAuthorizationServer(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServer> {
  const host = options.host ?? "127.0.0.1";
  let keys: PrivateSigningJwk[] = [await generateSigningKey()];
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    if (req.url?.startsWith("/admin/")) {
      void admin(req, res);
      return;
    }
    if (!handle) {
      res.writeHead(503).end();
      return;
    }
    handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${hostForUrl(host)}:${port}`;

  // oidc-provider fixes its keystore at construction: a rotation builds a new provider around the
  // new key set. Tokens are stateless JWTs, so nothing is lost.
  const install = () => {
    const provider = new Provider(url, providerConfiguration(options, keys));
    handle = provider.callback();
  };
  install();

  let rotating: Promise<KeyRotation> = Promise.resolve({ kid: keys[0]!.kid, previousKid: keys[0]!.kid });
  const rotateKeys = (): Promise<KeyRotation> => {
    rotating = rotating.then(async () => {
      const next = await generateSigningKey();
      const previous = keys[0]!;
      keys = [next, previous];
      install();
      return { kid: next.kid, previousKid: previous.kid };
    });
    return rotating;
  };

  async function admin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    const auth = req.headers.authorization ?? "";
    if (options.adminToken === undefined || req.url !== "/admin/rotate-keys")
      return json(404, { error: "not_found" });
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) return json(403, { error: "forbidden" });
    if (!auth.startsWith("Bearer ") || !sameSecret(auth.slice(7), options.adminToken)) {
      return json(401, { error: "unauthorized" });
    }
    if (req.method !== "POST") return json(405, { error: "method_not_allowed" });
    req.resume();
    try {
      json(200, await rotateKeys());
    } catch {
      json(500, { error: "rotation_failed" });
    }
  }

  return {
    url,
    issuer: url,
    get currentKid() {
      return keys[0]!.kid;
    },
    rotateKeys,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

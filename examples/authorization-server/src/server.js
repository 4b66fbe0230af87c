// @ts-check
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import Provider, { errors } from "oidc-provider";
import { generateSigningKey } from "./keys.js";
import { listenMutualTls, mutualTlsFeature } from "./mutual-tls.js";

/**
 * A confidential client allowed to use the client-credentials grant.
 * @typedef {object} ClientRegistration
 * @property {string} clientId
 * @property {string} clientSecret sent by the client with HTTP Basic authentication (`client_secret_basic`)
 * @property {string} scope space-separated scopes this client may be granted
 * @property {number} [accessTokenTtlSec] lifetime of this client's access tokens, in seconds. Default: the server's `accessTokenTtlSec`.
 * @property {"jwt" | "opaque"} [accessTokenFormat] `opaque`: reference tokens that only this server can read,
 *   checked by RFC 7662 introspection. Default: `"jwt"` (RFC 9068).
 * @property {"dpop" | "mtls"} [senderConstraint] `dpop`: every token request must carry a DPoP proof
 *   (RFC 9449) and the tokens are bound to its key (`cnf.jkt`); `mtls`: every token request must come
 *   over mutual TLS (the `mtls_endpoint_aliases` token endpoint) and the tokens are bound to the client
 *   certificate (RFC 8705, `cnf["x5t#S256"]`; needs `mutualTls`). Default: none (any client may still
 *   send a DPoP proof and get a DPoP-bound token).
 */

/**
 * A resource server allowed to introspect tokens (RFC 7662): it uses no grant.
 * @typedef {object} IntrospectionClientRegistration
 * @property {string} clientId
 * @property {string} clientSecret sent with HTTP Basic authentication (`client_secret_basic`)
 * @property {boolean} [signedResponses] answers signed JWTs (RFC 9701, RS256) when asked with
 *   `Accept: application/token-introspection+jwt`. Default: `false` (JSON).
 */

/**
 * @typedef {object} AuthorizationServerOptions
 * @property {string} audience the API (RFC 8707 resource) tokens are issued for; it becomes their `aud`
 *   (also the resource of a token request that names none)
 * @property {readonly string[]} [resources] further APIs tokens may be issued for: a request with
 *   `resource=<one of them>` gets a token whose `aud` is that one. Default: `[]` (`audience` only).
 * @property {readonly string[]} apiScopes the scopes that API defines; a client gets those it asks for and is registered for
 * @property {readonly ClientRegistration[]} clients the registered clients
 * @property {readonly IntrospectionClientRegistration[]} [introspectionClients] resource servers allowed
 *   to introspect (`/token/introspection`). Default: `[]` (the endpoint is on; nobody may call it).
 * @property {string} [host] listen address. Default: `"127.0.0.1"`.
 * @property {number} [port] listen port; `0` picks a free one. Default: `0`.
 * @property {number} [accessTokenTtlSec] access-token lifetime, in seconds. Default: `300`.
 * @property {string} [adminToken] enables `POST /admin/rotate-keys` for loopback callers that send
 *   `Authorization: Bearer <adminToken>`. Default: `undefined` (no admin endpoint).
 * @property {import("./mutual-tls.js").MutualTlsOptions} [mutualTls] a second, HTTPS listener that asks for
 *   client certificates, published as the `mtls_endpoint_aliases` token endpoint, for certificate-bound
 *   tokens. Default: `undefined` (no mutual TLS; `senderConstraint: "mtls"` clients get no token).
 */

/**
 * @typedef {object} KeyRotation
 * @property {string} kid key id that signs from now on
 * @property {string} previousKid key id that signed until now; still published so its tokens stay verifiable
 */

/**
 * @typedef {object} AuthorizationServer
 * @property {string} url `http://HOST:PORT`; also the issuer identifier (`iss`)
 * @property {string} issuer
 * @property {string | undefined} mutualTlsUrl `https://HOST:PORT` of the mutual-TLS listener, if on
 * @property {string} currentKid key id of the current signing key
 * @property {() => Promise<KeyRotation>} rotateKeys generates a new signing key and signs with it from now on; the previous key stays published
 * @property {() => Promise<void>} close stops listening and closes open connections
 */

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** @param {string} host */
const hostForUrl = (host) => (host.includes(":") ? `[${host}]` : host);

/** @param {string} a @param {string} b */
function sameSecret(a, b) {
  /** @param {string} s */
  const digest = (s) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * oidc-provider's configuration: client-credentials only, JWT access tokens for one resource server.
 * @param {AuthorizationServerOptions} options
 * @param {readonly import("./keys.js").PrivateSigningJwk[]} keys
 * @param {string | undefined} mutualTlsUrl
 * @returns {import("oidc-provider").Configuration}
 */
function providerConfiguration(options, keys, mutualTlsUrl) {
  const defaultTtlSec = options.accessTokenTtlSec ?? 300;
  const ttlByClient = new Map(options.clients.map((c) => [c.clientId, c.accessTokenTtlSec ?? defaultTtlSec]));
  const opaqueClients = new Set(
    options.clients.filter((c) => c.accessTokenFormat === "opaque").map((c) => c.clientId),
  );
  const introspectors = new Set((options.introspectionClients ?? []).map((c) => c.clientId));
  const resources = new Set([options.audience, ...(options.resources ?? [])]);
  const basic = /** @type {const} */ ("client_secret_basic");
  /** @type {import("oidc-provider").ClientMetadata[]} */
  const clients = [
    ...options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: basic,
      scope: c.scope,
      ...(c.senderConstraint === "dpop" ? { dpop_bound_access_tokens: true } : {}),
      ...(c.senderConstraint === "mtls" ? { tls_client_certificate_bound_access_tokens: true } : {}),
    })),
    // Resource servers: no grant, only introspection.
    ...(options.introspectionClients ?? []).map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: [],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: basic,
      ...(c.signedResponses ? { introspection_signed_response_alg: /** @type {const} */ ("RS256") } : {}),
    })),
  ];
  return {
    clients,
    // Client `scope` metadata may only name scopes the server supports; asking for one a client is
    // not registered for fails with invalid_scope.
    scopes: [...options.apiScopes],
    jwks: { keys: keys.map((k) => ({ ...k })) },
    clientAuthMethods: ["client_secret_basic"],
    responseTypes: ["none"],
    ...(mutualTlsUrl
      ? { discovery: { mtls_endpoint_aliases: { token_endpoint: `${mutualTlsUrl}/token` } } }
      : {}),
    features: {
      devInteractions: { enabled: false },
      // RFC 9449: a token request with a DPoP proof gets a token bound to its key (cnf.jkt).
      dPoP: { enabled: true },
      // RFC 8705: a token request over mutual TLS may get a certificate-bound token (cnf["x5t#S256"]).
      ...(mutualTlsUrl ? { mTLS: mutualTlsFeature() } : {}),
      clientCredentials: { enabled: true },
      // RFC 7662 for the opaque tokens: only registered resource servers may ask.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client) => introspectors.has(client.clientId),
      },
      jwtIntrospection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A client that names no resource gets a token for `audience`.
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator, client) => {
          if (!resources.has(resourceIndicator)) throw new errors.InvalidTarget();
          const registered = new Set((client.scope ?? "").split(" "));
          return {
            scope: options.apiScopes.filter((s) => registered.has(s)).join(" "),
            audience: resourceIndicator,
            accessTokenFormat: opaqueClients.has(client.clientId) ? "opaque" : "jwt",
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
 * @param {AuthorizationServerOptions} options
 * @returns {Promise<AuthorizationServer>}
 */
export async function startAuthorizationServer(options) {
  const host = options.host ?? "127.0.0.1";
  let keys = [await generateSigningKey()];
  /** @type {((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) | undefined} */
  let handle;

  /** @type {import("node:http").RequestListener} */
  const listener = (req, res) => {
    if (req.url?.startsWith("/admin/")) {
      void admin(req, res);
      return;
    }
    if (!handle) {
      res.writeHead(503).end();
      return;
    }
    handle(req, res);
  };
  const server = createServer(listener);

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  const url = `http://${hostForUrl(host)}:${port}`;
  const tlsServer = options.mutualTls ? await listenMutualTls(options.mutualTls, host, listener) : undefined;
  const tlsAddress = /** @type {import("node:net").AddressInfo | undefined} */ (tlsServer?.address());
  const mutualTlsUrl = tlsAddress ? `https://${hostForUrl(host)}:${tlsAddress.port}` : undefined;

  // oidc-provider fixes its keystore at construction: a rotation builds a new provider around the
  // new key set. Access tokens are stateless JWTs, so nothing is lost.
  const install = () => {
    const provider = new Provider(url, providerConfiguration(options, keys, mutualTlsUrl));
    handle = provider.callback();
  };
  install();

  /** @type {Promise<unknown>} */
  let previousRotation = Promise.resolve();
  /** @returns {Promise<KeyRotation>} */
  const rotateKeys = () => {
    const rotation = previousRotation.then(async () => {
      const next = await generateSigningKey();
      const previous = /** @type {import("./keys.js").PrivateSigningJwk} */ (keys[0]);
      keys = [next, previous];
      install();
      return { kid: next.kid, previousKid: previous.kid };
    });
    previousRotation = rotation.catch(() => {});
    return rotation;
  };

  /**
   * @param {import("node:http").IncomingMessage} req
   * @param {import("node:http").ServerResponse} res
   */
  async function admin(req, res) {
    /** @param {number} status @param {unknown} body */
    const json = (status, body) => {
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
    mutualTlsUrl,
    get currentKid() {
      return /** @type {import("./keys.js").PrivateSigningJwk} */ (keys[0]).kid;
    },
    rotateKeys,
    close: async () => {
      await Promise.all(
        [server, tlsServer].map(
          (listener) =>
            listener &&
            new Promise((resolve, reject) => {
              listener.close((error) => (error ? reject(error) : resolve(undefined)));
              listener.closeAllConnections();
            }),
        ),
      );
    },
  };
}

import { checkAlgorithm, DEFAULT_TEST_ALGORITHM, type TestAlgorithm } from "./algorithms.js";
import { createBadTokens } from "./bad-tokens.js";
import { type Answer, FaultState, type Outcome } from "./faults.js";
import {
  DEFAULT_INTROSPECTION_CLIENT_ID,
  DEFAULT_INTROSPECTION_CLIENT_SECRET,
  type IntrospectionClient,
  type IntrospectionHttpRequest,
  OpaqueTokens,
} from "./introspection.js";
import { type RunningServer, startJwksServer } from "./jwks-server.js";
import { KeyRing, type RotateKeysOptions } from "./key-ring.js";
import { generateTestKey, generateTestKeySync, type TestKey } from "./keys.js";
import { createMemoryFetch, Sleeper } from "./memory-fetch.js";
import {
  type AuthorityEndpoint,
  discoveryDocument,
  discoveryUrls,
  INTROSPECTION_PATH,
  JWKS_PATH,
} from "./metadata.js";
import { type MintContext, mint } from "./mint.js";
import { optionKeys, refuseUnknownKeys } from "./option-keys.js";
import { warnIfProduction } from "./production-guard.js";
import type {
  TestAuthority,
  TestAuthorityOptions,
  TestAuthorityServer,
  TestIntrospectionOptions,
  TestVerifierOptions,
} from "./types.js";

/** Issuer of an authority created without one: loud, and unresolvable (`.invalid`, RFC 2606). */
export const DEFAULT_TEST_ISSUER = "https://scopegate-test-authority.invalid/";
/** Audience of an authority created without one. */
export const DEFAULT_TEST_AUDIENCE = "https://api.test.invalid";

/** `Symbol.asyncDispose`, or its registered stand-in on runtimes that lack it. */
const asyncDispose: typeof Symbol.asyncDispose = (Symbol.asyncDispose ??
  Symbol.for("Symbol.asyncDispose")) as typeof Symbol.asyncDispose;

/**
 * Keys no authority publishes, one per algorithm, shared by every authority in the process (a key
 * foreign to all of them; sharing saves a key generation per authority).
 */
const foreignKeys = new Map<TestAlgorithm, Promise<TestKey>>();
function foreignKey(alg: TestAlgorithm): Promise<TestKey> {
  let key = foreignKeys.get(alg);
  if (!key) {
    key = generateTestKey(alg);
    foreignKeys.set(alg, key);
    key.catch(() => foreignKeys.delete(alg));
  }
  return key;
}

function fail(option: string, fix: string): never {
  throw new TypeError(`@scopegate/testing: invalid option \`${option}\`: ${fix}`);
}

function checkAudience(value: unknown): string | string[] {
  const list = typeof value === "string" ? [value] : Array.isArray(value) ? [...(value as unknown[])] : [];
  if (list.length === 0 || list.some((a) => typeof a !== "string" || a.length === 0)) {
    fail("audience", "expected a non-empty string or a non-empty array of non-empty strings.");
  }
  return typeof value === "string" ? value : (list as string[]);
}

/** The in-memory URL of `path` under `issuer`: `${issuer without trailing slash}${path}`. */
function memoryUri(issuer: string, path: string): string {
  try {
    const url = new URL(issuer);
    return `${url.origin}${url.pathname.replace(/\/$/, "")}${path}`;
  } catch {
    return new URL(path, DEFAULT_TEST_ISSUER).href;
  }
}

function checkIntrospectionClient(value: TestAuthorityOptions["introspectionClient"]): IntrospectionClient {
  if (value !== undefined && (typeof value !== "object" || value === null))
    fail("introspectionClient", "expected { clientId?, clientSecret?, jwks? }.");
  const clientId = value?.clientId ?? DEFAULT_INTROSPECTION_CLIENT_ID;
  if (typeof clientId !== "string" || clientId.length === 0)
    fail("introspectionClient.clientId", "expected a non-empty string.");
  const client: IntrospectionClient = { clientId };
  const secret = value?.clientSecret === undefined ? DEFAULT_INTROSPECTION_CLIENT_SECRET : value.clientSecret;
  if (secret !== null) client.clientSecret = secret;
  if (value?.jwks !== undefined) client.jwks = value.jwks;
  return client;
}

const originAndPath = (href: string): string | undefined => {
  try {
    const url = new URL(href);
    return `${url.origin}${url.pathname}`;
  } catch {
    return undefined;
  }
};

const AUTHORITY_OPTION_KEYS = optionKeys<TestAuthorityOptions>()([
  "audience",
  "issuer",
  "algorithm",
  "clock",
  "jwksCacheControl",
  "introspectionClient",
]);
const ROTATE_OPTION_KEYS = optionKeys<RotateKeysOptions>()(["keepOld", "algorithm"]);

/**
 * Creates a local authorization server for tests: signing keys, token minting, and discovery + JWKS
 * served from memory (`authority.fetch`) or over HTTP (`authority.listen()`). Never use it in
 * production code: it warns once when created with `NODE_ENV=production`.
 */
export async function createTestAuthority(options: TestAuthorityOptions = {}): Promise<TestAuthority> {
  warnIfProduction();
  if (typeof options !== "object" || options === null) fail("options", "pass an options object.");
  refuseUnknownKeys(options, AUTHORITY_OPTION_KEYS, "createTestAuthority()");
  const audience = checkAudience(options.audience ?? DEFAULT_TEST_AUDIENCE);
  const explicitIssuer = options.issuer !== undefined;
  if (explicitIssuer && (typeof options.issuer !== "string" || options.issuer.length === 0))
    fail("issuer", "expected a non-empty string.");
  const baseIssuer = options.issuer ?? DEFAULT_TEST_ISSUER;
  const baseJwksUri = memoryUri(baseIssuer, JWKS_PATH);
  const baseIntrospectionUri = memoryUri(baseIssuer, INTROSPECTION_PATH);
  const introspectionClient = checkIntrospectionClient(options.introspectionClient);
  const algorithm = checkAlgorithm("algorithm", options.algorithm ?? DEFAULT_TEST_ALGORITHM);
  if (options.clock !== undefined && typeof options.clock !== "function")
    fail("clock", "expected a function returning milliseconds since the epoch.");
  const clock = options.clock ?? Date.now;
  const cacheControl =
    options.jwksCacheControl === undefined ? "public, max-age=300" : options.jwksCacheControl;

  const keys = new KeyRing(await generateTestKey(algorithm));
  const faults = new FaultState();
  const sleeper = new Sleeper();
  const counts = { jwks: 0, discovery: 0, introspection: 0 };
  let running: RunningServer | undefined;
  let serverView: TestAuthorityServer | undefined;
  let starting: Promise<TestAuthorityServer> | undefined;
  let closed = false;

  const issuer = () => (explicitIssuer || !running ? baseIssuer : running.url);
  const jwksUri = () => (running ? `${running.url}${JWKS_PATH}` : baseJwksUri);
  const introspectionUri = () => (running ? `${running.url}${INTROSPECTION_PATH}` : baseIntrospectionUri);

  const answer = (endpoint: "jwks" | "discovery"): Answer => {
    if (endpoint === "discovery") {
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(discoveryDocument(issuer(), jwksUri(), introspectionUri())),
      };
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cacheControl !== null) headers["cache-control"] = cacheControl;
    return { status: 200, headers, body: JSON.stringify(keys.jwks()) };
  };
  const serve = (endpoint: "jwks" | "discovery"): Outcome => {
    counts[endpoint] += 1;
    return faults.apply(endpoint, answer(endpoint));
  };

  const opaque = new OpaqueTokens({
    get issuer() {
      return issuer();
    },
    audience,
    clock,
    keys,
    client: introspectionClient,
    get endpoint() {
      return introspectionUri();
    },
  });
  const serveIntrospection = async (request: IntrospectionHttpRequest): Promise<Outcome> => {
    counts.introspection += 1;
    return faults.apply("introspection", await opaque.handle(request));
  };

  const route = (url: URL): AuthorityEndpoint | "not-found" | "unknown-host" => {
    const target = `${url.origin}${url.pathname}`;
    const jwksTargets = [baseJwksUri, jwksUri()].map(originAndPath);
    const introspectionTargets = [baseIntrospectionUri, introspectionUri()].map(originAndPath);
    const discoveryTargets = [...discoveryUrls(baseIssuer), ...discoveryUrls(issuer())].map(originAndPath);
    if (jwksTargets.includes(target)) return "jwks";
    if (introspectionTargets.includes(target)) return "introspection";
    if (discoveryTargets.includes(target)) return "discovery";
    const origins = [...jwksTargets, ...discoveryTargets].map((t) => (t ? new URL(t).origin : undefined));
    return origins.includes(url.origin) ? "not-found" : "unknown-host";
  };

  const fetch = createMemoryFetch(
    {
      route,
      serve,
      serveIntrospection,
      get closed() {
        return closed;
      },
    },
    sleeper,
  );

  const context: MintContext = {
    get issuer() {
      return issuer();
    },
    audience,
    clock,
    keys,
  };

  const tokens = createBadTokens({
    get issuer() {
      return issuer();
    },
    audience,
    clock,
    keys,
    foreignKey: () => foreignKey(keys.current.alg),
  });

  const makeServerView = (server: RunningServer): TestAuthorityServer => {
    const close = async () => {
      await server.close();
      if (running === server) {
        running = undefined;
        serverView = undefined;
      }
    };
    return {
      url: server.url,
      port: server.port,
      get issuer() {
        return issuer();
      },
      jwksUri: `${server.url}${JWKS_PATH}`,
      get requests() {
        return server.requests;
      },
      get discoveryRequests() {
        return server.discoveryRequests;
      },
      introspectionEndpoint: `${server.url}${INTROSPECTION_PATH}`,
      get introspectionRequests() {
        return server.introspectionRequests;
      },
      close,
      [asyncDispose]: close,
    };
  };

  const close = async () => {
    closed = true;
    sleeper.cancelAll(new TypeError("fetch failed", { cause: new Error("the test authority is closed") }));
    await serverView?.close();
  };

  const authority: TestAuthority = {
    get issuer() {
      return issuer();
    },
    get audience() {
      return typeof audience === "string" ? audience : [...audience];
    },
    get jwksUri() {
      return jwksUri();
    },
    get introspectionEndpoint() {
      return introspectionUri();
    },
    introspectionClient: Object.freeze({ ...introspectionClient }),
    get algorithm() {
      return keys.current.alg;
    },
    get kid() {
      return keys.current.kid;
    },
    fetch,
    tokens,
    get server() {
      return serverView;
    },
    get simulated() {
      return faults.mode;
    },
    get requests() {
      return { ...counts };
    },
    jwks: () => keys.jwks(),
    verifierOptions<const O extends object = {}>(overrides?: O) {
      const base: TestVerifierOptions = {
        issuer: issuer(),
        audience: typeof audience === "string" ? audience : [...audience],
        jwksUri: jwksUri(),
      };
      if (!running) base.fetch = fetch;
      return { ...base, ...overrides } as unknown as Omit<TestVerifierOptions, keyof O> & O;
    },
    listen(listenOptions) {
      if (closed) return Promise.reject(new Error("@scopegate/testing: the test authority is closed."));
      if (serverView) return Promise.resolve(serverView);
      starting ??= startJwksServer({ faults, serve, serveIntrospection }, listenOptions)
        .then((server) => {
          running = server;
          serverView = makeServerView(server);
          return serverView;
        })
        .finally(() => {
          starting = undefined;
        });
      return starting;
    },
    mint: (mintOptions) => mint(context, mintOptions),
    mintOpaque: (opaqueOptions) => opaque.issue(opaqueOptions),
    revoke: (token) => opaque.revoke(token),
    introspectionOptions<const O extends object = {}>(overrides?: O) {
      const base: TestIntrospectionOptions = {
        endpoint: introspectionUri(),
        clientId: introspectionClient.clientId,
      };
      if (introspectionClient.clientSecret !== undefined)
        base.clientSecret = introspectionClient.clientSecret;
      return { ...base, ...overrides } as unknown as Omit<TestIntrospectionOptions, keyof O> & O;
    },
    rotateKeys(rotateOptions = {}) {
      refuseUnknownKeys(rotateOptions, ROTATE_OPTION_KEYS, "rotateKeys()");
      const alg = checkAlgorithm("algorithm", rotateOptions.algorithm ?? keys.current.alg);
      const next = generateTestKeySync(alg);
      keys.rotate(next, rotateOptions.keepOld ?? true);
      return { kid: next.kid, alg: next.alg };
    },
    retireOldKeys: () => keys.retireOld(),
    simulate(mode, simulateOptions) {
      faults.set(mode, simulateOptions);
      if (mode === "down") running?.dropConnections();
    },
    close,
    [asyncDispose]: close,
  };
  return authority;
}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import type { Answer } from "./faults.js";
import type { KeyRing } from "./key-ring.js";
import { buildClaims, type MintContext, type MintOptions, signCompact } from "./mint.js";

/** The resource server allowed to call the authority's introspection endpoint. */
export interface IntrospectionClient {
  /** Default: `"scopegate-test-resource-server"`. */
  clientId: string;
  /** For `client_secret_basic` and `client_secret_post`. Default: `"scopegate-test-resource-server-secret"`. */
  clientSecret?: string;
  /** Public keys for `private_key_jwt` assertions (`iss` = `sub` = `clientId`). Default: none. */
  jwks?: JSONWebKeySet;
}

/** Client identifier of the default introspection client. */
export const DEFAULT_INTROSPECTION_CLIENT_ID = "scopegate-test-resource-server";
/** Secret of the default introspection client. A test value: never a real secret. */
export const DEFAULT_INTROSPECTION_CLIENT_SECRET = "scopegate-test-resource-server-secret";

/** What to put in an opaque token's introspection answer. */
export interface OpaqueTokenOptions extends MintOptions {
  /**
   * Members written over the answer as they are, after everything else (even `active`): for answers
   * a real authorization server would not give, e.g. `{ active: "true" }` or `{ active: true }` for an
   * expired token. Default: `{}`.
   */
  answer?: Record<string, unknown>;
}

interface OpaqueEntry {
  claims: Record<string, unknown>;
  answer: Record<string, unknown>;
  revoked: boolean;
}

/** The request the endpoint reads: method, headers, and the raw form body. */
export interface IntrospectionHttpRequest {
  method: string;
  header(name: string): string | undefined;
  body: string;
}

export interface IntrospectionHost extends MintContext {
  readonly keys: KeyRing;
  readonly client: IntrospectionClient;
  /** The endpoint's URL (an accepted `aud` of a `private_key_jwt` assertion). */
  readonly endpoint: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { "content-type": "application/json", "cache-control": "no-store", ...headers },
  body: JSON.stringify(body),
});

const digest = (value: string) => createHash("sha256").update(value).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));
/** RFC 6749 §2.3.1: client id and secret are form-url-encoded before Basic. */
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));

/** Opaque tokens the authority issued, and its RFC 7662 endpoint. */
export class OpaqueTokens {
  readonly #entries = new Map<string, OpaqueEntry>();
  readonly #host: IntrospectionHost;

  constructor(host: IntrospectionHost) {
    this.#host = host;
  }

  /** Issues an opaque token: 32 random bytes, base64url; its claims live here only. */
  issue(options: OpaqueTokenOptions = {}): string {
    const token = randomBytes(32).toString("base64url");
    const { answer, ...mintOptions } = options;
    this.#entries.set(token, {
      claims: buildClaims(this.#host, mintOptions),
      answer: answer ?? {},
      revoked: false,
    });
    return token;
  }

  /** Makes `token` inactive. Returns whether the authority knew it. */
  revoke(token: string): boolean {
    const entry = this.#entries.get(token);
    if (entry !== undefined) entry.revoked = true;
    return entry !== undefined;
  }

  /** The RFC 7662 answer for `token` now: active while known, not revoked, within `nbf`..`exp`. */
  answerFor(token: string): Record<string, unknown> {
    const entry = this.#entries.get(token);
    const nowSec = this.#host.clock() / 1000;
    if (entry === undefined) return { active: false };
    const { claims } = entry;
    const live =
      !entry.revoked &&
      (typeof claims.exp !== "number" || nowSec < claims.exp) &&
      (typeof claims.nbf !== "number" || nowSec >= claims.nbf);
    // An answer that overrides `active` gets the claims too, whatever the token's state.
    const active = "active" in entry.answer ? entry.answer.active : live;
    const base = active === false ? { active: false } : { active: live, ...claims, token_type: "Bearer" };
    return { ...base, ...entry.answer };
  }

  /** Answers one HTTP request to the introspection endpoint. */
  async handle(request: IntrospectionHttpRequest): Promise<Answer> {
    if (request.method !== "POST") return json(405, { error: "invalid_request" }, { allow: "POST" });
    const type = request.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") return json(400, { error: "invalid_request" });
    const params = new URLSearchParams(request.body);
    if (!(await this.#authenticate(request, params))) {
      return json(401, { error: "invalid_client" }, { "www-authenticate": 'Basic realm="introspection"' });
    }
    const token = params.get("token");
    if (!token) return json(400, { error: "invalid_request" });
    const answer = this.answerFor(token);
    if (!(request.header("accept") ?? "").includes("application/token-introspection+jwt"))
      return json(200, answer);
    return this.#signed(answer);
  }

  async #authenticate(request: IntrospectionHttpRequest, params: URLSearchParams): Promise<boolean> {
    const { client } = this.#host;
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(request.header("authorization") ?? "");
    if (basic) {
      const [id = "", secret = ""] = Buffer.from(basic[1]!, "base64").toString().split(":");
      return (
        formDecode(id) === client.clientId &&
        client.clientSecret !== undefined &&
        sameSecret(formDecode(secret), client.clientSecret)
      );
    }
    const assertion = params.get("client_assertion");
    if (assertion !== null) return this.#checkAssertion(assertion, params);
    const secret = params.get("client_secret");
    return (
      params.get("client_id") === client.clientId &&
      secret !== null &&
      client.clientSecret !== undefined &&
      sameSecret(secret, client.clientSecret)
    );
  }

  async #checkAssertion(assertion: string, params: URLSearchParams): Promise<boolean> {
    const { client } = this.#host;
    if (client.jwks === undefined) return false;
    if (params.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return false;
    try {
      await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: [this.#host.issuer, this.#host.endpoint],
        currentDate: new Date(this.#host.clock()),
      });
      return true;
    } catch {
      return false;
    }
  }

  /** RFC 9701: the answer in `token_introspection`, signed by the current key. */
  async #signed(answer: Record<string, unknown>): Promise<Answer> {
    const key = this.#host.keys.current;
    const payload = {
      iss: this.#host.issuer,
      aud: this.#host.client.clientId,
      iat: Math.floor(this.#host.clock() / 1000),
      token_introspection: answer,
    };
    const jwt = await signCompact(
      { alg: key.alg, kid: key.kid, typ: "token-introspection+jwt" },
      payload,
      key.privateKey,
    );
    return {
      status: 200,
      headers: { "content-type": "application/token-introspection+jwt", "cache-control": "no-store" },
      body: jwt,
    };
  }
}

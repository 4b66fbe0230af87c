import * as oauth from "oauth4webapi";
import type { FetchLike } from "../keys/fetch-json.js";
import { IntrospectionFailure, type IntrospectionFailureCode } from "./introspection-failure.js";
import { createIntrospectionFetch } from "./introspection-fetch.js";

/** Everything one introspection request needs. */
export interface IntrospectionTarget {
  endpoint: string;
  /** The authorization server: a signed answer's `iss`, a `private_key_jwt` assertion's `aud`. */
  issuer: string;
  clientId: string;
  clientAuth: oauth.ClientAuth;
  /** Ask for (and insist on) an RFC 9701 signed answer. */
  jwtResponse: boolean;
  /** Algorithms a signed answer may use. */
  algorithms: readonly string[];
  fetch: FetchLike;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Our clock minus the system clock, in seconds (oauth4webapi reads the system clock). */
  clockSkewSec: number;
  clockToleranceSec: number;
}

/** A parsed answer: `active` is a boolean; `jwt` is the compact JWT it came in (RFC 9701), if any. */
export interface IntrospectionResult {
  body: oauth.IntrospectionResponse;
  jwt: string | undefined;
}

const CLIENT_AUTH_ERRORS = new Set(["invalid_client", "unauthorized_client"]);

/**
 * Sends one RFC 7662 introspection request with oauth4webapi (request, client authentication,
 * answer parsing and, for RFC 9701 answers, the JWT's `typ`, `iss`, `aud`, `iat` and `exp` checks)
 * through a fetch that bounds the exchange; the whole of it runs under one `timeoutMs` deadline.
 * The caller verifies a signed answer's signature. Rejects with {@link IntrospectionFailure} only.
 */
export async function requestIntrospection(
  token: string,
  target: IntrospectionTarget,
): Promise<IntrospectionResult> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new IntrospectionFailure("ERR_INTROSPECTION_TIMEOUT", { endpoint: target.endpoint });
      controller.abort(error);
      reject(error);
    }, target.timeoutMs);
  });
  try {
    return await Promise.race([exchange(token, target, controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/**
 * One introspection request. A connection reset under its POST (a reused keep-alive connection the
 * server had just closed) makes the request once more, at once, within the same deadline, as a key
 * fetch is: asking about a token changes nothing on the server. Made again, not sent again, so that
 * `private_key_jwt` signs a new assertion (its `jti` is single-use, RFC 7523 §3). Any other failure,
 * or a second reset, rejects.
 */
async function exchange(
  token: string,
  target: IntrospectionTarget,
  signal: AbortSignal,
): Promise<IntrospectionResult> {
  const as: oauth.AuthorizationServer = {
    issuer: target.issuer,
    introspection_endpoint: target.endpoint,
    introspection_signing_alg_values_supported: [...target.algorithms],
  };
  const client: oauth.Client = {
    client_id: target.clientId,
    [oauth.clockSkew]: target.clockSkewSec,
    [oauth.clockTolerance]: target.clockToleranceSec,
  };
  for (let attempt = 1; ; attempt++) {
    const { fetch, captured } = createIntrospectionFetch({
      fetch: target.fetch,
      endpoint: target.endpoint,
      maxResponseBytes: target.maxResponseBytes,
      signal,
      jwtOnly: target.jwtResponse,
    });
    try {
      const response = await oauth.introspectionRequest(as, client, target.clientAuth, token, {
        [oauth.customFetch]: fetch,
        // Configuration checks already refuse `http:` except on loopback.
        [oauth.allowInsecureRequests]: new URL(target.endpoint).protocol === "http:",
        additionalParameters: { token_type_hint: "access_token" },
        requestJwtResponse: target.jwtResponse,
        signal,
      });
      const body = await oauth.processIntrospectionResponse(as, client, response);
      return { body, jwt: captured.jwt };
    } catch (error) {
      if (attempt === 1 && captured.connectionReset && !signal.aborted) continue;
      throw asFailure(error, target.endpoint);
    }
  }
}

/** Translates whatever oauth4webapi (or our fetch) threw; the original error is not kept. */
function asFailure(error: unknown, endpoint: string): IntrospectionFailure {
  if (error instanceof IntrospectionFailure) return error;
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const code = error.status === 401 ? "ERR_INTROSPECTION_CLIENT_AUTH" : "ERR_INTROSPECTION_STATUS";
    return new IntrospectionFailure(code, { endpoint, status: error.status });
  }
  if (error instanceof oauth.ResponseBodyError) {
    const code: IntrospectionFailureCode = CLIENT_AUTH_ERRORS.has(error.error)
      ? "ERR_INTROSPECTION_CLIENT_AUTH"
      : "ERR_INTROSPECTION_STATUS";
    return new IntrospectionFailure(code, { endpoint, status: error.status, detail: error.error });
  }
  const detail = codeOf(error);
  if (detail === oauth.RESPONSE_IS_NOT_CONFORM) {
    const status = (error as { cause?: { status?: unknown } }).cause?.status;
    return new IntrospectionFailure("ERR_INTROSPECTION_STATUS", {
      endpoint,
      status: typeof status === "number" ? status : undefined,
      detail,
    });
  }
  const signature = detail === oauth.JWT_CLAIM_COMPARISON || detail === oauth.JWT_TIMESTAMP_CHECK;
  return new IntrospectionFailure(signature ? "ERR_INTROSPECTION_SIGNATURE" : "ERR_INTROSPECTION_RESPONSE", {
    endpoint,
    detail,
  });
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

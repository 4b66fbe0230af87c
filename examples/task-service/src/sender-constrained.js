// @ts-check
import { createHash, X509Certificate } from "node:crypto";
import * as oauth from "oauth4webapi";
import { callCalendar, readCalendarResponse } from "./calendar-client.js";
import { createTlsFetch } from "./tls-fetch.js";
import { createTokenSource } from "./token-source.js";

/**
 * What the scenario lends these steps: how to record a step and how to print a section title.
 * @typedef {object} StepTools
 * @property {(title: string, ok: boolean, detail: string) => void} check
 * @property {(title: string, response: import("./calendar-client.js").CalendarResponse, expected: number, extra?: { detail?: string, challenge?: RegExp }) => void} expectStatus
 * @property {(text: string) => void} section
 * @property {(value: string) => string} short shortens an identifier for the transcript
 */

/**
 * Where the certificate-bound part runs: the calendar service over HTTPS asking for client
 * certificates, the CA that issued everything, and two client certificates of that CA.
 * @typedef {object} MutualTlsScenario
 * @property {string} calendarUrl `https://…` of a calendar service with `TLS_CERT`, `TLS_KEY`, `TLS_CA`
 * @property {string} ca PEM CA certificate: issued the servers' certificates and the clients'
 * @property {{ cert: string, key: string }} client the task service's client certificate
 * @property {{ cert: string, key: string }} otherClient another client certificate of the same CA
 */

/**
 * The `cnf` claim of a token, for the transcript only (a client normally treats access tokens as
 * opaque): it shows what the authorization server bound the token to.
 * @param {import("./token-source.js").AccessToken} token
 * @returns {Record<string, unknown>}
 */
function confirmationOf(token) {
  try {
    const claims = JSON.parse(Buffer.from(token.reveal().split(".")[1] ?? "", "base64url").toString("utf8"));
    return claims && typeof claims.cnf === "object" && claims.cnf !== null ? claims.cnf : {};
  } catch {
    return {};
  }
}

/**
 * RFC 7638 thumbprint of an EC P-256 public key: what a DPoP-bound token's `cnf.jkt` names.
 * @param {Awaited<ReturnType<typeof oauth.generateKeyPair>>["publicKey"]} publicKey
 */
async function ecThumbprint(publicKey) {
  const { crv, kty, x, y } = await crypto.subtle.exportKey("jwk", publicKey);
  return createHash("sha256").update(JSON.stringify({ crv, kty, x, y })).digest("base64url");
}

/**
 * RFC 8705 `x5t#S256` of a PEM certificate: base64url(SHA-256(DER)).
 * @param {string} pem
 */
const certificateThumbprint = (pem) =>
  createHash("sha256").update(new X509Certificate(pem).raw).digest("base64url");

/** @param {import("./calendar-client.js").CalendarResponse} response */
function errorDescription(response) {
  const body = /** @type {{ error_description?: unknown } | null} */ (response.body);
  return JSON.stringify(typeof body?.error_description === "string" ? body.error_description : null);
}

/**
 * DPoP (RFC 9449): the task service gets a token bound to a key pair oauth4webapi made, calls the
 * calendar with a fresh proof per request, and shows that the token alone (as Bearer, or as DPoP
 * without a proof) and a replayed proof are refused.
 * @param {{ issuer: string, calendarUrl: string, resource: string, secret: string }} options
 * @param {StepTools} tools
 */
export async function dpopSteps(options, { check, expectStatus, section, short }) {
  section('task-service-dpop gets a DPoP-bound token (RFC 9449): scope "event.read event.create"');
  const keyPair = await oauth.generateKeyPair("ES256");
  const handle = oauth.DPoP({}, keyPair);
  const source = createTokenSource({
    issuer: options.issuer,
    clientId: "task-service-dpop",
    clientSecret: options.secret,
    scope: ["event.read", "event.create"],
    resource: options.resource,
    dpop: handle,
  });
  const { token } = await source.getToken();
  const jkt = await ecThumbprint(keyPair.publicKey);
  check(
    "DPoP-bound token obtained",
    token.type === "DPoP" && confirmationOf(token).jkt === jkt,
    `token_type DPoP, cnf.jkt = thumbprint of the task service's ES256 proof key (${short(jkt)}), a key that never leaves its memory`,
  );

  const calendarUrl = new URL(options.calendarUrl);
  const loopbackHttp = calendarUrl.protocol === "http:" && calendarUrl.hostname === "127.0.0.1";
  /** @type {Record<string, string>} */
  let sent = {};
  /**
   * One request the way oauth4webapi sends it: `Authorization: DPoP`, a fresh proof in `DPoP`.
   * @param {string} method @param {string} path @param {unknown} [json]
   */
  const withProof = async (method, path, json) => {
    const headers = new Headers({ accept: "application/json" });
    if (json) headers.set("content-type", "application/json");
    try {
      const response = await oauth.protectedResourceRequest(
        token.reveal(),
        method,
        new URL(path, calendarUrl),
        headers,
        json ? JSON.stringify(json) : null,
        {
          DPoP: handle,
          ...(loopbackHttp ? { [oauth.allowInsecureRequests]: true } : {}),
          [oauth.customFetch]: (url, init) => {
            sent = /** @type {Record<string, string>} */ (init.headers);
            return fetch(url, init);
          },
        },
      );
      return readCalendarResponse(response);
    } catch (error) {
      if (error instanceof oauth.WWWAuthenticateChallengeError) return readCalendarResponse(error.response);
      throw error;
    }
  };

  const listed = await withProof("GET", "/events");
  const replayable = sent;
  expectStatus("GET    /events with a fresh DPoP proof", listed, 200, {
    detail: `Authorization: DPoP <token>, DPoP: <proof for GET ${new URL("/events", calendarUrl).href}>`,
  });
  const created = await withProof("POST", "/events", {
    title: "Security review",
    start: "2030-02-01T09:00:00Z",
  });
  expectStatus("POST   /events with a fresh DPoP proof", created, 201, {
    detail: "another proof: one per request (its own jti, htm and ath)",
  });

  section("the DPoP-bound token stolen: without the key, no proof, no access");
  const stolen = token.reveal();
  /** A `GET /events` sent with exactly these headers, expected to be refused with `challenge`. */
  const refused = async (
    /** @type {string} */ title,
    /** @type {Record<string, string>} */ headers,
    /** @type {RegExp} */ challenge,
  ) => {
    const response = await callCalendar(options.calendarUrl, {
      method: "GET",
      path: "/events",
      token: null,
      headers,
    });
    expectStatus(title, response, 401, {
      detail: `error_description: ${errorDescription(response)}`,
      challenge,
    });
  };
  await refused(
    "GET    /events with the stolen token as Bearer",
    { authorization: `Bearer ${stolen}` },
    /^Bearer [^,]+, error="invalid_token"/,
  );
  await refused(
    "GET    /events with the stolen token as DPoP, no proof",
    { authorization: `DPoP ${stolen}` },
    /DPoP [^,]+, error="invalid_dpop_proof"/,
  );
  await refused(
    "GET    /events with a replayed proof (the first GET's headers, sent again)",
    replayable,
    /error="invalid_dpop_proof"/,
  );
}

/**
 * Certificate-bound tokens (RFC 8705): the task service gets a token over mutual TLS, bound to its
 * client certificate; the calendar accepts it on a connection with that certificate only.
 * @param {{ issuer: string, resource: string, secret: string, mutualTls: MutualTlsScenario }} options
 * @param {StepTools} tools
 */
export async function mutualTlsSteps(options, { check, expectStatus, section, short }) {
  const { calendarUrl, ca, client, otherClient } = options.mutualTls;
  section("task-service-mtls gets a certificate-bound token over mutual TLS (RFC 8705)");
  const source = createTokenSource({
    issuer: options.issuer,
    clientId: "task-service-mtls",
    clientSecret: options.secret,
    scope: ["event.read"],
    resource: options.resource,
    mutualTls: { ca, cert: client.cert, key: client.key },
  });
  const { token } = await source.getToken();
  const thumbprint = certificateThumbprint(client.cert);
  check(
    "certificate-bound token obtained",
    confirmationOf(token)["x5t#S256"] === thumbprint,
    `cnf["x5t#S256"] = thumbprint of its client certificate (${short(thumbprint)}); token endpoint from mtls_endpoint_aliases`,
  );
  const call = (/** @type {import("./tls-fetch.js").TlsClientOptions} */ tls) =>
    callCalendar(calendarUrl, { method: "GET", path: "/events", token }, createTlsFetch(tls));
  const same = await call({ ca, cert: client.cert, key: client.key });
  expectStatus("GET    /events over mutual TLS with that certificate", same, 200, { detail: calendarUrl });
  const other = await call({ ca, cert: otherClient.cert, key: otherClient.key });
  expectStatus("GET    /events with another certificate of the same CA", other, 401, {
    detail: `error_description: ${errorDescription(other)}`,
    challenge: /error="invalid_token"/,
  });
  const none = await call({ ca });
  expectStatus("GET    /events over TLS without a client certificate", none, 401, {
    detail: `error_description: ${errorDescription(none)}`,
    challenge: /error="invalid_token"/,
  });
}

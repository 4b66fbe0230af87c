import { createVerifier, type IntrospectionEvent, isBearerError } from "@scopegate/core";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALENDAR_API, demoClients, demoOptions } from "../src/demo-config.js";
import { type AuthorizationServer, startAuthorizationServer } from "../src/server.js";

// scopegate's introspection against oidc-provider's real RFC 7662 endpoint over HTTP on 127.0.0.1:
// opaque tokens from the demo's `batch-jobs` client, checked by the calendar's resource-server
// client; the endpoint found in the server's metadata.

const RESOURCE_SERVER = { clientId: "calendar-service", clientSecret: "calendar-test-secret" };
const SIGNED = { clientId: "calendar-signed", clientSecret: "calendar-signed-secret", signedResponses: true };
let server: AuthorizationServer;

beforeAll(async () => {
  server = await startAuthorizationServer({
    ...demoOptions({}),
    introspectionClients: [RESOURCE_SERVER, SIGNED],
  });
});
afterAll(async () => {
  await server?.close();
});

/** A client-credentials token for a demo client, with oauth4webapi as the task service gets them. */
async function tokenFor(clientId: string): Promise<string> {
  const client = demoClients({}).find((c) => c.clientId === clientId);
  if (!client) throw new Error(`no demo client ${clientId}`);
  const issuer = new URL(server.issuer);
  const options = { [oauth.allowInsecureRequests]: true };
  const as = await oauth
    .discoveryRequest(issuer, { ...options, algorithm: "oauth2" })
    .then((response) => oauth.processDiscoveryResponse(issuer, response));
  const response = await oauth.clientCredentialsGrantRequest(
    as,
    { client_id: client.clientId },
    oauth.ClientSecretBasic(client.clientSecret),
    new URLSearchParams({ scope: client.scope, resource: CALENDAR_API }),
    options,
  );
  return (await oauth.processClientCredentialsResponse(as, { client_id: client.clientId }, response))
    .access_token;
}

const verifierWith = (introspection: Partial<typeof RESOURCE_SERVER> & { jwtResponse?: boolean } = {}) =>
  createVerifier({
    issuer: server.issuer,
    audience: CALENDAR_API,
    introspection: { ...RESOURCE_SERVER, failureBackoffMs: 0, ...introspection },
  });

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBearerError(error)) throw new Error(`expected a scopegate error, got ${String(error)}`);
  return error;
}

describe("introspection of oidc-provider's opaque tokens", () => {
  it("issues opaque tokens to batch-jobs, and the metadata names the introspection endpoint", async () => {
    const token = await tokenFor("batch-jobs");
    expect(token.split(".")).toHaveLength(1);
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
      introspection_endpoint?: string;
    };
    expect(metadata.introspection_endpoint).toBe(`${server.url}/token/introspection`);
  });

  it("verifies an opaque token by introspection: client, scopes, audience, issuer, expiry", async () => {
    const token = await verifierWith().verify(await tokenFor("batch-jobs"));
    expect(token.clientId).toBe("batch-jobs");
    expect(token.scopes).toEqual(["event.read"]);
    expect(token.claims.aud).toBe(CALENDAR_API);
    expect(token.issuer).toBe(server.issuer);
    expect(token.expiresAt.getTime()).toBeGreaterThan(Date.now());
  });

  it("verifies the JWT clients' tokens locally with the same verifier, without introspecting", async () => {
    const events: IntrospectionEvent[] = [];
    const verifier = createVerifier({
      issuer: server.issuer,
      audience: CALENDAR_API,
      introspection: { ...RESOURCE_SERVER, onEvent: (event) => events.push(event) },
    });
    expect((await verifier.verify(await tokenFor("task-service"))).clientId).toBe("task-service");
    expect(events).toEqual([]);
    await verifier.verify(await tokenFor("batch-jobs"));
    expect(events.map((e) => [e.type, "active" in e && e.active])).toEqual([
      ["introspection_succeeded", true],
    ]);
  });

  it("verifies RFC 9701 signed answers with the server's published keys", async () => {
    const { clientId, clientSecret } = SIGNED;
    const verifier = verifierWith({ clientId, clientSecret, jwtResponse: true });
    const token = await verifier.verify(await tokenFor("batch-jobs"));
    expect(token.clientId).toBe("batch-jobs");
  });

  it("answers a token the server does not know with 401 invalid_token", async () => {
    const error = await failure(verifierWith().verify("an-opaque-token-nobody-issued"));
    expect([error.status, error.code]).toEqual([401, "ERR_TOKEN_INACTIVE"]);
  });

  it("answers 503 when the resource server's own credentials are refused", async () => {
    const error = await failure(verifierWith({ clientSecret: "wrong" }).verify(await tokenFor("batch-jobs")));
    expect(error.status).toBe(503);
    expect((error.cause as { code?: string }).code).toBe("ERR_INTROSPECTION_CLIENT_AUTH");
  });

  it("gets active: false for a client that is not an allowed resource server", async () => {
    const client = demoClients({}).find((c) => c.clientId === "task-service");
    const verifier = verifierWith({ clientId: "task-service", clientSecret: client?.clientSecret as string });
    expect((await failure(verifier.verify(await tokenFor("batch-jobs")))).code).toBe("ERR_TOKEN_INACTIVE");
  });
});

import { randomUUID } from "node:crypto";
import { createTestAuthority, type MintOptions, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifierOptions } from "../src/options/verifier-options.js";
import { presets } from "../src/presets/index.js";
import { createVerifier, type Verifier } from "../src/verifier.js";

// Each preset is exercised with tokens shaped like its provider's access tokens (the provider's
// documented claim sets and headers), minted by @scopegate/testing under the provider's real issuer.
// Keys come from the authority's in-memory fetch: the preset's JWKS URL is replaced by the
// authority's, and asserted separately.

// One authority (RS256, as these providers sign) serves the keys for every preset under test; each
// token names its provider's issuer itself.
let authority: TestAuthority;
beforeAll(async () => {
  authority = await createTestAuthority();
});
afterAll(async () => {
  await authority.close();
});

/** A verifier built from the preset's options, its JWKS URL(s) pointed at the test authority's in-memory keys. */
async function verifierFor(
  options: VerifierOptions,
): Promise<{ authority: TestAuthority; verifier: Verifier }> {
  const issuers = typeof options.issuer === "string" ? [options.issuer] : [...options.issuer];
  const jwksUri =
    typeof options.jwksUri === "string"
      ? authority.jwksUri
      : Object.fromEntries(issuers.map((iss) => [iss, authority.jwksUri]));
  const verifier = createVerifier({ ...options, jwksUri, fetch: authority.fetch });
  return { authority, verifier };
}

/** Mints a token carrying exactly `claims` (plus the authority's timestamps) and `header`. */
function mintShaped(
  authority: TestAuthority,
  claims: Record<string, unknown>,
  header: { typ: string | null; extra?: Record<string, unknown> },
  options: MintOptions = {},
): Promise<string> {
  const standard = ["iss", "aud", "sub", "client_id", "jti"].filter((name) => !(name in claims));
  return authority.mint({
    ...options,
    claims,
    typ: header.typ,
    ...(header.extra ? { header: header.extra } : {}),
    omit: [...standard, ...(options.omit ?? [])],
  });
}

describe("presets.auth0", () => {
  const options = presets.auth0({ domain: "example.us.auth0.com", audience: "https://calendar.example.com" });
  const m2mClaims = {
    iss: "https://example.us.auth0.com/",
    sub: "Xq3ZtT9w@clients",
    aud: "https://calendar.example.com",
    gty: "client-credentials",
    azp: "Xq3ZtT9w",
    scope: "event.read event.create",
    permissions: ["event.read", "event.create", "event.delete"],
  };

  it("encodes Auth0's issuer (with its trailing slash) and JWKS location", () => {
    expect(options.issuer).toBe("https://example.us.auth0.com/");
    expect(options.jwksUri).toBe("https://example.us.auth0.com/.well-known/jwks.json");
    expect(options.audience).toEqual(["https://calendar.example.com"]);
    expect(options.scopeClaims).toEqual(["scope", "permissions"]);
  });

  it("normalises a domain given as a URL", () => {
    const fromUrl = presets.auth0({ domain: "https://example.us.auth0.com/", audience: "a" });
    expect(fromUrl.issuer).toBe("https://example.us.auth0.com/");
  });

  it("accepts an Auth0 client-credentials token and reads scope and permissions", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(authority, m2mClaims, { typ: "JWT" });
    const verified = await verifier.verify(token);
    expect(verified.clientId).toBe("Xq3ZtT9w");
    expect(verified.subject).toBe("Xq3ZtT9w@clients");
    expect([...verified.scopes].sort()).toEqual(["event.create", "event.delete", "event.read"]);
  });

  it("rejects a token whose issuer lacks Auth0's trailing slash with 401 ERR_TOKEN_ISSUER", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(
      authority,
      { ...m2mClaims, iss: "https://example.us.auth0.com" },
      { typ: "JWT" },
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "ERR_TOKEN_ISSUER", status: 401 });
  });

  it("rejects a token for another API with 401 ERR_TOKEN_AUDIENCE", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(
      authority,
      { ...m2mClaims, aud: "https://example.us.auth0.com/api/v2/" },
      { typ: "JWT" },
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "ERR_TOKEN_AUDIENCE" });
  });

  it("checks the calling client against allowedClientIds (azp, or client_id with the RFC 9068 profile)", async () => {
    const limited = presets.auth0({
      domain: "example.us.auth0.com",
      audience: "https://calendar.example.com",
      allowedClientIds: ["Xq3ZtT9w"],
    });
    const { authority, verifier } = await verifierFor(limited);
    await expect(
      verifier.verify(await mintShaped(authority, m2mClaims, { typ: "JWT" })),
    ).resolves.toMatchObject({
      clientId: "Xq3ZtT9w",
    });
    const rfc9068 = { ...m2mClaims, azp: undefined, client_id: "Xq3ZtT9w", jti: randomUUID() };
    await expect(
      verifier.verify(await mintShaped(authority, rfc9068, { typ: "at+jwt" })),
    ).resolves.toBeDefined();
    const other = await mintShaped(authority, { ...m2mClaims, azp: "another-client" }, { typ: "JWT" });
    await expect(verifier.verify(other)).rejects.toMatchObject({ code: "ERR_TOKEN_CLIENT", status: 401 });
  });

  it("refuses a domain with a path at set-up", () => {
    expect(() => presets.auth0({ domain: "example.auth0.com/tenant", audience: "a" })).toThrow(TypeError);
    expect(() => presets.auth0({ domain: "", audience: "a" })).toThrow(/presets\.auth0\(\)/);
  });
});

describe("presets.cognito", () => {
  const options = presets.cognito({
    region: "eu-west-1",
    userPoolId: "eu-west-1_AbCdEfGhI",
    clientId: "5r1c2lient",
  });
  const issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";
  const accessClaims = {
    iss: issuer,
    sub: "5r1c2lient",
    token_use: "access",
    scope: "https://calendar.example.com/event.read https://calendar.example.com/event.create",
    auth_time: Math.floor(Date.now() / 1000),
    version: 2,
    jti: randomUUID(),
    client_id: "5r1c2lient",
  };

  it("encodes the user pool's issuer and JWKS location, and no audience check", () => {
    expect(options.issuer).toBe(issuer);
    expect(options.jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    expect(options.audience).toBeNull();
    expect(options.allowedClientIds).toEqual(["5r1c2lient"]);
  });

  it("accepts a Cognito client-credentials access token (no aud) from the app client", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(authority, accessClaims, { typ: null }, { omit: ["aud"] });
    const verified = await verifier.verify(token);
    expect(verified.clientId).toBe("5r1c2lient");
    expect(verified.scopes).toEqual([
      "https://calendar.example.com/event.read",
      "https://calendar.example.com/event.create",
    ]);
  });

  it("rejects a Cognito ID token (token_use id) with 401 ERR_TOKEN_TYPE", async () => {
    const { authority, verifier } = await verifierFor(options);
    const idToken = await mintShaped(
      authority,
      { ...accessClaims, token_use: "id", aud: "5r1c2lient", client_id: undefined },
      { typ: null },
      { omit: ["client_id"] },
    );
    await expect(verifier.verify(idToken)).rejects.toMatchObject({ status: 401 });
    const idWithClient = await mintShaped(
      authority,
      { ...accessClaims, token_use: "id" },
      { typ: null },
      { omit: ["aud"] },
    );
    await expect(verifier.verify(idWithClient)).rejects.toMatchObject({ code: "ERR_TOKEN_TYPE" });
  });

  it("rejects another app client's token with 401 ERR_TOKEN_CLIENT", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(
      authority,
      { ...accessClaims, client_id: "other-app" },
      { typ: null },
      { omit: ["aud"] },
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "ERR_TOKEN_CLIENT" });
  });

  it("rejects a token without token_use with 401 ERR_TOKEN_CLAIM_MISSING", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(authority, accessClaims, { typ: null }, { omit: ["aud", "token_use"] });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "ERR_TOKEN_CLAIM_MISSING" });
  });

  it("accepts several app clients, from clientId and allowedClientIds", () => {
    const several = presets.cognito({
      region: "eu-west-1",
      userPoolId: "eu-west-1_AbCdEfGhI",
      clientId: ["a1"],
      allowedClientIds: ["b2", "a1"],
    });
    expect(several.allowedClientIds).toEqual(["a1", "b2"]);
  });

  it("refuses a user pool id from another region at set-up", () => {
    expect(() =>
      presets.cognito({ region: "eu-west-1", userPoolId: "us-east-1_AbC", clientId: "c" }),
    ).toThrow(/userPoolId.*us-east-1/);
    expect(() => presets.cognito({ region: "Europe", userPoolId: "eu-west-1_AbC", clientId: "c" })).toThrow(
      TypeError,
    );
    expect(() => presets.cognito({ region: "eu-west-1", userPoolId: "AbC", clientId: "c" })).toThrow(
      TypeError,
    );
  });
});

describe("presets.entra", () => {
  const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  const options = presets.entra({
    tenantId,
    audience: ["6e74172b-be56-4843-9ff4-e66a39bb12e3", "api://calendar"],
  });
  const common = {
    iat: Math.floor(Date.now() / 1000),
    nbf: Math.floor(Date.now() / 1000),
    aio: "E2ZgYJj+",
    oid: "0f6e1c4a-2b7d-4b0f-9d7e-8c1a2b3c4d5e",
    rh: "0.AAAAv4j5cvGGr0GRqy180BHbR",
    roles: ["Calendar.Read", "Calendar.Write"],
    sub: "0f6e1c4a-2b7d-4b0f-9d7e-8c1a2b3c4d5e",
    tid: tenantId,
    uti: "k3R_8nE0UkCz",
  };
  const v2Claims = {
    ...common,
    aud: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
    iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    azp: "1d2c3b4a-aaaa-bbbb-cccc-000000000001",
    azpacr: "1",
    idtyp: "app",
    ver: "2.0",
  };
  const v1Claims = {
    ...common,
    aud: "api://calendar",
    iss: `https://sts.windows.net/${tenantId}/`,
    appid: "1d2c3b4a-aaaa-bbbb-cccc-000000000001",
    appidacr: "1",
    idp: `https://sts.windows.net/${tenantId}/`,
    ver: "1.0",
  };
  const entraHeader = (authority: TestAuthority) => ({ typ: "JWT", extra: { x5t: authority.kid } });

  it("encodes both issuers, each with its tenant's JWKS, and reads app roles", () => {
    expect(options.issuer).toEqual([
      `https://sts.windows.net/${tenantId}/`,
      `https://login.microsoftonline.com/${tenantId}/v2.0`,
    ]);
    expect(options.jwksUri).toEqual({
      [`https://sts.windows.net/${tenantId}/`]: `https://login.microsoftonline.com/${tenantId}/discovery/keys`,
      [`https://login.microsoftonline.com/${tenantId}/v2.0`]: `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`,
    });
    expect(options.scopeClaims).toEqual(["roles"]);
  });

  it("accepts a v2.0 app-only token and takes its permissions from roles", async () => {
    const { authority, verifier } = await verifierFor(options);
    const verified = await verifier.verify(await mintShaped(authority, v2Claims, entraHeader(authority)));
    expect(verified.scopes).toEqual(["Calendar.Read", "Calendar.Write"]);
    expect(verified.clientId).toBe("1d2c3b4a-aaaa-bbbb-cccc-000000000001");
  });

  it("accepts a v1.0 app-only token (sts.windows.net issuer, Application ID URI audience)", async () => {
    const { authority, verifier } = await verifierFor(options);
    const verified = await verifier.verify(await mintShaped(authority, v1Claims, entraHeader(authority)));
    expect(verified.issuer).toBe(`https://sts.windows.net/${tenantId}/`);
    expect(verified.scopes).toEqual(["Calendar.Read", "Calendar.Write"]);
  });

  it("rejects v1.0 tokens when only v2.0 is accepted with 401 ERR_TOKEN_ISSUER", async () => {
    const v2Only = presets.entra({ tenantId, audience: "api://calendar", versions: ["2.0"] });
    expect(v2Only.issuer).toEqual([`https://login.microsoftonline.com/${tenantId}/v2.0`]);
    const { authority, verifier } = await verifierFor(v2Only);
    await expect(
      verifier.verify(await mintShaped(authority, v1Claims, entraHeader(authority))),
    ).rejects.toMatchObject({
      code: "ERR_TOKEN_ISSUER",
    });
  });

  it("rejects a token whose tid is another tenant with 401 ERR_TOKEN_CLAIM_INVALID", async () => {
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(
      authority,
      { ...v2Claims, tid: "00000000-0000-0000-0000-000000000000" },
      entraHeader(authority),
    );
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: "ERR_TOKEN_CLAIM_INVALID" });
  });

  it("checks allowedClientIds against azp (v2.0) and appid (v1.0)", async () => {
    const limited = presets.entra({
      tenantId,
      audience: ["6e74172b-be56-4843-9ff4-e66a39bb12e3", "api://calendar"],
      allowedClientIds: ["1d2c3b4a-aaaa-bbbb-cccc-000000000001"],
    });
    const { authority, verifier } = await verifierFor(limited);
    await expect(
      verifier.verify(await mintShaped(authority, v2Claims, entraHeader(authority))),
    ).resolves.toBeDefined();
    await expect(
      verifier.verify(await mintShaped(authority, v1Claims, entraHeader(authority))),
    ).resolves.toBeDefined();
    const stranger = await mintShaped(
      authority,
      { ...v1Claims, appid: "ffffffff-0000-0000-0000-000000000000" },
      entraHeader(authority),
    );
    await expect(verifier.verify(stranger)).rejects.toMatchObject({ code: "ERR_TOKEN_CLIENT", status: 401 });
  });

  it("refuses a tenant domain name at set-up", () => {
    expect(() => presets.entra({ tenantId: "contoso.onmicrosoft.com", audience: "a" })).toThrow(/GUID/);
  });

  // ID tokens as Microsoft documents them (id-token-claims-reference): the audience is the client id
  // (the API and the signing-in client share one app registration), neither azp nor appid.
  const v2IdToken = {
    aud: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
    iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
    iat: common.iat,
    nbf: common.nbf,
    aio: "Df2UVXL1ix!lMCWMSOJBcFatzcGfvFGhjKv8q5g0x732dR5MB5BisvGQO7YWByjd8iQDLq!eGbIDakyp5mnOrcdqHeYSnltepQmRp6AIZ8jY",
    name: "Abe Lincoln",
    nonce: "123523",
    oid: "00000000-0000-0000-66f3-3332eca7ea81",
    preferred_username: "AbeLi@microsoft.com",
    rh: "I",
    roles: ["Calendar.Read", "Calendar.Write"],
    sid: "00000000-0000-0000-8a6b-1a2b3c4d5e6f",
    sub: "HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ",
    tid: tenantId,
    uti: "AbeLiuti",
    ver: "2.0",
  };
  const v1IdToken = {
    aud: "6e74172b-be56-4843-9ff4-e66a39bb12e3",
    iss: `https://sts.windows.net/${tenantId}/`,
    iat: common.iat,
    nbf: common.nbf,
    amr: ["pwd"],
    family_name: "Lincoln",
    given_name: "Abe",
    ipaddr: "203.0.113.7",
    name: "Abe Lincoln",
    nonce: "123523",
    oid: "00000000-0000-0000-66f3-3332eca7ea81",
    rh: "I",
    roles: ["Calendar.Read", "Calendar.Write"],
    sub: "HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ",
    tid: tenantId,
    unique_name: "AbeLi@microsoft.com",
    upn: "AbeLi@microsoft.com",
    uti: "AbeLiuti",
    ver: "1.0",
  };
  const without = (claims: Record<string, unknown>, ...names: string[]) =>
    Object.fromEntries(Object.entries(claims).filter(([name]) => !names.includes(name)));

  it.each<[string, Record<string, unknown>]>([
    ["a v2.0 ID token (nonce, no azp)", v2IdToken],
    ["a v2.0 ID token from the code flow (no nonce, no azp)", without(v2IdToken, "nonce")],
    [
      "a v2.0 ID token with at_hash and c_hash",
      { ...without(v2IdToken, "nonce"), at_hash: "lH2dEy1sE2g1vqtN1sJ3pA", c_hash: "kS1QqZb9a0j4zQ5Zx9JdXg" },
    ],
    ["a v1.0 ID token (nonce, no appid)", v1IdToken],
    ["a v1.0 ID token from the code flow (no nonce, no appid)", without(v1IdToken, "nonce")],
    ["a v2.0 access token that also carries nonce", { ...v2Claims, nonce: "123523" }],
    ["a v2.0 access token that also carries at_hash", { ...v2Claims, at_hash: "lH2dEy1sE2g1vqtN1sJ3pA" }],
    ["a v1.0 access token that also carries c_hash", { ...v1Claims, c_hash: "kS1QqZb9a0j4zQ5Zx9JdXg" }],
    [
      "a v2.0 token with appid instead of azp",
      { ...without(v2Claims, "azp", "azpacr"), appid: v1Claims.appid },
    ],
    [
      "a v1.0 token with azp instead of appid",
      { ...without(v1Claims, "appid", "appidacr"), azp: v2Claims.azp },
    ],
    ["a v2.0-issuer token saying ver 1.0", { ...v2Claims, ver: "1.0" }],
    ["a v1.0-issuer token saying ver 2.0", { ...v1Claims, ver: "2.0" }],
    ["a v2.0 token without ver", without(v2Claims, "ver")],
    ["an app-only token (no scp) whose idtyp is user", { ...v2Claims, idtyp: "user" }],
  ])("refuses %s with 401 invalid_token", async (_title, claims) => {
    const { authority, verifier } = await verifierFor(options);
    const error = await verifier
      .verify(await mintShaped(authority, claims, entraHeader(authority)))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ERR_TOKEN_TYPE", status: 401, error: "invalid_token" });
    expect((error as { description: string }).description).toBe("The access token type is not accepted");
  });

  it("accepts a v2.0 delegated access token (scp, idtyp user) as an access token", async () => {
    const { authority, verifier } = await verifierFor(options);
    const claims = { ...v2Claims, scp: "Calendar.Read", idtyp: "user", name: "Abe Lincoln" };
    const verified = await verifier.verify(await mintShaped(authority, claims, entraHeader(authority)));
    expect(verified.clientId).toBe(v2Claims.azp);
  });

  it("exposes the calling app as clientId: azp (v2.0) or appid (v1.0)", async () => {
    const { authority, verifier } = await verifierFor(options);
    const v2 = await verifier.verify(await mintShaped(authority, v2Claims, entraHeader(authority)));
    const v1 = await verifier.verify(await mintShaped(authority, v1Claims, entraHeader(authority)));
    expect(v2.clientId).toBe(v2Claims.azp);
    expect(v1.clientId).toBe(v1Claims.appid);
  });
});

describe("presets.okta", () => {
  const options = presets.okta({
    issuer: "https://example.okta.com/oauth2/default/",
    audience: "api://default",
  });
  const claims = {
    ver: 1,
    jti: "AT.9m8Jl6rWvA1bC2dE3fG4hI5jK6lM7nO8",
    iss: "https://example.okta.com/oauth2/default",
    aud: "api://default",
    cid: "0oa1b2c3d4TaskSvc",
    scp: ["event.read", "event.create"],
    sub: "0oa1b2c3d4TaskSvc",
  };

  it("encodes the custom authorization server's issuer (no trailing slash) and JWKS location", () => {
    expect(options.issuer).toBe("https://example.okta.com/oauth2/default");
    expect(options.jwksUri).toBe("https://example.okta.com/oauth2/default/v1/keys");
    expect(options.scopeClaims).toEqual(["scp"]);
  });

  it("accepts an Okta client-credentials token and reads the scp array", async () => {
    const { authority, verifier } = await verifierFor(options);
    const verified = await verifier.verify(await mintShaped(authority, claims, { typ: null }));
    expect(verified.scopes).toEqual(["event.read", "event.create"]);
    expect(verified.subject).toBe("0oa1b2c3d4TaskSvc");
  });

  it("checks allowedClientIds against cid", async () => {
    const limited = presets.okta({
      issuer: "https://example.okta.com/oauth2/default",
      audience: "api://default",
      allowedClientIds: ["0oa1b2c3d4TaskSvc"],
    });
    const { authority, verifier } = await verifierFor(limited);
    await expect(verifier.verify(await mintShaped(authority, claims, { typ: null }))).resolves.toBeDefined();
    const other = await mintShaped(authority, { ...claims, cid: "0oaOther" }, { typ: null });
    await expect(verifier.verify(other)).rejects.toMatchObject({ code: "ERR_TOKEN_CLIENT" });
  });

  it("exposes cid as clientId", async () => {
    const { authority, verifier } = await verifierFor(options);
    expect((await verifier.verify(await mintShaped(authority, claims, { typ: null }))).clientId).toBe(
      claims.cid,
    );
  });

  it("refuses the org authorization server's issuer at set-up", () => {
    expect(() => presets.okta({ issuer: "https://example.okta.com", audience: "a" })).toThrow(
      /custom authorization server/,
    );
  });
});

describe("presets.keycloak", () => {
  const options = presets.keycloak({
    baseUrl: "https://sso.example.com/",
    realm: "calendar",
    audience: "calendar-api",
  });
  const issuer = "https://sso.example.com/realms/calendar";
  const claims = {
    iss: issuer,
    aud: ["calendar-api", "account"],
    sub: "5d7c9e2a-6b1f-4c3d-8e9f-0a1b2c3d4e5f",
    typ: "Bearer",
    azp: "task-service",
    acr: "1",
    "allowed-origins": ["/*"],
    realm_access: { roles: ["offline_access", "default-roles-calendar"] },
    resource_access: { "calendar-api": { roles: ["event-writer"] } },
    scope: "profile email event.read event.create",
    clientHost: "127.0.0.1",
    email_verified: false,
    preferred_username: "service-account-task-service",
    clientAddress: "127.0.0.1",
    client_id: "task-service",
    jti: randomUUID(),
  };

  it("encodes the realm's issuer and certs endpoint", () => {
    expect(options.issuer).toBe(issuer);
    expect(options.jwksUri).toBe(`${issuer}/protocol/openid-connect/certs`);
    const legacy = presets.keycloak({
      baseUrl: "https://sso.example.com/auth",
      realm: "calendar",
      audience: "x",
    });
    expect(legacy.issuer).toBe("https://sso.example.com/auth/realms/calendar");
  });

  it("accepts a Keycloak service-account token and reads scope, then the API client's roles", async () => {
    const { authority, verifier } = await verifierFor(options);
    const verified = await verifier.verify(await mintShaped(authority, claims, { typ: "JWT" }));
    expect(verified.clientId).toBe("task-service");
    expect(verified.scopes).toEqual(["profile", "email", "event.read", "event.create", "event-writer"]);
    expect(options.scopeClaims).toEqual(["scope", ["resource_access", "calendar-api", "roles"]]);
  });

  const scopesWithRoles = async (roles: readonly ("client" | "realm")[]) => {
    const preset = presets.keycloak({
      baseUrl: "https://sso.example.com",
      realm: "calendar",
      audience: "calendar-api",
      roles,
    });
    const { authority, verifier } = await verifierFor(preset);
    return (await verifier.verify(await mintShaped(authority, claims, { typ: "JWT" }))).scopes;
  };

  it.each<[readonly ("client" | "realm")[], string[]]>([
    [
      ["client", "realm"],
      ["event-writer", "offline_access", "default-roles-calendar"],
    ],
    [["realm"], ["offline_access", "default-roles-calendar"]],
    [[], []],
  ])("reads roles %j after scope", async (roles, extra) => {
    expect(await scopesWithRoles(roles)).toEqual([
      "profile",
      "email",
      "event.read",
      "event.create",
      ...extra,
    ]);
  });

  it("reads the roles of every listed audience client, never another client's", async () => {
    const two = presets.keycloak({
      baseUrl: "https://sso.example.com",
      realm: "calendar",
      audience: ["calendar-api", "tasks-api"],
    });
    const { authority, verifier } = await verifierFor(two);
    const token = await mintShaped(
      authority,
      {
        ...claims,
        resource_access: { "tasks-api": { roles: ["task.read"] }, account: { roles: ["manage-account"] } },
      },
      { typ: "JWT" },
    );
    expect((await verifier.verify(token)).scopes).toEqual([
      "profile",
      "email",
      "event.read",
      "event.create",
      "task.read",
    ]);
  });

  it("refuses an unknown roles source at set-up", () => {
    expect(() =>
      presets.keycloak({
        baseUrl: "https://sso.example.com",
        realm: "calendar",
        audience: "a",
        roles: ["groups"] as never,
      }),
    ).toThrow(/roles/);
  });

  it("rejects a Keycloak ID token (typ claim ID) with 401 ERR_TOKEN_TYPE", async () => {
    const { authority, verifier } = await verifierFor(options);
    const idToken = await mintShaped(
      authority,
      { ...claims, typ: "ID", aud: "calendar-api" },
      { typ: "JWT" },
    );
    await expect(verifier.verify(idToken)).rejects.toMatchObject({ code: "ERR_TOKEN_TYPE" });
  });

  it("checks allowedClientIds against client_id / azp", async () => {
    const limited = presets.keycloak({
      baseUrl: "https://sso.example.com",
      realm: "calendar",
      audience: "calendar-api",
      allowedClientIds: ["reporting"],
    });
    const { authority, verifier } = await verifierFor(limited);
    await expect(verifier.verify(await mintShaped(authority, claims, { typ: "JWT" }))).rejects.toMatchObject({
      code: "ERR_TOKEN_CLIENT",
    });
  });
});

describe("presets.supertokens", () => {
  const options = presets.supertokens({ apiDomain: "https://api.example.com", audience: "calendar-service" });
  const claims = {
    iss: "https://api.example.com/auth",
    sub: "task-service-client",
    aud: ["calendar-service"],
    client_id: "task-service-client",
    scp: ["event.view", "event.create"],
    stt: 1,
    nbf: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
  };
  const header = { typ: "JWT", extra: { version: "2" } };

  it("encodes the issuer {apiDomain}{apiBasePath} and its JWKS location", () => {
    expect(options.issuer).toBe("https://api.example.com/auth");
    expect(options.jwksUri).toBe("https://api.example.com/auth/jwt/jwks.json");
    const custom = presets.supertokens({
      apiDomain: "api.example.com",
      apiBasePath: "/api/auth/",
      audience: "x",
    });
    expect(custom.issuer).toBe("https://api.example.com/api/auth");
  });

  it("accepts a SuperTokens OAuth2 access token (stt 1) and reads scp", async () => {
    const { authority, verifier } = await verifierFor(options);
    const verified = await verifier.verify(await mintShaped(authority, claims, header));
    expect(verified.scopes).toEqual(["event.view", "event.create"]);
    expect(verified.clientId).toBe("task-service-client");
  });

  it("rejects SuperTokens session tokens (stt 0) and ID tokens (stt 2) with 401 ERR_TOKEN_TYPE", async () => {
    const { authority, verifier } = await verifierFor(options);
    for (const stt of [0, 2]) {
      await expect(
        verifier.verify(await mintShaped(authority, { ...claims, stt }, header)),
      ).rejects.toMatchObject({
        code: "ERR_TOKEN_TYPE",
      });
    }
    const untyped = await mintShaped(authority, claims, header, { omit: ["stt"] });
    await expect(verifier.verify(untyped)).rejects.toMatchObject({ code: "ERR_TOKEN_CLAIM_MISSING" });
  });

  it("checks allowedClientIds against client_id", async () => {
    const limited = presets.supertokens({
      apiDomain: "https://api.example.com",
      audience: "calendar-service",
      allowedClientIds: ["reporting"],
    });
    const { authority, verifier } = await verifierFor(limited);
    await expect(verifier.verify(await mintShaped(authority, claims, header))).rejects.toMatchObject({
      code: "ERR_TOKEN_CLIENT",
    });
  });
});

describe("preset overrides", () => {
  it("replace the preset's options and append validators after the preset's own", async () => {
    const seen: string[] = [];
    const options = presets.keycloak(
      { baseUrl: "https://sso.example.com", realm: "calendar", audience: "calendar-api" },
      { clockToleranceSec: 30, validators: [(claims) => seen.push(String(claims.typ)) > 0] },
    );
    expect(options.clockToleranceSec).toBe(30);
    expect(options.validators).toHaveLength(2);
    const { authority, verifier } = await verifierFor(options);
    const idToken = await mintShaped(
      authority,
      { iss: options.issuer, aud: "calendar-api", typ: "ID" },
      { typ: "JWT" },
    );
    await expect(verifier.verify(idToken)).rejects.toMatchObject({ code: "ERR_TOKEN_TYPE" });
    expect(seen).toEqual([]); // the preset's check ran first and stopped the token
    const access = await mintShaped(
      authority,
      { iss: options.issuer, aud: "calendar-api", typ: "Bearer" },
      { typ: "JWT" },
    );
    await expect(verifier.verify(access)).resolves.toBeDefined();
    expect(seen).toEqual(["Bearer"]);
  });

  it("let a token expired within the overridden clock tolerance through", async () => {
    const options = presets.okta(
      { issuer: "https://example.okta.com/oauth2/default", audience: "api://default" },
      { clockToleranceSec: 120 },
    );
    const { authority, verifier } = await verifierFor(options);
    const token = await mintShaped(
      authority,
      { iss: options.issuer, aud: "api://default", cid: "c", scp: [] },
      { typ: null },
      { expiresInSec: -60 },
    );
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});

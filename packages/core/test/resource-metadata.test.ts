import { describe, expect, it } from "vitest";
import { createResourceMetadata, createVerifier } from "../src/index.js";

const ISSUER = "https://auth.example.com/";
const verifierWith = (extra: Record<string, unknown> = {}) =>
  createVerifier({
    issuer: ISSUER,
    jwksUri: "https://auth.example.com/jwks",
    resource: "https://mcp.example.com/mcp",
    ...extra,
  });

describe("createResourceMetadata", () => {
  it("builds the RFC 9728 document from what the verifier enforces", () => {
    const metadata = createResourceMetadata(verifierWith(), {
      scopesSupported: ["event.read", "event.create"],
    });
    expect(metadata.document).toEqual({
      resource: "https://mcp.example.com/mcp",
      authorization_servers: [ISSUER],
      scopes_supported: ["event.read", "event.create"],
      bearer_methods_supported: ["header"],
    });
    expect(Object.isFrozen(metadata.document)).toBe(true);
    expect(metadata.path).toBe("/.well-known/oauth-protected-resource/mcp");
    expect(metadata.url).toBe("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
  });

  it("lists every issuer as an authorization server, or the ones given, in order", () => {
    const issuers = ["https://a.example.com", "https://b.example.com"];
    const jwksUri = {
      "https://a.example.com": "https://a.example.com/jwks",
      "https://b.example.com": "https://b.example.com/jwks",
    };
    expect(
      createResourceMetadata(verifierWith({ issuer: issuers, jwksUri })).document.authorization_servers,
    ).toEqual(issuers);
    const chosen = createResourceMetadata(verifierWith({ issuer: issuers, jwksUri }), {
      authorizationServers: ["https://b.example.com"],
    });
    expect(chosen.document.authorization_servers).toEqual(["https://b.example.com"]);
  });

  it("derives bearer_methods_supported from the extraction options", () => {
    const all = createResourceMetadata(verifierWith({ allowQueryToken: true, allowBodyToken: true }));
    expect(all.document.bearer_methods_supported).toEqual(["header", "body", "query"]);
  });

  it("publishes tls_client_certificate_bound_access_tokens when told, or when a TLS-terminating proxy is trusted", () => {
    const member = (extra: Record<string, unknown>, options: Record<string, unknown> = {}) =>
      createResourceMetadata(verifierWith(extra), options).document
        .tls_client_certificate_bound_access_tokens;
    expect(member({})).toBeUndefined();
    expect(member({}, { tlsClientCertificateBoundAccessTokens: true })).toBe(true);
    const proxied = { clientCertificate: { trustedProxy: { kind: "envoy", peers: ["10.0.0.0/8"] } } };
    expect(member(proxied)).toBe(true);
    expect(member(proxied, { tlsClientCertificateBoundAccessTokens: false })).toBeUndefined();
    expect(() => member({}, { tlsClientCertificateBoundAccessTokens: "yes" })).toThrow(TypeError);
  });

  it("derives the DPoP members from the verifier's DPoP mode and proof algorithms", () => {
    const members = (dpop: Record<string, unknown> | undefined) => {
      const { document } = createResourceMetadata(verifierWith(dpop === undefined ? {} : { dpop }));
      return {
        algs: document.dpop_signing_alg_values_supported,
        required: document.dpop_bound_access_tokens_required,
      };
    };
    const publicUrl = "https://mcp.example.com";
    expect(members(undefined)).toEqual({ algs: undefined, required: undefined });
    expect(members({ mode: "disabled" })).toEqual({ algs: undefined, required: undefined });
    expect(members({ publicUrl })).toEqual({ algs: ["ES256", "RS256", "PS256", "EdDSA"], required: false });
    expect(members({ publicUrl, mode: "required", algorithms: ["ES256", "EdDSA"] })).toEqual({
      algs: ["ES256", "EdDSA"],
      required: true,
    });
  });

  it("adds jwks_uri and the descriptive members when given, as absolute URLs", () => {
    const metadata = createResourceMetadata(verifierWith(), {
      jwksUri: "https://mcp.example.com/jwks",
      resourceName: "Calendar MCP",
      resourceDocumentation: new URL("https://docs.example.com/mcp"),
      resourcePolicyUri: "https://example.com/policy",
      resourceTosUri: "https://example.com/tos",
    });
    expect(metadata.document).toMatchObject({
      jwks_uri: "https://mcp.example.com/jwks",
      resource_name: "Calendar MCP",
      resource_documentation: "https://docs.example.com/mcp",
      resource_policy_uri: "https://example.com/policy",
      resource_tos_uri: "https://example.com/tos",
    });
  });

  it("serves at the path of an explicit resourceMetadataUrl", () => {
    const metadata = createResourceMetadata(
      verifierWith({
        resource: "https://calendar.example.com",
        resourceMetadataUrl: "http://127.0.0.1:3000/.well-known/oauth-protected-resource",
      }),
    );
    expect(metadata.path).toBe("/.well-known/oauth-protected-resource");
    expect(metadata.url).toBe("http://127.0.0.1:3000/.well-known/oauth-protected-resource");
    expect(metadata.document.resource).toBe("https://calendar.example.com");
  });

  it("answers GET with JSON, caching and CORS headers; HEAD without a body; OPTIONS as a preflight; others 405", () => {
    const metadata = createResourceMetadata(verifierWith(), { maxAgeSec: 600 });
    const get = metadata.respond("GET");
    expect(get.status).toBe(200);
    expect(get.headers).toEqual({
      "Access-Control-Allow-Origin": "*",
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=600",
    });
    expect(JSON.parse(get.body as string)).toEqual(metadata.document);
    const head = metadata.respond("HEAD");
    expect([head.status, head.body, head.headers["Cache-Control"]]).toEqual([
      200,
      undefined,
      "public, max-age=600",
    ]);
    const preflight = metadata.respond("OPTIONS");
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    });
    const post = metadata.respond("POST");
    expect(post.status).toBe(405);
    expect(post.headers.Allow).toBe("GET, HEAD, OPTIONS");
    expect(JSON.parse(post.body as string)).toMatchObject({ error: "method_not_allowed" });
  });

  it("refuses a verifier without resource, an unknown option and bad values with a TypeError", () => {
    const noResource = createVerifier({
      issuer: ISSUER,
      audience: "api",
      jwksUri: "https://auth.example.com/jwks",
    });
    expect(() => createResourceMetadata(noResource)).toThrow(/`resource`/);
    expect(() => createResourceMetadata(verifierWith(), { scopes: ["a"] } as never)).toThrow(
      /no option `scopes`/,
    );
    expect(() => createResourceMetadata(verifierWith(), { scopesSupported: ["a", ""] })).toThrow(
      /scopesSupported/,
    );
    expect(() => createResourceMetadata(verifierWith(), { jwksUri: "/relative" })).toThrow(/jwksUri/);
    expect(() => createResourceMetadata(verifierWith(), { maxAgeSec: -1 })).toThrow(/maxAgeSec/);
  });
});

import { describe, expect, it } from "vitest";
import {
  BEARER_ONLY,
  type ChallengeSchemes,
  formatChallenge,
  formatChallenges,
} from "../src/http/challenge.js";
import {
  CredentialsRequiredError,
  DpopNonceError,
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidTokenError,
  withChallenge,
} from "../src/http/errors.js";

const BOTH: ChallengeSchemes = { bearer: true, dpopAlgs: ["ES256", "EdDSA"] };
const DPOP_ONLY: ChallengeSchemes = { bearer: false, dpopAlgs: ["ES256"] };
const invalid = { realm: "api", error: "invalid_token", errorDescription: "The access token expired" };

describe("formatChallenges", () => {
  it("answers a bearer-only verifier exactly as formatChallenge does", () => {
    expect(formatChallenges(BEARER_ONLY, "Bearer", invalid)).toBe(formatChallenge(invalid));
  });

  it("offers Bearer and DPoP (with algs) when DPoP is allowed, the error in the Bearer one", () => {
    expect(formatChallenges(BOTH, "Bearer", invalid)).toBe(
      'Bearer realm="api", error="invalid_token", error_description="The access token expired", DPoP realm="api", algs="ES256 EdDSA"',
    );
    expect(formatChallenges(BOTH, "Bearer", { realm: "api" })).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"',
    );
  });

  it("puts the error in the DPoP challenge, first, when the request used DPoP", () => {
    expect(formatChallenges(BOTH, "DPoP", invalid)).toBe(
      'DPoP realm="api", error="invalid_token", error_description="The access token expired", algs="ES256 EdDSA", Bearer realm="api"',
    );
  });

  it("offers DPoP alone when it is required", () => {
    expect(formatChallenges(DPOP_ONLY, "Bearer", { realm: "api" })).toBe('DPoP realm="api", algs="ES256"');
    expect(formatChallenges(DPOP_ONLY, "DPoP", invalid)).toBe(
      'DPoP realm="api", error="invalid_token", error_description="The access token expired", algs="ES256"',
    );
  });
});

describe("errors with a verifier's challenges", () => {
  it("answers a DPoP proof error in the DPoP challenge whatever scheme the verifier tags it with", () => {
    const error = withChallenge(
      new InvalidDpopProofError("ERR_DPOP_PROOF_URL"),
      { realm: "cal", resourceMetadataUrl: null, schemes: BOTH },
      "Bearer",
    );
    expect(error.status).toBe(401);
    expect(error.error).toBe("invalid_dpop_proof");
    expect(error.headers["WWW-Authenticate"]).toMatch(/^DPoP realm="cal", error="invalid_dpop_proof", /);
    expect(error.body()).toEqual({ error: "invalid_dpop_proof", error_description: error.description });
  });

  it("answers use_dpop_nonce with the nonce in DPoP-Nonce", () => {
    const error = withChallenge(
      new DpopNonceError({ nonce: "n-1" }),
      { realm: "api", resourceMetadataUrl: null, schemes: BOTH },
      "DPoP",
    );
    expect(error.headers["DPoP-Nonce"]).toBe("n-1");
    expect(error.headers["WWW-Authenticate"]).toMatch(/^DPoP realm="api", error="use_dpop_nonce"/);
  });

  it("names the scope in the challenge of the scheme the request used", () => {
    const error = withChallenge(
      new InsufficientScopeError({ requiredScopes: ["event.read"], match: "all" }),
      { realm: "api", resourceMetadataUrl: null, schemes: BOTH },
      "DPoP",
    );
    expect(error.headers["WWW-Authenticate"]).toMatch(
      /^DPoP realm="api", error="insufficient_scope", error_description="[^"]+", scope="event.read", algs="ES256 EdDSA", Bearer realm="api"$/,
    );
  });

  it("keeps the bare challenge bare, for every scheme offered", () => {
    const error = withChallenge(new CredentialsRequiredError(), {
      realm: "api",
      resourceMetadataUrl: null,
      schemes: BOTH,
    });
    expect(error.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 EdDSA"',
    );
    expect(
      withChallenge(
        new InvalidTokenError("ERR_TOKEN_EXPIRED"),
        { realm: "api", resourceMetadataUrl: null, schemes: BEARER_ONLY },
        "DPoP",
      ).scheme,
    ).toBe("DPoP");
  });

  it("points every challenge at the resource metadata", () => {
    const url = "https://api.example.com/.well-known/oauth-protected-resource";
    const error = withChallenge(new CredentialsRequiredError(), {
      realm: "api",
      resourceMetadataUrl: url,
      schemes: BOTH,
    });
    expect(error.headers["WWW-Authenticate"]).toBe(
      `Bearer realm="api", resource_metadata="${url}", DPoP realm="api", resource_metadata="${url}", algs="ES256 EdDSA"`,
    );
  });
});

import type { BearerErrorCode } from "@scopegate/core";
import type { TestAuthority } from "@scopegate/testing";

/** How a request presents its credentials. */
export interface Credentials {
  /** `Authorization` header value(s); an array sends the header once per value. */
  authorization?: string | string[];
  /** Query parameters added to the URL. */
  query?: Record<string, string>;
}

/** One way a request can fail authentication, and the failure scopegate answers with. */
export interface CredentialCase {
  /** A behaviour title: "rejects an expired token with 401 invalid_token". */
  title: string;
  /** Builds the credentials; `scope` is what the route needs, so only the tested check fails. */
  credentials(authority: TestAuthority, scope: string[]): Promise<Credentials>;
  code: BearerErrorCode;
}

const bearer = (token: string): Credentials => ({ authorization: `Bearer ${token}` });

/**
 * Every request that must fail before scopes are looked at, with what it must get. Shared by the
 * adapters' behaviour tables and the calendar examples' conformance suite.
 */
export const CREDENTIAL_CASES: readonly CredentialCase[] = [
  {
    title: "answers a request without credentials with 401 and a bare challenge",
    credentials: async () => ({}),
    code: "ERR_NO_CREDENTIALS",
  },
  {
    title: "treats the Basic scheme as no bearer credentials: 401 with a bare challenge",
    credentials: async () => ({ authorization: "Basic dXNlcjpwYXNzd29yZA==" }),
    code: "ERR_NO_CREDENTIALS",
  },
  {
    title: "ignores a query token (not enabled by default): 401 with a bare challenge",
    credentials: async (a, scope) => ({ query: { access_token: await a.mint({ scope }) } }),
    code: "ERR_NO_CREDENTIALS",
  },
  {
    title: "rejects a malformed Authorization header with 400 invalid_request",
    credentials: async () => ({ authorization: "Bearer not a token" }),
    code: "ERR_MALFORMED_AUTHORIZATION",
  },
  {
    title: "rejects an empty bearer token with 400 invalid_request",
    credentials: async () => ({ authorization: "Bearer " }),
    code: "ERR_EMPTY_TOKEN",
  },
  {
    title: "rejects two Authorization headers with 400 invalid_request",
    credentials: async (a, scope) => {
      const token = await a.mint({ scope });
      return { authorization: [`Bearer ${token}`, `Bearer ${token}`] };
    },
    code: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "rejects two tokens in one Authorization header with 400 invalid_request",
    credentials: async (a, scope) => {
      const token = await a.mint({ scope });
      return { authorization: `Bearer ${token}, Bearer ${token}` };
    },
    code: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "rejects a token both in the header and in the query with 400 invalid_request",
    credentials: async (a, scope) => {
      const token = await a.mint({ scope });
      return { ...bearer(token), query: { access_token: token } };
    },
    code: "ERR_MULTIPLE_CREDENTIALS",
  },
  {
    title: "rejects a token that is not a JWT with 401 invalid_token",
    credentials: async (a) => bearer(await a.tokens.malformed()),
    code: "ERR_TOKEN_MALFORMED",
  },
  {
    title: "rejects an expired token with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.expired({ scope })),
    code: "ERR_TOKEN_EXPIRED",
  },
  {
    title: "rejects a token that is not yet valid with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.notYetValid({ scope })),
    code: "ERR_TOKEN_NOT_YET_VALID",
  },
  {
    title: "rejects a token for another audience with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.wrongAudience({ scope })),
    code: "ERR_TOKEN_AUDIENCE",
  },
  {
    title: "rejects a token from another issuer with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.wrongIssuer({ scope })),
    code: "ERR_TOKEN_ISSUER",
  },
  {
    title: "rejects a token signed by a foreign key with 401 invalid_token (bad signature)",
    credentials: async (a, scope) => bearer(await a.tokens.foreignKey({ scope })),
    code: "ERR_TOKEN_SIGNATURE",
  },
  {
    title: "rejects a token changed after signing with 401 invalid_token (bad signature)",
    credentials: async (a, scope) => bearer(await a.tokens.tampered({ scope })),
    code: "ERR_TOKEN_SIGNATURE",
  },
  {
    title: "rejects a token under an unknown key id with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.unknownKid({ scope })),
    code: "ERR_TOKEN_KEY_NOT_FOUND",
  },
  {
    title: "rejects an HS256 token signed with the public key with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.algConfusion({ scope })),
    code: "ERR_TOKEN_ALGORITHM",
  },
  {
    title: "rejects an unsigned (alg none) token with 401 invalid_token",
    credentials: async (a, scope) => bearer(await a.tokens.algNone({ scope })),
    code: "ERR_TOKEN_MALFORMED",
  },
];

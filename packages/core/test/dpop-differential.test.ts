import { createDpopKey, createTestAuthority, type DpopKey, type TestAuthority } from "@scopegate/testing";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type Verifier } from "../src/index.js";

/**
 * The DPoP differential suite: core's DPoP verification against oauth4webapi's
 * `validateJwtAccessToken` (the resource-server side of RFC 9449), fed the same `Request`s, valid
 * and hostile. Both must accept or refuse alike; where they differ on purpose, the case says which
 * answers which and why (`differs`). The signature path is held to jose the same way
 * (./signature.test.ts).
 */

const ORIGIN = "https://api.example.com";
const URL_EVENTS = `${ORIGIN}/events`;

type Answer = "accept" | "refuse";

/** One request as a client sends it: method, absolute URL, headers. */
interface Wire {
  method: string;
  url: string;
  headers: Record<string, string>;
}

interface DifferentialCase {
  title: string;
  /** Requests sent in order to both; the answers compared are the last one's. */
  requests: () => Promise<Wire[]>;
  /** What both must answer, or what each answers when they differ on purpose. */
  expect: Answer | { core: Answer; oauth4webapi: Answer; why: string };
}

interface Parties {
  authority: TestAuthority;
  key: DpopKey;
}

const dpopRequest = (token: string, proof: string | undefined, method = "GET", url = URL_EVENTS): Wire => ({
  method,
  url,
  headers: { authorization: `DPoP ${token}`, ...(proof === undefined ? {} : { dpop: proof }) },
});

/** A DPoP-bound token and a good proof for it, to break in one way. */
async function bound({ authority, key }: Parties, method = "GET", url = URL_EVENTS) {
  const token = await authority.mint({ dpop: key, scope: "event.read" });
  const proof = await key.proof({ method, url, accessToken: token });
  return { token, proof, bad: await key.badProofs({ method, url, accessToken: token }) };
}

type BadKind = keyof Awaited<ReturnType<typeof bound>>["bad"];

function cases(parties: Parties): DifferentialCase[] {
  const { authority, key } = parties;
  const badProof = (kind: BadKind): DifferentialCase => ({
    title: `a proof from the test kit's broken proofs: ${kind}`,
    requests: async () => {
      const { token, bad } = await bound(parties);
      return [dpopRequest(token, bad[kind])];
    },
    expect: "refuse",
  });
  const withClaims =
    (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    async () => {
      const token = await authority.mint({ dpop: key });
      return [
        dpopRequest(
          token,
          await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token, claims, header }),
        ),
      ];
    };
  const withCnf = (cnf: unknown) => async () => {
    const token = await authority.mint({ claims: { cnf } });
    return [dpopRequest(token, await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token }))];
  };
  const ofAlgorithm = (alg: "RS256" | "PS256" | "EdDSA" | "ES384") => async () => {
    const other = await createDpopKey(alg);
    const token = await authority.mint({ dpop: other });
    return [dpopRequest(token, await other.proof({ method: "GET", url: URL_EVENTS, accessToken: token }))];
  };

  return [
    {
      title: "a DPoP-bound token with a good proof",
      requests: async () => {
        const { token, proof } = await bound(parties);
        return [dpopRequest(token, proof)];
      },
      expect: "accept",
    },
    {
      title: "a POST with a proof made for it",
      requests: async () => {
        const { token, proof } = await bound(parties, "POST");
        return [dpopRequest(token, proof, "POST")];
      },
      expect: "accept",
    },
    ...(["RS256", "PS256", "EdDSA"] as const).map((alg) => ({
      title: `a ${alg} proof`,
      requests: ofAlgorithm(alg),
      expect: "accept" as const,
    })),
    {
      title: "an ES384 proof",
      requests: ofAlgorithm("ES384"),
      expect: {
        core: "refuse",
        oauth4webapi: "accept",
        why: "core's dpop.algorithms defaults to ES256, RS256, PS256, EdDSA (RFC 9449 asks for an allow-list); oauth4webapi accepts every algorithm it supports unless signingAlgorithms narrows it, and that option also narrows the access token's",
      },
    },
    {
      title: "the access token's URL with a query and a fragment in htu",
      requests: withClaims({ htu: `${URL_EVENTS}?page=2#top` }),
      expect: "accept",
    },
    {
      title: "htu with an upper-case scheme and host and the default port",
      requests: withClaims({ htu: "HTTPS://API.Example.COM:443/events" }),
      expect: "accept",
    },
    {
      title: "htu with a percent-encoded unreserved character (%65 for e)",
      requests: withClaims({ htu: `${ORIGIN}/%65vents` }),
      expect: {
        core: "accept",
        oauth4webapi: "refuse",
        why: "RFC 9449 §4.3 compares htu after RFC 3986 §6 normalisation, which decodes percent-encoded unreserved characters; oauth4webapi compares WHATWG URL serialisations, which keep them encoded",
      },
    },
    ...(
      [
        "wrongMethod",
        "wrongUrl",
        "wrongOrigin",
        "wrongAccessToken",
        "otherKey",
        "staleIat",
        "futureIat",
        "privateJwk",
        "algNone",
        "algHs256",
        "wrongType",
        "missingJti",
        "tampered",
      ] as const
    ).map(badProof),
    {
      title: "a replayed proof (a good proof sent a second time)",
      requests: async () => {
        const { token, proof } = await bound(parties);
        return [dpopRequest(token, proof), dpopRequest(token, proof)];
      },
      expect: {
        core: "refuse",
        oauth4webapi: "accept",
        why: "oauth4webapi keeps no state: RFC 9449 §11.1 leaves the jti replay check to the resource server, and core's replay store makes it",
      },
    },
    {
      title: "a proof issued 60 s in the future",
      requests: withClaims({ iat: Math.floor(Date.now() / 1000) + 60 }),
      expect: {
        core: "refuse",
        oauth4webapi: "accept",
        why: "oauth4webapi accepts |now - iat| up to 300 s either way; core accepts proofs from the future only within dpop.clockToleranceSec (default 5 s): a proof is made just before it is sent",
      },
    },
    {
      title: "a proof issued 200 s ago",
      requests: withClaims({ iat: Math.floor(Date.now() / 1000) - 200 }),
      expect: "accept",
    },
    {
      title: "a proof without ath",
      requests: withClaims({ ath: undefined }),
      expect: "refuse",
    },
    {
      title: "a proof without htu",
      requests: withClaims({ htu: undefined }),
      expect: "refuse",
    },
    {
      title: "a proof with a lower-case htm",
      requests: withClaims({ htm: "get" }),
      expect: "refuse",
    },
    {
      title: "a proof whose jti is 300 characters long",
      requests: withClaims({ jti: "j".repeat(300) }),
      expect: {
        core: "refuse",
        oauth4webapi: "accept",
        why: "core bounds jti to 256 characters (it becomes a replay-store key); oauth4webapi checks only that it is a string",
      },
    },
    {
      title: "a proof without a jwk header",
      requests: withClaims({}, { jwk: undefined }),
      expect: "refuse",
    },
    {
      title: "a DPoP-bound token sent as Bearer with its proof",
      requests: async () => {
        const { token, proof } = await bound(parties);
        return [
          { method: "GET", url: URL_EVENTS, headers: { authorization: `Bearer ${token}`, dpop: proof } },
        ];
      },
      expect: "refuse",
    },
    {
      title: "a DPoP-bound token sent as Bearer without a proof (a stolen token)",
      requests: async () => {
        const { token } = await bound(parties);
        return [{ method: "GET", url: URL_EVENTS, headers: { authorization: `Bearer ${token}` } }];
      },
      expect: "refuse",
    },
    {
      title: "a DPoP-bound token sent as DPoP without a proof",
      requests: async () => [dpopRequest((await bound(parties)).token, undefined)],
      expect: "refuse",
    },
    {
      title: "two proofs in one DPoP header",
      requests: async () => {
        const { token, proof } = await bound(parties);
        return [dpopRequest(token, `${proof}, ${proof}`)];
      },
      expect: "refuse",
    },
    {
      title: "a token without cnf sent with the DPoP scheme and a good proof",
      requests: async () => {
        const token = await authority.mint();
        return [dpopRequest(token, await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token }))];
      },
      expect: "refuse",
    },
    {
      title: "a token whose cnf is empty, sent with DPoP",
      requests: withCnf({}),
      expect: "refuse",
    },
    {
      title: "a token bound by cnf.jwk instead of cnf.jkt",
      requests: withCnf({ jwk: key.publicJwk }),
      expect: "refuse",
    },
    {
      title: "a token bound by cnf.jkt and cnf.x5t#S256 at once",
      requests: withCnf({ jkt: key.thumbprint, "x5t#S256": "AAAA" }),
      expect: "refuse",
    },
    {
      title: "an expired DPoP-bound token with a good proof",
      requests: async () => {
        const token = await authority.mint({ dpop: key, expiresInSec: -120 });
        return [dpopRequest(token, await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token }))];
      },
      expect: "refuse",
    },
    {
      title: "a plain bearer token without a proof",
      requests: async () => [
        { method: "GET", url: URL_EVENTS, headers: { authorization: `Bearer ${await authority.mint()}` } },
      ],
      expect: "accept",
    },
  ];
}

/** core's answer: `authenticate` takes the Fetch `Request` as it is (headers.get, method, absolute url). */
const coreAnswer = (verifier: Verifier, request: Request): Promise<Answer> =>
  verifier.authenticate(request).then(
    () => "accept",
    () => "refuse",
  );

const oauth4webapiAnswer = (
  as: oauth.AuthorizationServer,
  audience: string,
  request: Request,
  fetch: typeof globalThis.fetch,
): Promise<Answer> =>
  oauth.validateJwtAccessToken(as, request, audience, { [oauth.customFetch]: fetch }).then(
    () => "accept",
    () => "refuse",
  );

describe("DPoP: core and oauth4webapi's validateJwtAccessToken agree", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  beforeAll(async () => {
    authority = await createTestAuthority();
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  it("accept and refuse the same requests, or differ only where the table says why", async () => {
    const options = authority.verifierOptions();
    const verifier = createVerifier({ ...options, dpop: { publicUrl: ORIGIN } });
    const as: oauth.AuthorizationServer = { issuer: options.issuer, jwks_uri: options.jwksUri };
    const audience = String(options.audience);
    const fetch = authority.fetch as typeof globalThis.fetch;
    const table = cases({ authority, key });
    expect(table.length).toBeGreaterThan(30);

    const mismatches: string[] = [];
    for (const c of table) {
      let core: Answer = "refuse";
      let other: Answer = "refuse";
      for (const wire of await c.requests()) {
        core = await coreAnswer(verifier, new Request(wire.url, wire));
        other = await oauth4webapiAnswer(as, audience, new Request(wire.url, wire), fetch);
      }
      const expected = typeof c.expect === "string" ? { core: c.expect, oauth4webapi: c.expect } : c.expect;
      if (core !== expected.core || other !== expected.oauth4webapi) {
        mismatches.push(
          `${c.title}: core ${core}, oauth4webapi ${other}; expected ${JSON.stringify(expected)}`,
        );
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});

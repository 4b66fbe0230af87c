import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createDpopKey, createTestAuthority, type DpopKey, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  type FetchLike,
  isBearerError,
  type ScopegateEvent,
  type Verifier,
} from "../src/index.js";
import { b64u, compact, createHostileKit, raw, rawBytes, signerFor } from "./support/hostile.js";

/**
 * Issue 12, item 6: nothing of a token, a DPoP proof or an introspection answer may reach an error's
 * message, its `cause` chain, its `toJSON()`, or an emitted event. Every case plants MARKER in the
 * input where the failing check (or a library's message about it) would quote it.
 */

const MARKER = "Zq7PlantedMarker";
const issuer = "https://issuer.example.com/";
const audience = "https://api.example.com";
const kit = createHostileKit({ issuer, audience });
const rsa = signerFor("RS256", kit.keys.rsa.privateKey);
const header = { alg: "RS256", kid: "rsa-1", typ: "at+jwt" };
const good = kit.good();
const [h, p, s] = good.split(".") as [string, string, string];
const withByte = (text: string, byte: number) =>
  rawBytes(Buffer.concat([Buffer.from(text), Buffer.from([byte]), Buffer.from('"}')]));

/** Everything an error exposes: message, stack, `toJSON()`, own properties, the whole `cause` chain. */
function exposed(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 30, showHidden: true })];
  for (let current: unknown = error, n = 0; current !== undefined && current !== null && n < 10; n++) {
    if (typeof current !== "object") {
      parts.push(String(current));
      break;
    }
    const e = current as { message?: unknown; stack?: unknown; toJSON?: () => unknown; cause?: unknown };
    parts.push(String(e.message), String(e.stack), String(current));
    if (typeof e.toJSON === "function") parts.push(JSON.stringify(e.toJSON()));
    parts.push(JSON.stringify(current, Object.getOwnPropertyNames(current)));
    current = e.cause;
  }
  return parts.join("\n");
}

function expectNothingOf(input: string, text: string): void {
  // The first six characters too: V8 quotes only the start of a long JSON text in a SyntaxError.
  expect(text).not.toContain(MARKER.slice(0, 6));
  for (const part of input.split(".")) if (part.length >= 8) expect(text).not.toContain(part);
}

type Case = readonly [group: string, title: string, input: string];

const bearerCases: Case[] = [
  ["malformed segments", "one segment", `${MARKER}abc`],
  ["malformed segments", "two segments", `${b64u(MARKER)}.${p}`],
  ["malformed segments", "four segments", `${h}.${p}.${s}.${b64u(MARKER)}`],
  ["malformed segments", "an empty signature", `${h}.${b64u(MARKER)}.`],
  ["bad JSON", "a header that is the marker", `${b64u(MARKER)}.${p}.${s}`],
  ["bad JSON", "a truncated header", `${b64u(`{"alg":"RS256","kid":"${MARKER}`)}.${p}.${s}`],
  ["bad JSON", "a signed payload that is the marker", compact(header, raw(`${MARKER} not json`), rsa)],
  ["bad JSON", "a signed truncated payload", compact(header, raw(`{"sub":"${MARKER}`), rsa)],
  ["bad JSON", "a signed payload with a trailing comma", compact(header, raw(`{"sub":"${MARKER}",}`), rsa)],
  [
    "bad JSON",
    "a payload with a duplicate member",
    compact(header, raw(`{"sub":"a","sub":"${MARKER}"}`), rsa),
  ],
  ["bad base64url", "a payload with an illegal character", `${h}.${b64u(MARKER)}!.${s}`],
  ["bad base64url", "a payload with padding", `${h}.${b64u(`${MARKER}x`)}=.${s}`],
  ["bad base64url", "a signature of one character too many", `${h}.${p}.${s}${MARKER.slice(0, 5)}`],
  [
    "bad UTF-8",
    "a signed payload string with 0xFF",
    compact(header, withByte(`{"sub":"${MARKER}`, 0xff), rsa),
  ],
  [
    "bad UTF-8",
    "a header string with 0xC0",
    `${b64u(Buffer.concat([Buffer.from(`{"alg":"RS256","kid":"${MARKER}`), Buffer.from([0xc0]), Buffer.from('"}')]))}.${p}.${s}`,
  ],
  ["bad claims", "iss", kit.good({ iss: `https://${MARKER}.example/` })],
  ["bad claims", "aud", kit.good({ aud: MARKER })],
  ["bad claims", "exp a string", kit.good({ exp: MARKER })],
  ["bad claims", "expired, marker in sub", kit.good({ exp: 1, sub: MARKER })],
  ["bad claims", "nbf ahead, marker in jti", kit.good({ nbf: 4_000_000_000, jti: MARKER })],
  ["bad claims", "typ", kit.good({}, { typ: MARKER })],
  ["bad claims", "alg", kit.good({}, { alg: MARKER })],
  ["bad claims", "kid unknown", kit.good({}, { kid: MARKER })],
  ["bad claims", "crit", kit.good({}, { crit: [MARKER] })],
  ["bad claims", "jku", kit.good({}, { jku: `https://${MARKER}.example/` })],
  ["bad claims", "scope missing, marker in sub", kit.good({ scope: "other", sub: MARKER })],
  ["bad claims", "a tampered payload", `${h}.${b64u(JSON.stringify(kit.claims({ sub: MARKER })))}.${s}`],
];

describe("no token text in errors or events", () => {
  const events: ScopegateEvent[] = [];
  const fetch: FetchLike = async () =>
    new Response(JSON.stringify(kit.jwks()), { headers: { "content-type": "application/json" } });
  const verifier: Verifier = createVerifier({
    issuer,
    audience,
    jwksUri: `${issuer}jwks`,
    fetch,
    onEvent: (event) => events.push(event),
  });

  it.each(bearerCases)("%s: %s is refused and its text appears nowhere", async (_group, _title, token) => {
    events.length = 0;
    let error: unknown;
    try {
      const verified = await verifier.verify(token);
      verifier.requireScopes(verified, { allOf: ["event.read"] });
    } catch (caught) {
      error = caught;
    }
    expect(isBearerError(error), String(error)).toBe(true);
    expectNothingOf(token, exposed(error));
    expect(events.length).toBeGreaterThan(0);
    expectNothingOf(token, inspect(events, { depth: 30 }) + JSON.stringify(events));
  });
});

describe("no DPoP proof text in errors or events", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  beforeAll(async () => {
    authority = await createTestAuthority();
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  const url = "https://api.example.com/events";
  const proofs: ReadonlyArray<readonly [string, (token: string) => Promise<string>]> = [
    ["a proof that is the marker", async () => `${MARKER}.${MARKER}.${MARKER}`],
    ["a proof whose header is not JSON", async () => `${b64u(`{"typ":"${MARKER}`)}.${b64u("{}")}.AAAA`],
    ["a proof whose claims are not JSON", async () => `${b64u('{"typ":"dpop+jwt"}')}.${b64u(MARKER)}.AAAA`],
    [
      "a proof with malformed UTF-8",
      async () =>
        `${b64u('{"typ":"dpop+jwt"}')}.${b64u(Buffer.concat([Buffer.from(`{"jti":"${MARKER}`), Buffer.from([0xff, 0x22, 0x7d])]))}.AAAA`,
    ],
    [
      "a proof with typ set to the marker",
      async (t) => key.proof({ method: "GET", url, accessToken: t, header: { typ: MARKER } }),
    ],
    [
      "a proof with an htu of the marker",
      async (t) =>
        key.proof({ method: "GET", url, accessToken: t, claims: { htu: `https://${MARKER}.example/` } }),
    ],
    [
      "a proof with htm of the marker",
      async (t) => key.proof({ method: "GET", url, accessToken: t, claims: { htm: MARKER } }),
    ],
    [
      "a proof with ath of the marker",
      async (t) => key.proof({ method: "GET", url, accessToken: t, claims: { ath: MARKER } }),
    ],
    [
      "a proof whose jwk is unusable",
      async (t) =>
        key.proof({ method: "GET", url, accessToken: t, header: { jwk: { ...key.publicJwk, x: MARKER } } }),
    ],
    [
      "a proof with jti of the marker, stale",
      async (t) => key.proof({ method: "GET", url, accessToken: t, jti: MARKER, issuedAtSec: -3_600 }),
    ],
  ];

  it.each(proofs)("%s is refused and its text appears nowhere", async (_title, make) => {
    const events: ScopegateEvent[] = [];
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      dpop: { publicUrl: "https://api.example.com" },
      onEvent: (event: ScopegateEvent) => events.push(event),
    });
    const token = await authority.mint({ dpop: key, scope: "event.read" });
    const proof = await make(token);
    let error: unknown;
    try {
      await verifier.authenticate({
        method: "GET",
        url: "/events",
        headers: { authorization: `DPoP ${token}`, dpop: proof },
      });
    } catch (caught) {
      error = caught;
    }
    expect(isBearerError(error), String(error)).toBe(true);
    expectNothingOf(proof, exposed(error));
    expectNothingOf(proof, inspect(events, { depth: 30 }) + JSON.stringify(events));
  });
});

describe("no introspection answer text in errors or events", () => {
  let server: Server;
  let endpoint: string;
  let answer = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/introspect`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ["not JSON", `${MARKER} <html>`],
    ["truncated JSON", `{"active":true,"sub":"${MARKER}`],
    ["active as a string", `{"active":"${MARKER}"}`],
    ["malformed UTF-8", `{"active":true,"sub":"${MARKER}\udcff"}`],
    ["a claim of the wrong type", `{"active":true,"exp":"${MARKER}","iss":"${issuer}"}`],
  ])("an answer that is %s is refused and its text appears nowhere", async (_title, body) => {
    answer = body;
    const events: ScopegateEvent[] = [];
    const verifier = createVerifier({
      issuer,
      audience,
      jwksUri: `${issuer}jwks`,
      onEvent: (event) => events.push(event),
      introspection: { endpoint, clientId: "rs", clientSecret: "secret", failureBackoffMs: 0, cache: false },
    });
    const token = `opaque-${MARKER}-token`;
    let error: unknown;
    try {
      await verifier.verify(token);
    } catch (caught) {
      error = caught;
    }
    expect(isBearerError(error), String(error)).toBe(true);
    expectNothingOf(body, exposed(error));
    expectNothingOf(body, inspect(events, { depth: 30 }) + JSON.stringify(events));
  });
});

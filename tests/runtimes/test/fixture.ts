import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@scopegate/core";
import { CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import { createHostileKit, REQUIRED_SCOPE } from "../../../packages/core/test/support/hostile.js";
import { replayCases } from "../src/replay-core.mjs";
import { replayDpopCases } from "../src/replay-dpop.mjs";
import { type DpopFixture, dpopCases } from "./dpop-cases.js";

const ISSUER = "https://issuer.example.com/";
const AUDIENCE = "https://api.example.com";
const NOW_SEC = 1_900_000_000;

export interface Fixture {
  issuer: string;
  audience: string;
  jwksUri: string;
  jwks: { keys: unknown[] };
  nowMs: number;
  scope: string;
  cases: { title: string; token: string }[];
  /** DPoP requests (RFC 9449), replayed in order through a verifier made with `dpop: { publicUrl, algorithms }`. */
  dpop: DpopFixture;
}

const DIFFERENTIAL_ALGORITHMS = [
  "RS256",
  "RS512",
  "PS256",
  "PS384",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
] as const;
const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** Per algorithm: a valid token, and the same token with a changed, foreign, short or empty signature. */
async function differentialCases(claims: Record<string, unknown>) {
  const keys: unknown[] = [];
  const cases: { title: string; token: string }[] = [];
  for (const alg of DIFFERENTIAL_ALGORITHMS) {
    const own = await generateKeyPair(alg, { extractable: true });
    const other = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg}-differential`;
    keys.push({ ...(await exportJWK(own.publicKey)), kid, alg, use: "sig" } as JWK);
    const payload = new TextEncoder().encode(JSON.stringify(claims));
    const sign = (key: CryptoKey) =>
      new CompactSign(payload).setProtectedHeader({ alg, kid, typ: "at+jwt" }).sign(key as never);
    const token = await sign(own.privateKey as unknown as CryptoKey);
    const [header, body, signature] = token.split(".") as [string, string, string];
    const bytes = Buffer.from(signature, "base64url");
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    const foreign = (await sign(other.privateKey as unknown as CryptoKey)).split(".")[2];
    cases.push(
      { title: `${alg}: a valid token`, token },
      { title: `${alg}: one signature bit changed`, token: `${header}.${body}.${b64u(flipped)}` },
      { title: `${alg}: another key's signature`, token: `${header}.${body}.${foreign}` },
      {
        title: `${alg}: a truncated signature`,
        token: `${header}.${body}.${b64u(bytes.subarray(0, bytes.length - 4))}`,
      },
      {
        title: `${alg}: a signature of zeros`,
        token: `${header}.${body}.${b64u(new Uint8Array(bytes.length))}`,
      },
    );
  }
  return { keys, cases };
}

/** A built fixture and what the runtime answered: `results` per case, `dpop` per DPoP request. */
export interface Replayed {
  fixture: Fixture;
  expected: string[];
  dpopOnNode: string[];
  runtime: string;
  results: string[];
  /** The cases again, through a verifier with `offloadSignatures: true`. */
  offloaded: string[];
  dpop: string[];
}

/**
 * The hostile table of core's suite and the differential cases, with Node's outcomes as the
 * expectation; and the DPoP requests, each with its stated outcome and Node's (`dpopOnNode`).
 */
export async function buildFixture(): Promise<{
  fixture: Fixture;
  file: string;
  expected: string[];
  dpopOnNode: string[];
}> {
  const kit = createHostileKit({ issuer: ISSUER, audience: AUDIENCE, nowSec: () => NOW_SEC });
  const differential = await differentialCases(kit.claims());
  const fixture: Fixture = {
    issuer: ISSUER,
    audience: AUDIENCE,
    jwksUri: "https://issuer.example.com/jwks",
    jwks: { keys: [...kit.jwks().keys, ...differential.keys] },
    nowMs: NOW_SEC * 1000,
    scope: REQUIRED_SCOPE,
    cases: [
      ...kit.cases().map(({ group, title, token }) => ({ title: `${group}: ${title}`, token })),
      ...differential.cases,
    ],
    dpop: await dpopCases((jkt) => kit.good({ cnf: { jkt } }), NOW_SEC),
  };
  const file = join(tmpdir(), `scopegate-runtime-cases-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(fixture));
  return {
    fixture,
    file,
    expected: await replayCases(core, fixture),
    dpopOnNode: await replayDpopCases(core, fixture),
  };
}

/** The cases whose outcome differs from Node's, with both outcomes. */
export function differences(fixture: Fixture, expected: string[], actual: string[]) {
  return fixture.cases
    .map((c, i) => ({ title: c.title, node: expected[i], runtime: actual[i] }))
    .filter((row) => row.node !== row.runtime);
}

/** The DPoP requests whose outcome on Node or on the runtime is not the stated one, with all three. */
export function dpopDifferences(fixture: Fixture, onNode: string[], actual: string[]) {
  return fixture.dpop.cases
    .map((c, i) => ({ title: c.title, expected: c.expected, node: onNode[i], runtime: actual[i] }))
    .filter((row) => row.node !== row.expected || row.runtime !== row.expected);
}

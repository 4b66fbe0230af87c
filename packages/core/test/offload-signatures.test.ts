import {
  createTestAuthority,
  TEST_ALGORITHMS,
  type TestAlgorithm,
  type TestAuthority,
} from "@scopegate/testing";
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Algorithm } from "../src/base/algorithms.js";
import { createVerifier, type Verifier, type VerifierOptions } from "../src/index.js";
import type { SigningKey } from "../src/keys/jwks-cache.js";
import type { PublicJwk } from "../src/keys/key-selection.js";
import { loadNodeCrypto, type NodeCrypto } from "../src/signature/node-crypto.js";
import { createSignatureVerifier, verifySignatureWithJose } from "../src/signature/signature.js";
import { decodeToken } from "../src/token/token-format.js";
import { createHostileKit } from "./support/hostile.js";

/**
 * `offloadSignatures`: a new token's signature checked by `crypto.verify`'s callback form on libuv's
 * thread pool. The same verdicts as the synchronous path and jose (test/signature.test.ts holds the
 * signature step to jose on every hostile input; here the whole verifier, with the option on and off),
 * the work really done through the callback form, and the synchronous check wherever that form is
 * missing or broken.
 */

const nodeCrypto = loadNodeCrypto() as NodeCrypto;
const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

/** "ok" or the scopegate error code. */
async function outcome(run: () => unknown): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (error) {
    return (error as { code?: string }).code ?? "thrown";
  }
}

/** The token with its signature's byte at `index` (from the end when negative) changed. */
function flipSignature(token: string, index: number): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const signature = Buffer.from(s, "base64url");
  const at = index < 0 ? signature.length + index : index;
  signature[at] = (signature[at] as number) ^ 0x01;
  return `${h}.${p}.${signature.toString("base64url")}`;
}

/** The token with its payload changed (a scope added) and the original signature kept. */
function tamperPayload(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
  const payload = Buffer.from(JSON.stringify({ ...claims, scope: "admin" })).toString("base64url");
  return `${h}.${payload}.${s}`;
}

/** `node:crypto` whose `verify` is `verify`, the rest Node's own (no `createVerify`: every check goes through `verify`). */
function cryptoWith(verify: (...args: unknown[]) => unknown): NodeCrypto {
  return {
    KeyObject: nodeCrypto.KeyObject,
    constants: nodeCrypto.constants,
    createPublicKey: nodeCrypto.createPublicKey,
    verify: verify as NodeCrypto["verify"],
  };
}

/** Node's `verify`, counting the calls made with a callback (the thread-pool form) and without. */
function countingCrypto() {
  const calls = { callback: 0, now: 0 };
  const real = nodeCrypto.verify as (...args: unknown[]) => unknown;
  const crypto = cryptoWith((...args) => {
    if (typeof args[4] === "function") calls.callback++;
    else calls.now++;
    return real(...args);
  });
  return { crypto, calls };
}

/** A token signed with `alg` and the `SigningKey` that verifies it. */
async function signedWith(alg: Algorithm) {
  const pair = await generateKeyPair(alg === "Ed25519" ? "Ed25519" : alg, { extractable: true });
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k", alg } as PublicJwk;
  const key: SigningKey = { jwk, kid: "k", alg, key: (await importJWK(jwk as JWK, alg)) as CryptoKey };
  const claims = { iss: "https://issuer.example/", aud: "api", exp: Math.floor(Date.now() / 1000) + 300 };
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, kid: "k" })
    .sign(pair.privateKey);
  return { key, token, decoded: decodeToken(token, [alg], 8192) };
}

describe("offloadSignatures: the same verdicts as the synchronous path and jose", () => {
  const authorities = new Map<TestAlgorithm, TestAuthority>();
  beforeAll(async () => {
    for (const alg of TEST_ALGORITHMS) authorities.set(alg, await createTestAuthority({ algorithm: alg }));
  }, 60_000);
  afterAll(async () => {
    for (const authority of authorities.values()) await authority.close();
  });

  it.each(TEST_ALGORITHMS)(
    "%s: valid, tampered-signature, tampered-payload, wrong-key and hostile tokens get the same answer with the option on and off",
    async (alg) => {
      const authority = authorities.get(alg) as TestAuthority;
      const options = authority.verifierOptions({ tokenCache: false as const });
      const offloaded = createVerifier({ ...options, offloadSignatures: true });
      const onTheLoop = createVerifier(options);
      const valid = await authority.mint({ scope: "a" });
      const tokens: Record<string, { token: string; expect: string }> = {
        valid: { token: valid, expect: "ok" },
        "first signature byte changed": { token: flipSignature(valid, 0), expect: "ERR_TOKEN_SIGNATURE" },
        "last signature byte changed": { token: flipSignature(valid, -1), expect: "ERR_TOKEN_SIGNATURE" },
        "payload changed": { token: tamperPayload(valid), expect: "ERR_TOKEN_SIGNATURE" },
        "tampered (test kit)": { token: await authority.tokens.tampered(), expect: "ERR_TOKEN_SIGNATURE" },
        "a foreign key under the real kid": {
          token: await authority.tokens.foreignKey(),
          expect: "ERR_TOKEN_SIGNATURE",
        },
        "alg none": { token: await authority.tokens.algNone(), expect: "ERR_TOKEN_MALFORMED" },
        "HS256 with the public key as secret": {
          token: await authority.tokens.algConfusion(),
          expect: "ERR_TOKEN_ALGORITHM",
        },
        "an expired token, validly signed": {
          token: await authority.tokens.expired(),
          expect: "ERR_TOKEN_EXPIRED",
        },
      };
      const answers: Record<string, [string, string, string]> = {};
      for (const [name, { token, expect: expected }] of Object.entries(tokens)) {
        answers[name] = [
          await outcome(() => offloaded.verify(token)),
          await outcome(() => onTheLoop.verify(token)),
          expected,
        ];
      }
      for (const [name, [withOption, without, expected]] of Object.entries(answers)) {
        expect([name, withOption]).toEqual([name, without]);
        expect([name, withOption]).toEqual([name, expected]);
      }
    },
    60_000,
  );

  it("answers every hostile token of the attack table with the same code as without the option", async () => {
    const issuer = "https://issuer.example.com/";
    const audience = "https://api.example.com";
    const kit = createHostileKit({ issuer, audience });
    const fetch: VerifierOptions["fetch"] = async () =>
      new Response(JSON.stringify(kit.jwks()), { headers: { "content-type": "application/json" } });
    const options = {
      issuer,
      audience,
      jwksUri: "https://issuer.example.com/jwks",
      fetch,
      tokenCache: false as const,
    };
    const offloaded = createVerifier({ ...options, offloadSignatures: true });
    const onTheLoop = createVerifier(options);
    const cases = kit.cases();
    expect(cases.length).toBeGreaterThan(20);
    const mismatches: string[] = [];
    for (const c of cases) {
      const withOption = await outcome(() => offloaded.verify(c.token));
      const without = await outcome(() => onTheLoop.verify(c.token));
      if (withOption !== without)
        mismatches.push(`${c.group} / ${c.title}: ${withOption}, without ${without}`);
      // The attack table pins scope failures too; `verify` alone stops before the route's scopes.
      if (withOption !== "ok" && withOption !== c.code)
        mismatches.push(`${c.title}: ${withOption}, not ${c.code}`);
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});

describe("offloadSignatures: the work goes through crypto.verify's callback form", () => {
  it.each(TEST_ALGORITHMS)(
    "%s: a valid signature resolves later through the callback form, a bad one is refused the same way",
    async (alg) => {
      const { crypto, calls } = countingCrypto();
      const signatures = createSignatureVerifier(crypto);
      const { key, token, decoded } = await signedWith(alg);
      // Known answers first (the callback form's is made once per algorithm).
      expect(await signatures.checkDecodedOffloaded(token, decoded, key)).toBe(true);
      const before = { ...calls };
      const pending = signatures.checkDecodedOffloaded(token, decoded, key);
      expect(pending).toBeInstanceOf(Promise);
      let settled = false;
      void Promise.resolve(pending).then(() => {
        settled = true;
      });
      // The thread pool answers in a later turn of the event loop, never within these microtasks.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(settled).toBe(false);
      expect(await pending).toBe(true);
      const forged = flipSignature(token, -1);
      expect(await signatures.checkDecodedOffloaded(forged, decodeToken(forged, [alg], 8192), key)).toBe(
        false,
      );
      expect(calls.callback - before.callback).toBe(2);
      expect(calls.now - before.now).toBe(0);
      // The synchronous check answers at once, without the callback form.
      expect(signatures.checkDecoded(token, decoded, key)).toBe(true);
      expect(calls.callback - before.callback).toBe(2);
    },
    30_000,
  );

  it("keeps a cached token synchronous: only a new token's signature waits for the thread pool", async () => {
    await using authority = await createTestAuthority({ algorithm: "ES256" });
    const verifier: Verifier = createVerifier(authority.verifierOptions({ offloadSignatures: true }));
    const plain: Verifier = createVerifier(authority.verifierOptions());
    // A first token each, so that the key is at hand (looked up and prepared) for the next ones.
    const first = await authority.mint({ scope: "a" });
    await verifier.authenticate(bearer(first));
    await plain.authenticate(bearer(first));
    const token = await authority.mint({ scope: "a" });
    const fresh = verifier.authenticateNow?.(bearer(token));
    expect(fresh).toBeInstanceOf(Promise);
    await expect(fresh).resolves.toMatchObject({ issuer: authority.issuer });
    // Without the option, the same fresh token's outcome is at hand at once.
    expect(plain.authenticateNow?.(bearer(token))).not.toBeInstanceOf(Promise);
    // The token cache admits a token on its second verification; from then on no signature is checked.
    await verifier.authenticate(bearer(token));
    const cached = verifier.authenticateNow?.(bearer(token));
    expect(cached).not.toBeInstanceOf(Promise);
    expect(cached).toMatchObject({ issuer: authority.issuer });
  });
});

describe("offloadSignatures where the callback form is missing or fails", () => {
  it("checks on the event loop, with the right verdicts, when verify ignores the callback (a runtime without that form)", async () => {
    let callbacks = 0;
    const real = nodeCrypto.verify as (...args: unknown[]) => unknown;
    const signatures = createSignatureVerifier(
      cryptoWith((...args) => {
        if (typeof args[4] === "function") callbacks++;
        return real(...args.slice(0, 4)); // answers now; never calls back
      }),
    );
    for (const alg of ["RS256", "PS256", "ES256", "EdDSA"] as const) {
      const { key, token, decoded } = await signedWith(alg);
      expect(await signatures.checkDecodedOffloaded(token, decoded, key)).toBe(true);
      // Once the known answer failed, the verdict is given at once.
      expect(signatures.checkDecodedOffloaded(token, decoded, key)).toBe(true);
      const forged = flipSignature(token, -1);
      expect(signatures.checkDecodedOffloaded(forged, decodeToken(forged, [alg], 8192), key)).toBe(false);
    }
    expect(callbacks).toBe(8); // the known answers (valid and changed) per algorithm, nothing after
  });

  it("fails closed when the callback form errs or throws on a token after passing its known answers", async () => {
    const real = nodeCrypto.verify as (...args: unknown[]) => unknown;
    const known = (data: unknown) =>
      Buffer.from(data as Uint8Array)
        .toString("latin1")
        .startsWith("scopegate");
    for (const failure of ["callback error", "throw"] as const) {
      const signatures = createSignatureVerifier(
        cryptoWith((...args) => {
          const callback = args[4] as ((error: Error | null, valid: boolean) => void) | undefined;
          if (typeof callback !== "function" || known(args[1])) return real(...args);
          if (failure === "throw") throw new Error("verify failed");
          setImmediate(() => callback(new Error("verify failed"), true));
          return undefined;
        }),
      );
      for (const alg of ["RS256", "ES256", "EdDSA"] as const) {
        const { key, token, decoded } = await signedWith(alg);
        expect([failure, alg, await signatures.checkDecodedOffloaded(token, decoded, key)]).toEqual([
          failure,
          alg,
          false,
        ]);
      }
    }
  });

  it("uses jose on runtimes without node:crypto, with the option on", async () => {
    const signatures = createSignatureVerifier(null);
    const { key, token, decoded } = await signedWith("ES256");
    expect(signatures.checkDecodedOffloaded(token, decoded, key)).toBeUndefined();
    await expect(verifySignatureWithJose(token, key)).resolves.toBeUndefined();
  });
});

describe("offloadSignatures option", () => {
  const base = { issuer: "https://issuer.example/", audience: "api", jwksUri: "https://issuer.example/jwks" };

  it("is off by default and on when set to true", () => {
    expect(createVerifier(base).options.offloadSignatures).toBe(false);
    expect(createVerifier({ ...base, offloadSignatures: true }).options.offloadSignatures).toBe(true);
    expect(createVerifier({ ...base, offloadSignatures: false }).options.offloadSignatures).toBe(false);
  });

  it.each([["true"], [1], [null], [{}]])(
    "refuses %j at construction with a TypeError saying what to pass",
    (value) => {
      expect(() => createVerifier({ ...base, offloadSignatures: value as unknown as boolean })).toThrow(
        new TypeError(
          `scopegate: invalid option \`offloadSignatures\`: expected true or false; got ${JSON.stringify(value)}.`,
        ),
      );
    },
  );

  it("refuses a misspelt key and names the option", () => {
    expect(() => createVerifier({ ...base, offloadSignature: true } as unknown as VerifierOptions)).toThrow(
      /offloadSignatures/,
    );
  });
});

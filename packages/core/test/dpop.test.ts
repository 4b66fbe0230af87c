import { createDpopKey, createTestAuthority, type DpopKey, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryReplayStore, type ReplayStore } from "../src/binding/replay-store.js";
import { createVerifier, type RequestLike, type VerifierOptions } from "../src/index.js";
import { failure } from "./support/failure.js";
import { manualClock } from "./support/keys.js";

const ORIGIN = "https://api.example.com";
const URL_EVENTS = `${ORIGIN}/events`;

/** A request as Node hands it to a framework: method, target, headers. */
function request(
  token: string,
  proof: string | string[] | undefined,
  { method = "GET", url = "/events", scheme = "DPoP", headers = {} } = {} as {
    method?: string;
    url?: string;
    scheme?: string;
    headers?: Record<string, string>;
  },
): RequestLike {
  return {
    method,
    url,
    headers: {
      authorization: `${scheme} ${token}`,
      ...(proof === undefined ? {} : { dpop: proof }),
      ...headers,
    },
  };
}

describe("DPoP (RFC 9449) in the verifier", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  beforeAll(async () => {
    authority = await createTestAuthority();
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  const verifierWith = (
    dpop: VerifierOptions["dpop"] = { publicUrl: ORIGIN },
    more: Partial<VerifierOptions> = {},
  ) => createVerifier({ ...authority.verifierOptions(), dpop, ...more });

  it("accepts a DPoP-bound token with a valid proof and says how it is bound", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key, scope: "event.read" });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    const verified = await verifier.authenticate(request(token, proof));
    expect(verified.binding).toEqual({ method: "dpop", thumbprint: key.thumbprint });
    expect(Object.isFrozen(verified.binding)).toBe(true);
    expect(verified.responseHeaders).toBeUndefined();
  });

  it("checks the proof on every request, the token cache notwithstanding", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    for (let i = 0; i < 3; i++) {
      const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
      await verifier.authenticate(request(token, proof));
    }
    expect((await failure(verifier.authenticate(request(token, undefined)))).code).toBe(
      "ERR_DPOP_PROOF_MISSING",
    );
  });

  it("refuses a replayed proof with 401 invalid_dpop_proof in a DPoP challenge", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await verifier.authenticate(request(token, proof));
    const error = await failure(verifier.authenticate(request(token, proof)));
    expect(error.code).toBe("ERR_DPOP_PROOF_REPLAYED");
    expect(error.status).toBe(401);
    expect(error.body()).toEqual({
      error: "invalid_dpop_proof",
      error_description: "The DPoP proof was already used",
    });
    expect(error.headers["WWW-Authenticate"]).toBe(
      'DPoP realm="api", error="invalid_dpop_proof", error_description="The DPoP proof was already used", algs="ES256 RS256 PS256 EdDSA", Bearer realm="api"',
    );
  });

  it.each([
    ["wrongMethod", "ERR_DPOP_PROOF_METHOD"],
    ["wrongUrl", "ERR_DPOP_PROOF_URL"],
    ["wrongOrigin", "ERR_DPOP_PROOF_URL"],
    ["wrongAccessToken", "ERR_DPOP_PROOF_TOKEN_HASH"],
    ["otherKey", "ERR_DPOP_PROOF_KEY_MISMATCH"],
    ["staleIat", "ERR_DPOP_PROOF_TIME"],
    ["futureIat", "ERR_DPOP_PROOF_TIME"],
    ["privateJwk", "ERR_DPOP_PROOF_KEY"],
    ["algNone", "ERR_DPOP_PROOF_MALFORMED"],
    ["algHs256", "ERR_DPOP_PROOF_ALGORITHM"],
    ["wrongType", "ERR_DPOP_PROOF_TYPE"],
    ["missingJti", "ERR_DPOP_PROOF_ID"],
    ["tampered", "ERR_DPOP_PROOF_SIGNATURE"],
  ] as const)("refuses a proof that is %s with 401 invalid_dpop_proof (%s)", async (kind, code) => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const bad = await key.badProofs({ method: "GET", url: URL_EVENTS, accessToken: token });
    const error = await failure(verifier.authenticate(request(token, bad[kind])));
    expect(error.code).toBe(code);
    expect([error.status, error.error]).toEqual([401, "invalid_dpop_proof"]);
    // A refused proof is not remembered: a good one still passes afterwards.
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await expect(verifier.authenticate(request(token, proof))).resolves.toBeDefined();
  });

  it.each([
    ["missing", undefined, "ERR_DPOP_PROOF_MISSING"],
    ["sent twice (two header lines)", "two", "ERR_DPOP_PROOF_MULTIPLE"],
    ["sent twice (joined by a comma)", "joined", "ERR_DPOP_PROOF_MULTIPLE"],
    ["empty", "", "ERR_DPOP_PROOF_MALFORMED"],
    ["not a JWS", "not-a-jws", "ERR_DPOP_PROOF_MALFORMED"],
  ])("refuses a request whose proof is %s", async (_title, shape, code) => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    const value = shape === "two" ? [proof, proof] : shape === "joined" ? `${proof}, ${proof}` : shape;
    expect((await failure(verifier.authenticate(request(token, value)))).code).toBe(code);
  });

  it("refuses a DPoP-bound token sent as Bearer (no downgrade), with both challenges", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    const error = await failure(verifier.authenticate(request(token, proof, { scheme: "Bearer" })));
    expect(error.code).toBe("ERR_TOKEN_DPOP_BOUND");
    expect(error.headers["WWW-Authenticate"]).toMatch(
      /^Bearer realm="api", error="invalid_token", error_description="[^"]+", DPoP realm="api", algs="ES256 RS256 PS256 EdDSA"$/,
    );
  });

  it("refuses an unbound token sent with the DPoP scheme, and keeps plain bearer tokens working", async () => {
    const verifier = verifierWith();
    const token = await authority.mint();
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    expect((await failure(verifier.authenticate(request(token, proof)))).code).toBe(
      "ERR_TOKEN_NOT_DPOP_BOUND",
    );
    expect((await verifier.authenticate(request(token, undefined, { scheme: "Bearer" }))).binding).toBeNull();
    const bare = await failure(verifier.authenticate({ headers: {} }));
    expect(bare.headers["WWW-Authenticate"]).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 RS256 PS256 EdDSA"',
    );
  });

  it("with mode required, takes only DPoP: Bearer counts as no credentials", async () => {
    const verifier = verifierWith({ publicUrl: ORIGIN, mode: "required" });
    const plain = await authority.mint();
    const error = await failure(verifier.authenticate(request(plain, undefined, { scheme: "Bearer" })));
    expect(error.code).toBe("ERR_NO_CREDENTIALS");
    expect(error.headers["WWW-Authenticate"]).toBe('DPoP realm="api", algs="ES256 RS256 PS256 EdDSA"');
    expect((await failure(verifier.verify(plain))).code).toBe("ERR_NO_CREDENTIALS");
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await expect(verifier.authenticate(request(token, proof))).resolves.toBeDefined();
  });

  it("with DPoP disabled (the default without publicUrl), the DPoP scheme is no credentials and bound tokens fail", async () => {
    for (const verifier of [verifierWith({}), verifierWith({ publicUrl: ORIGIN, mode: "disabled" })]) {
      const token = await authority.mint({ dpop: key });
      const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
      const error = await failure(verifier.authenticate(request(token, proof)));
      expect(error.code).toBe("ERR_NO_CREDENTIALS");
      expect(error.headers["WWW-Authenticate"]).toBe('Bearer realm="api"');
      expect((await failure(verifier.authenticate(request(token, proof, { scheme: "Bearer" })))).code).toBe(
        "ERR_TOKEN_DPOP_BOUND",
      );
    }
  });

  it("compares htu after RFC 3986 normalisation, without query or fragment", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({
      method: "POST",
      url: "HTTPS://API.Example.COM:443/events/%7euser/./a%2fb?x=1#top",
      accessToken: token,
    });
    const verified = await verifier.authenticate(
      request(token, proof, { method: "POST", url: "/events/~user/a%2Fb?other=2" }),
    );
    expect(verified.binding?.method).toBe("dpop");
  });

  it("checks htu against the configured URL, never the Host or X-Forwarded-* headers", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({
      method: "GET",
      url: "https://other.example.net/events",
      accessToken: token,
    });
    const forged = {
      host: "other.example.net",
      "x-forwarded-host": "other.example.net",
      "x-forwarded-proto": "https",
    };
    const error = await failure(verifier.authenticate(request(token, proof, { headers: forged })));
    expect(error.code).toBe("ERR_DPOP_PROOF_URL");
  });

  it("accepts any of several public URLs, with a path prefix a proxy adds", async () => {
    const verifier = verifierWith({ publicUrl: [ORIGIN, "https://gateway.example.com/calendar/"] });
    const token = await authority.mint({ dpop: key });
    for (const url of [URL_EVENTS, "https://gateway.example.com/calendar/events"]) {
      const proof = await key.proof({ method: "GET", url, accessToken: token });
      await expect(verifier.authenticate(request(token, proof))).resolves.toBeDefined();
    }
    const proof = await key.proof({
      method: "GET",
      url: "https://gateway.example.com/events",
      accessToken: token,
    });
    expect((await failure(verifier.authenticate(request(token, proof)))).code).toBe("ERR_DPOP_PROOF_URL");
  });

  it("with trustProxy, builds the origin from X-Forwarded-Proto and X-Forwarded-Host", async () => {
    const verifier = verifierWith({ trustProxy: true });
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({
      method: "GET",
      url: "https://edge.example.org/events",
      accessToken: token,
    });
    const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "edge.example.org, inner:8080" };
    await expect(verifier.authenticate(request(token, proof, { headers: forwarded }))).resolves.toBeDefined();
    const again = await key.proof({
      method: "GET",
      url: "https://edge.example.org/events",
      accessToken: token,
    });
    expect((await failure(verifier.authenticate(request(token, again)))).code).toBe("ERR_DPOP_PROOF_URL");
  });

  it.each(["RS256", "PS256", "EdDSA"] as const)("accepts %s proofs by default", async (alg) => {
    const own = await createDpopKey(alg);
    const token = await authority.mint({ dpop: own });
    const proof = await own.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    expect((await verifierWith().authenticate(request(token, proof))).binding?.thumbprint).toBe(
      own.thumbprint,
    );
  });

  it("refuses a proof algorithm outside the allow-list", async () => {
    const own = await createDpopKey("ES384");
    const token = await authority.mint({ dpop: own });
    const proof = await own.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    expect((await failure(verifierWith().authenticate(request(token, proof)))).code).toBe(
      "ERR_DPOP_PROOF_ALGORITHM",
    );
    const allowing = verifierWith({ publicUrl: ORIGIN, algorithms: ["ES384"] });
    await expect(allowing.authenticate(request(token, proof))).resolves.toBeDefined();
  });

  it("answers a 403 of a DPoP request in the DPoP challenge", async () => {
    const verifier = verifierWith();
    const token = await authority.mint({ dpop: key, scope: "event.read" });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    const verified = await verifier.authenticate(request(token, proof));
    let thrown: unknown;
    try {
      verifier.requireScopes(verified, { allOf: ["admin"] });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as { headers: Record<string, string> }).headers["WWW-Authenticate"]).toMatch(
      /^DPoP realm="api", error="insufficient_scope", .*scope="admin"/,
    );
  });

  describe("with the proof's header, key and token hash remembered from earlier requests", () => {
    const proofFor = (token: string, url = URL_EVENTS) =>
      key.proof({ method: "GET", url, accessToken: token });

    it("refuses claims the header's key did not sign with ERR_DPOP_PROOF_SIGNATURE", async () => {
      const verifier = verifierWith();
      const token = await authority.mint({ dpop: key });
      await verifier.authenticate(request(token, await proofFor(token)));
      const [header, , signature] = (await proofFor(token)).split(".");
      const [, claims] = (await proofFor(token)).split(".");
      const error = await failure(verifier.authenticate(request(token, `${header}.${claims}.${signature}`)));
      expect(error.code).toBe("ERR_DPOP_PROOF_SIGNATURE");
    });

    it("refuses a proof made for another token with ERR_DPOP_PROOF_TOKEN_HASH", async () => {
      const verifier = verifierWith();
      const token = await authority.mint({ dpop: key });
      const other = await authority.mint({ dpop: key, scope: "other" });
      await verifier.authenticate(request(token, await proofFor(token)));
      await verifier.authenticate(request(other, await proofFor(other)));
      const error = await failure(verifier.authenticate(request(token, await proofFor(other))));
      expect(error.code).toBe("ERR_DPOP_PROOF_TOKEN_HASH");
    });

    it("refuses a token bound to another key with ERR_DPOP_PROOF_KEY_MISMATCH", async () => {
      const verifier = verifierWith();
      const token = await authority.mint({ dpop: key });
      const otherToken = await authority.mint({ dpop: await createDpopKey() });
      await verifier.authenticate(request(token, await proofFor(token)));
      const error = await failure(verifier.authenticate(request(otherToken, await proofFor(otherToken))));
      expect(error.code).toBe("ERR_DPOP_PROOF_KEY_MISMATCH");
    });

    it("refuses a proof for another URL with ERR_DPOP_PROOF_URL", async () => {
      const verifier = verifierWith();
      const token = await authority.mint({ dpop: key });
      await verifier.authenticate(request(token, await proofFor(token)));
      await verifier.authenticate(request(token, await proofFor(token)));
      const error = await failure(
        verifier.authenticate(request(token, await proofFor(token, `${ORIGIN}/other`))),
      );
      expect(error.code).toBe("ERR_DPOP_PROOF_URL");
    });
  });
});

describe("DPoP server nonces (RFC 9449 §8, §9)", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  const clock = manualClock();
  beforeAll(async () => {
    authority = await createTestAuthority({ clock: clock.now });
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  const nonceOf = async (promise: Promise<unknown>): Promise<string> => {
    const error = await failure(promise);
    expect(error.code).toBe("ERR_DPOP_NONCE");
    expect(error.status).toBe(401);
    expect(error.headers["WWW-Authenticate"]).toMatch(/^DPoP realm="api", error="use_dpop_nonce"/);
    return error.headers["DPoP-Nonce"] as string;
  };

  it("asks for a nonce, accepts it, refreshes it on success once due, and refuses it once expired", async () => {
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      clock: clock.now,
      dpop: { publicUrl: ORIGIN, nonce: { maxAgeSec: 60, refreshAfterSec: 20 } },
    });
    const token = await authority.mint({ dpop: key, expiresInSec: 3600 });
    const send = async (nonce?: string) => {
      const proof = await key.proof({
        method: "GET",
        url: URL_EVENTS,
        accessToken: token,
        ...(nonce ? { nonce } : {}),
        issuedAtSec: Math.round((clock.now() - Date.now()) / 1000),
      });
      return verifier.authenticate(request(token, proof));
    };
    const nonce = await nonceOf(send());
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{30}$/);
    expect((await send(nonce)).responseHeaders).toBeUndefined();
    clock.advance(30_000);
    const refreshed = await send(nonce);
    expect(refreshed.responseHeaders?.["DPoP-Nonce"]).toMatch(/^[A-Za-z0-9_-]{30}$/);
    expect(Object.isFrozen(refreshed)).toBe(true);
    clock.advance(31_000);
    await nonceOf(send(nonce));
    expect((await nonceOf(send(`${nonce.slice(0, 29)}A`))).length).toBe(30);
  });
});

describe("the DPoP replay store", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  beforeAll(async () => {
    authority = await createTestAuthority();
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  const run = async (replayStore: ReplayStore) => {
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      dpop: { publicUrl: ORIGIN, replayStore },
    });
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    return verifier.authenticate(request(token, proof));
  };

  it("fails closed with 503 and Retry-After when the store throws or rejects", async () => {
    for (const markUsed of [
      () => {
        throw new Error("store down");
      },
      () => Promise.reject(new Error("store down")),
    ]) {
      const error = await failure(run({ markUsed }));
      expect(error.code).toBe("ERR_DPOP_REPLAY_UNAVAILABLE");
      expect(error.status).toBe(503);
      expect(error.headers["Retry-After"]).toBe("5");
      expect(JSON.stringify(error)).not.toContain("store down");
    }
  });

  it("accepts an asynchronous store and refuses what it says it saw", async () => {
    const seen = new Set<string>();
    const store = {
      markUsed: async (replayKey: string) => {
        const first = !seen.has(replayKey);
        seen.add(replayKey);
        return first;
      },
    };
    await expect(run(store)).resolves.toBeDefined();
    expect(seen.size).toBe(1);
    expect((await failure(run({ markUsed: async () => false }))).code).toBe("ERR_DPOP_PROOF_REPLAYED");
  });

  it("in memory, stays bounded and refuses what it had to forget rather than accept a replay", () => {
    const clock = manualClock(1_000_000);
    const store = createMemoryReplayStore({ maxEntries: 2, clock: clock.now });
    expect(store.markUsed("a", 1_300_000)).toBe(true);
    expect(store.markUsed("a", 1_300_000)).toBe(false);
    expect(store.markUsed("b", 1_300_000)).toBe(true);
    expect(store.markUsed("c", 1_310_000)).toBe(true); // "a" is forgotten, unexpired
    expect(store.size).toBe(2);
    expect(store.markUsed("a", 1_300_000)).toBe(false); // cannot be vouched for: refused
    expect(store.markUsed("d", 1_320_000)).toBe(true);
    clock.advance(400_000);
    expect(store.markUsed("c", 1_800_000)).toBe(true); // expired keys may come again
  });
});

describe("DPoP options", () => {
  const base = { issuer: "https://issuer.example.com/", audience: "api" };
  it.each([
    [{ mode: "allowed" }, /dpop\.publicUrl/],
    [{ mode: "required" }, /dpop\.publicUrl/],
    [{ mode: "sometimes", publicUrl: ORIGIN }, /dpop\.mode/],
    [{ publicUrl: "ftp://api.example.com" }, /dpop\.publicUrl/],
    [{ publicUrl: `${ORIGIN}/?q=1` }, /dpop\.publicUrl/],
    [{ publicUrl: ORIGIN, trustProxy: true }, /dpop\.trustProxy/],
    [{ publicUrl: ORIGIN, algorithms: ["HS256"] }, /dpop\.algorithms/],
    [{ publicUrl: ORIGIN, algorithms: ["none"] }, /dpop\.algorithms/],
    [{ publicUrl: ORIGIN, maxAgeSec: -1 }, /dpop\.maxAgeSec/],
    [{ publicUrl: ORIGIN, replayStore: {} }, /dpop\.replayStore/],
    [{ publicUrl: ORIGIN, nonce: { secrets: {} } }, /dpop\.nonce\.secrets/],
    [{ publicUrl: ORIGIN, nonce: { maxAge: 5 } }, /dpop\.nonce\.maxAge/],
    [{ publicUrl: ORIGIN, publicURL: ORIGIN }, /dpop\.publicURL/],
  ])("refuses %j at construction with a TypeError naming the option", (dpop, message) => {
    expect(() => createVerifier({ ...base, dpop: dpop as never })).toThrow(TypeError);
    expect(() => createVerifier({ ...base, dpop: dpop as never })).toThrow(message);
  });

  it("resolves the documented defaults", () => {
    const { dpop } = createVerifier({ ...base, dpop: { publicUrl: ORIGIN } }).options;
    expect(dpop.mode).toBe("allowed");
    expect(dpop.algorithms).toEqual(["ES256", "RS256", "PS256", "EdDSA"]);
    expect([dpop.maxAgeSec, dpop.clockToleranceSec, dpop.maxProofBytes]).toEqual([300, 5, 8192]);
    expect(dpop.nonce).toBeNull();
    expect(createVerifier(base).options.dpop.mode).toBe("disabled");
  });
});

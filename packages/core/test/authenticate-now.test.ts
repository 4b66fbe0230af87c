import { createTestAuthority, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AuthOutcome,
  authenticateNow,
  authenticateThen,
  type BearerError,
  createVerifier,
  isBearerError,
  type ScopegateEvent,
  type VerifiedToken,
  type Verifier,
} from "../src/index.js";

/** What `authenticateThen` handed over, and whether it did so before returning. */
function callBack(
  verifier: Pick<Verifier, "authenticate" | "authenticateNow">,
  request: Parameters<Verifier["authenticate"]>[0],
  credentialsRequired: boolean,
): { at: "once" | "later"; settled: Promise<{ token?: AuthOutcome; error?: unknown }> } {
  let returned = false;
  let at: "once" | "later" = "later";
  const settled = new Promise<{ token?: AuthOutcome; error?: unknown }>((resolve) => {
    authenticateThen(
      verifier,
      request,
      credentialsRequired,
      (token) => {
        if (!returned) at = "once";
        resolve({ token });
      },
      (error) => {
        if (!returned) at = "once";
        resolve({ error });
      },
    );
  });
  returned = true;
  return { at, settled };
}

const bearer = (jwt: string) => ({ headers: { authorization: `Bearer ${jwt}` } });

/** The outcome of a call that may throw, return a value or return a promise: its value or its error. */
async function settle(call: () => unknown): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    return error;
  }
}

/**
 * Authenticates `jwt` twice, so that the token cache holds it: a token is admitted to the cache the
 * second time it is seen. Resolves the cached result.
 */
async function cache(verifier: Verifier, jwt: string): Promise<VerifiedToken> {
  await verifier.authenticate(bearer(jwt));
  return verifier.authenticate(bearer(jwt));
}

describe("authenticateNow and authenticateThen", () => {
  let authority: TestAuthority;
  let verifier: Verifier;

  beforeAll(async () => {
    authority = await createTestAuthority();
    verifier = createVerifier(authority.verifierOptions());
    await verifier.warm();
  });

  afterAll(async () => {
    await authority?.close();
  });

  it("gives a token the cache holds as the token itself, not a promise, equal to authenticate's", async () => {
    const jwt = await authority.mint({ scope: "event.read" });
    const first = await cache(verifier, jwt);
    const now = authenticateNow(verifier, bearer(jwt));
    expect(now).not.toBeInstanceOf(Promise);
    expect(now).toBe(first);
    expect((now as VerifiedToken).scopes).toEqual(["event.read"]);
    expect(verifier.authenticateNow?.(bearer(jwt))).toBe(first);
  });

  it("throws a bad request at once as the BearerError authenticate rejects with (status, challenge)", async () => {
    const thrown = (() => {
      try {
        authenticateNow(verifier, { headers: { authorization: "Bearer a b" } });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const rejected: unknown = await verifier
      .authenticate({ headers: { authorization: "Bearer a b" } })
      .catch((error) => error);
    expect(isBearerError(thrown)).toBe(true);
    const error = thrown as BearerError;
    expect(error.code).toBe("ERR_MALFORMED_AUTHORIZATION");
    expect(error.status).toBe(400);
    expect(error.headers["WWW-Authenticate"]).toBe((rejected as BearerError).headers["WWW-Authenticate"]);
  });

  it("refuses an expired token the cache held once it expires, without a promise", async () => {
    let nowMs = Date.now();
    const clocked = createVerifier({ ...authority.verifierOptions(), clock: () => nowMs });
    const jwt = await authority.mint({ expiresInSec: 60 });
    const cached = await cache(clocked, jwt);
    expect(authenticateNow(clocked, bearer(jwt))).toBe(cached);
    nowMs += 120_000;
    expect(() => authenticateNow(clocked, bearer(jwt))).toThrow(
      expect.objectContaining({ code: "ERR_TOKEN_EXPIRED", status: 401 }),
    );
  });

  it("with credentials optional: undefined for a request without credentials, a failure for a bad token", async () => {
    expect(authenticateNow(verifier, { headers: {} }, false)).toBeUndefined();
    expect(authenticateNow(verifier, { headers: { authorization: "Basic dXNlcjpwYXNz" } }, false)).toBe(
      undefined,
    );
    expect(() => authenticateNow(verifier, { headers: {} }, true)).toThrow(
      expect.objectContaining({ code: "ERR_NO_CREDENTIALS", status: 401 }),
    );
    expect(() => authenticateNow(verifier, { headers: { authorization: "Bearer " } }, false)).toThrow(
      expect.objectContaining({ code: "ERR_EMPTY_TOKEN" }),
    );
    const outcome = await settle(() => authenticateNow(verifier, bearer("not.a.jwt"), false));
    expect(isBearerError(outcome) && outcome.code).toBe("ERR_TOKEN_MALFORMED");
  });

  it("makes a promise of a verifier of one's own that has only authenticate, even one returning a thenable", async () => {
    const jwt = await authority.mint();
    const token = await verifier.authenticate(bearer(jwt));
    const own = { authenticate: () => Promise.resolve(token) };
    const outcome = authenticateNow(own, bearer(jwt));
    expect(outcome).toBeInstanceOf(Promise);
    await expect(outcome).resolves.toBe(token);
    // A thenable that is not a Promise is never mistaken for a token.
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
    const thenable = { authenticate: () => ({ then: (ok: (t: VerifiedToken) => void) => ok(token) }) };
    const fromThenable = authenticateNow(thenable as unknown as Pick<Verifier, "authenticate">, bearer(jwt));
    expect(fromThenable).toBeInstanceOf(Promise);
    await expect(fromThenable).resolves.toBe(token);
    const anonymous = { authenticate: () => verifier.authenticate({ headers: {} }) };
    await expect(authenticateNow(anonymous, { headers: {} }, false)).resolves.toBeUndefined();
  });

  it("authenticateThen calls back before returning when the token is at hand, later when it is not", async () => {
    const jwt = await authority.mint({ scope: "event.read" });
    const fresh = createVerifier(authority.verifierOptions()); // no keys yet: the first call must wait
    const first = callBack(fresh, bearer(jwt), true);
    expect(first.at).toBe("later");
    expect((await first.settled).token?.scopes).toEqual(["event.read"]);
    // The key is in memory now: the signature is checked on the spot, and then the cache answers.
    for (let i = 0; i < 2; i++) {
      const again = callBack(fresh, bearer(jwt), true);
      expect(again.at).toBe("once");
      expect((await again.settled).token).toEqual((await first.settled).token);
    }
  });

  it("authenticateThen hands every failure to onError and throws nothing", async () => {
    const malformed = callBack(verifier, { headers: { authorization: "Bearer a b" } }, true);
    expect(malformed.at).toBe("once");
    const { error } = await malformed.settled;
    expect(isBearerError(error) && error.code).toBe("ERR_MALFORMED_AUTHORIZATION");
    const expired = await authority.mint({ expiresInSec: -600 });
    const refused = await callBack(verifier, bearer(expired), true).settled;
    expect(isBearerError(refused.error) && refused.error.code).toBe("ERR_TOKEN_EXPIRED");
    const anonymous = await callBack(verifier, { headers: {} }, false).settled;
    expect(anonymous).toEqual({ token: undefined });
  });

  it("reports to a verifier's listener through authenticateNow too", async () => {
    const events: ScopegateEvent[] = [];
    const observed = createVerifier({
      ...authority.verifierOptions(),
      onEvent: (event) => events.push(event),
    });
    const jwt = await authority.mint();
    await cache(observed, jwt);
    await authenticateNow(observed, bearer(jwt));
    await settle(() => authenticateNow(observed, bearer("not.a.jwt")));
    expect(events.filter((event) => event.type === "token_verified")).toHaveLength(3);
    expect(events.filter((event) => event.type === "token_verified").at(-1)).toMatchObject({ cached: true });
    expect(events.filter((event) => event.type === "token_refused")).toMatchObject([
      { code: "ERR_TOKEN_MALFORMED" },
    ]);
  });

  describe("extraction: the query of a request with a URL", () => {
    /** A request whose `query` counts its reads, as Express's and Koa's parse the URL on each read. */
    function counted(
      url: string | undefined,
      query: Record<string, unknown>,
      headers: Record<string, string>,
      originalUrl?: string,
    ) {
      let reads = 0;
      return {
        request: {
          headers,
          ...(url === undefined ? {} : { url }),
          ...(originalUrl === undefined ? {} : { originalUrl }),
          get query() {
            reads++;
            return query;
          },
        },
        reads: () => reads,
      };
    }

    it("is not read when the URL has no query string", async () => {
      const jwt = await authority.mint();
      const withToken = counted("/events", {}, { authorization: `Bearer ${jwt}` });
      await expect(verifier.authenticate(withToken.request)).resolves.toMatchObject({ token: jwt });
      const without = counted("/events", {}, {});
      const outcome: unknown = await verifier.authenticate(without.request).catch((error) => error);
      expect(isBearerError(outcome) && outcome.code).toBe("ERR_NO_CREDENTIALS");
      expect(withToken.reads() + without.reads()).toBe(0);
    });

    it("is read, and a token in it found, when the URL or the original URL has one, or there is no URL", async () => {
      const jwt = await authority.mint();
      const headers = { authorization: `Bearer ${jwt}` };
      for (const request of [
        counted("/events?access_token=x", { access_token: jwt }, headers),
        counted("/events", { access_token: jwt }, headers, "/api/events?access_token=x"),
        counted(undefined, { access_token: jwt }, headers),
      ]) {
        const outcome: unknown = await verifier.authenticate(request.request).catch((error) => error);
        expect(isBearerError(outcome) && outcome.code).toBe("ERR_MULTIPLE_CREDENTIALS");
        expect(request.reads()).toBeGreaterThan(0);
      }
    });
  });
});

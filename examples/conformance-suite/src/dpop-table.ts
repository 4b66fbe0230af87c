import { createDpopKey, createTestAuthority, type DpopKey, type TestAuthority } from "@scopegate/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BehaviourTableOptions, RunningApp } from "./behaviour-table.js";
import { DPOP_ALGS } from "./dpop-algs.js";

const AUDIENCE = "https://calendar.scopegate.test";
/** Where clients reach the app (as behind a proxy): proofs name it, whatever the Host header says. */
const PUBLIC_URL = "https://calendar.scopegate.test";
const ALGS = `algs="${DPOP_ALGS}"`;

/** One request with `Authorization: <scheme> <token>` and the given `DPoP` header line(s). */
function send(app: RunningApp, path: string, scheme: string, token: string, proof?: string | string[]) {
  let test = request(app.url).get(path).set("Authorization", `${scheme} ${token}`);
  if (proof !== undefined) test = test.set("DPoP", proof as string);
  return test.buffer(true).ok(() => true);
}

/**
 * DPoP (RFC 9449) through an adapter's own stack, with the same routes as the behaviour table
 * (`/me`, `/all`): a bound token with its proof passes; a replayed, missing, doubled or misdirected
 * proof is 401 `invalid_dpop_proof` in a `DPoP` challenge; a bound token sent as `Bearer` is 401
 * `invalid_token`; a missing scope is 403 in the DPoP challenge; server nonces go out as `DPoP-Nonce`
 * on the 401 and, when due, on the success.
 */
export function runDpopBehaviourTable(name: string, options: BehaviourTableOptions): void {
  describe(`${name}: DPoP`, () => {
    let authority: TestAuthority;
    let key: DpopKey;
    let app: RunningApp;
    let withNonces: RunningApp;

    beforeAll(async () => {
      authority = await createTestAuthority({ audience: AUDIENCE });
      await authority.listen();
      key = await createDpopKey();
      // The adapters pass these options on to createVerifier(), which takes `dpop` too.
      const base: object = authority.verifierOptions();
      app = await options.start({ ...base, dpop: { publicUrl: PUBLIC_URL } } as never);
      withNonces = await options.start({
        ...base,
        dpop: { publicUrl: PUBLIC_URL, nonce: { refreshAfterSec: 0 } },
      } as never);
    });

    afterAll(async () => {
      await app?.close();
      await withNonces?.close();
      await authority?.close();
    });

    const proofFor = (path: string, token: string, nonce?: string) =>
      key.proof({
        method: "GET",
        url: `${PUBLIC_URL}${path}`,
        accessToken: token,
        ...(nonce ? { nonce } : {}),
      });

    it("passes a DPoP-bound token with its proof, and refuses the same proof again", async () => {
      const token = await authority.mint({ dpop: key, scope: "event.read", subject: "task-service" });
      const proof = await proofFor("/me", token);
      const ok = await send(app, "/me", "DPoP", token, proof);
      expect(ok.status).toBe(200);
      expect(ok.body.subject).toBe("task-service");
      const replayed = await send(app, "/me", "DPoP", token, proof);
      expect(replayed.status).toBe(401);
      expect(replayed.body).toEqual({
        error: "invalid_dpop_proof",
        error_description: "The DPoP proof was already used",
      });
      expect(replayed.headers["www-authenticate"]).toMatch(
        /^DPoP realm="[^"]*", error="invalid_dpop_proof", /,
      );
      expect(replayed.headers["www-authenticate"]).toContain(ALGS);
    });

    it.each([
      ["missing", async () => undefined, "The request carries no DPoP proof"],
      [
        "for another path",
        (token: string) => proofFor("/all", token),
        "The DPoP proof was made for another URL",
      ],
      [
        "sent twice",
        async (token: string) => [await proofFor("/me", token), await proofFor("/me", token)],
        "The request carries more than one DPoP proof",
      ],
    ])("refuses a proof that is %s with 401 invalid_dpop_proof", async (_title, make, description) => {
      const token = await authority.mint({ dpop: key });
      const res = await send(app, "/me", "DPoP", token, await make(token));
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: "invalid_dpop_proof", error_description: description });
    });

    it("refuses a DPoP-bound token sent as Bearer with 401 invalid_token and both challenges", async () => {
      const token = await authority.mint({ dpop: key });
      const res = await send(app, "/me", "Bearer", token, await proofFor("/me", token));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe("invalid_token");
      expect(res.headers["www-authenticate"]).toMatch(
        /^Bearer realm="[^"]*", error="invalid_token", .*, DPoP realm=/,
      );
    });

    it("answers a missing scope of a DPoP request with 403 in the DPoP challenge", async () => {
      const token = await authority.mint({ dpop: key, scope: "event.create" });
      const res = await send(app, "/all", "DPoP", token, await proofFor("/all", token));
      expect(res.status).toBe(403);
      expect(res.body.error).toBe("insufficient_scope");
      expect(res.headers["www-authenticate"]).toMatch(/^DPoP realm="[^"]*", error="insufficient_scope", /);
    });

    it("asks for a server nonce with DPoP-Nonce, then passes and sends a fresh one", async () => {
      const token = await authority.mint({ dpop: key });
      const first = await send(withNonces, "/me", "DPoP", token, await proofFor("/me", token));
      expect(first.status).toBe(401);
      expect(first.body.error).toBe("use_dpop_nonce");
      const nonce = first.headers["dpop-nonce"] as string;
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{30}$/);
      const second = await send(withNonces, "/me", "DPoP", token, await proofFor("/me", token, nonce));
      expect(second.status).toBe(200);
      expect(second.headers["dpop-nonce"]).toMatch(/^[A-Za-z0-9_-]{30}$/);
    });
  });
}

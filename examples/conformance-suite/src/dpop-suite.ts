import { createDpopKey, type DpopKey, type TestAuthority } from "@scopegate/testing";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DPOP_ALGS } from "./dpop-algs.js";
import { type RunningExample, runToExit, type StartCommand, spawnExample } from "./process.js";

/** Where the services under test say clients reach them: proofs name it, whatever the Host header says. */
const PUBLIC_URL = "https://calendar.scopegate.test";

interface Sent {
  method?: "get" | "post";
  scheme?: string;
  /** One `DPoP` header, or several lines. */
  proof?: string | string[];
  query?: string;
}

/** One request to `service`, whatever the status. */
function send(service: RunningExample, path: string, token: string, sent: Sent = {}) {
  const method = sent.method ?? "get";
  let test = request(service.url)
    [method](`${path}${sent.query ?? ""}`)
    .set("Authorization", `${sent.scheme ?? "DPoP"} ${token}`);
  if (sent.proof !== undefined) test = test.set("DPoP", sent.proof as string);
  if (method === "post") test = test.send({ title: "Planning" });
  return test.buffer(true).ok(() => true);
}

/**
 * The contract's "Sender-constrained tokens" section for DPoP (RFC 9449): with the default
 * `DPOP=allowed`, a token bound with `cnf.jkt` passes only as `Authorization: DPoP` with one valid proof
 * for this method and `PUBLIC_URL` + path; a replayed or misdirected proof is 401 `invalid_dpop_proof`
 * in a `DPoP` challenge; plain bearer tokens keep working. `DPOP=required` and `DPOP=disabled` change
 * which scheme counts as credentials.
 */
export function describeDpop(
  target: StartCommand,
  authority: () => TestAuthority,
  env: () => Record<string, string>,
): void {
  describe("DPoP (DPOP, PUBLIC_URL)", () => {
    let key: DpopKey;
    let otherKey: DpopKey;
    let allowed: RunningExample;
    let required: RunningExample;
    let disabled: RunningExample;
    const proof = (path: string, token: string, method = "GET", k: DpopKey = key) =>
      k.proof({ method, url: `${PUBLIC_URL}${path}`, accessToken: token });
    const bound = (scope: string[], k: DpopKey = key) => authority().mint({ dpop: k, scope });
    const expectProofRefused = (res: request.Response, description: string) => {
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: "invalid_dpop_proof", error_description: description });
      expect(res.headers["www-authenticate"]).toMatch(
        /(^|, )DPoP realm="[^"]*", error="invalid_dpop_proof", /,
      );
      expect(res.headers["www-authenticate"]).toContain(`algs="${DPOP_ALGS}"`);
    };

    beforeAll(async () => {
      key = await createDpopKey();
      otherKey = await createDpopKey("RS256");
      const start = (dpop: string) => spawnExample(target, { ...env(), PUBLIC_URL, DPOP: dpop }).listening;
      [allowed, required, disabled] = await Promise.all([
        start("allowed"),
        start("required"),
        start("disabled"),
      ]);
    });
    afterAll(async () => {
      await Promise.all([allowed?.stop(), required?.stop(), disabled?.stop()]);
    });

    it("passes a DPoP-bound token with a proof for PUBLIC_URL + path, whatever the Host header", async () => {
      const token = await bound(["event.read"]);
      const res = await send(allowed, "/events", token, { proof: await proof("/events", token) });
      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty("events");
    });

    it("checks htm and htu: POST /events with a proof for POST passes, with a proof for GET does not", async () => {
      const token = await bound(["event.create"]);
      const ok = await send(allowed, "/events", token, {
        method: "post",
        proof: await proof("/events", token, "POST"),
      });
      expect(ok.status).toBe(201);
      const wrongMethod = await send(allowed, "/events", token, {
        method: "post",
        proof: await proof("/events", token, "GET"),
      });
      expectProofRefused(wrongMethod, "The DPoP proof was made for another HTTP method");
    });

    it("ignores the query string when it compares htu", async () => {
      const token = await bound(["event.read"]);
      const res = await send(allowed, "/events", token, {
        proof: await proof("/events", token),
        query: "?from=2026-12-01",
      });
      expect(res.status).toBe(200);
    });

    it("refuses the same proof a second time with 401 invalid_dpop_proof", async () => {
      const token = await bound(["event.read"]);
      const once = await proof("/events", token);
      expect((await send(allowed, "/events", token, { proof: once })).status).toBe(200);
      expectProofRefused(
        await send(allowed, "/events", token, { proof: once }),
        "The DPoP proof was already used",
      );
    });

    it.each([
      ["missing", async () => undefined, "The request carries no DPoP proof"],
      [
        "made for another path",
        (token: string) => proof("/reports", token),
        "The DPoP proof was made for another URL",
      ],
      [
        "made for the Host header's origin instead of PUBLIC_URL",
        (token: string) => key.proof({ method: "GET", url: `${allowed.url}/events`, accessToken: token }),
        "The DPoP proof was made for another URL",
      ],
      [
        "sent twice",
        async (token: string) => [await proof("/events", token), await proof("/events", token)],
        "The request carries more than one DPoP proof",
      ],
    ])("refuses a proof that is %s with 401 invalid_dpop_proof", async (_title, make, description) => {
      const token = await bound(["event.read"]);
      expectProofRefused(await send(allowed, "/events", token, { proof: await make(token) }), description);
    });

    it("refuses a proof signed by a key other than the one the token is bound to", async () => {
      const token = await bound(["event.read"]);
      const res = await send(allowed, "/events", token, {
        proof: await proof("/events", token, "GET", otherKey),
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatch(/^invalid_(dpop_proof|token)$/);
    });

    it("refuses a DPoP-bound token sent as Bearer with 401 invalid_token and both challenges", async () => {
      const token = await bound(["event.read"]);
      const res = await send(allowed, "/events", token, { scheme: "Bearer" });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe("invalid_token");
      expect(res.headers["www-authenticate"]).toMatch(
        /^Bearer realm="[^"]*", error="invalid_token", .*, DPoP /,
      );
    });

    it("refuses a token without cnf.jkt sent as DPoP with 401 invalid_token", async () => {
      const token = await authority().mint({ scope: ["event.read"] });
      const res = await send(allowed, "/events", token, { proof: await proof("/events", token) });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe("invalid_token");
    });

    it("keeps plain bearer tokens working as Bearer", async () => {
      const token = await authority().mint({ scope: ["event.read"] });
      expect((await send(allowed, "/events", token, { scheme: "Bearer" })).status).toBe(200);
    });

    it("answers a missing scope of a DPoP request with 403 insufficient_scope in the DPoP challenge", async () => {
      const token = await bound(["event.read"]);
      const res = await send(allowed, "/reports", token, { proof: await proof("/reports", token) });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe("insufficient_scope");
      expect(res.headers["www-authenticate"]).toMatch(
        /^DPoP realm="[^"]*", error="insufficient_scope", .*scope="report.read admin"/,
      );
    });

    it("DPOP=required: passes a bound token with its proof, and a plain Bearer token gets the bare 401", async () => {
      const token = await bound(["event.read"]);
      expect((await send(required, "/events", token, { proof: await proof("/events", token) })).status).toBe(
        200,
      );
      const plain = await authority().mint({ scope: ["event.read"] });
      const res = await send(required, "/events", plain, { scheme: "Bearer" });
      expect(res.status).toBe(401);
      expect(res.body.error).toBeUndefined();
      expect(res.headers["www-authenticate"]).toMatch(/^DPoP realm="[^"]*"/);
      expect(res.headers["www-authenticate"]).not.toMatch(/Bearer/);
    });

    it("DPOP=disabled: the DPoP scheme is no credentials (bare Bearer 401), plain Bearer tokens pass", async () => {
      const token = await bound(["event.read"]);
      const res = await send(disabled, "/events", token, { proof: await proof("/events", token) });
      expect(res.status).toBe(401);
      expect(res.body.error).toBeUndefined();
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="[^"]*"/);
      expect(res.headers["www-authenticate"]).not.toMatch(/DPoP/);
      const plain = await authority().mint({ scope: ["event.read"] });
      expect((await send(disabled, "/events", plain, { scheme: "Bearer" })).status).toBe(200);
    });

    it("publishes what it enforces in the RFC 9728 metadata", async () => {
      const metadata = async (service: RunningExample) =>
        (await request(service.url).get("/.well-known/oauth-protected-resource")).body;
      expect(await metadata(allowed)).toMatchObject({
        dpop_signing_alg_values_supported: DPOP_ALGS.split(" "),
        dpop_bound_access_tokens_required: false,
      });
      expect(await metadata(required)).toMatchObject({ dpop_bound_access_tokens_required: true });
      expect(await metadata(disabled)).not.toHaveProperty("dpop_signing_alg_values_supported");
    });

    it("exits with code 2 and one line on stderr naming DPOP when it is not allowed, required or disabled", async () => {
      const run = await runToExit(target, { ...env(), DPOP: "sometimes" });
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(/DPOP/);
      expect(run.stdout).not.toMatch(/listening/);
    });
  });
}

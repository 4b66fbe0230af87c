import { createDpopKey, createTestAuthority, type DpopKey, type TestAuthority } from "@scopegate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createVerifier,
  type ReplayStore,
  type RequestLike,
  type ScopegateEvent,
  type VerifierOptions,
} from "../src/index.js";
import { failure } from "./support/failure.js";

const ORIGIN = "https://api.example.com";
const URL_EVENTS = `${ORIGIN}/events`;

const request = (token: string, proof: string): RequestLike => ({
  method: "GET",
  url: "/events",
  headers: { authorization: `DPoP ${token}`, dpop: proof },
});

describe("replay_detected", () => {
  let authority: TestAuthority;
  let key: DpopKey;
  beforeAll(async () => {
    authority = await createTestAuthority();
    key = await createDpopKey();
  });
  afterAll(() => authority.close());

  function observed(dpop: VerifierOptions["dpop"] = { publicUrl: ORIGIN }) {
    const events: ScopegateEvent[] = [];
    const verifier = createVerifier({
      ...authority.verifierOptions(),
      dpop,
      onEvent: (event) => events.push(event),
    });
    return { verifier, events };
  }

  it("is reported once for a replayed DPoP proof, with the binding and the token's issuer, beside the refusal", async () => {
    const { verifier, events } = observed();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await verifier.authenticate(request(token, proof));
    expect(events.filter((e) => e.type === "replay_detected")).toEqual([]);
    expect((await failure(verifier.authenticate(request(token, proof)))).code).toBe(
      "ERR_DPOP_PROOF_REPLAYED",
    );
    expect(events.filter((e) => e.type === "replay_detected")).toEqual([
      { type: "replay_detected", binding: "dpop", issuer: authority.issuer },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: "token_refused",
      code: "ERR_DPOP_PROOF_REPLAYED",
      status: 401,
    });
  });

  it("is reported for a replay a shared (asynchronous) store detects", async () => {
    const seen = new Set<string>();
    const replayStore: ReplayStore = {
      markUsed: async (replayKey) => {
        const first = !seen.has(replayKey);
        seen.add(replayKey);
        return first;
      },
    };
    const { verifier, events } = observed({ publicUrl: ORIGIN, replayStore });
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await verifier.authenticate(request(token, proof));
    await failure(verifier.authenticate(request(token, proof)));
    expect(events.filter((e) => e.type === "replay_detected")).toHaveLength(1);
  });

  it("is not reported for other proof failures, nor when the store cannot answer (503)", async () => {
    const broken: ReplayStore = {
      markUsed: async () => {
        throw new Error("store down");
      },
    };
    const { verifier, events } = observed({ publicUrl: ORIGIN, replayStore: broken });
    const token = await authority.mint({ dpop: key });
    const wrongUrl = await key.proof({ method: "GET", url: `${ORIGIN}/other`, accessToken: token });
    expect((await failure(verifier.authenticate(request(token, wrongUrl)))).code).toBe("ERR_DPOP_PROOF_URL");
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    expect((await failure(verifier.authenticate(request(token, proof)))).status).toBe(503);
    expect(events.filter((e) => e.type === "replay_detected")).toEqual([]);
  });

  it("carries nothing from the proof or the token", async () => {
    const { verifier, events } = observed();
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await verifier.authenticate(request(token, proof));
    await failure(verifier.authenticate(request(token, proof)));
    const seen = JSON.stringify(events.filter((e) => e.type === "replay_detected"));
    for (const part of [...token.split("."), ...proof.split("."), key.thumbprint]) {
      expect(seen).not.toContain(part);
    }
  });

  it("still refuses the replay when nobody listens", async () => {
    const verifier = createVerifier({ ...authority.verifierOptions(), dpop: { publicUrl: ORIGIN } });
    const token = await authority.mint({ dpop: key });
    const proof = await key.proof({ method: "GET", url: URL_EVENTS, accessToken: token });
    await verifier.authenticate(request(token, proof));
    expect((await failure(verifier.authenticate(request(token, proof)))).code).toBe(
      "ERR_DPOP_PROOF_REPLAYED",
    );
  });
});

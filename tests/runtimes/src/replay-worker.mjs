// A Worker that replays the cases and DPoP requests POSTed to it through the bundled @scopegate/core
// (tests/runtimes).
import * as core from "@scopegate/core";
import { replayCases } from "./replay-core.mjs";
import { replayDpopCases } from "./replay-dpop.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response(null, { status: 200 });
    const fixture = await request.json();
    const results = await replayCases(core, fixture);
    const offloaded = await replayCases(core, fixture, { offloadSignatures: true });
    return Response.json({
      runtime: "workerd",
      results,
      offloaded,
      dpop: await replayDpopCases(core, fixture),
    });
  },
};

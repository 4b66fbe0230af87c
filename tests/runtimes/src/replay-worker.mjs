// A Worker that replays the cases POSTed to it through the bundled @scopegate/core (tests/runtimes).
import * as core from "@scopegate/core";
import { replayCases } from "./replay-core.mjs";

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response(null, { status: 200 });
    const results = await replayCases(core, await request.json());
    return Response.json({ runtime: "workerd", results });
  },
};

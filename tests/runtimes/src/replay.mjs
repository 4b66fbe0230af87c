// `bun src/replay.mjs <fixture.json>`, `deno run -A src/replay.mjs <fixture.json>`: replays the
// fixture's cases and DPoP requests through the built @scopegate/core and prints the outcomes as
// one JSON line (the cases twice: as they are, and with `offloadSignatures: true`).
import * as core from "@scopegate/core";
import { replayCases } from "./replay-core.mjs";
import { replayDpopCases } from "./replay-dpop.mjs";

const file = globalThis.Deno ? globalThis.Deno.args[0] : process.argv[2];
const url = new URL(file, `file://${globalThis.Deno ? globalThis.Deno.cwd() : process.cwd()}/`);
const fixture = globalThis.Deno
  ? JSON.parse(await globalThis.Deno.readTextFile(url))
  : JSON.parse(await globalThis.Bun.file(url).text());
const runtime = globalThis.Deno ? `Deno ${globalThis.Deno.version.deno}` : `Bun ${globalThis.Bun.version}`;
const results = await replayCases(core, fixture);
const offloaded = await replayCases(core, fixture, { offloadSignatures: true });
console.log(JSON.stringify({ runtime, results, offloaded, dpop: await replayDpopCases(core, fixture) }));

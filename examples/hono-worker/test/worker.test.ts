import { runCalendarSmoke } from "@scopegate-examples/conformance-suite";
import { bundleWorker, serveWorker } from "../scripts/workerd.mjs";

const worker = await bundleWorker(new URL("../src/worker.js", import.meta.url).pathname);

// The Worker bundled with esbuild and served by Cloudflare's workerd (from the npm registry), as
// `wrangler dev` would, without `nodejs_compat` and with it.
for (const flags of [[], ["nodejs_compat"]]) {
  runCalendarSmoke(
    `hono-worker on workerd${flags.length ? ` with ${flags.join(", ")}` : ""}`,
    async (vars) => {
      const served = await serveWorker({ code: worker, vars, compatibilityFlags: flags });
      return { url: served.url, stop: () => served.close() };
    },
  );
}

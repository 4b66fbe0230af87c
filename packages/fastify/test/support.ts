import type { RunningApp } from "@scopegate-examples/conformance-suite";
import fastify5, { type FastifyInstance } from "fastify";
import fastify4 from "fastify4";

/** A Fastify app as the tests use it, on either major (Fastify 4's types are not augmented). */
export type App = FastifyInstance;

/** Fastify 5 and Fastify 4, each without a logger. */
export const FRAMEWORKS: readonly [string, () => App][] = [
  ["Fastify 5", () => fastify5() as unknown as App],
  ["Fastify 4", () => fastify4() as unknown as App],
];

/** Starts `app` on 127.0.0.1 with an ephemeral port (real HTTP, not `inject`). */
export async function listen(app: App): Promise<RunningApp> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { RunningApp } from "@scopegate-examples/conformance-suite";
import type { Hono } from "hono";
import type { Env } from "hono/types";

/** Serves `app` with @hono/node-server on 127.0.0.1 with an ephemeral port (real HTTP). */
export function listen<E extends Env>(app: Hono<E>): Promise<RunningApp> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            (server as Server).close((error) => (error ? fail(error) : done()));
            (server as Server).closeAllConnections();
          }),
      });
    });
  });
}

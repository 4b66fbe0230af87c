import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A handler for one path; `undefined` paths answer 404. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A node:http server on 127.0.0.1 (ephemeral port) whose routes each test sets. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Sets (or replaces) what `path` answers. */
  route(path: string, handler: Handler): void;
  /** Requests received for `path` so far (counted on arrival, before any answer). */
  hits(path: string): number;
  /** Every request path received, in order. */
  readonly log: readonly string[];
  /** Forgets routes and counts. */
  reset(): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    log.push(path);
    const handler = routes.get(path);
    if (handler === undefined) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not_found"}');
      return;
    }
    Promise.resolve(handler(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    route: (path, handler) => {
      routes.set(path, handler);
    },
    hits: (path) => log.filter((p) => p === path).length,
    log,
    reset() {
      routes.clear();
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `body` as JSON (status 200 unless given). */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  };
}

/** Answers with a raw body and headers. */
export function raw(body: string | Buffer, status: number, headers: Record<string, string>): Handler {
  return (_req, res) => {
    res.writeHead(status, headers).end(body);
  };
}

/** Answers JSON from a function evaluated at request time (for key sets that change during a test). */
export function dynamicJson(body: () => unknown): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body()));
  };
}

/**
 * Holds every request until `release()` and then lets `inner` answer. `arrived` resolves when the
 * first request is in, so a test can observe "a fetch is under way" without sleeping.
 */
export function gate(inner: Handler): { handler: Handler; arrived: Promise<void>; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  return {
    handler: async (req, res) => {
      arrive();
      await released;
      await inner(req, res);
    },
    arrived,
    release,
  };
}

/** Never answers (the client's timeout must fire). */
export const hang: Handler = () => {};

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { FaultState, Outcome } from "./faults.js";
import type { IntrospectionHttpRequest } from "./introspection.js";
import { routeForPath } from "./metadata.js";
import { optionKeys, refuseUnknownKeys } from "./option-keys.js";

export interface ListenOptions {
  /** Interface to bind. Default: `"127.0.0.1"`. */
  host?: string;
  /** Port to bind; `0` picks a free one. Default: `0`. */
  port?: number;
}

/** What the HTTP server asks of the authority. */
export interface ServerHost {
  readonly faults: FaultState;
  /** Counts the request and applies the current simulation. */
  serve(endpoint: "jwks" | "discovery"): Outcome;
  /** Counts an introspection request, answers it and applies the current simulation. */
  serveIntrospection(request: IntrospectionHttpRequest): Promise<Outcome>;
}

/** Largest introspection request body read, in bytes. */
const MAX_REQUEST_BYTES = 65_536;

/** Reads a request body (at most {@link MAX_REQUEST_BYTES}; `undefined` past it). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks).toString()));
    req.on("error", () => resolve(undefined));
  });
}

/** The introspection request as the authority reads it. */
async function introspectionRequest(req: IncomingMessage): Promise<IntrospectionHttpRequest | undefined> {
  const body = await readBody(req);
  if (body === undefined) return undefined;
  const header = (name: string) => {
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  };
  return { method: req.method ?? "GET", header, body };
}

/** A running HTTP server for discovery, the JWKS and introspection. */
export interface RunningServer {
  /** `http://HOST:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** JWKS requests received. */
  readonly requests: number;
  /** Discovery requests received (both well-known paths). */
  readonly discoveryRequests: number;
  /** Introspection requests received. */
  readonly introspectionRequests: number;
  /** Destroys every open connection (keep-alive included), so the next request opens a new one. */
  dropConnections(): void;
  close(): Promise<void>;
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

const LISTEN_OPTION_KEYS = optionKeys<ListenOptions>()(["host", "port"]);

/** Starts the server on `host:port` (default 127.0.0.1, a free port). */
export async function startJwksServer(host: ServerHost, options: ListenOptions = {}): Promise<RunningServer> {
  refuseUnknownKeys(options, LISTEN_OPTION_KEYS, "listen()");
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let discoveryRequests = 0;
  let introspectionRequests = 0;

  const send = (req: IncomingMessage, res: ServerResponse, outcome: Outcome & { kind: "respond" }) => {
    res.writeHead(outcome.status, { ...outcome.headers, "content-length": Buffer.byteLength(outcome.body) });
    res.end(req.method === "HEAD" ? undefined : outcome.body);
  };

  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://test.invalid").pathname;
    const endpoint = routeForPath(pathname);
    if (!endpoint) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    if (endpoint === "introspection") {
      introspectionRequests += 1;
      void introspectionRequest(req)
        .then(async (request) => {
          if (request === undefined) {
            res.writeHead(413, { "content-type": "text/plain" }).end("Payload Too Large");
            return;
          }
          deliver(req, res, await host.serveIntrospection(request));
        })
        .catch(() => res.destroy());
      return;
    }
    if (endpoint === "jwks") requests += 1;
    else discoveryRequests += 1;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("Method Not Allowed");
      return;
    }
    deliver(req, res, host.serve(endpoint));
  });

  /** Sends an outcome: now, after its delay, or as a reset connection. */
  const deliver = (req: IncomingMessage, res: ServerResponse, outcome: Outcome) => {
    if (outcome.kind === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    if (outcome.delayMs <= 0) {
      send(req, res, outcome);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(req, res, outcome);
    }, outcome.delayMs);
    timers.add(timer);
    res.on("close", () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  server.on("connection", (socket: Socket) => {
    if (host.faults.consumeConnection()) {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // An idle keep-alive socket must not hold a test process open for long.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = formatUrl(address);

  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    get requests() {
      return requests;
    },
    get discoveryRequests() {
      return discoveryRequests;
    },
    get introspectionRequests() {
      return introspectionRequests;
    },
    dropConnections,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        dropConnections();
      });
      return closing;
    },
  };
}

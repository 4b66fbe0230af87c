/**
 * A misbehaving authorization server on 127.0.0.1 for the fault suites (jwks-faults, soak): each
 * path can be told to answer normally, reset the connection, hang, answer late, fail, send HTML,
 * truncated JSON or 50 MB, redirect in a loop, … and every request and connection is counted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createGzip } from "node:zlib";

export type Behaviour =
  /** The normal answer: the JWKS, or the metadata. */
  | { kind: "ok" }
  /** JSON `body`, with `status` and `contentType` (defaults 200, application/json). */
  | { kind: "json"; body: unknown; status?: number; contentType?: string }
  /** Raw text. */
  | { kind: "raw"; body: string; status?: number; contentType?: string }
  /** Destroys the socket without answering (ECONNRESET / socket hang up). */
  | { kind: "reset" }
  /** Accepts the request and never answers. */
  | { kind: "hang" }
  /** The normal answer, `delayMs` late. */
  | { kind: "slow"; delayMs: number }
  /** Declares a Content-Length, sends half the body, then drops the connection. */
  | { kind: "truncated" }
  /** Streams `bytes` of JSON-looking filler (optionally declaring the length up front). */
  | { kind: "huge"; bytes: number; declareLength?: boolean }
  /** Streams `bytes` of filler gzip-compressed (`Content-Encoding: gzip`). */
  | { kind: "gzip-bomb"; bytes: number }
  /** Answers `status` (default 302) with `Location: location`. */
  | { kind: "redirect"; location: string; status?: number };

export interface FaultServer {
  /** `http://127.0.0.1:<port>`, also the issuer identifier. */
  readonly origin: string;
  /** `${origin}/jwks.json` */
  readonly jwksUri: string;
  /** What `/jwks.json` publishes when it answers normally. */
  jwks: () => unknown;
  /** What the metadata documents publish when they answer normally. Default: `{ issuer: origin, jwks_uri }`. */
  metadata: () => unknown;
  /** Sets how `path` answers (`/jwks.json`, `/.well-known/…`, or any other path). */
  set(path: string, behaviour: Behaviour): void;
  /** Requests received for `path`. */
  hits(path: string): number;
  /** Body bytes written for `path` (to show a client gave up early). */
  bytesSent(path: string): number;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Back to normal answers; counters cleared (open keep-alive connections are left alone). */
  reset(): void;
  /** Stops listening and drops every connection: clients get "connection refused". */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const METADATA_PATHS = ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"];

export async function startFaultServer(): Promise<FaultServer> {
  const behaviours = new Map<string, Behaviour>();
  const hits = new Map<string, number>();
  const sent = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let connections = 0;
  let listening = false;

  const count = (map: Map<string, number>, path: string, n: number) =>
    map.set(path, (map.get(path) ?? 0) + n);

  const normal = (path: string): unknown => (METADATA_PATHS.includes(path) ? api.metadata() : api.jwks());

  function send(path: string, res: ServerResponse, status: number, type: string, body: string): void {
    count(sent, path, Buffer.byteLength(body));
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
  }

  /** Writes filler until `bytes` are out or the client goes away, honouring backpressure. */
  function stream(
    path: string,
    res: NodeJS.WritableStream,
    bytes: number,
    onSent: (n: number) => void,
  ): void {
    const chunk = Buffer.from(`${" ".repeat(16_383)}\n`);
    let written = 0;
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    res.on("error", () => {
      closed = true;
    });
    const pump = () => {
      while (!closed && written < bytes) {
        written += chunk.length;
        onSent(chunk.length);
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    res.write('{"keys":[');
    count(sent, path, 9);
    pump();
  }

  function answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? "/").split("?")[0]!;
    count(hits, path, 1);
    const known = path === "/jwks.json" || METADATA_PATHS.includes(path);
    const behaviour = behaviours.get(path) ?? (known ? { kind: "ok" } : undefined);
    if (behaviour === undefined) {
      send(path, res, 404, "application/json", '{"error":"not_found"}');
      return;
    }
    switch (behaviour.kind) {
      case "ok":
        send(path, res, 200, "application/json", JSON.stringify(normal(path)));
        return;
      case "json":
        send(
          path,
          res,
          behaviour.status ?? 200,
          behaviour.contentType ?? "application/json",
          JSON.stringify(behaviour.body),
        );
        return;
      case "raw":
        send(path, res, behaviour.status ?? 200, behaviour.contentType ?? "application/json", behaviour.body);
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "hang":
        return;
      case "slow": {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(path, res, 200, "application/json", JSON.stringify(normal(path)));
        }, behaviour.delayMs);
        timers.add(timer);
        return;
      }
      case "truncated": {
        const body = JSON.stringify(normal(path));
        const half = body.slice(0, Math.floor(body.length / 2));
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
        res.write(half);
        count(sent, path, Buffer.byteLength(half));
        setImmediate(() => req.socket.destroy());
        return;
      }
      case "huge":
        res.writeHead(200, {
          "content-type": "application/json",
          ...(behaviour.declareLength ? { "content-length": behaviour.bytes } : {}),
        });
        stream(path, res, behaviour.bytes, (n) => count(sent, path, n));
        return;
      case "gzip-bomb": {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
        const gzip = createGzip();
        gzip.on("data", (data: Buffer) => count(sent, path, data.length));
        gzip.pipe(res);
        res.on("close", () => gzip.destroy());
        stream(path, gzip, behaviour.bytes, () => {});
        return;
      }
      case "redirect":
        res.writeHead(behaviour.status ?? 302, { location: behaviour.location }).end();
        return;
    }
  }

  const server: Server = createServer(answer);
  server.on("connection", (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const dropAll = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const api: FaultServer = {
    origin,
    jwksUri: `${origin}/jwks.json`,
    jwks: () => ({ keys: [] }),
    metadata: () => ({ issuer: origin, jwks_uri: `${origin}/jwks.json` }),
    set: (path, behaviour) => {
      behaviours.set(path, behaviour);
    },
    hits: (path) => hits.get(path) ?? 0,
    bytesSent: (path) => sent.get(path) ?? 0,
    get connections() {
      return connections;
    },
    reset() {
      behaviours.clear();
      hits.clear();
      sent.clear();
      connections = 0;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
    async stop() {
      if (!listening) return;
      listening = false;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      await closed;
    },
    async start() {
      if (!listening) await listen(port);
    },
    async close() {
      await api.stop();
    },
  };
  return api;
}

/** A loopback port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

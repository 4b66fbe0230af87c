import { connect } from "node:net";

/** A response read off the wire, or the fact that the server dropped the connection instead. */
export interface RawResponse {
  /** 0 when the connection was reset or closed before a status line arrived. */
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The response head exactly as received (status line and header lines). */
  head: string;
  body: string;
  /** The socket error, if any (`ECONNRESET`, `EPIPE`, …). */
  error?: string;
}

/**
 * Sends one HTTP/1.1 request over a fresh socket, header bytes exactly as given (latin1), so tests
 * can send what no HTTP client library would: repeated headers, control bytes, obs-fold, 100 KB lines.
 */
export function rawRequest(
  origin: string,
  path: string,
  headers: ReadonlyArray<readonly [string, string]> = [],
  options: { rawHeaderBlock?: string; method?: string } = {},
): Promise<RawResponse> {
  const url = new URL(origin);
  const lines = [
    `${options.method ?? "GET"} ${path} HTTP/1.1`,
    `Host: ${url.host}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    "Connection: close",
  ];
  const request = Buffer.from(`${lines.join("\r\n")}\r\n${options.rawHeaderBlock ?? ""}\r\n`, "latin1");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const socket = connect(Number(url.port), url.hostname);
    socket.setTimeout(15_000, () => {
      error = "ETIMEDOUT";
      socket.destroy();
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on("close", () => resolve(parse(Buffer.concat(chunks), error)));
    // No half-close: Node's HTTP server would abort a request still in flight when the client ends its side.
    socket.write(request);
  });
}

function parse(bytes: Buffer, error: string | undefined): RawResponse {
  const text = bytes.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (!text.startsWith("HTTP/1.1 ") || end < 0) {
    return { status: 0, headers: {}, head: text, body: "", ...(error ? { error } : {}) };
  }
  const head = text.slice(0, end);
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(Buffer.byteLength(head, "latin1") + 4);
  if (headers["transfer-encoding"]?.toLowerCase() === "chunked") body = dechunk(body);
  return {
    status: Number(statusLine!.split(" ")[1]),
    headers,
    head,
    body: body.toString("utf8"),
    ...(error ? { error } : {}),
  };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface CallOptions {
  method?: string;
  /** A record, or `[name, value]` pairs to send a header more than once. */
  headers?: Record<string, string> | Array<[string, string]>;
  body?: string;
}

export interface CallResult {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** One HTTP request over a real socket (no agent reuse), with raw control over repeated headers. */
export function call(base: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const url = new URL(path, base);
  // A raw header list replaces Node's defaults, Host included.
  const headers = Array.isArray(options.headers)
    ? [["host", url.host], ...options.headers].flat()
    : (options.headers ?? {});
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

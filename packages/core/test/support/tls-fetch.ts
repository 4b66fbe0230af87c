import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import type { FetchLike } from "../../src/index.js";

/**
 * A `fetch` over node:http and node:https that trusts `ca` (a test CA, which the global `fetch`
 * cannot be told about without undici's Agent). Real sockets, real TLS; it never follows a redirect
 * itself (scopegate asks for `redirect: "manual"` and follows by hand). `requested` lists every URL.
 */
export function tlsFetch(ca: string): FetchLike & { requested: string[] } {
  const requested: string[] = [];
  const doFetch = (input: string, init?: RequestInit): Promise<Response> =>
    new Promise((resolve, reject) => {
      requested.push(input);
      const url = new URL(input);
      const options: RequestOptions & { ca?: string } = {
        method: init?.method ?? "GET",
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        agent: false,
        ...(url.protocol === "https:" ? { ca } : {}),
      };
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(url, options, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          const status = res.statusCode ?? 500;
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
      });
      req.on("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
      init?.signal?.addEventListener("abort", () => req.destroy(new Error("aborted")));
      req.end();
    });
  return Object.assign(doFetch, { requested });
}

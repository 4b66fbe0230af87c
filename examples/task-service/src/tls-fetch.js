// @ts-check
import { Agent, request } from "node:https";

/**
 * What a TLS client trusts and, for mutual TLS, presents.
 * @typedef {object} TlsClientOptions
 * @property {string} ca PEM CA certificate the servers' certificates must chain to
 * @property {string} [cert] PEM client certificate to present. Default: none.
 * @property {string} [key] PEM private key of `cert`
 */

/** @typedef {(input: string | URL, init?: RequestInit) => Promise<Response>} FetchLike */

/** @param {RequestInit["headers"]} headers */
function headerRecord(headers) {
  return Object.fromEntries(new Headers(headers).entries());
}

/**
 * A `fetch` over `node:https` that trusts `ca` and presents `cert` (Node's own `fetch` takes no
 * client certificate). Enough for oauth4webapi's `customFetch` and the calendar calls: string or
 * `URLSearchParams` bodies, `AbortSignal`, one request per connection.
 * @param {TlsClientOptions} tls
 * @returns {FetchLike}
 */
export function createTlsFetch(tls) {
  const agent = new Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, keepAlive: false });
  return (input, init = {}) =>
    new Promise((resolve, reject) => {
      const url = new URL(String(input));
      if (url.protocol !== "https:") {
        reject(new TypeError(`createTlsFetch speaks https only, not ${url.protocol}`));
        return;
      }
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const outgoing = request(
        url,
        {
          agent,
          method: init.method ?? "GET",
          headers: headerRecord(init.headers),
          signal: init.signal ?? undefined,
        },
        (incoming) => {
          /** @type {Buffer[]} */
          const chunks = [];
          incoming.on("data", (chunk) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () => {
            const status = incoming.statusCode ?? 500;
            const headers = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              for (const one of [value ?? []].flat()) headers.append(name, one);
            }
            const nullBody = status === 204 || status === 304 || chunks.length === 0;
            resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers }));
          });
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
}

import { request } from "node:https";
import type { TestCertificate } from "@scopegate/testing";

/** What {@link getOverTls} saw: the status, the `WWW-Authenticate` challenge, and the JSON body. */
export interface TlsAnswer<Body = Record<string, unknown>> {
  status: number;
  challenge: string | undefined;
  body: Body;
}

/**
 * One HTTPS GET of `url` (with `Authorization: Bearer <token>` when a token is given), trusting `ca`,
 * presenting `client`'s certificate when given, on a fresh connection (so each call's TLS handshake
 * is its own).
 */
export function getOverTls<Body = Record<string, unknown>>(
  url: string,
  ca: string,
  token?: string,
  client?: TestCertificate,
  headers: Record<string, string> = {},
): Promise<TlsAnswer<Body>> {
  return new Promise((resolve, reject) => {
    const tls = client ? { key: client.key, cert: client.cert } : {};
    const authorization = token === undefined ? {} : { authorization: `Bearer ${token}` };
    request(url, { ca, agent: false, headers: { ...authorization, ...headers }, ...tls }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => {
        try {
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers["www-authenticate"] as string | undefined,
            body: JSON.parse(text) as Body,
          });
        } catch (error) {
          reject(error);
        }
      });
    })
      .on("error", reject)
      .end();
  });
}

import request from "supertest";
import type { Credentials } from "./token-cases.js";

export type Method = "get" | "post" | "put" | "delete";

export interface CallOptions extends Credentials {
  method?: Method;
  /** A JSON body (sent as `application/json`), or raw text with `contentType`. */
  body?: unknown;
  contentType?: string;
}

/** One HTTP request to `baseUrl` with supertest; resolves whatever the status. */
export async function call(
  baseUrl: string,
  path: string,
  options: CallOptions = {},
): Promise<request.Response> {
  const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
  let test = request(baseUrl)[options.method ?? "get"](`${path}${query}`);
  // An array sends one Authorization line per value (superagent's types only know that for Cookie).
  if (options.authorization !== undefined) test = test.set("Authorization", options.authorization as string);
  if (options.contentType) test = test.set("Content-Type", options.contentType);
  if (options.body !== undefined) test = test.send(options.body as object);
  return test.buffer(true).ok(() => true);
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Credentials {
  return { authorization: `Bearer ${token}` };
}

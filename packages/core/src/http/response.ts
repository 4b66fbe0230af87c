import type { BearerError, BearerErrorBody } from "./errors.js";

/** Everything an adapter needs to answer a failed request. */
export interface ErrorResponse {
  status: number;
  /** Includes `Content-Type: application/json`, `Cache-Control: no-store` and the error's own headers. */
  headers: Record<string, string>;
  body: BearerErrorBody;
}

/** Translates a scopegate error into the RFC 6750 response: status, headers and JSON body. */
export function toErrorResponse(error: BearerError): ErrorResponse {
  return {
    status: error.status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
      ...error.headers,
    },
    body: error.body(),
  };
}

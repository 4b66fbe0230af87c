// @ts-check
/**
 * The calendar's own failures (scopegate answers for its own): JSON `{ error, error_description }`
 * with fixed texts, never a framework's or a body parser's message, which may quote the request.
 * Node-free, so that the Worker uses it too.
 */

/**
 * @param {string} error
 * @param {string} description
 * @returns {{ readonly error: string, readonly error_description: string }}
 */
export function failure(error, description) {
  return Object.freeze({ error, error_description: description });
}

export const NOT_AN_OBJECT = failure("invalid_request", "The request body must be a JSON object");
export const NOT_JSON = failure("invalid_request", "The request body is not valid JSON");
export const NOT_FOUND = failure("not_found", "No route matches this method and path");
export const SERVER_ERROR = failure("server_error", "The server failed to handle the request");
const TOO_LARGE = failure("invalid_request", "The request body is too large");
const UNSUPPORTED = failure("invalid_request", "The request body's media type or encoding is not supported");

/**
 * The failure for an error status a framework or its body parser raised: 404, 413, 415, any other
 * 4xx (a body that is not JSON), else 500.
 * @param {number} status
 */
export function failureForStatus(status) {
  if (status === 404) return NOT_FOUND;
  if (status === 413) return TOO_LARGE;
  if (status === 415) return UNSUPPORTED;
  if (status >= 400 && status < 500) return NOT_JSON;
  return SERVER_ERROR;
}

// @ts-check

/**
 * What the calendar service answered.
 * @typedef {object} CalendarResponse
 * @property {number} status
 * @property {unknown} body the parsed JSON body, or `null` when there is none
 * @property {string | null} challenge the `WWW-Authenticate` header, if any
 */

/**
 * @typedef {object} CalendarRequest
 * @property {"GET" | "POST" | "DELETE"} method
 * @property {string} path
 * @property {unknown} [json] JSON request body
 * @property {import("./token-source.js").AccessToken | null} token the token to send; `null` sends no `Authorization` header
 * @property {Record<string, string>} [headers] more headers, sent as they are (they win over the token's). Default: none.
 */

/**
 * One HTTP request to the calendar service.
 * @param {string} baseUrl
 * @param {CalendarRequest} request
 * @param {import("./tls-fetch.js").FetchLike} [send] the `fetch` to use (mutual TLS: `createTlsFetch`). Default: `fetch`.
 * @returns {Promise<CalendarResponse>}
 */
export async function callCalendar(baseUrl, request, send = fetch) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (request.token) headers.authorization = request.token.authorization();
  if (request.json !== undefined) headers["content-type"] = "application/json";
  const response = await send(new URL(request.path, baseUrl), {
    method: request.method,
    headers: { ...headers, ...request.headers },
    ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  return readCalendarResponse(response);
}

/**
 * The status, JSON body and challenge of a calendar answer.
 * @param {Response} response
 * @returns {Promise<CalendarResponse>}
 */
export async function readCalendarResponse(response) {
  const text = await response.text();
  /** @type {unknown} */
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body, challenge: response.headers.get("www-authenticate") };
}

/**
 * The task service's view of the calendar API: each call sends a (cached) token from `tokens`.
 * @typedef {object} CalendarClient
 * @property {(event: { title: string, [field: string]: unknown }) => Promise<CalendarResponse>} createEvent
 * @property {() => Promise<CalendarResponse>} listEvents
 * @property {(id: string) => Promise<CalendarResponse>} deleteEvent
 */

/**
 * @param {string} baseUrl
 * @param {import("./token-source.js").TokenSource} tokens
 * @returns {CalendarClient}
 */
export function createCalendarClient(baseUrl, tokens) {
  /** @param {CalendarRequest["method"]} method @param {string} path @param {unknown} [json] */
  const call = async (method, path, json) => {
    const { token } = await tokens.getToken();
    return callCalendar(baseUrl, { method, path, token, ...(json !== undefined ? { json } : {}) });
  };
  return {
    createEvent: (event) => call("POST", "/events", event),
    listEvents: () => call("GET", "/events"),
    deleteEvent: (id) => call("DELETE", `/events/${encodeURIComponent(id)}`),
  };
}

import type { AccessToken, TokenSource } from "./token-source.js";

/** What the calendar service answered. */
export interface CalendarResponse {
  status: number;
  /** The parsed JSON body, or `null` when there is none. */
  body: unknown;
  /** The `WWW-Authenticate` header, if any. */
  challenge: string | null;
}

export interface CalendarRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** JSON request body. */
  json?: unknown;
  /** The token to send; `null` sends no `Authorization` header. */
  token: AccessToken | null;
}

/** One HTTP request to the calendar service. */
export async function callCalendar(baseUrl: string, request: CalendarRequest): Promise<CalendarResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.token) headers.authorization = request.token.authorization();
  if (request.json !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(new URL(request.path, baseUrl), {
    method: request.method,
    headers,
    ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body, challenge: response.headers.get("www-authenticate") };
}

export interface CalendarEvent {
  id: string;
  title: string;
  [field: string]: unknown;
}

/** The task service's view of the calendar API: each call uses a (cached) token from `tokens`. */
export interface CalendarClient {
  createEvent(event: { title: string; [field: string]: unknown }): Promise<CalendarResponse>;
  listEvents(): Promise<CalendarResponse>;
  deleteEvent(id: string): Promise<CalendarResponse>;
}

export function createCalendarClient(baseUrl: string, tokens: TokenSource): CalendarClient {
  const call = async (method: CalendarRequest["method"], path: string, json?: unknown) => {
    const { token } = await tokens.getToken();
    return callCalendar(baseUrl, { method, path, token, ...(json !== undefined ? { json } : {}) });
  };
  return {
    createEvent: (event) => call("POST", "/events", event),
    listEvents: () => call("GET", "/events"),
    deleteEvent: (id) => call("DELETE", `/events/${encodeURIComponent(id)}`),
  };
}

import type { ServerResponse } from "node:http";

/** Writes a status, headers and an optional body (an object is sent as JSON) to a Node response. */
export function sendNodeResponse(
  res: ServerResponse,
  answer: { status: number; headers: Record<string, string>; body: unknown },
): void {
  const payload =
    answer.body === undefined
      ? undefined
      : typeof answer.body === "string"
        ? answer.body
        : JSON.stringify(answer.body);
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  if (payload === undefined) {
    res.end();
    return;
  }
  res.setHeader("Content-Length", Buffer.byteLength(payload));
  res.end(payload);
}

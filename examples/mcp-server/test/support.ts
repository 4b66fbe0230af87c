import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

/** The example's folder: `spawnExample` runs its `start` script there. */
export const EXAMPLE = { cwd: fileURLToPath(new URL("..", import.meta.url)) };

/**
 * The SDK's own client on `<url>/mcp` with `Authorization: Bearer <token>` (none without a token),
 * connected; every HTTP response it got is pushed to `seen` (a clone), also when connecting fails.
 */
export async function connectClient(
  url: string,
  token: string | undefined,
  seen: Response[] = [],
): Promise<Client> {
  const client = new Client({ name: "scopegate-example-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      seen.push(response.clone());
      return response;
    },
  });
  await client.connect(transport);
  return client;
}

/** A JSON-RPC `tools/list` POST to `<url>/mcp` with plain fetch, as any HTTP client sends it. */
export function postToolsList(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
}

/** The `WWW-Authenticate` header of the first response in `seen` with `status`. */
export function challengeOf(seen: readonly Response[], status: number): string | null {
  return seen.find((response) => response.status === status)?.headers.get("www-authenticate") ?? null;
}

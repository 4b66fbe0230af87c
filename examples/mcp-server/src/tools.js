// @ts-check
/**
 * The MCP server's tools: `list_events` (needs `event.read`) and `create_event` (needs
 * `event.create`; input `{ "title": string }`). Each tool's scope is its `scopeChallenge`: a call
 * without it is answered with HTTP 403 `insufficient_scope` naming that scope, before the tool runs.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { requireToolScopes } from "@scopegate/mcp";
import * as z from "zod/v4";

/** Every scope a tool asks for, published as `scopes_supported`. */
export const MCP_SCOPES = Object.freeze(["event.read", "event.create"]);

/**
 * A JSON tool result: the value as text (for any client) and as structured content.
 * @param {Record<string, unknown>} value
 */
function result(value) {
  return {
    content: [{ type: /** @type {const} */ ("text"), text: JSON.stringify(value) }],
    structuredContent: value,
  };
}

/**
 * A fresh server for one request (the handler is stateless), over the process's one event store.
 * @param {import("@scopegate-examples/calendar-common/events").EventStore} events
 * @returns {McpServer}
 */
export function createCalendarServer(events) {
  const server = new McpServer({ name: "scopegate-calendar", version: "1.0.0" });
  server.registerTool(
    "list_events",
    {
      description: "Lists the calendar's events. Needs the scope event.read.",
      annotations: { readOnlyHint: true },
      scopeChallenge: requireToolScopes(["event.read"]),
    },
    async () => result({ events: events.list() }),
  );
  server.registerTool(
    "create_event",
    {
      description: "Creates an event with a title. Needs the scope event.create.",
      inputSchema: z.object({ title: z.string() }),
      scopeChallenge: requireToolScopes(["event.create"]),
    },
    async ({ title }) => result(events.create({ title })),
  );
  return server;
}

// @ts-check
import { hostHeaderValidation, originValidation } from "@modelcontextprotocol/express";
import { toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { mcpBearerAuth, mcpResourceMetadata } from "@scopegate/mcp";
import { NOT_FOUND, SERVER_ERROR } from "@scopegate-examples/calendar-common/failures";
import express from "express";
import { MCP_PATH } from "./config.js";
import { createCalendarServer, MCP_SCOPES } from "./tools.js";

/** Host names every loopback client may use. */
const LOOPBACK_HOSTNAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The MCP server (the "MCP example" of ../../shared/conformance.md): `POST /mcp` (Streamable HTTP,
 * stateless), the RFC 9728 metadata at `/.well-known/oauth-protected-resource/mcp`, `GET /health`.
 *
 * On `/mcp`, in this order: the `Host` and `Origin` checks the MCP transport asks for against DNS
 * rebinding (the public URL's host name and loopback; 403), scopegate's bearer check (401 with
 * `resource_metadata`, 400, 503), then the SDK's handler, whose tools check their own scopes (403).
 *
 * @param {{
 *   verifier: import("@scopegate/mcp").Verifier,
 *   events: import("@scopegate-examples/calendar-common/events").EventStore,
 *   publicUrl: string,
 * }} options
 * @returns {{ app: express.Express, close: () => Promise<void> }}
 */
export function createApp({ verifier, events, publicUrl }) {
  const app = express();
  app.disable("x-powered-by");
  app.use(mcpResourceMetadata(verifier, { scopesSupported: MCP_SCOPES }));
  app.get("/health", (_req, res) => {
    res.json({ ok: true });
  });

  const hostnames = [...new Set([new URL(publicUrl).hostname, ...LOOPBACK_HOSTNAMES])];
  const handler = createMcpHandler(() => createCalendarServer(events));
  const node = toNodeHandler(handler);
  app.all(
    MCP_PATH,
    hostHeaderValidation(hostnames),
    originValidation(hostnames),
    mcpBearerAuth(verifier),
    // The SDK reads the body itself, after authentication.
    (req, res) => void node(req, res),
  );

  app.use((_req, res) => {
    res.status(404).json(NOT_FOUND);
  });
  /** @type {express.ErrorRequestHandler} */
  const lastResort = (error, _req, res, next) => {
    if (res.headersSent) return next(error);
    console.error(error);
    res.status(500).json(SERVER_ERROR);
  };
  app.use(lastResort);
  return { app, close: () => handler.close() };
}

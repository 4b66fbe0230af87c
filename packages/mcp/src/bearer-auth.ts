import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { isBearerError, type RequestLike, toErrorResponse, type Verifier } from "@scopegate/core";
import { toAuthInfo } from "./auth-info.js";
import { sendNodeResponse } from "./node-response.js";

/** A Node request as Express (or Connect, or plain `node:http`) hands it over. */
export type McpNodeRequest = IncomingMessage & {
  /** Set by {@link mcpBearerAuth}: the SDK's transports and `toNodeHandler` read it. */
  auth?: AuthInfo;
};

/**
 * A Node middleware: Express and Connect call it with `next`. Generic over the request, so that
 * Express keeps its own request type for the handlers after it.
 */
export type McpNodeMiddleware = <Req extends IncomingMessage, Res extends ServerResponse>(
  req: Req,
  res: Res,
  next: (error?: unknown) => void,
) => void;

/**
 * Node middleware (Express, Connect) for an MCP endpoint: verifies the request's bearer token with
 * scopegate and sets `req.auth` to the SDK's `AuthInfo`, which `toNodeHandler()` and
 * `NodeStreamableHTTPServerTransport` pass to the server (`ctx.http.authInfo`, and the tools'
 * `scopeChallenge`). A failure is answered at once, as RFC 6750 and the MCP authorization spec say:
 * 401 with `WWW-Authenticate: Bearer realm="…", resource_metadata="…"` (plus `error="invalid_token"`
 * for a bad token), 400 `invalid_request`, or 503 with `Retry-After` when no key can be had.
 */
export function mcpBearerAuth(verifier: Verifier): McpNodeMiddleware {
  const { options } = verifier;
  return function scopegateMcpBearerAuth(req: IncomingMessage, res: ServerResponse, next) {
    // Express adds `query` and `body`, which extraction reads to refuse a second token.
    verifier.authenticate(req as unknown as RequestLike).then(
      (token) => {
        (req as McpNodeRequest).auth = toAuthInfo(token, options);
        next();
      },
      (error: unknown) => {
        if (isBearerError(error) && !res.headersSent) sendNodeResponse(res, toErrorResponse(error));
        else next(error);
      },
    );
  };
}

import type { ScopeChallengeHandler } from "@modelcontextprotocol/server";
import { checkScopeRequirement, hasScopes, type ScopeRequirement } from "@scopegate/core";

/** Options of {@link requireToolScopes}. */
export interface ToolScopesOptions {
  /** Whether the token needs every listed scope (`"all"`) or at least one (`"any"`). Default: `"all"`. */
  match?: "all" | "any";
}

/**
 * A per-tool (or per-prompt, per-resource) scope requirement for the MCP SDK's `scopeChallenge`
 * registration option: a call whose token lacks the scopes is answered, before the tool runs, with
 * HTTP 403 and `WWW-Authenticate: Bearer error="insufficient_scope", scope="…",
 * resource_metadata="…"` (the scopes this tool needs; the metadata URL from `AuthInfo`, which
 * `mcpBearerAuth()` fills). MCP clients read it and may step up. Scopes are checked now: an empty
 * list or an invalid scope throws a `TypeError`.
 *
 * ```ts
 * server.registerTool("create_event", { inputSchema, scopeChallenge: requireToolScopes(["event.create"]) }, handler);
 * ```
 */
export function requireToolScopes(
  scopes: readonly string[],
  options: ToolScopesOptions = {},
): ScopeChallengeHandler {
  const match = options.match ?? "all";
  if (match !== "all" && match !== "any")
    throw new TypeError(
      `scopegate: invalid option \`match\`: expected "all" or "any"; got ${JSON.stringify(match)}.`,
    );
  const requirement: ScopeRequirement = match === "any" ? { anyOf: [...scopes] } : { allOf: [...scopes] };
  checkScopeRequirement(requirement);
  const challenge = { scopes: [...scopes] as [string, ...string[]] };
  return ({ authInfo }) => {
    // No AuthInfo: the request was not authenticated; that is the authentication gate's to refuse.
    if (authInfo === undefined || hasScopes(authInfo.scopes, requirement)) return undefined;
    return challenge;
  };
}

// @ts-check
import { callCalendar } from "./calendar-client.js";

/**
 * RFC 9728 discovery: a request without a token is answered 401 with `resource_metadata`; that
 * document names the resource and its authorization servers; the authorization server's RFC 8414
 * metadata names its token endpoint. Records one step each; returns the resource (`undefined` when
 * discovery failed: the scenario then goes on with the configured audience) and the DPoP proof
 * algorithms the resource accepts (empty: DPoP is off there).
 * @param {string} calendarUrl
 * @param {string} issuer
 * @param {(title: string, ok: boolean, detail: string) => void} check
 * @returns {Promise<{ resource: string | undefined, dpopAlgorithms: string[] }>}
 */
export async function discover(calendarUrl, issuer, check) {
  const first = await callCalendar(calendarUrl, { method: "GET", path: "/events", token: null });
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(first.challenge ?? "")?.[1];
  check(
    `GET    /events without a token → ${first.status}`,
    first.status === 401 && metadataUrl !== undefined,
    `resource_metadata="${metadataUrl ?? "(none)"}"`,
  );
  if (metadataUrl === undefined) return { resource: undefined, dpopAlgorithms: [] };
  const metadata = await fetchJson(metadataUrl);
  const servers = Array.isArray(metadata?.authorization_servers) ? metadata.authorization_servers : [];
  const resource = typeof metadata?.resource === "string" ? metadata.resource : undefined;
  check(
    "protected resource metadata read",
    resource !== undefined && servers.includes(issuer),
    `resource ${resource ?? "(none)"}, authorization_servers ${JSON.stringify(servers)}, scopes_supported ${JSON.stringify(metadata?.scopes_supported ?? [])}`,
  );
  const server = await fetchJson(`${issuer.replace(/\/$/, "")}/.well-known/oauth-authorization-server`);
  check(
    "authorization server metadata read",
    server?.issuer === issuer && typeof server?.token_endpoint === "string",
    `token_endpoint ${server?.token_endpoint ?? "(none)"}`,
  );
  const dpop = metadata?.dpop_signing_alg_values_supported;
  return { resource, dpopAlgorithms: Array.isArray(dpop) ? dpop.map(String) : [] };
}

/**
 * GETs a JSON document; `undefined` when it cannot be had.
 * @param {string} url
 * @returns {Promise<Record<string, any> | undefined>}
 */
async function fetchJson(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return response.ok ? /** @type {Record<string, any>} */ (await response.json()) : undefined;
  } catch {
    return undefined;
  }
}

import type { Outcome } from "./faults.js";
import type { IntrospectionHttpRequest } from "./introspection.js";
import type { AuthorityEndpoint } from "./metadata.js";

/** A `fetch`-compatible function (accepts what `@scopegate/core`'s `FetchLike` passes, and more). */
export type TestFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the in-memory fetch asks of the authority. */
export interface MemoryFetchHost {
  /** `"unknown-host"` for an origin the authority does not serve. */
  route(url: URL): AuthorityEndpoint | "not-found" | "unknown-host";
  /** Counts the request and applies the current simulation. */
  serve(endpoint: AuthorityEndpoint): Outcome;
  /** Counts an introspection request, answers it and applies the current simulation. */
  serveIntrospection(request: IntrospectionHttpRequest): Promise<Outcome>;
  readonly closed: boolean;
}

/** The introspection request a `fetch` call makes: method, headers and the form body as text. */
async function introspectionRequest(
  method: string,
  request: Request | undefined,
  init: RequestInit | undefined,
): Promise<IntrospectionHttpRequest> {
  const headers = new Headers(init?.headers ?? request?.headers);
  const raw = init?.body ?? (request ? await request.text() : undefined);
  const body = raw === undefined || raw === null ? "" : await new Response(raw).text();
  return { method, header: (name) => headers.get(name) ?? undefined, body };
}

function networkError(code: string, detail: string): TypeError {
  const cause = Object.assign(new Error(`${code} ${detail}`), { code });
  return new TypeError("fetch failed", { cause });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** Delays that `close()` can cut short, and that honour a request's `AbortSignal`. */
export class Sleeper {
  readonly #pending = new Set<(error: unknown) => void>();

  sleep(ms: number, signal: AbortSignal | undefined | null): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortReason(signal));
      const done = (error?: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#pending.delete(cancel);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => done(abortReason(signal!));
      const cancel = (error: unknown) => done(error);
      const timer = setTimeout(() => done(), ms);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#pending.add(cancel);
    });
  }

  /** Rejects every pending delay with `error`. */
  cancelAll(error: unknown): void {
    for (const cancel of [...this.#pending]) cancel(error);
  }
}

/**
 * A `fetch` that answers discovery, JWKS and introspection requests from memory, no port involved. Faults behave
 * as over the network: `"down"` rejects with `TypeError: fetch failed`, `"slow"` waits (and honours
 * `init.signal`, rejecting with its reason as `fetch` does).
 */
export function createMemoryFetch(host: MemoryFetchHost, sleeper: Sleeper): TestFetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const url = new URL(request ? request.url : String(input));
    const method = (init?.method ?? request?.method ?? "GET").toUpperCase();
    const signal = init?.signal ?? request?.signal;
    if (signal?.aborted) throw abortReason(signal);
    if (host.closed) throw networkError("ECONNREFUSED", `${url.host} (the test authority is closed)`);

    const route = host.route(url);
    if (route === "unknown-host") throw networkError("ENOTFOUND", url.hostname);
    if (route === "not-found") {
      return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } });
    }
    const outcome =
      route === "introspection"
        ? await host.serveIntrospection(await introspectionRequest(method, request, init))
        : serveGet(host, route, method);
    if (outcome instanceof Response) return outcome;
    if (outcome.kind === "reset") throw networkError("ECONNREFUSED", url.host);
    if (outcome.delayMs > 0) {
      await sleeper.sleep(outcome.delayMs, signal);
      if (host.closed) throw networkError("ECONNRESET", url.host);
    }
    return new Response(method === "HEAD" ? null : outcome.body, {
      status: outcome.status,
      headers: outcome.headers,
    });
  };
}

/** Discovery and the JWKS answer GET (and HEAD) only. */
function serveGet(host: MemoryFetchHost, route: "jwks" | "discovery", method: string): Outcome | Response {
  if (method !== "GET" && method !== "HEAD") {
    return new Response("Method Not Allowed", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  return host.serve(route);
}

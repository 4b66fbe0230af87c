/** Error codes of a connection the peer closed or reset under a request (undici, then Node's net). */
const RESET_CODES: ReadonlySet<string> = new Set(["UND_ERR_SOCKET", "ECONNRESET"]);
/** Causes looked at: `fetch`'s TypeError, undici's SocketError, and a little more. */
const MAX_CAUSE_DEPTH = 5;

/**
 * True when `error` (a rejected `fetch`) has a connection reset in its `cause` chain: the peer closed
 * or reset the connection under the request, as when a server drops an idle keep-alive connection
 * just as it is reused. Such a request never reached the application, so a GET is safe to send again.
 * A refused connection, a DNS failure, a TLS error or a timeout is not a reset.
 */
export function isConnectionReset(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== "object" || current === null) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && RESET_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

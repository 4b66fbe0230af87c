import { type ArgumentsHost, Catch, HttpException } from "@nestjs/common";
import { isBearerError, ScopegateExceptionFilter } from "@scopegate/nestjs";

const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

/** A failure of this API with its own `{ error, error_description }` (e.g. a body that is not an object). */
export class ApiError extends HttpException {
  constructor(status: number, error: string, description: string) {
    super({ error, error_description: description }, status);
  }
}

/** Fixed texts for Nest's and the body parser's failures (never their own message, which may quote the request). */
function describe(status: number): { error: string; error_description: string } {
  if (status === 404)
    return { error: "not_found", error_description: "No route matches this method and path" };
  if (status === 413) return { error: "invalid_request", error_description: "The request body is too large" };
  if (status === 415) {
    return {
      error: "invalid_request",
      error_description: "The request body's media type or encoding is not supported",
    };
  }
  if (status >= 400 && status < 500) {
    return { error: "invalid_request", error_description: "The request body is not valid JSON" };
  }
  return { error: "server_error", error_description: "The server failed to handle the request" };
}

/**
 * Every failure as JSON `{ error, error_description }`: scopegate's (400/401/403/503, with their
 * `WWW-Authenticate` or `Retry-After`) through the base class, everything else here. Registered
 * instead of the module's own filter (`exceptionFilter: false`), so one filter answers everything.
 */
@Catch()
export class CalendarErrorFilter extends ScopegateExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== "http" || isBearerError(exception)) return super.catch(exception, host);
    if (!(exception instanceof HttpException)) {
      // Neither an HTTP failure nor scopegate's: a bug. Logged here, never sent to the client.
      console.error(exception);
      this.send(host, { status: 500, headers: JSON_TYPE, body: describe(500) });
      return undefined;
    }
    const status = exception.getStatus();
    const body = exception instanceof ApiError ? exception.getResponse() : describe(status);
    this.send(host, { status, headers: JSON_TYPE, body });
    return undefined;
  }
}

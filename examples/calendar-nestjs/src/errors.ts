import { type ArgumentsHost, Catch, HttpException } from "@nestjs/common";
import { isBearerError, ScopegateExceptionFilter } from "@scopegate/nestjs";
import { failureForStatus } from "@scopegate-examples/calendar-common";

const JSON_TYPE = { "Content-Type": "application/json; charset=utf-8" };

/** A failure of this API with its own `{ error, error_description }` (e.g. a body that is not an object). */
export class ApiError extends HttpException {
  constructor(status: number, error: string, description: string) {
    super({ error, error_description: description }, status);
  }
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
      this.send(host, { status: 500, headers: JSON_TYPE, body: failureForStatus(500) });
      return undefined;
    }
    const status = exception.getStatus();
    const body = exception instanceof ApiError ? exception.getResponse() : failureForStatus(status);
    this.send(host, { status, headers: JSON_TYPE, body });
    return undefined;
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Injectable } from "@nestjs/common";
import { HttpAdapterHost } from "@nestjs/core";
import { type BearerError, type ErrorResponse, isBearerError, toErrorResponse } from "@scopegate/core";

/**
 * Matches scopegate errors from any installed copy of `@scopegate/core`: Nest picks filters with
 * `instanceof`, and this class answers it with `isBearerError`.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: `@Catch()` takes a class; only its `instanceof` hook matters.
export abstract class AnyBearerError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isBearerError(value);
  }
}

/** What an error filter sends: status, headers and a JSON body. */
export interface FilterResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const INTERNAL_ERROR: FilterResponse = {
  status: 500,
  headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  body: { error_description: "Internal server error" },
};

/**
 * Renders scopegate errors as RFC 6750 answers on both the Express and the Fastify platform:
 * the error's status (400, 401, 403 or 503), its headers (`WWW-Authenticate`, `Retry-After`),
 * `Content-Type: application/json` and the body `{ error, error_description }`.
 *
 * Registered as an `APP_FILTER` by `ScopegateModule` unless `exceptionFilter: false`. To change the
 * body, subclass it and override `toResponse`; a catch-all subclass (`@Catch()`) can call
 * `super.catch(...)` for scopegate errors and `this.send(...)` for its own. Outside HTTP (e.g.
 * GraphQL) it hands the error back to the framework.
 */
@Catch(AnyBearerError)
@Injectable()
export class ScopegateExceptionFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) protected readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== "http") return exception;
    this.send(host, isBearerError(exception) ? this.toResponse(exception) : INTERNAL_ERROR);
    return undefined;
  }

  /** The answer to a scopegate error. Default: `toErrorResponse(error)` from `@scopegate/core`. */
  protected toResponse(error: BearerError): FilterResponse | ErrorResponse {
    return toErrorResponse(error);
  }

  /** Sends a response through Nest's HTTP adapter, so it works on Express and Fastify alike. */
  protected send(host: ArgumentsHost, { status, headers, body }: FilterResponse): void {
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}

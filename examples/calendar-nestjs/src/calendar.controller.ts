import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Res } from "@nestjs/common";
import {
  Auth,
  Public,
  RequireAnyScope,
  RequireScopes,
  SCOPEGATE_VERIFIER,
  type VerifiedToken,
  type Verifier,
} from "@scopegate/nestjs";
import { authHealth } from "@scopegate-examples/calendar-common";
import { ApiError } from "./errors.js";
import { type CalendarEvent, EVENT_STORE, type EventStore } from "./events.js";

/**
 * The calendar service's routes (../../shared/conformance.md). The guard is global
 * (`guard: "global"`): every route needs a valid token unless it is `@Public()`.
 */
@Controller()
export class CalendarController {
  // Explicit @Inject: no reliance on emitted decorator metadata (esbuild does not emit it).
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SCOPEGATE_VERIFIER) private readonly verifier: Verifier,
  ) {}

  @Get("health")
  @Public()
  health() {
    return { ok: true };
  }

  /** 200 when every issuer has usable keys, 503 when one has none (Express and Fastify replies alike). */
  @Get("health/auth")
  @Public()
  async authHealth(@Res({ passthrough: true }) reply: { status(code: number): unknown }) {
    const { status, body } = await authHealth(this.verifier);
    reply.status(status);
    return body;
  }

  @Get("me")
  me(@Auth() token: VerifiedToken) {
    return {
      subject: token.subject ?? null,
      clientId: token.clientId ?? null,
      scopes: token.scopes,
      claims: token.claims,
    };
  }

  @Get("events")
  @RequireScopes("event.read")
  list() {
    return { events: this.events.list() };
  }

  @Post("events")
  @RequireScopes("event.create")
  create(@Body() body: unknown, @Headers("content-type") contentType: string | undefined): CalendarEvent {
    const isJson = /^application\/json\s*(;|$)/i.test(contentType ?? "");
    if (!isJson || typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new ApiError(400, "invalid_request", "The request body must be a JSON object");
    }
    return this.events.create(body as Record<string, unknown>);
  }

  @Delete("events/:id")
  @RequireScopes("event.create", "event.delete")
  @HttpCode(204)
  remove(@Param("id") id: string): void {
    this.events.remove(id);
  }

  @Get("reports")
  @RequireAnyScope("report.read", "admin")
  reports() {
    return { reports: [] };
  }
}

import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from "@nestjs/common";
import type { VerifiedToken } from "@scopegate/core";
import { Auth, Public, RequireAnyScope, RequireScopes, ScopegateGuard } from "../../src/index.js";

/** The calendar routes of the shared behaviour table, guarded per controller. */
@Controller()
@UseGuards(ScopegateGuard)
export class CalendarController {
  @Get("health")
  @Public()
  health() {
    return { ok: true };
  }

  @Get("me")
  me(@Auth() auth: VerifiedToken) {
    return { subject: auth.subject, clientId: auth.clientId ?? null, scopes: auth.scopes };
  }

  @Get("events")
  @RequireScopes("event.read")
  list() {
    return { events: [] };
  }

  @Post("events")
  @RequireScopes("event.create")
  @HttpCode(201)
  create() {
    return { id: "1" };
  }

  @Delete("events/:id")
  @RequireScopes("event.create", "event.delete")
  @HttpCode(204)
  remove(@Param("id") _id: string) {}

  @Get("reports")
  @RequireAnyScope("report.read", "admin")
  reports() {
    return { reports: [] };
  }
}

/** Class-level scopes, overridden per method. */
@Controller("admin")
@UseGuards(ScopegateGuard)
@RequireScopes("admin")
export class AdminController {
  @Get("stats")
  stats() {
    return { stats: true };
  }

  @Get("ping")
  @Public()
  ping() {
    return { pong: true };
  }

  @Get("audit")
  @RequireScopes("audit.read")
  audit() {
    return { audit: true };
  }
}

/** A public controller with one protected method. */
@Controller("open")
@UseGuards(ScopegateGuard)
@Public()
export class OpenController {
  @Get("info")
  info() {
    return { info: true };
  }

  @Get("secret")
  @RequireScopes("secret.read")
  secret(@Auth() auth: VerifiedToken) {
    return { subject: auth.subject };
  }
}

/** Routes without any guard of their own (for the global guard and misconfiguration tests). */
@Controller("plain")
export class PlainController {
  @Get("open")
  @Public()
  open() {
    return { open: true };
  }

  @Get("any")
  any(@Auth() auth: VerifiedToken | undefined) {
    return { subject: auth?.subject ?? null };
  }

  @Get("scoped")
  @RequireScopes("event.read")
  scoped() {
    return { scoped: true };
  }
}

import { Controller, Get, UseGuards } from "@nestjs/common";
import type { VerifiedToken } from "@scopegate/core";
import { runBehaviourTable, runDpopBehaviourTable } from "@scopegate-examples/conformance-suite";
import {
  Auth,
  OptionalAuth,
  RequireAnyScope,
  RequireScopes,
  ScopegateGuard,
  ScopegateModule,
} from "../src/index.js";
import { PLATFORMS, startApp } from "./support/app.js";

/** The routes of the adapters' shared behaviour table (examples/conformance-suite). */
@Controller()
@UseGuards(ScopegateGuard)
class TableController {
  @Get("me")
  me(@Auth() auth: VerifiedToken) {
    return { subject: auth.subject, clientId: auth.clientId, scopes: auth.scopes };
  }

  @Get("optional")
  @OptionalAuth()
  optional(@Auth() auth: VerifiedToken | undefined) {
    return { subject: auth?.subject ?? null };
  }

  @Get("all")
  @RequireScopes("event.create", "event.delete")
  all() {
    return { ok: true };
  }

  @Get("any")
  @RequireAnyScope("report.read", "admin")
  any() {
    return { ok: true };
  }

  @Get("scoped")
  @RequireScopes("event.read")
  scoped(@Auth() auth: VerifiedToken) {
    return { subject: auth.subject };
  }
}

for (const platform of PLATFORMS) {
  for (const run of [runBehaviourTable, runDpopBehaviourTable]) {
    run(`@scopegate/nestjs behaviour table on the ${platform} platform`, {
      start: (verifierOptions) =>
        startApp(platform, {
          imports: [ScopegateModule.forRoot({ ...verifierOptions, global: true })],
          controllers: [TableController],
        }),
    });
  }
}

import type { ExecutionContext } from "@nestjs/common";
import type { Reflector } from "@nestjs/core";

/** Where `@UseGuards()` records its guards: the value of `@nestjs/common`'s `GUARDS_METADATA`. */
const GUARDS_METADATA = "__guards__";

/**
 * Whether `@UseGuards()` on the route's handler or on its controller names `guard` (its class, or the
 * instance itself). A guard named in neither place was installed globally (`APP_GUARD`,
 * `app.useGlobalGuards`).
 */
export function isNamedOnRoute(reflector: Reflector, context: ExecutionContext, guard: object): boolean {
  for (const target of [context.getHandler(), context.getClass()]) {
    const guards = reflector.get<readonly unknown[] | undefined>(GUARDS_METADATA, target);
    if (guards?.some((entry) => entry === guard || entry === guard.constructor)) return true;
  }
  return false;
}

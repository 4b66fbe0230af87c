/**
 * Injection tokens. They are registered symbols (`Symbol.for`), so the ESM and CJS builds of this
 * package, if both get loaded, still agree on them.
 */

/** The module's options (`ScopegateOptions`), as given to `forRoot` or returned by `forRootAsync`'s factory. */
export const SCOPEGATE_OPTIONS: unique symbol = Symbol.for("scopegate.nestjs.options");

/**
 * The `Verifier` (from `@scopegate/core`) the guard uses. Override it in tests:
 * `Test.createTestingModule(...).overrideProvider(SCOPEGATE_VERIFIER).useValue(verifier)`.
 */
export const SCOPEGATE_VERIFIER: unique symbol = Symbol.for("scopegate.nestjs.verifier");

const WARNED = Symbol.for("scopegate.testing.productionWarning");

/** The `code` of the warning emitted when a test authority is created with `NODE_ENV=production`. */
export const PRODUCTION_WARNING_CODE = "SCOPEGATE_TESTING_IN_PRODUCTION";

/**
 * Emits a process warning, once per process (even with two copies of this package loaded), when a
 * test authority is created while `NODE_ENV` is `production`. A test authority mints tokens with
 * keys anyone holding the process can use: it belongs in devDependencies and test files only.
 */
export function warnIfProduction(): void {
  const env = typeof process === "object" ? process.env?.NODE_ENV : undefined;
  if (env !== "production") return;
  const flags = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (flags[WARNED]) return;
  flags[WARNED] = true;
  process.emitWarning(
    "@scopegate/testing created a test authority while NODE_ENV=production. It mints access tokens anyone can forge and must never be used in production code: keep it in devDependencies and test files.",
    { type: "SecurityWarning", code: PRODUCTION_WARNING_CODE },
  );
}

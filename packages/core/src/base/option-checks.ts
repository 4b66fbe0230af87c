/** Option validation shared by the JWKS cache and discovery: a `TypeError` naming the option and the fix. */
export function invalidOption(option: string, fix: string): never {
  throw new TypeError(`scopegate: invalid option \`${option}\`: ${fix}`);
}

/** A duration in milliseconds: a finite number `>= min`, or `fallback` when absent. */
export function checkMs(option: string, value: unknown, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    return invalidOption(option, `expected a finite number of milliseconds >= ${min}; got ${String(value)}.`);
  }
  return value;
}

/** A count: an integer `>= min`, or `fallback` when absent. */
export function checkCount(option: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min) {
    return invalidOption(option, `expected an integer >= ${min}; got ${String(value)}.`);
  }
  return value;
}

/** A function, or `undefined` when absent. */
export function checkFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== "function") invalidOption(option, "expected a function.");
  return value;
}

/** Calls an event hook without ever letting it throw (or reject) into the caller. */
export function emitSafely<E>(hook: ((event: E) => unknown) | undefined, event: E): void {
  if (hook === undefined) return;
  try {
    const result = hook(event);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      (result as PromiseLike<unknown>).then(undefined, () => {});
    }
  } catch {
    // A failing hook must not break verification.
  }
}

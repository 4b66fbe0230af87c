import { type BearerError, isBearerError } from "../../src/index.js";

/** The scopegate error `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function failure(promise: Promise<unknown>): Promise<BearerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isBearerError(outcome)) throw new Error(`expected a scopegate error, got ${String(outcome)}`);
  return outcome;
}

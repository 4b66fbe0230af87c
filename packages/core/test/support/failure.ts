import { type BearerError, isBearerError } from "../../src/index.js";

/** The scopegate error `promise` rejects with; fails the test on success or on any other rejection. */
export async function failure(promise: Promise<unknown>): Promise<BearerError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isBearerError(outcome)) throw new Error(`expected a scopegate error, got ${String(outcome)}`);
  return outcome;
}

/** A value, or a promise of it: what a step returns when it may have to wait (a fetch, a store). */
export type MaybePromise<T> = T | Promise<T>;

/** Runs `next` on `value` now when it is at hand, after it settles when it is a promise. */
export function andThen<T, R>(value: MaybePromise<T>, next: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

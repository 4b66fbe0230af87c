/** Records events from an `onEvent` hook and lets a test wait for the n-th event of a type. */
export function recorder<E extends { type: string }>() {
  const events: E[] = [];
  const waiters: { type: string; count: number; resolve: (event: E) => void }[] = [];
  const ofType = (type: string) => events.filter((e) => e.type === type);
  return {
    events,
    ofType,
    onEvent(event: E) {
      events.push(event);
      for (const waiter of [...waiters]) {
        const seen = ofType(waiter.type);
        if (seen.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(seen[waiter.count - 1]!);
        }
      }
    },
    /** Resolves with the `count`-th event of `type` (immediately if it already happened). */
    waitFor(type: E["type"], count = 1): Promise<E> {
      const seen = ofType(type);
      if (seen.length >= count) return Promise.resolve(seen[count - 1]!);
      return new Promise((resolve) => waiters.push({ type, count, resolve }));
    },
  };
}
